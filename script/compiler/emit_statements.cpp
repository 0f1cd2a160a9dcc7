// Statements: if/while/for, assignments, return/raise/assert, break/continue, del.
#include <limits>

#include "script/compiler/emitter.h"
#include "script/compiler/schema_matching.h"

namespace ember {
namespace script {

namespace {
[[noreturn]] void fail(const SourceRange& loc, const std::string& message) { throw(ErrorReport(loc) << message).error(); }
}  // namespace

void Emitter::emit_statements(const std::vector<StmtPtr>& stmts) {
  for (const StmtPtr& s : stmts) {
    ErrorReport::update_pending_range(s->range);
    switch (s->kind) {
      case StmtKind::If: emit_if(s); break;
      case StmtKind::While: emit_while(s); break;
      case StmtKind::For: emit_for(s); break;
      case StmtKind::Assign: emit_assignment(s); break;
      case StmtKind::AugAssign: emit_aug_assignment(s); break;
      case StmtKind::ExprStmt: emit_sugared_expr(s->value, 0); break;
      case StmtKind::Raise: emit_raise(s); break;
      case StmtKind::Assert: emit_assert(s); break;
      case StmtKind::Return: emit_return(s); break;
      case StmtKind::Break:
      case StmtKind::Continue: emit_break_continue(s); break;
      case StmtKind::Pass:
      case StmtKind::Import: break;
      case StmtKind::Delete: emit_delete(s); break;
      case StmtKind::Def: fail(s->range, "nested function definitions are not supported");
      case StmtKind::Class: fail(s->range, "class definitions inside functions are not supported");
    }
    // Code after a return/raise in this block is unreachable; it is not emitted.
    if (exit_blocks_.count(env_->block)) return;
  }
}

// ---- if ---------------------------------------------------------------------------------------

void Emitter::emit_if(const StmtPtr& s) {
  CondValue cond = emit_cond_expr(s->value);
  emit_if_else_blocks(s->range, cond, s->body, s->orelse);
}

void Emitter::insert_refinements(const SourceRange& loc, const RefinementSet& refinements) {
  for (const Refinement& r : refinements.true_refinements) {
    Value* v = env_->get_var(r.name, loc);
    Value* cast = graph_->insert_unchecked_cast(v, r.type);
    env_->set_var(loc, r.name, cast);
  }
}

std::shared_ptr<Environment> Emitter::emit_single_if_branch(Block* b, const std::vector<StmtPtr>& branch,
                                                            const RefinementSet& refinements) {
  push_frame(b);
  WithInsertPoint guard(*graph_, b);
  SourceRange range = branch.empty() ? SourceRange() : branch.front()->range.merge(branch.back()->range);
  insert_refinements(range, refinements);
  emit_statements(branch);
  return pop_frame();
}

void Emitter::emit_if_else_blocks(const SourceRange& loc, const CondValue& cond, const std::vector<StmtPtr>& true_branch,
                                  const std::vector<StmtPtr>& false_branch) {
  // A condition known at compile time emits only the branch taken.
  if (cond.static_if) {
    if (*cond.static_if) {
      insert_refinements(loc, cond.refinements);
      emit_statements(true_branch);
    } else {
      insert_refinements(loc, cond.refinements.Not());
      emit_statements(false_branch);
    }
    return;
  }
  Node* n = graph_->insert_node(graph_->create(prim::If, {}, 0))->set_range(loc);
  n->add_input(cond.value);
  Block* true_block = n->add_block();
  Block* false_block = n->add_block();
  auto save_true = emit_single_if_branch(true_block, true_branch, cond.refinements);
  auto save_false = emit_single_if_branch(false_block, false_branch, cond.refinements.Not());
  bool true_exits = exit_blocks_.count(true_block) > 0;
  bool false_exits = exit_blocks_.count(false_block) > 0;
  if (true_exits && false_exits) exit_blocks_.insert(n->owning_block());

  // A variable assigned in one branch escapes the if only when the other branch defines it
  // too (or exits); otherwise using it later is an error, reported at the use.
  std::set<std::string> mutated;
  for (const std::string& v : save_true->defined_variables()) {
    WithInsertPoint insert(*graph_, false_block);
    if (save_false->find_in_any_frame(v) || false_exits) {
      mutated.insert(v);
    } else {
      auto report = std::make_shared<ErrorReport>(loc);
      *report << v << " is not defined in the false branch";
      env_->set_variable_type_error(v, [report] { return report->what(); });
    }
  }
  for (const std::string& v : save_false->defined_variables()) {
    WithInsertPoint insert(*graph_, true_block);
    if (save_true->find_in_any_frame(v) || true_exits) {
      mutated.insert(v);
    } else {
      auto report = std::make_shared<ErrorReport>(loc);
      *report << v << " is not defined in the true branch";
      env_->set_variable_type_error(v, [report] { return report->what(); });
    }
  }
  for (const std::string& x : mutated) {
    Value* tv = nullptr;
    Value* fv = nullptr;
    {
      WithInsertPoint insert(*graph_, true_block);
      if (!true_exits) tv = save_true->get_var(x, loc);
    }
    {
      WithInsertPoint insert(*graph_, false_block);
      if (!false_exits) fv = save_false->get_var(x, loc);
    }
    if (true_exits && false_exits) continue;
    if (true_exits) {
      tv = graph_->create_uninitialized(fv->type())->insert_before(true_block->return_node())->output();
      graph_->create_store(x, tv)->insert_before(true_block->return_node());
    } else if (false_exits) {
      fv = graph_->create_uninitialized(tv->type())->insert_before(false_block->return_node())->output();
      graph_->create_store(x, fv)->insert_before(false_block->return_node());
    }
    // PyTorch looks the variable up here (for its declared type, to allow unions, which ember
    // lacks); the lookup inserts a named Load, and doing the same keeps value names equal.
    env_->find_in_any_frame(x);
    TypePtr unified = unify_types(tv->type(), fv->type());
    if (!unified) {
      auto report = std::make_shared<ErrorReport>(loc);
      *report << "Type mismatch: " << x << " is set to type " << tv->type()->repr_str() << " in the true branch"
              << " and type " << fv->type()->repr_str() << " in the false branch";
      if (save_true->find_in_parent_frame(x) || save_false->find_in_parent_frame(x)) throw report->error();
      env_->set_variable_type_error(x, [report] { return report->what(); });
      continue;
    }
    env_->set_type(x, unified);
  }
}

// ---- loops ----------------------------------------------------------------------------------------

void Emitter::emit_while(const StmtPtr& s) {
  emit_loop_common(s->range, [&] { emit_statements(s->body); }, nullptr, nullptr, s->value);
}

void Emitter::emit_for(const StmtPtr& s) {
  emit_for(s->targets, s->value, s->range, [&] { emit_statements(s->body); });
}

void Emitter::emit_for(const std::vector<ExprPtr>& targets, const ExprPtr& iterable, const SourceRange& loc,
                       const std::function<void()>& body) {
  SugaredValuePtr sv = emit_sugared_expr(iterable, 1);
  SugaredValuePtr it = sv->iter(loc, *this);
  if (it->emit_unrolled()) emit_unrolled_loop(loc, body, it, targets);
  else emit_loop_common(loc, body, it, &targets, nullptr);
}

void Emitter::emit_loop_common(const SourceRange& range, const std::function<void()>& body, const SugaredValuePtr& iter,
                               const std::vector<ExprPtr>* targets, const ExprPtr& cond) {
  Value* max_trip_count = iter ? iter->len(range, *this)
                               : materialize_constant(IValue(std::numeric_limits<int64_t>::max()), range);
  Node* n = graph_->insert_node(graph_->create(prim::Loop, {}, 0))->set_range(range);
  Block* body_block = n->add_block();
  {
    Block* condition_block = n->add_block();
    push_frame(condition_block);
    Value* out;
    if (cond) {
      WithInsertPoint insert(*graph_, condition_block);
      out = emit_to_bool(cond->range, emit_expr(cond));
    } else {
      WithInsertPoint insert(*graph_, n);
      out = graph_->insert_constant(IValue(true), range);
    }
    condition_block->register_output(out);
    pop_frame();
  }
  n->add_input(max_trip_count);
  LoopStatus saved = loop_status_;
  loop_status_ = LoopStatus::InLoop;
  Value* trip_count = body_block->add_input()->set_type(Type::int_());
  {
    push_frame(body_block);
    WithInsertPoint guard(*graph_, body_block);
    if (iter && targets) {
      Value* current = iter->getitem(range, *this, trip_count)->as_value(range, *this);
      std::vector<ExprPtr> lhs = *targets;
      if (lhs.size() > 1) {  // for a, b in pairs: assign the element to the tuple (a, b)
        auto tuple = std::make_shared<Expr>();
        tuple->kind = ExprKind::Tuple;
        tuple->range = range;
        tuple->args = lhs;
        lhs = {tuple};
      }
      emit_exprs_assign(lhs, {std::make_shared<SimpleValue>(current)}, range);
    }
    body();
    pop_frame();
  }
  loop_status_ = saved;
}

void Emitter::emit_unrolled_loop(const SourceRange& loc, const std::function<void()>& body,
                                 const SugaredValuePtr& iterable, const std::vector<ExprPtr>& targets) {
  int64_t n = *iterable->static_len();
  LoopStatus saved = loop_status_;
  loop_status_ = LoopStatus::InUnrolledLoop;
  for (int64_t i = 0; i < n; ++i) {
    Value* index = materialize_constant(IValue(i), loc);
    SugaredValuePtr item = iterable->getitem(loc, *this, index);
    emit_exprs_assign(targets, {item}, loc);
    body();
  }
  loop_status_ = saved;
}

void Emitter::emit_break_continue(const StmtPtr& s) {
  const char* what = s->kind == StmtKind::Break ? "break" : "continue";
  if (loop_status_ == LoopStatus::NotInLoop) fail(s->range, std::string("SyntaxError: '") + what + "' outside loop");
  if (loop_status_ == LoopStatus::InUnrolledLoop)
    fail(s->range,
         "Because we emit iteration over modulelists or tuples as unrolled loops, we do not support break or continue "
         "inside the body of these loops");
  graph_->insert_node(graph_->create(s->kind == StmtKind::Break ? prim::BreakStmt : prim::ContinueStmt, {}, 0))
      ->set_range(s->range);
}

// ---- assignment ---------------------------------------------------------------------------------

void Emitter::emit_assignment(const StmtPtr& s) {
  if (!s->value) fail(s->range, "For an assignment, expected an expression on the right-hand side");
  if (s->targets.size() == 1) return emit_single_assignment(s->targets[0], s->value, s->annotation, s->range);
  // a = b = expr: expr once, then each target from left to right.
  std::string tmp = "$tmp_assign_" + std::to_string(temp_name_count_++);
  env_->set_sugared_var(s->value->range, tmp, emit_sugared_expr(s->value, 1), nullptr);
  ExprPtr ident = make_var(tmp, s->value->range);
  for (const ExprPtr& target : s->targets) emit_single_assignment(target, ident, nullptr, s->range);
}

void Emitter::emit_single_assignment(const ExprPtr& lhs, const ExprPtr& rhs, const ExprPtr& annotation,
                                     const SourceRange& range) {
  switch (lhs->kind) {
    case ExprKind::Var: {
      TypePtr type = annotation ? parse_type(annotation) : nullptr;
      SugaredValuePtr value = emit_sugared_expr(rhs, 1, type);
      env_->set_sugared_var(lhs->range, lhs->name, value, type);
      return;
    }
    case ExprKind::Tuple: {
      size_t n = lhs->args.size();
      SugaredValuePtr value = emit_sugared_expr(rhs, n);
      emit_tuple_assign(lhs, value, rhs->range, n);
      return;
    }
    case ExprKind::Select: {
      TypePtr hint = annotation ? parse_type(annotation) : nullptr;
      SugaredValuePtr obj = emit_sugared_expr(lhs->base, 1);
      Value* v = emit_sugared_expr(rhs, 1, hint)->as_value(rhs->range, *this);
      obj->set_attr(range, *this, lhs->name, v);
      return;
    }
    case ExprKind::Subscript:
      emit_subscript_assign(range, lhs, NamedValue(rhs->range, emit_expr(rhs)));
      return;
    default:
      fail(lhs->range, "unexpected expression on left-hand side of assignment");
  }
}

void Emitter::emit_tuple_assign(const ExprPtr& tuple, const SugaredValuePtr& rhs, const SourceRange& rhs_loc,
                                size_t n_binders) {
  for (const ExprPtr& e : tuple->args)
    if (e->kind == ExprKind::Starred) fail(e->range, "starred assignment is not supported");
  std::vector<SugaredValuePtr> outputs = rhs->as_tuple(rhs_loc, *this, n_binders);
  if (outputs.size() < n_binders)
    fail(tuple->range, "need " + std::to_string(n_binders) + " values to unpack but found only " + std::to_string(outputs.size()));
  if (outputs.size() > n_binders)
    fail(tuple->range, "too many values to unpack: need " + std::to_string(n_binders) + " but found " +
                           std::to_string(outputs.size()));
  emit_exprs_assign(tuple->args, outputs, rhs_loc);
}

void Emitter::emit_exprs_assign(const std::vector<ExprPtr>& lhs, const std::vector<SugaredValuePtr>& outputs,
                                const SourceRange& rhs_loc) {
  for (size_t i = 0; i < lhs.size(); ++i) {
    const ExprPtr& target = lhs[i];
    switch (target->kind) {
      case ExprKind::Var: env_->set_sugared_var(target->range, target->name, outputs.at(i), nullptr); break;
      case ExprKind::Subscript:
        emit_subscript_assign(rhs_loc, target, NamedValue(rhs_loc, outputs.at(i)->as_value(rhs_loc, *this)));
        break;
      case ExprKind::Tuple: emit_tuple_assign(target, outputs.at(i), rhs_loc, target->args.size()); break;
      default: fail(target->range, "unexpected expression on the left-hand side");
    }
  }
}

void Emitter::emit_subscript_assign(const SourceRange& stmt_range, const ExprPtr& lhs, const NamedValue& rhs) {
  Value* sliceable = emit_expr(lhs->base);
  if (sliceable->type()->is_subtype_of(Type::tensor())) {
    auto [sliced, tensor_indices] = emit_int_and_slice_indexing(lhs->range, sliceable, lhs->args);
    if (!tensor_indices.empty()) fail(lhs->range, "indexing assignment with tensors is not supported");
    Value* value = rhs.value(*graph_);
    if (value->type()->kind() == TypeKind::Int || value->type()->kind() == TypeKind::Float ||
        value->type()->kind() == TypeKind::Bool || value->type()->kind() == TypeKind::Number) {
      // t[i] = 1.5: a tensor of the destination's dtype and device.
      Value* dtype = insert_op(*graph_, Symbol::prim("dtype"), {sliced});
      Value* device = insert_op(*graph_, Symbol::prim("device"), {sliced});
      value = emit_builtin_call(stmt_range, Symbol::aten("tensor"), {NamedValue(value)},
                                {NamedValue(SourceRange(), "dtype", dtype), NamedValue(SourceRange(), "device", device)});
    }
    emit_builtin_call(stmt_range, Symbol::aten("copy_"), {NamedValue(lhs->range, sliced), NamedValue(rhs.loc, value)}, {});
    return;
  }
  if (lhs->args.size() != 1 || lhs->args[0]->kind == ExprKind::Slice)
    fail(lhs->range, "Sliced expression not yet supported for subscripted assignment. File a bug if you want this");
  if (sliceable->type()->kind() == TypeKind::Tuple)
    fail(lhs->range, sliceable->type()->repr_str() + " does not support subscripted assignment");
  std::vector<NamedValue> args{NamedValue(lhs->base->range, "self", sliceable),
                               NamedValue(lhs->args[0]->range, "idx", emit_expr(lhs->args[0])), rhs};
  emit_builtin_call(stmt_range, Symbol::aten("_set_item"), args, {});
}

void Emitter::emit_aug_assignment(const StmtPtr& s) {
  const ExprPtr& lhs = s->targets[0];
  auto aug_op = [&](const TypePtr& type) -> Symbol {
    bool in_place = type->is_subtype_of(Type::tensor()) || type->kind() == TypeKind::List;
    switch (s->op) {
      case TokenKind::Plus: return Symbol::aten(in_place ? "add_" : "add");
      case TokenKind::Minus: return Symbol::aten(in_place ? "sub_" : "sub");
      case TokenKind::Star: return Symbol::aten(in_place ? "mul_" : "mul");
      case TokenKind::Slash: return Symbol::aten(in_place ? "div_" : "div");
      case TokenKind::Percent: return Symbol::aten(in_place ? "fmod_" : "fmod");
      case TokenKind::Pipe: return Symbol::aten(in_place ? "bitwise_or" : "__or__");
      case TokenKind::Amp: return Symbol::aten(in_place ? "bitwise_and" : "__and__");
      case TokenKind::Caret: return Symbol::aten(in_place ? "bitwise_xor" : "__xor__");
      case TokenKind::LShift: return Symbol::aten("__lshift__");
      case TokenKind::RShift: return Symbol::aten(in_place ? "__irshift__" : "__rshift__");
      case TokenKind::Pow: return Symbol::aten("pow");
      case TokenKind::FloorDiv: return Symbol::aten("floordiv");
      default: fail(s->range, std::string("Unknown augmented assignment: ") + token_name(s->op));
    }
  };
  auto helper = [&](Value* current) {
    Value* rhs = emit_expr(s->value);
    return emit_builtin_call(s->range, aug_op(current->type()), {NamedValue(current), NamedValue(s->value->range, rhs)}, {});
  };
  switch (lhs->kind) {
    case ExprKind::Var: {
      Value* current = emit_expr(lhs);
      env_->set_var(lhs->range, lhs->name, helper(current));
      return;
    }
    case ExprKind::Select: {
      SugaredValuePtr obj = emit_sugared_expr(lhs->base, 1);
      Value* current = obj->attr(lhs->range, *this, lhs->name)->as_value(lhs->range, *this);
      obj->set_attr(s->range, *this, lhs->name, helper(current));
      return;
    }
    case ExprKind::Subscript: {
      Value* sliceable = emit_expr(lhs->base);
      if (sliceable->type()->is_subtype_of(Type::tensor())) {
        auto [sliced, tensor_indices] = emit_int_and_slice_indexing(lhs->range, sliceable, lhs->args);
        if (!tensor_indices.empty()) fail(lhs->range, "augmented assignment with tensor indices is not supported");
        Value* rhs = emit_expr(s->value);
        emit_builtin_call(s->range, aug_op(sliceable->type()), {NamedValue(lhs->range, "self", sliced), NamedValue(rhs)}, {});
        return;
      }
      if (lhs->args.size() != 1) fail(lhs->range, "Sliced expression not yet supported for augmented assignment");
      TypePtr elem;
      if (sliceable->type()->kind() == TypeKind::List) elem = sliceable->type()->element();
      else if (sliceable->type()->kind() == TypeKind::Dict) elem = sliceable->type()->contained()[1];
      else fail(lhs->range, sliceable->type()->repr_str() + " does not support augmented assignment.");
      Value* idx = emit_expr(lhs->args[0]);
      Value* value = emit_expr(s->value);
      Value* item = emit_builtin_call(s->range, Symbol::aten("__getitem__"), {NamedValue(sliceable), NamedValue(idx)}, {});
      Value* updated = emit_builtin_call(s->range, aug_op(elem), {NamedValue(item), NamedValue(value)}, {});
      emit_builtin_call(s->range, Symbol::aten("_set_item"), {NamedValue(sliceable), NamedValue(idx), NamedValue(updated)}, {});
      return;
    }
    default: fail(lhs->range, "unexpected expression on left-hand side of augmented assignment");
  }
}

// ---- exits ------------------------------------------------------------------------------------

void Emitter::emit_return(const StmtPtr& s) {
  TypePtr result_type = def_stack_.back().declared_return_type;
  ExprPtr value = s->value;
  if (!value) {
    auto none = std::make_shared<Expr>();
    none->kind = ExprKind::None;
    none->range = s->range;
    value = none;
  }
  Value* result = emit_expr(value, result_type);
  if (result_type) {
    // A missing return of a Tensor function is not silently converted from None.
    if (!(result_type->is_subtype_of(Type::tensor()) && result->type()->kind() == TypeKind::None))
      result = try_convert_to_type(s->range, *graph_, result_type, result, /*allow_conversions=*/true);
    if (!result->type()->is_subtype_of(result_type))
      fail(s->range, "Return value was annotated as having type " + result_type->repr_str() + " but is actually of type " +
                         result->type()->repr_str());
  } else {
    result_type = def_stack_.back().merged_return_type;
    if (!result_type) result_type = result->type();
    TypePtr merged = unify_types(result_type, result->type());
    if (!merged)
      fail(s->range, "Previous return statement returned a value of type " + result_type->repr_str() +
                         " but this return statement returns a value of type " + result->type()->repr_str());
    result_type = merged;
  }
  def_stack_.back().merged_return_type = result_type;
  graph_->insert_node(graph_->create(prim::ReturnStmt, {result}, 0));
  exit_blocks_.insert(env_->block);
}

void Emitter::emit_raise(const StmtPtr& s) {
  if (!s->value) fail(s->range, "bare 'raise' (re-raising) is not supported");
  SugaredValuePtr sv = emit_sugared_expr(s->value, 1);
  Value* message;
  Value* cls;
  if (auto* m = dynamic_cast<ExceptionMessageValue*>(sv.get())) {
    message = m->message;
    // The class-less form fills the schema's None default, so (as in PyTorch) it has no source range.
    cls = m->qualified_class.empty() ? graph_->insert_constant(IValue(), SourceRange())
                                     : graph_->insert_constant(IValue(m->qualified_class), s->value->base ? s->value->base->range : s->range);
  } else if (dynamic_cast<ExceptionValue*>(sv.get())) {
    // A bare class (raise ValueError): an empty message and, as in PyTorch 1.13, no class name,
    // so it surfaces as a RuntimeError.
    message = graph_->insert_constant(IValue(std::string()), s->range);
    cls = graph_->insert_constant(IValue(), SourceRange());
  } else {
    fail(s->range, "exceptions must derive from BaseException");
  }
  if (message->type()->kind() != TypeKind::Str) message = insert_op(*graph_, Symbol::aten("str"), {message}, s->range);
  Node* raise_node = graph_->insert_node(graph_->create(prim::RaiseException, {message, cls}, 0))->set_range(s->range);
  if (std::optional<OperatorHandle> op = Dispatcher::singleton().find("prim::RaiseException")) raise_node->set_op(*op);
  exit_blocks_.insert(env_->block);
}

void Emitter::emit_assert(const StmtPtr& s) {
  CondValue cond = emit_cond_expr(s->value);
  // if cond: pass  else: raise AssertionError(msg)
  ExprPtr message = s->msg ? s->msg : make_string("", s->range);
  auto raise = std::make_shared<Stmt>();
  raise->kind = StmtKind::Raise;
  raise->range = s->range;
  raise->value = make_apply(make_var("AssertionError", s->range), {message}, s->range);
  emit_if_else_blocks(s->range, cond, {}, {raise});
}

void Emitter::emit_delete(const StmtPtr& s) {
  for (const ExprPtr& target : s->targets) {
    if (target->kind == ExprKind::Var) {
      if (!env_->find_in_any_frame(target->name)) throw(ErrorReport(target->range) << "undefined value " << target->name).error();
      env_->remove_var(target->name);
    } else if (target->kind == ExprKind::Subscript && target->args.size() == 1 && target->args[0]->kind != ExprKind::Slice) {
      Value* obj = emit_expr(target->base);
      Value* idx = emit_expr(target->args[0]);
      emit_builtin_call(target->range, Symbol::aten("Delete"), {NamedValue(obj), NamedValue(idx)}, {});
    } else {
      fail(target->range, "del statements are only supported for deleting list and dict items and variables");
    }
  }
}

}  // namespace script
}  // namespace ember
