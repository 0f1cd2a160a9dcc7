// Sugared values (see sugared_value.h).
#include "script/compiler/sugared_value.h"

#include <cmath>
#include <limits>
#include <map>

#include "script/compiler/emitter.h"
#include "script/compiler/schema_matching.h"
#include "script/runtime/script_ops.h"

namespace ember {
namespace script {

namespace {

[[noreturn]] void fail(const SourceRange& loc, const std::string& message) { throw(ErrorReport(loc) << message).error(); }

// `None` as a sugared value: a None constant when used.
struct NoneValue : SugaredValue {
  std::string kind() const override { return "None"; }
  Value* as_value(const SourceRange& loc, Emitter& e) override { return e.graph().insert_constant(IValue(), loc); }
};

const ClassType* class_of(const Value* v) {
  return v->type()->kind() == TypeKind::Class ? static_cast<const ClassType*>(v->type().get()) : nullptr;
}

// A method-style builtin exists when some overload names its first argument self and accepts v.
std::shared_ptr<BuiltinFunction> try_builtin_method(Symbol symbol, const SourceRange& loc, Value* self) {
  for (const OperatorHandle& op : operator_overloads(symbol)) {
    const Signature& sig = operator_signature(op);
    if (sig.args.empty() || sig.args[0].name != "self") continue;
    TypeEnv env;
    if (!match_type_variables(sig.args[0].type, self->type(), env, nullptr)) continue;
    TypePtr concrete = substitute_type_variables(sig.args[0].type, env);
    if (!concrete || !self->type()->is_subtype_of(concrete)) continue;
    return std::make_shared<BuiltinFunction>(symbol, NamedValue(loc, "self", self));
  }
  return nullptr;
}

std::string no_attribute(const Value* v, const std::string& name) {
  return "'" + v->type()->repr_str() + "' object has no attribute or method '" + name + "'.";
}

}  // namespace

// ---- SugaredValue defaults -------------------------------------------------------------------

Value* SugaredValue::as_value(const SourceRange& loc, Emitter&) { fail(loc, kind() + " cannot be used as a value"); }
SugaredValuePtr SugaredValue::attr(const SourceRange& loc, Emitter&, const std::string& name) {
  fail(loc, "attribute lookup is not defined on " + kind());
}
bool SugaredValue::has_attr(const SourceRange& loc, Emitter&, const std::string&) {
  fail(loc, "hasattr is not defined on " + kind());
}
void SugaredValue::set_attr(const SourceRange& loc, Emitter&, const std::string&, Value*) {
  fail(loc, "attribute assignment is not defined on " + kind());
}
SugaredValuePtr SugaredValue::call(const SourceRange& loc, Emitter&, const std::vector<NamedValue>&,
                                   const std::vector<NamedValue>&, size_t) {
  fail(loc, "cannot call a " + kind());
}
std::vector<SugaredValuePtr> SugaredValue::as_tuple(const SourceRange& loc, Emitter&, std::optional<size_t>) {
  fail(loc, kind() + " cannot be used as a tuple");
}
SugaredValuePtr SugaredValue::iter(const SourceRange& loc, Emitter&) { fail(loc, kind() + " cannot be used as an iterable"); }
Value* SugaredValue::len(const SourceRange& loc, Emitter&) { fail(loc, "'" + kind() + "' object is not iterable"); }
SugaredValuePtr SugaredValue::getitem(const SourceRange& loc, Emitter&, Value*, TypePtr) {
  fail(loc, "'" + kind() + "' object is not subscriptable");
}

// ---- SimpleValue -----------------------------------------------------------------------------

std::string SimpleValue::kind() const { return "value of type '" + value->type()->annotation_str() + "'"; }

SugaredValuePtr SimpleValue::attr(const SourceRange& loc, Emitter& e, const std::string& name) {
  Graph& g = e.graph();
  const TypePtr& t = value->type();
  if (t->kind() == TypeKind::Tensor) {
    static const std::map<std::string, std::pair<const char*, const char*>> properties = {
        {"shape", {"aten", "size"}},           {"dtype", {"prim", "dtype"}},
        {"device", {"prim", "device"}},        {"requires_grad", {"prim", "requires_grad"}},
        {"ndim", {"aten", "dim"}},             {"data", {"prim", "data"}},
    };
    auto it = properties.find(name);
    if (it != properties.end()) {
      Symbol op = Symbol::from_qual_string(std::string(it->second.first) + "::" + it->second.second);
      return std::make_shared<SimpleValue>(insert_op(g, op, {value}, loc));
    }
  }
  if (const ClassType* cls = class_of(value)) {
    if (cls->find_attribute(name)) {
      Node* n = g.insert_node(g.create_get_attr(value, name));
      if (meaningful_name(name)) n->output()->set_debug_name(name);
      return std::make_shared<SimpleValue>(n->output());
    }
    if (cls->find_method(name)) return std::make_shared<MethodValue>(value, name);
    fail(loc, no_attribute(value, name));
  }
  if (auto builtin = try_builtin_method(Symbol::aten(name), loc, value)) return builtin;
  fail(loc, no_attribute(value, name));
}

bool SimpleValue::has_attr(const SourceRange& loc, Emitter&, const std::string& name) {
  const ClassType* cls = class_of(value);
  if (!cls) fail(loc, "hasattr's first argument must be an object or a module, got " + value->type()->repr_str());
  return cls->find_attribute(name).has_value() || cls->find_method(name) != nullptr;
}

void SimpleValue::set_attr(const SourceRange& loc, Emitter& e, const std::string& name, Value* v) {
  const ClassType* cls = class_of(value);
  if (!cls) fail(loc, "Tried to set an attribute: " + name + " on a non-class: " + value->type()->repr_str());
  ModuleValue(value).set_attr(loc, e, name, v);
}

SugaredValuePtr SimpleValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                  const std::vector<NamedValue>& kwargs, size_t n_binders) {
  if (const ClassType* cls = class_of(value)) {
    if (cls->find_method("forward")) return MethodValue(value, "forward").call(loc, e, args, kwargs, n_binders);
  }
  fail(loc, "'" + value->type()->repr_str() + "' object is not callable");
}

std::vector<SugaredValuePtr> SimpleValue::as_tuple(const SourceRange& loc, Emitter& e, std::optional<size_t> size_hint) {
  Graph& g = e.graph();
  std::vector<SugaredValuePtr> out;
  if (value->type()->kind() == TypeKind::Tuple) {
    std::vector<Value*> items = value->node()->kind() == prim::TupleConstruct
                                    ? value->node()->inputs()
                                    : g.insert_node(g.create_tuple_unpack(value))->outputs();
    for (Value* v : items) out.push_back(std::make_shared<SimpleValue>(v));
    return out;
  }
  if (value->type()->kind() == TypeKind::List) {
    if (!size_hint) fail(loc, "cannot statically infer the expected size of a list in this context");
    Node* unpack = g.insert_node(g.create(Symbol::prim("ListUnpack"), {value}, *size_hint));
    for (Value* o : unpack->outputs()) {
      o->set_type(value->type()->element());
      out.push_back(std::make_shared<SimpleValue>(o));
    }
    return out;
  }
  fail(loc, value->type()->repr_str() + " cannot be used as a tuple");
}

SugaredValuePtr SimpleValue::iter(const SourceRange& loc, Emitter& e) {
  TypeKind k = value->type()->kind();
  if (k == TypeKind::List || k == TypeKind::Str || k == TypeKind::Tensor || k == TypeKind::Tuple)
    return shared_from_this();
  if (k == TypeKind::Dict)
    return std::make_shared<SimpleValue>(e.emit_builtin_call(loc, Symbol::aten("keys"), {NamedValue(loc, value)}, {}));
  fail(loc, "'" + value->type()->repr_str() + "' object is not iterable");
}

Value* SimpleValue::len(const SourceRange& loc, Emitter& e) {
  TypeKind k = value->type()->kind();
  if (k == TypeKind::List || k == TypeKind::Tensor || k == TypeKind::Dict || k == TypeKind::Str)
    return e.emit_builtin_call(loc, Symbol::aten("len"), {NamedValue(loc, value)}, {});
  fail(loc, "'" + value->type()->repr_str() + "' object is not iterable");
}

SugaredValuePtr SimpleValue::getitem(const SourceRange& loc, Emitter& e, Value* index, TypePtr) {
  Graph& g = e.graph();
  const TypePtr& t = value->type();
  if (t->kind() == TypeKind::Tuple) {
    std::optional<IValue> c = index->constant();
    if (!c || !c->is_int())
      fail(loc, "Cannot index into a " + t->repr_str() +
                    " with a non-integer literal because we cannot resolve the output type");
    int64_t n = static_cast<int64_t>(t->contained().size()), i = c->to_int();
    if (i < 0) i += n;
    if (i < 0 || i >= n)
      fail(loc, "Tuple index out of range. Tuple is length " + std::to_string(n) + " and index is " + std::to_string(c->to_int()));
    Node* node = g.insert_node(g.create(prim::TupleIndex, {value, g.insert_constant(IValue(i), loc)}, 1));
    node->output()->set_type(t->contained()[static_cast<size_t>(i)]);
    return std::make_shared<SimpleValue>(node->output());
  }
  if (t->kind() == TypeKind::Tensor)
    return std::make_shared<SimpleValue>(
        insert_op(g, Symbol::aten("select"), {value, g.insert_constant(IValue(int64_t(0)), SourceRange()), index}, loc));
  if (t->kind() == TypeKind::List || t->kind() == TypeKind::Str || t->kind() == TypeKind::Dict)
    return std::make_shared<SimpleValue>(
        e.emit_builtin_call(loc, Symbol::aten("__getitem__"), {NamedValue(loc, value), NamedValue(loc, index)}, {}));
  fail(loc, "'" + t->repr_str() + "' object is not subscriptable");
}

std::optional<int64_t> SimpleValue::static_len() {
  if (value->type()->kind() == TypeKind::Tuple) return static_cast<int64_t>(value->type()->contained().size());
  return std::nullopt;
}

bool SimpleValue::emit_unrolled() const { return value->type()->kind() == TypeKind::Tuple; }

// ---- calls ------------------------------------------------------------------------------------

SugaredValuePtr BuiltinFunction::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                      const std::vector<NamedValue>& kwargs, size_t) {
  return std::make_shared<SimpleValue>(e.emit_builtin_call(loc, symbol, args, kwargs, self));
}

SugaredValuePtr FunctionValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                    const std::vector<NamedValue>& kwargs, size_t) {
  Graph& g = e.graph();
  {
    ErrorReport::CallStackEntry entry(function->name(), loc);
    function->ensure_defined();
  }
  MatchedSchema m = match_schema(function->signature(), loc, g, args, kwargs);
  Node* fn_const = g.insert_node(g.create(prim::Constant, {}, 1));
  fn_const->s_(attr::name, function->name());
  fn_const->set_function(function);
  fn_const->output()->set_type(Type::function());
  std::vector<Value*> inputs{fn_const->output()};
  inputs.insert(inputs.end(), m.inputs.begin(), m.inputs.end());
  Node* call = g.insert_node(g.create(prim::CallFunction, inputs, 1))->set_range(loc);
  call->set_function(function);
  call->output()->set_type(m.return_types.at(0));
  return std::make_shared<SimpleValue>(call->output());
}

SugaredValuePtr MethodValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                  const std::vector<NamedValue>& kwargs, size_t) {
  Graph& g = e.graph();
  const ClassType* cls = class_of(self);
  Function* fn = cls ? cls->find_method(method) : nullptr;
  if (!fn) fail(loc, "'" + self->type()->repr_str() + "' object has no attribute or method '" + method + "'.");
  {
    ErrorReport::CallStackEntry entry(fn->name(), loc);
    fn->ensure_defined();
  }
  MatchedSchema m = match_schema(fn->signature(), loc, g, args, kwargs);
  std::vector<Value*> inputs{self};
  inputs.insert(inputs.end(), m.inputs.begin(), m.inputs.end());
  Node* call = g.insert_node(g.create(prim::CallMethod, inputs, 1))->set_range(loc);
  call->s_(attr::name, method);
  call->set_function(fn);
  call->output()->set_type(m.return_types.at(0));
  return std::make_shared<SimpleValue>(call->output());
}

// ---- modules and classes ---------------------------------------------------------------------

SugaredValuePtr ModuleValue::attr(const SourceRange& loc, Emitter& e, const std::string& name) {
  Graph& g = e.graph();
  const ClassType* cls = class_of(self);
  if (std::optional<size_t> slot = cls->find_attribute(name)) {
    Node* n = g.insert_node(g.create_get_attr(self, name));
    if (meaningful_name(name)) n->output()->set_debug_name(name);
    const TypePtr& t = cls->attributes()[*slot].type;
    if (t->kind() == TypeKind::Class && static_cast<const ClassType*>(t.get())->is_module())
      return std::make_shared<ModuleValue>(n->output());
    return std::make_shared<SimpleValue>(n->output());
  }
  if (cls->find_method(name)) return std::make_shared<MethodValue>(self, name);
  fail(loc, "Module '" + cls->name().substr(cls->name().rfind('.') + 1) + "' has no attribute '" + name + "' ");
}

bool ModuleValue::has_attr(const SourceRange&, Emitter&, const std::string& name) {
  const ClassType* cls = class_of(self);
  return cls->find_attribute(name).has_value() || cls->find_method(name) != nullptr;
}

void ModuleValue::set_attr(const SourceRange& loc, Emitter& e, const std::string& name, Value* v) {
  Graph& g = e.graph();
  auto* cls = const_cast<ClassType*>(class_of(self));
  std::optional<size_t> slot = cls->find_attribute(name);
  if (!slot) {
    // Attributes are declared by assigning them in __init__, as in TorchScript classes.
    if (e.function().name() != "__init__")
      fail(loc, "Tried to set nonexistent attribute: " + name + ". Did you forget to initialize it in __init__()?");
    bool is_parameter = v->node()->kind() == Symbol::prim("Parameter");
    slot = cls->add_attribute(name, v->type(), is_parameter);
  }
  const TypePtr& expected = cls->attributes()[*slot].type;
  if (!v->type()->is_subtype_of(expected))
    fail(loc, "Wrong type for attribute assignment. Expected " + expected->repr_str() + " but got " + v->type()->repr_str());
  g.insert_node(g.create_set_attr(self, name, v))->set_range(loc);
}

SugaredValuePtr ModuleValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                  const std::vector<NamedValue>& kwargs, size_t n_binders) {
  return MethodValue(self, "forward").call(loc, e, args, kwargs, n_binders);
}

SugaredValuePtr ClassValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                 const std::vector<NamedValue>& kwargs, size_t n_binders) {
  Graph& g = e.graph();
  Function* init = type->find_method("__init__");
  if (!init) fail(loc, "Class " + type->name() + " does not have an __init__ function defined");
  if (!init->is_defined() && init->argument_type_hints().empty()) {
    // Unannotated __init__ parameters take the types of the first construction's arguments.
    std::vector<TypePtr> hints;
    for (const NamedValue& a : args) hints.push_back(a.type());
    init->set_argument_type_hints(std::move(hints));
  }
  Node* obj = g.insert_node(g.create(prim::CreateObject, {}, 1))->set_range(loc);
  obj->output()->set_type(type);
  MethodValue(obj->output(), "__init__").call(loc, e, args, kwargs, n_binders);
  return std::make_shared<SimpleValue>(obj->output());
}

// ---- namespaces -------------------------------------------------------------------------------

namespace {
const std::map<std::string, ScalarType>& dtype_names() {
  static const std::map<std::string, ScalarType> names = {
      {"float32", kFloat32}, {"float", kFloat32},  {"float64", kFloat64}, {"double", kFloat64},
      {"float16", kFloat16}, {"half", kFloat16},   {"bfloat16", kBFloat16}, {"int64", kInt64},
      {"long", kInt64},      {"int32", kInt32},    {"int", kInt32},       {"int16", kInt16},
      {"short", kInt16},     {"int8", kInt8},      {"uint8", kUInt8},     {"bool", kBool},
  };
  return names;
}
}  // namespace

SugaredValuePtr NamespaceValue::attr(const SourceRange& loc, Emitter& e, const std::string& name) {
  Graph& g = e.graph();
  if (path == "torch") {
    if (name == "jit" || name == "nn" || name == "ops") return std::make_shared<NamespaceValue>("torch." + name, "");
    auto dt = dtype_names().find(name);
    if (dt != dtype_names().end())
      return std::make_shared<SimpleValue>(g.insert_constant(IValue(static_cast<int64_t>(dt->second)), loc));
    if (name == "device") return std::make_shared<CastValue>(Type::device(), Symbol::aten("device"));
    if (name == "Tensor") fail(loc, "torch.Tensor can only be used as a type annotation");
  }
  if (path == "torch.jit") {
    if (name == "annotate" || name == "is_scripting" || name == "unchecked_cast")
      return std::make_shared<SpecialFormValue>(name);
    fail(loc, "torch.jit." + name + " cannot be used in script code");
  }
  if (path == "torch.nn") {
    if (name == "functional") return std::make_shared<NamespaceValue>("torch.nn.functional", "aten");
    if (name == "Parameter") return std::make_shared<SpecialFormValue>("Parameter");
    fail(loc, "torch.nn." + name + " cannot be used in script code");
  }
  if (path == "torch.ops") return std::make_shared<NamespaceValue>("torch.ops." + name, name);
  if (path == "math") {
    if (name == "pi") return std::make_shared<SimpleValue>(g.insert_constant(IValue(M_PI), loc));
    if (name == "e") return std::make_shared<SimpleValue>(g.insert_constant(IValue(M_E), loc));
    if (name == "inf") return std::make_shared<SimpleValue>(g.insert_constant(IValue(INFINITY), loc));
    if (name == "nan") return std::make_shared<SimpleValue>(g.insert_constant(IValue(NAN), loc));
  }
  if (op_namespace.empty()) fail(loc, "Module '" + path + "' has no attribute '" + name + "'");
  Symbol sym = Symbol::from_qual_string(op_namespace + "::" + name);
  // torch.<name> must name an operator; torch.ops.<ns>.<name> is looked up when called (it may
  // be registered later, by a plugin).
  if (path.rfind("torch.ops.", 0) != 0 && operator_overloads(sym).empty()) fail(loc, "object has no attribute " + name);
  return std::make_shared<BuiltinFunction>(sym, std::nullopt);
}

// ---- builtins -----------------------------------------------------------------------------------

SugaredValuePtr PrintValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                 const std::vector<NamedValue>& kwargs, size_t) {
  Graph& g = e.graph();
  if (!kwargs.empty()) fail(loc, "print doesn't accept any keyword arguments");
  std::vector<Value*> inputs;
  for (const NamedValue& a : args) inputs.push_back(a.value(g));
  g.insert_node(g.create(prim::Print, inputs, 0))->set_range(loc);
  return std::make_shared<NoneValue>();
}

SugaredValuePtr CastValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                const std::vector<NamedValue>& kwargs, size_t n_binders) {
  if (args.size() == 1 && kwargs.empty()) {
    Value* v = args[0].value(e.graph());
    if (v->type()->is_subtype_of(type)) return std::make_shared<SimpleValue>(v);
  }
  return BuiltinFunction(symbol, std::nullopt).call(loc, e, args, kwargs, n_binders);
}

RangeValue::RangeValue(const SourceRange& loc, Emitter& e, std::vector<Value*> inputs) {
  Graph& g = e.graph();
  if (inputs.empty() || inputs.size() > 3)
    fail(loc, "range expected at most 3 arguments, got " + std::to_string(inputs.size()));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i]->type()->kind() != TypeKind::Int)
      fail(loc, "all inputs of range must be ints, found " + inputs[i]->type()->repr_str() + " in argument " +
                    std::to_string(i));
  if (inputs.size() == 1) {
    end = inputs[0];
    start = g.insert_constant(IValue(int64_t(0)), loc);
    step = g.insert_constant(IValue(int64_t(1)), loc);
    has_only_end = true;
  } else {
    start = inputs[0];
    end = inputs[1];
    step = inputs.size() == 3 ? inputs[2] : g.insert_constant(IValue(int64_t(1)), loc);
    if (std::optional<IValue> c = step->constant())
      if (c->is_int() && c->to_int() == 0) fail(loc, "range() arg 3 must not be zero");
  }
}

Value* RangeValue::len(const SourceRange& loc, Emitter& e) {
  if (has_only_end) return end;
  return insert_op(e.graph(), Symbol::aten("__range_length"), {start, end, step}, loc);
}

SugaredValuePtr RangeValue::getitem(const SourceRange& loc, Emitter& e, Value* index, TypePtr) {
  if (has_only_end) return std::make_shared<SimpleValue>(index);
  return std::make_shared<SimpleValue>(insert_op(e.graph(), Symbol::aten("__derive_index"), {index, start, step}, loc));
}

SugaredValuePtr ExceptionValue::call(const SourceRange& loc, Emitter& e, const std::vector<NamedValue>& args,
                                     const std::vector<NamedValue>&, size_t) {
  Graph& g = e.graph();
  auto as_str = [&](const NamedValue& a) {
    Value* v = a.value(g);
    return v->type()->kind() == TypeKind::Str ? v : insert_op(g, Symbol::aten("str"), {v}, loc);
  };
  if (name == "AssertionError") {
    // "AssertionError: <message>", with no exception class (as TorchScript's assert).
    Value* message = g.insert_constant(IValue(name + ": "), loc);
    for (const NamedValue& a : args) message = insert_op(g, Symbol::aten("add"), {message, as_str(a)}, loc);
    return std::make_shared<ExceptionMessageValue>(message, "");
  }
  Value* message = args.empty() ? g.insert_constant(IValue(std::string()), loc) : as_str(args[0]);
  return std::make_shared<ExceptionMessageValue>(message, "builtins." + name);
}

SugaredValuePtr NoneCallable::call(const SourceRange&, Emitter&, const std::vector<NamedValue>&,
                                   const std::vector<NamedValue>&, size_t) {
  return std::make_shared<NoneValue>();
}

SugaredValuePtr builtin_global(const std::string& name) {
  static const std::map<std::string, std::function<SugaredValuePtr()>> globals = {
      {"print", [] { return std::make_shared<PrintValue>(); }},
      {"float", [] { return std::make_shared<CastValue>(Type::float_(), Symbol::aten("Float")); }},
      {"int", [] { return std::make_shared<CastValue>(Type::int_(), Symbol::aten("Int")); }},
      {"bool", [] { return std::make_shared<CastValue>(Type::bool_(), Symbol::aten("Bool")); }},
      {"str", [] { return std::make_shared<CastValue>(Type::str_(), Symbol::aten("str")); }},
      {"len", [] { return std::make_shared<BuiltinFunction>(Symbol::aten("len"), std::nullopt); }},
      {"min", [] { return std::make_shared<BuiltinFunction>(Symbol::prim("min"), std::nullopt); }},
      {"max", [] { return std::make_shared<BuiltinFunction>(Symbol::prim("max"), std::nullopt); }},
      {"abs", [] { return std::make_shared<BuiltinFunction>(Symbol::prim("abs"), std::nullopt); }},
      {"sum", [] { return std::make_shared<BuiltinFunction>(Symbol::aten("sum"), std::nullopt); }},
      {"torch", [] { return std::make_shared<NamespaceValue>("torch", "aten"); }},
      {"math", [] { return std::make_shared<NamespaceValue>("math", "aten"); }},
      {"F", [] { return std::make_shared<NamespaceValue>("torch.nn.functional", "aten"); }},
      // ops.prim.RaiseException(...), as code prints operators without a torch.* spelling.
      {"ops", [] { return std::make_shared<NamespaceValue>("torch.ops", ""); }},
  };
  static const char* special_forms[] = {"range", "isinstance", "getattr", "hasattr", "tuple", "list", "dict", "super",
                                        "annotate", "unchecked_cast", "uninitialized"};
  static const char* exceptions[] = {"Exception", "AssertionError", "ValueError", "RuntimeError", "TypeError",
                                     "IndexError", "KeyError", "NotImplementedError", "ZeroDivisionError"};
  auto it = globals.find(name);
  if (it != globals.end()) return it->second();
  for (const char* f : special_forms)
    if (name == f) return std::make_shared<SpecialFormValue>(name);
  for (const char* x : exceptions)
    if (name == x) return std::make_shared<ExceptionValue>(name);
  return nullptr;
}

}  // namespace script
}  // namespace ember
