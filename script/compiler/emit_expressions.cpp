// Expressions: operators, literals, conditions (with Optional refinement), the ternary,
// comprehensions.
#include "script/compiler/emitter.h"
#include "script/compiler/schema_matching.h"
#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {
[[noreturn]] void fail(const SourceRange& loc, const std::string& message) { throw(ErrorReport(loc) << message).error(); }

Symbol binary_symbol(TokenKind op) {
  switch (op) {
    case TokenKind::Plus: return Symbol::aten("add");
    case TokenKind::Minus: return Symbol::aten("sub");
    case TokenKind::Star: return Symbol::aten("mul");
    case TokenKind::Slash: return Symbol::aten("div");
    case TokenKind::FloorDiv: return Symbol::aten("floordiv");
    case TokenKind::Percent: return Symbol::aten("remainder");
    case TokenKind::Pow: return Symbol::aten("pow");
    case TokenKind::At: return Symbol::aten("matmul");
    case TokenKind::Eq: return Symbol::aten("eq");
    case TokenKind::Ne: return Symbol::aten("ne");
    case TokenKind::Lt: return Symbol::aten("lt");
    case TokenKind::Gt: return Symbol::aten("gt");
    case TokenKind::Le: return Symbol::aten("le");
    case TokenKind::Ge: return Symbol::aten("ge");
    case TokenKind::Amp: return Symbol::aten("__and__");
    case TokenKind::Pipe: return Symbol::aten("__or__");
    case TokenKind::Caret: return Symbol::aten("__xor__");
    case TokenKind::LShift: return Symbol::aten("__lshift__");
    case TokenKind::RShift: return Symbol::aten("__rshift__");
    case TokenKind::In: return Symbol::aten("__contains__");
    case TokenKind::Is: return Symbol::aten("__is__");
    case TokenKind::IsNot: return Symbol::aten("__isnot__");
    default: return Symbol();
  }
}

enum class NoneStatus { Always, Maybe, Never };
NoneStatus can_be_none(Value* v) {
  if (v->type()->kind() == TypeKind::None) return NoneStatus::Always;
  if (v->type()->kind() == TypeKind::Optional) return NoneStatus::Maybe;
  return NoneStatus::Never;
}
}  // namespace

// ---- entry points ---------------------------------------------------------------------------------

Value* Emitter::emit_expr(const ExprPtr& e, const TypePtr& type_hint) {
  ErrorReport::update_pending_range(e->range);
  Value* out = emit_sugared_expr(e, 1, type_hint)->as_value(e->range, *this);
  // Any is the one annotation values are not unified to: cast explicitly.
  if (type_hint && type_hint->kind() == TypeKind::Any && out->type()->kind() != TypeKind::Any)
    out = graph_->insert_unchecked_cast(out, type_hint);
  return out;
}

SugaredValuePtr Emitter::emit_sugared_expr(const ExprPtr& e, size_t n_binders, const TypePtr& type_hint) {
  switch (e->kind) {
    case ExprKind::Var: return env_->get_sugared_var(e->name, e->range);
    case ExprKind::Select: {
      SugaredValuePtr base = emit_sugared_expr(e->base, 1);
      return base->attr(e->range, *this, e->name);
    }
    case ExprKind::Apply: return emit_apply(e, n_binders, type_hint);
    case ExprKind::Subscript: return emit_subscript(e, type_hint);
    default: return std::make_shared<SimpleValue>(emit_simple_expr(e, type_hint));
  }
}

Value* Emitter::emit_simple_expr(const ExprPtr& e, const TypePtr& type_hint) {
  switch (e->kind) {
    case ExprKind::Binary:
      switch (e->op) {
        case TokenKind::And:
        case TokenKind::Or:
        case TokenKind::Is:
        case TokenKind::IsNot: return emit_cond_expr(e).value;
        case TokenKind::NotIn: {
          Value* in = emit_binary_op(e);
          return emit_builtin_call(e->range, Symbol::aten("__not__"), {NamedValue(in)}, {});
        }
        default: return emit_binary_op(e);
      }
    case ExprKind::Unary:
      if (e->op == TokenKind::Not) return emit_cond_expr(e).value;
      if (e->op == TokenKind::Plus) return emit_expr(e->args[0]);
      return emit_unary_op(e);
    case ExprKind::Int:
    case ExprKind::Float: return emit_const(e);
    case ExprKind::True: return graph_->insert_constant(IValue(true), e->range);
    case ExprKind::False: return graph_->insert_constant(IValue(false), e->range);
    case ExprKind::None: return graph_->insert_constant(IValue(), e->range);
    case ExprKind::String: return graph_->insert_constant(IValue(e->name), e->range);
    case ExprKind::Ternary: return emit_ternary(e, type_hint);
    case ExprKind::List: return emit_list_literal(e, type_hint);
    case ExprKind::Tuple: {
      std::vector<Value*> values;
      for (const NamedValue& nv : get_named_values(e->args, true)) values.push_back(nv.value(*graph_));
      return graph_->insert_node(graph_->create_tuple(values))->output();
    }
    case ExprKind::Dict: return emit_dict_literal(e, type_hint);
    case ExprKind::ListComp: return emit_list_comprehension(e, type_hint);
    case ExprKind::Starred: fail(e->range, "Unexpected starred expansion. File a bug report");
    case ExprKind::Dots: fail(e->range, "'...' can only be used as a tensor index");
    case ExprKind::Slice: fail(e->range, "slices can only be used as subscripts");
    default: fail(e->range, "Cannot emit expr for: " + dump(e));
  }
}

Value* Emitter::emit_binary_op(const ExprPtr& e) {
  Symbol kind = binary_symbol(e->op == TokenKind::NotIn ? TokenKind::In : e->op);
  if (!kind.valid()) fail(e->range, std::string("unsupported operator ") + token_name(e->op));
  std::vector<NamedValue> args = get_named_values(e->args, false);
  if (e->op == TokenKind::In || e->op == TokenKind::NotIn) std::swap(args[0], args[1]);  // x in l: __contains__(l, x)
  return emit_builtin_call(e->range, kind, args, {});
}

Value* Emitter::emit_unary_op(const ExprPtr& e) {
  Symbol kind = e->op == TokenKind::Minus ? Symbol::aten("neg") : Symbol::aten("bitwise_not");
  Value* v = emit_builtin_call(e->range, kind, get_named_values(e->args, false), {});
  // -1 becomes the constant -1, as in PyTorch.
  if (v->node()->kind() != kind) return v;
  std::optional<std::vector<IValue>> out = run_node_if_inputs_are_constant(v->node());
  if (!out || out->size() != 1) return v;
  return graph_->insert_constant(out->at(0), e->range);
}

Value* Emitter::emit_const(const ExprPtr& e) {
  if (e->kind == ExprKind::Float) return materialize_constant(IValue(e->float_value), e->range);
  return materialize_constant(IValue(e->int_value), e->range);
}

Value* Emitter::emit_to_bool(const SourceRange& loc, Value* v) {
  Value* out;
  try {
    out = CastValue(Type::bool_(), Symbol::aten("Bool")).call(loc, *this, {NamedValue(loc, v)}, {}, 1)->as_value(loc, *this);
  } catch (const CompileError&) {
    fail(loc, "Could not cast value of type " + v->type()->repr_str() + " to bool");
  }
  if (!out->type()->is_subtype_of(Type::bool_()))
    fail(loc, "expected a bool expression for condition but found " + out->type()->repr_str());
  return out;
}

// ---- conditions -----------------------------------------------------------------------------------

CondValue Emitter::emit_cond_expr(const ExprPtr& e) {
  if (e->kind == ExprKind::Binary && (e->op == TokenKind::And || e->op == TokenKind::Or))
    return emit_short_circuit(e->range, e->args[0], e->args[1], e->op == TokenKind::Or);
  if (e->kind == ExprKind::Unary && e->op == TokenKind::Not) {
    CondValue v = emit_cond_expr(e->args[0]);
    Value* result = emit_builtin_call(e->range, Symbol::aten("__not__"), {NamedValue(v.value)}, {});
    std::optional<bool> static_if;
    if (v.static_if) static_if = !*v.static_if;
    return {result, v.refinements.Not(), static_if};
  }
  if (e->kind == ExprKind::Binary && (e->op == TokenKind::Is || e->op == TokenKind::IsNot)) {
    Value* lhs = emit_expr(e->args[0]);
    Value* rhs = emit_expr(e->args[1]);
    NoneStatus l = can_be_none(lhs), r = can_be_none(rhs);
    bool is = e->op == TokenKind::Is;
    if (l == NoneStatus::Always && r == NoneStatus::Always)
      return {graph_->insert_constant(IValue(is), e->range), {}, is};
    if ((l == NoneStatus::Always && r == NoneStatus::Never) || (l == NoneStatus::Never && r == NoneStatus::Always))
      return {graph_->insert_constant(IValue(!is), e->range), {}, !is};
    Value* cond = emit_builtin_call(e->range, binary_symbol(e->op), {NamedValue(lhs), NamedValue(rhs)}, {});
    // `x is None` / `x is not None` on a local refines Optional[T] to T in the branch.
    RefinementSet refinements;
    const ExprPtr* var = nullptr;
    Value* var_value = nullptr;
    if (e->args[1]->kind == ExprKind::None && e->args[0]->kind == ExprKind::Var) {
      var = &e->args[0];
      var_value = lhs;
    } else if (e->args[0]->kind == ExprKind::None && e->args[1]->kind == ExprKind::Var) {
      var = &e->args[1];
      var_value = rhs;
    }
    if (var && var_value->type()->kind() == TypeKind::Optional) {
      Refinement present{(*var)->name, var_value->type()->element()};
      if (is) refinements.false_refinements.push_back(present);
      else refinements.true_refinements.push_back(present);
    }
    return {cond, refinements, std::nullopt};
  }
  if (e->kind == ExprKind::Apply && e->base->kind == ExprKind::Var && e->base->name == "isinstance" &&
      !env_->find_in_any_frame("isinstance")) {
    if (e->args.size() != 2 || !e->kwargs.empty()) fail(e->range, "isinstance expected exactly 2 arguments but found " + std::to_string(e->args.size()));
    return emit_is_instance(e->args[0], e->args[1]);
  }
  Value* out = emit_to_bool(e->range, emit_expr(e));
  std::optional<bool> static_if;
  if (std::optional<IValue> c = out->constant()) static_if = c->to_bool();
  return {out, {}, static_if};
}

CondValue Emitter::emit_short_circuit(const SourceRange& loc, const ExprPtr& first, const ExprPtr& second, bool is_or) {
  CondValue lhs = emit_cond_expr(first);
  std::optional<CondValue> rhs;
  auto const_expr = [&] { return graph_->insert_constant(IValue(is_or), loc); };
  auto continue_expr = [&] {
    rhs = emit_cond_expr(second);
    return rhs->value;
  };
  Value* result;
  RefinementSet refinements;
  std::optional<bool> static_if;
  if (is_or) {
    result = emit_if_expr(loc, lhs, const_expr, continue_expr);
    refinements = lhs.refinements.Or(rhs->refinements);
    if ((lhs.static_if && *lhs.static_if) || (rhs->static_if && *rhs->static_if)) static_if = true;
    else if (lhs.static_if && rhs->static_if) static_if = *lhs.static_if || *rhs->static_if;
  } else {
    result = emit_if_expr(loc, lhs, continue_expr, const_expr);
    refinements = lhs.refinements.And(rhs->refinements);
    if ((lhs.static_if && !*lhs.static_if) || (rhs->static_if && !*rhs->static_if)) static_if = false;
    else if (lhs.static_if && rhs->static_if) static_if = *lhs.static_if && *rhs->static_if;
  }
  return {result, refinements, static_if};
}

Value* Emitter::emit_if_expr(const SourceRange& loc, const CondValue& cond, const std::function<Value*()>& true_expr,
                             const std::function<Value*()>& false_expr) {
  Node* n = graph_->insert_node(graph_->create(prim::If, {}, 0))->set_range(loc);
  n->add_input(cond.value);
  Block* true_block = n->add_block();
  Block* false_block = n->add_block();
  auto emit_branch = [&](Block* b, const RefinementSet& refinements, const std::function<Value*()>& expr) {
    push_frame(b);
    WithInsertPoint guard(*graph_, b);
    insert_refinements(loc, refinements);
    b->register_output(expr());
    pop_frame();
  };
  emit_branch(true_block, cond.refinements, true_expr);
  emit_branch(false_block, cond.refinements.Not(), false_expr);
  TypePtr t = true_block->outputs()[0]->type(), f = false_block->outputs()[0]->type();
  TypePtr unified = unify_types(t, f);
  if (!unified)
    fail(loc, "if-expression's true branch has type " + t->repr_str() + " but false branch has type " + f->repr_str());
  return n->add_output()->set_type(unified);
}

Value* Emitter::emit_ternary(const ExprPtr& e, const TypePtr& type_hint) {
  CondValue cond = emit_cond_expr(e->args[0]);
  if (cond.static_if) return emit_expr(*cond.static_if ? e->args[1] : e->args[2], type_hint);
  return emit_if_expr(e->range, cond, [&] { return emit_expr(e->args[1], type_hint); },
                      [&] { return emit_expr(e->args[2], type_hint); });
}

CondValue Emitter::emit_is_instance(const ExprPtr& obj, const ExprPtr& classinfo) {
  std::vector<TypePtr> types;
  std::function<void(const ExprPtr&)> gather = [&](const ExprPtr& c) {
    if (c->kind == ExprKind::Tuple) {
      for (const ExprPtr& x : c->args) gather(x);
      return;
    }
    types.push_back(parse_type(c));
  };
  gather(classinfo);
  Value* val = emit_expr(obj);
  RefinementSet refinement;
  if (types.size() == 1 && types[0]->is_subtype_of(val->type()) && obj->kind == ExprKind::Var)
    refinement.true_refinements.push_back({obj->name, types[0]});
  for (const TypePtr& t : types)
    if (val->type()->is_subtype_of(t)) return {graph_->insert_constant(IValue(true), obj->range), refinement, true};
  bool maybe = false;
  for (const TypePtr& t : types) {
    if (t->is_subtype_of(val->type())) maybe = true;
    if (val->type()->kind() == TypeKind::Any) maybe = true;
  }
  if (!maybe) return {graph_->insert_constant(IValue(false), obj->range), refinement, false};
  Node* n = graph_->insert_node(graph_->create(prim::isinstance, {val}, 1));
  n->tys_(attr::types, types);
  n->output()->set_type(Type::bool_());
  return {n->output(), refinement, std::nullopt};
}

// ---- literals -------------------------------------------------------------------------------------

Value* Emitter::emit_list_literal(const ExprPtr& e, const TypePtr& type_hint) {
  std::vector<Value*> values;
  for (const NamedValue& nv : get_named_values(e->args, true)) values.push_back(nv.value(*graph_));
  if (values.empty() && !type_hint) {
    // `[]` without a type: List[Tensor] unless an argument's type says otherwise (replaced by a
    // prim::ListConstruct after emission, as TorchScript's EmptyListLiteral).
    Node* n = graph_->insert_node(graph_->create(Symbol::prim("EmptyListLiteral"), {}, 1));
    n->output()->set_type(Type::list(Type::tensor()));
    return n->output();
  }
  TypePtr elem = Type::tensor();
  if (type_hint) {
    if (type_hint->kind() != TypeKind::List) fail(e->range, "Expected a List type hint but instead got " + type_hint->repr_str());
    elem = type_hint->element();
  } else if (!values.empty()) {
    elem = values[0]->type();
    for (size_t i = 1; i < values.size() && elem; ++i) elem = unify_types(elem, values[i]->type());
    if (!elem) fail(e->range, "Lists must contain only a single type\n");
  }
  for (Value* v : values)
    if (!v->type()->is_subtype_of(elem))
      fail(e->range, "Lists must contain only a single type, expected: " + elem->repr_str() + " but found " +
                         v->type()->repr_str() + " instead.\n");
  return graph_->insert_node(graph_->create_list(elem, values))->output();
}

Value* Emitter::emit_dict_literal(const ExprPtr& e, const TypePtr& type_hint) {
  std::vector<Value*> keys, values;
  for (size_t i = 0; i < e->args.size(); ++i) {
    keys.push_back(emit_expr(e->args[i]));
    values.push_back(emit_expr(e->values[i]));
  }
  TypePtr key_type, value_type;
  if (type_hint && type_hint->kind() == TypeKind::Dict) {
    key_type = type_hint->contained()[0];
    value_type = type_hint->contained()[1];
  } else if (keys.empty()) {
    key_type = Type::str_();
    value_type = Type::tensor();
  } else {
    key_type = keys[0]->type();
    value_type = values[0]->type();
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!keys[i]->type()->is_subtype_of(key_type))
      fail(e->args[i]->range, "Dict keys must contain only a single type, expected: " + key_type->repr_str() +
                                  " but found " + keys[i]->type()->repr_str() + " instead.\n");
    if (!values[i]->type()->is_subtype_of(value_type))
      fail(e->values[i]->range, "Dict values must contain only a single type, expected: " + value_type->repr_str() +
                                    " but found " + values[i]->type()->repr_str() + " instead.\n");
  }
  return graph_->insert_node(graph_->create_dict(key_type, value_type, keys, values))->output();
}

Value* Emitter::emit_list_comprehension(const ExprPtr& e, const TypePtr& type_hint) {
  const SourceRange& loc = e->range;
  Value* list = graph_->insert_node(graph_->create_list(Type::tensor(), {}))->output();
  bool type_set = false;
  if (type_hint) {
    if (type_hint->kind() != TypeKind::List)
      fail(loc, "Expected list type annotation for list comprehension, found " + type_hint->repr_str());
    list->set_type(type_hint);
    type_set = true;
  }
  // The comprehension's own scope: its variables do not leak.
  Node* scope = graph_->insert_node(graph_->create(prim::ComprehensionScope, {}, 0))->set_range(loc);
  Block* block = scope->add_block();
  push_frame(block);
  WithInsertPoint guard(*graph_, block);
  emit_for({e->args[0]}, e->args[1], loc, [&] {
    Value* out = emit_expr(e->base);
    if (!type_set) {
      list->set_type(Type::list(out->type()));
      type_set = true;
    }
    emit_builtin_call(loc, Symbol::aten("append"), {NamedValue(loc, "", out)}, {}, NamedValue(loc, "self", list));
  });
  pop_frame();
  return list;
}

std::vector<NamedValue> Emitter::get_named_values(const std::vector<ExprPtr>& exprs, bool maybe_unpack) {
  std::vector<NamedValue> values;
  for (const ExprPtr& e : exprs) {
    if (maybe_unpack && e->kind == ExprKind::Starred) {
      for (const SugaredValuePtr& item : emit_sugared_expr(e->args[0], 1)->as_tuple(e->range, *this))
        values.emplace_back(e->range, item->as_value(e->range, *this));
    } else {
      values.emplace_back(e->range, emit_expr(e));
    }
  }
  return values;
}

std::vector<NamedValue> Emitter::emit_attributes(const std::vector<std::pair<Ident, ExprPtr>>& kwargs) {
  std::vector<NamedValue> out;
  for (const auto& kv : kwargs) out.emplace_back(kv.first.range.merge(kv.second->range), kv.first.name, emit_expr(kv.second));
  return out;
}

Value* Emitter::emit_builtin_call(const SourceRange& loc, Symbol name, const std::vector<NamedValue>& args,
                                  const std::vector<NamedValue>& kwargs, const std::optional<NamedValue>& self) {
  return script::emit_builtin_call(loc, *graph_, name, args, kwargs, self);
}

std::optional<IValue> evaluate_constant_expression(const ExprPtr& e) {
  switch (e->kind) {
    case ExprKind::Int: return IValue(e->int_value);
    case ExprKind::Float: return IValue(e->float_value);
    case ExprKind::String: return IValue(e->name);
    case ExprKind::True: return IValue(true);
    case ExprKind::False: return IValue(false);
    case ExprKind::None: return IValue();
    case ExprKind::Unary:
      if (e->op == TokenKind::Minus) {
        std::optional<IValue> v = evaluate_constant_expression(e->args[0]);
        if (v && v->is_int()) return IValue(-v->to_int());
        if (v && v->is_double()) return IValue(-v->to_double());
      }
      return std::nullopt;
    case ExprKind::Tuple:
    case ExprKind::List: {
      std::vector<IValue> items;
      for (const ExprPtr& x : e->args) {
        std::optional<IValue> v = evaluate_constant_expression(x);
        if (!v) return std::nullopt;
        items.push_back(*v);
      }
      if (e->kind == ExprKind::Tuple) return IValue::tuple(std::move(items));
      bool all_int = !items.empty(), all_float = !items.empty();
      for (const IValue& v : items) {
        all_int &= v.is_int();
        all_float &= v.is_double();
      }
      if (all_int) {
        std::vector<int64_t> ints;
        for (const IValue& v : items) ints.push_back(v.to_int());
        return IValue(std::move(ints));
      }
      if (all_float) {
        std::vector<double> floats;
        for (const IValue& v : items) floats.push_back(v.to_double());
        return IValue(std::move(floats));
      }
      return IValue(std::move(items));
    }
    default: return std::nullopt;
  }
}

}  // namespace script
}  // namespace ember
