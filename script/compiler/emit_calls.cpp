// Calls, special forms (range, isinstance, annotate, getattr, ...), subscripts and slicing,
// and type annotations.
#include <functional>

#include "script/compiler/emitter.h"
#include "script/compiler/schema_matching.h"

namespace ember {
namespace script {

namespace {
[[noreturn]] void fail(const SourceRange& loc, const std::string& message) { throw(ErrorReport(loc) << message).error(); }

void check_num_inputs(const ExprPtr& apply, const std::string& name, size_t expected) {
  if (apply->args.size() != expected)
    fail(apply->range, name + " expected exactly " + std::to_string(expected) + " arguments but found " +
                           std::to_string(apply->args.size()));
  if (!apply->kwargs.empty()) fail(apply->range, name + " takes no keyword arguments");
}
}  // namespace

SugaredValuePtr Emitter::emit_apply(const ExprPtr& e, size_t n_binders, const TypePtr& type_hint) {
  SugaredValuePtr callee = emit_sugared_expr(e->base, 1);
  if (auto* special = dynamic_cast<SpecialFormValue*>(callee.get())) return emit_special_form(special->form, e, type_hint);
  std::vector<NamedValue> args = get_named_values(e->args, true);
  std::vector<NamedValue> kwargs = emit_attributes(e->kwargs);
  return callee->call(e->base->range, *this, args, kwargs, n_binders);
}

SugaredValuePtr Emitter::emit_special_form(const std::string& form, const ExprPtr& apply, const TypePtr& type_hint) {
  const SourceRange& loc = apply->range;
  if (form == "range") {
    std::vector<Value*> inputs;
    for (const NamedValue& nv : get_named_values(apply->args, true)) inputs.push_back(nv.value(*graph_));
    return std::make_shared<RangeValue>(loc, *this, inputs);
  }
  if (form == "isinstance") {
    check_num_inputs(apply, "isinstance", 2);
    return std::make_shared<SimpleValue>(emit_is_instance(apply->args[0], apply->args[1]).value);
  }
  if (form == "hasattr" || form == "getattr") {
    check_num_inputs(apply, form, 2);
    SugaredValuePtr obj = emit_sugared_expr(apply->args[0], 1);
    if (apply->args[1]->kind != ExprKind::String) fail(loc, form + "'s second argument must be a string literal");
    const std::string& name = apply->args[1]->name;
    if (form == "getattr") return obj->attr(loc, *this, name);
    return std::make_shared<SimpleValue>(graph_->insert_constant(IValue(obj->has_attr(apply->args[0]->range, *this, name)), loc));
  }
  if (form == "annotate") {
    check_num_inputs(apply, "annotate", 2);
    TypePtr type = parse_type(apply->args[0]);
    Value* v = try_convert_to_type(loc, *graph_, type, emit_expr(apply->args[1], type), true);
    if (!v->type()->is_subtype_of(type))
      fail(apply->args[1]->range, "expected an expression of type " + type->repr_str() + " but found " + v->type()->repr_str());
    // annotate(Optional[T], None) keeps T: a None constant typed Optional[T].
    if (type->kind() == TypeKind::Optional && v->type()->kind() == TypeKind::None) {
      Node* none = graph_->insert_node(graph_->create_none());
      none->output()->set_type(type);
      v = none->output();
    }
    return std::make_shared<SimpleValue>(v);
  }
  if (form == "unchecked_cast") {
    check_num_inputs(apply, "unchecked_cast", 2);
    TypePtr type = parse_type(apply->args[0]);
    Value* v = emit_expr(apply->args[1]);
    if (v->node()->kind() != prim::unchecked_cast || !v->type()->equals(*type)) v = graph_->insert_unchecked_cast(v, type);
    return std::make_shared<SimpleValue>(v);
  }
  if (form == "uninitialized") {  // what the code printer writes for a value a branch never sets
    check_num_inputs(apply, "uninitialized", 1);
    TypePtr type = parse_type(apply->args[0]);
    return std::make_shared<SimpleValue>(graph_->insert_node(graph_->create_uninitialized(type))->output());
  }
  if (form == "is_scripting") return std::make_shared<SimpleValue>(graph_->insert_constant(IValue(true), loc));
  if (form == "tuple") {
    check_num_inputs(apply, "tuple", 1);
    std::vector<Value*> values;
    for (const SugaredValuePtr& item : emit_sugared_expr(apply->args[0], 1)->as_tuple(loc, *this))
      values.push_back(item->as_value(loc, *this));
    return std::make_shared<SimpleValue>(graph_->insert_node(graph_->create_tuple(values))->output());
  }
  if (form == "list") {
    if (apply->args.empty()) {
      TypePtr type = type_hint ? type_hint : Type::list(Type::tensor());
      if (type->kind() != TypeKind::List) fail(loc, "Expected list type annotation for list(), found " + type->repr_str());
      return std::make_shared<SimpleValue>(graph_->insert_node(graph_->create_list(type->element(), {}))->output());
    }
    check_num_inputs(apply, "list", 1);
    Value* v = emit_expr(apply->args[0]);
    if (v->type()->kind() != TypeKind::List) fail(loc, "list() of a " + v->type()->repr_str() + " is not supported");
    return std::make_shared<SimpleValue>(emit_builtin_call(loc, Symbol::aten("list"), {NamedValue(loc, v)}, {}));
  }
  if (form == "dict") {
    if (!apply->args.empty() || !apply->kwargs.empty()) fail(loc, "dict() with arguments is not supported; use a {} literal");
    TypePtr type = type_hint ? type_hint : Type::dict(Type::str_(), Type::tensor());
    if (type->kind() != TypeKind::Dict) fail(loc, "Expected a type annotation of Dict for dict(), got " + type->repr_str());
    return std::make_shared<SimpleValue>(
        graph_->insert_node(graph_->create_dict(type->contained()[0], type->contained()[1], {}, {}))->output());
  }
  if (form == "super") {
    if (function_.name() != "__init__" || !self_) fail(loc, "super() is only supported in __init__");
    return std::make_shared<NoneCallable>();
  }
  if (form == "Parameter") {
    check_num_inputs(apply, "torch.nn.Parameter", 1);
    return std::make_shared<SimpleValue>(insert_op(*graph_, Symbol::prim("Parameter"), {emit_expr(apply->args[0])}, loc));
  }
  fail(loc, "unknown special form: " + form);
}

// ---- subscripts ---------------------------------------------------------------------------------

SugaredValuePtr Emitter::emit_subscript(const ExprPtr& e, const TypePtr& type_hint) {
  SugaredValuePtr sv = emit_sugared_expr(e->base, 1);
  const std::vector<ExprPtr>& subs = e->args;
  const SourceRange& range = e->range;
  const SourceRange& val_range = e->base->range;
  if (subs.size() != 1) return std::make_shared<SimpleValue>(emit_multidim_slicing(range, sv->as_value(val_range, *this), subs));
  if (subs[0]->kind == ExprKind::Slice) {
    Value* sliceable = sv->as_value(val_range, *this);
    if (sliceable->type()->kind() == TypeKind::Tuple) {
      // A tuple slice with constant bounds is a new tuple of those elements.
      auto bound = [&](const ExprPtr& x) -> std::optional<int64_t> {
        if (!x) return std::nullopt;
        std::optional<IValue> c = emit_expr(x)->constant();
        if (!c || !c->is_int()) fail(x->range, "tuple slice indices must be integer constants");
        return c->to_int();
      };
      int64_t n = static_cast<int64_t>(sliceable->type()->contained().size());
      std::optional<int64_t> b = bound(subs[0]->args[0]), en = bound(subs[0]->args[1]), st = bound(subs[0]->args[2]);
      int64_t step = st.value_or(1);
      if (step != 1) fail(range, "tuple slices with a step are not supported");
      int64_t begin = std::clamp<int64_t>(b ? (*b < 0 ? *b + n : *b) : 0, 0, n);
      int64_t end = std::clamp<int64_t>(en ? (*en < 0 ? *en + n : *en) : n, 0, n);
      std::vector<Value*> items;
      std::vector<SugaredValuePtr> all = SimpleValue(sliceable).as_tuple(range, *this, std::nullopt);
      for (int64_t i = begin; i < end; ++i) items.push_back(all[static_cast<size_t>(i)]->as_value(range, *this));
      return std::make_shared<SimpleValue>(graph_->insert_node(graph_->create_tuple(items))->output());
    }
    Value* dim = sliceable->type()->is_subtype_of(Type::tensor()) ? graph_->insert_constant(IValue(int64_t(0)), range) : nullptr;
    return std::make_shared<SimpleValue>(emit_slice(range, sliceable, dim, subs[0]));
  }
  Value* sliceable = sv->as_value(val_range, *this);
  if (sliceable->type()->is_subtype_of(Type::tensor()))
    return std::make_shared<SimpleValue>(emit_multidim_slicing(range, sliceable, subs));
  Value* idx = emit_expr(subs[0]);
  return sv->getitem(range, *this, idx, type_hint);
}

Value* Emitter::emit_slice(const SourceRange& loc, Value* sliceable, Value* dim, const ExprPtr& slice) {
  Value* start = slice->args[0] ? emit_expr(slice->args[0]) : nullptr;
  Value* end = slice->args[1] ? emit_expr(slice->args[1]) : nullptr;
  Value* step = slice->args[2] ? emit_expr(slice->args[2]) : nullptr;
  // A missing start or end is left to its default (None); the step is always given.
  std::vector<NamedValue> args{NamedValue(loc, "self", sliceable)};
  if (dim) args.emplace_back(dim);
  std::vector<NamedValue> kwargs;
  if (start) kwargs.emplace_back(loc, "start", start);
  if (end) kwargs.emplace_back(loc, "end", end);
  if (!step) step = graph_->insert_constant(IValue(int64_t(1)), loc);
  kwargs.emplace_back(loc, "step", step);
  return emit_builtin_call(loc, Symbol::aten("slice"), args, kwargs);
}

// x[1:3, None, 4, ...]: int indices select (removing a dim), slices keep it, None adds one;
// indices after an ellipsis count from the end.
std::pair<Value*, std::vector<Value*>> Emitter::emit_int_and_slice_indexing(const SourceRange& loc, Value* sliceable,
                                                                            const std::vector<ExprPtr>& subs) {
  std::vector<int64_t> dims(subs.size());
  std::vector<Value*> exprs(subs.size(), nullptr);
  auto handle = [&](size_t i, int64_t dim, bool reverse) -> int64_t {
    dims[i] = dim;
    if (subs[i]->kind == ExprKind::Slice) return reverse ? dim - 1 : dim + 1;
    Value* index = emit_expr(subs[i], subs[i]->kind == ExprKind::None ? Type::none() : nullptr);
    exprs[i] = index;
    TypeKind k = index->type()->kind();
    if (k == TypeKind::None) return reverse ? dim : dim + 1;
    if (k == TypeKind::Int) return reverse ? dim - 1 : dim;
    if (index->type()->is_subtype_of(Type::optional(Type::tensor())))
      fail(loc, "indexing a tensor with tensors (advanced indexing) is not supported");
    fail(loc, "Unsupported operation: indexing tensor with unsupported index type '" + index->type()->repr_str() +
                  "'. Only ints, slices, lists and tensors are supported");
  };
  size_t idx = 0;
  int64_t dim = 0;
  for (; idx < subs.size(); ++idx) {
    if (subs[idx]->kind == ExprKind::Dots) break;
    dim = handle(idx, dim, false);
  }
  int64_t rdim = -1;
  for (size_t r = subs.size() - 1; subs.size() > 0 && r > idx; --r) {
    if (subs[r]->kind == ExprKind::Dots) fail(loc, "An index can only have a single ellipsis ('...')");
    rdim = handle(r, rdim, true);
  }
  for (size_t i = 0; i < subs.size(); ++i) {
    auto dim_value = [&] { return graph_->insert_constant(IValue(dims[i]), loc); };
    if (!exprs[i]) {
      if (subs[i]->kind == ExprKind::Slice) sliceable = emit_slice(loc, sliceable, dim_value(), subs[i]);
      continue;
    }
    if (exprs[i]->type()->kind() == TypeKind::None)
      sliceable = emit_builtin_call(loc, Symbol::aten("unsqueeze"), {NamedValue(sliceable), NamedValue(dim_value())}, {});
    else
      sliceable = emit_builtin_call(loc, Symbol::aten("select"),
                                    {NamedValue(sliceable), NamedValue(dim_value()), NamedValue(exprs[i])}, {});
  }
  return {sliceable, {}};
}

Value* Emitter::emit_multidim_slicing(const SourceRange& loc, Value* sliceable, const std::vector<ExprPtr>& subs) {
  if (!sliceable->type()->is_subtype_of(Type::tensor()))
    fail(loc, "Unsupported operation: attempted to use multidimensional indexing on a non-tensor type");
  return emit_int_and_slice_indexing(loc, sliceable, subs).first;
}

// ---- type annotations -----------------------------------------------------------------------------

TypePtr Emitter::parse_type(const ExprPtr& e) {
  // A dotted name (`__torch__.torch.nn.modules.linear.Linear` in archives), or "".
  std::function<std::string(const ExprPtr&)> name_of = [&name_of](const ExprPtr& x) -> std::string {
    if (x->kind == ExprKind::Var) return x->name;
    if (x->kind != ExprKind::Select) return "";
    std::string base = name_of(x->base);
    return base.empty() ? "" : base + "." + x->name;
  };
  if (e->kind == ExprKind::None) return Type::none();
  if (e->kind == ExprKind::String) {  // a forward reference: "MyClass"
    if (ClassTypePtr cls = resolver_.resolve_class(e->name)) return cls;
    fail(e->range, "Unknown type name '" + e->name + "'");
  }
  if (e->kind == ExprKind::Subscript) {
    std::string head = name_of(e->base);
    if (head.compare(0, 7, "typing.") == 0) head = head.substr(7);
    std::vector<TypePtr> params;
    for (const ExprPtr& p : e->args) {
      if (p->kind == ExprKind::Tuple && p->args.empty()) continue;  // Tuple[()]
      params.push_back(parse_type(p));
    }
    auto expect = [&](size_t n) {
      if (params.size() != n)
        fail(e->range, head + " expects " + std::to_string(n) + " type parameter" + (n == 1 ? "" : "s") + ", got " +
                           std::to_string(params.size()));
    };
    if (head == "List" || head == "list") {
      expect(1);
      return Type::list(params[0]);
    }
    if (head == "Optional") {
      expect(1);
      return Type::optional(params[0]);
    }
    if (head == "Tuple" || head == "tuple") return Type::tuple(params);
    if (head == "Dict" || head == "dict") {
      expect(2);
      TypeKind k = params[0]->kind();
      if (k != TypeKind::Str && k != TypeKind::Int && k != TypeKind::Float && k != TypeKind::Bool && k != TypeKind::Tensor)
        fail(e->range, "Dict keys must be str, int, float, bool or Tensor, got " + params[0]->repr_str());
      return Type::dict(params[0], params[1]);
    }
    if (head == "Future" || head == "torch.jit.Future") {
      expect(1);
      return Type::future(params[0]);
    }
    fail(e->base->range, "Unknown type constructor " + head);
  }
  std::string name = name_of(e);
  if (name.compare(0, 7, "typing.") == 0) name = name.substr(7);
  if (name == "Tensor" || name == "torch.Tensor") return Type::tensor();
  if (name == "int") return Type::int_();
  if (name == "float") return Type::float_();
  if (name == "bool") return Type::bool_();
  if (name == "str") return Type::str_();
  if (name == "Any") return Type::any();
  if (name == "number") return Type::number();
  if (name == "NoneType") return Type::none();
  if (name == "Device" || name == "torch.device") return Type::device();
  if (name == "torch.Generator") return Type::generator();
  if (!name.empty()) {
    if (ClassTypePtr cls = resolver_.resolve_class(name)) return cls;
    fail(e->range, "Unknown type name '" + name + "'");
  }
  fail(e->range, "Expression of type " + dump(e) + " cannot be used in a type expression");
}

}  // namespace script
}  // namespace ember
