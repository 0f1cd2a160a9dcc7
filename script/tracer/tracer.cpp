// The tracer (see tracer.h): the Tracer key's fallback, the per-thread tracing state, traced
// functions and modules.
#include "script/tracer/tracer.h"

#include <cctype>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "dispatcher/dispatcher.h"
#include "registry/process_log.h"
#include "script/passes/passes.h"

namespace ember {
namespace script {

namespace {

constexpr DispatchKeySet kTracerKey = DispatchKeySet::functionality(FunctionalityKey::Tracer);

struct TracingState {
  std::shared_ptr<Graph> graph;
  std::unordered_map<const TensorImpl*, Value*> values;
  std::vector<Tensor> keep_alive;  // the tensors whose impls key `values`
  std::vector<std::string> warnings;
  int suspended = 0;  // inside a recorded operator or script call: record nothing
  // Module traces: parameters and buffers are read from self by attribute path.
  Value* self = nullptr;
  std::unordered_map<const TensorImpl*, std::vector<std::string>> attribute_paths;
  std::unordered_map<std::string, Value*> attribute_values;  // "fc1", "fc1.weight"
};

thread_local TracingState* tls_state = nullptr;

struct ActiveTrace {
  explicit ActiveTrace(TracingState* st) : include(kTracerKey) {
    EMBER_CHECK(!tls_state, RuntimeError, "[trace] a trace is already running on this thread");
    tls_state = st;
  }
  ~ActiveTrace() { tls_state = nullptr; }
  IncludeDispatchKeyGuard include;
};

// Inside a recorded call: what runs there is not recorded.
struct Suspend {
  explicit Suspend(TracingState& st) : st_(st), exclude(kTracerKey) { ++st_.suspended; }
  ~Suspend() { --st_.suspended; }
  TracingState& st_;
  ExcludeDispatchKeyGuard exclude;
};

void remember(TracingState& st, const Tensor& t, Value* v) {
  if (!t.defined()) return;
  st.values[t.impl()] = v;
  st.keep_alive.push_back(t);
}

Value* attribute_value(TracingState& st, const std::vector<std::string>& path) {
  Graph& g = *st.graph;
  Value* obj = st.self;
  std::string key;
  for (const std::string& field : path) {
    key += (key.empty() ? "" : ".") + field;
    auto it = st.attribute_values.find(key);
    if (it != st.attribute_values.end()) {
      obj = it->second;
      continue;
    }
    Node* get = g.insert_node(g.create_get_attr(obj, field));
    get->output()->set_debug_name(field);
    st.attribute_values[key] = get->output();
    obj = get->output();
  }
  return obj;
}

// The graph value of a tensor: what produced it in the trace, a module attribute, or (for a
// tensor from outside the trace) a constant.
Value* value_of(TracingState& st, const Tensor& t) {
  Graph& g = *st.graph;
  if (!t.defined()) return g.insert_constant(IValue());
  auto it = st.values.find(t.impl());
  if (it != st.values.end()) return it->second;
  auto path = st.attribute_paths.find(t.impl());
  if (path != st.attribute_paths.end()) return attribute_value(st, path->second);
  Value* c = g.insert_constant(IValue(t));
  c->set_type(traced_tensor_type(t));
  remember(st, t, c);
  return c;
}

// An operator argument as a graph value: tensors by their values, lists element-wise (as
// PyTorch, int lists become a ListConstruct of constants), anything else a constant.
Value* argument_value(TracingState& st, const IValue& v) {
  Graph& g = *st.graph;
  if (v.is_tensor()) return value_of(st, v.to_tensor());
  if (v.is_tensor_list()) {
    std::vector<Value*> items;
    for (const Tensor& t : v.to_tensor_list()) items.push_back(value_of(st, t));
    return g.insert_node(g.create_list(Type::tensor(), items))->output();
  }
  if (v.is_int_list()) {
    std::vector<Value*> items;
    for (int64_t i : v.to_int_list()) items.push_back(g.insert_constant(IValue(i)));
    return g.insert_node(g.create_list(Type::int_(), items))->output();
  }
  if (v.is_list()) {
    std::vector<Value*> items;
    bool any_none = false;
    for (const IValue& item : v.to_list()) {
      items.push_back(argument_value(st, item));
      any_none = any_none || item.is_none();
    }
    TypePtr element = Type::tensor();
    if (any_none) element = Type::optional(element);
    return g.insert_node(g.create_list(element, items))->output();
  }
  return g.insert_constant(v);
}

void add_traced_output(TracingState& st, Node* node, const IValue& r, const TypePtr& declared) {
  Graph& g = *st.graph;
  if (r.is_tensor()) {
    const Tensor& t = r.to_tensor();
    Value* out = node->add_output()->set_type(traced_tensor_type(t));
    remember(st, t, out);
  } else if (r.is_tensor_list()) {
    Value* list = node->add_output()->set_type(Type::list(Type::tensor()));
    const std::vector<Tensor>& ts = r.to_tensor_list();
    Node* unpack = g.insert_node(g.create(prim::ListUnpack, {list}, ts.size()));
    for (size_t i = 0; i < ts.size(); ++i) {
      unpack->outputs()[i]->set_type(traced_tensor_type(ts[i]));
      remember(st, ts[i], unpack->outputs()[i]);
    }
  } else {
    node->add_output()->set_type(declared);
  }
}

void tracer_fallback(void*, const OperatorHandle& op, DispatchKeySet ks, Stack* stack) {
  TracingState* st = tls_state;
  const DispatchKeySet below = ks & DispatchKeySet::below(FunctionalityKey::Tracer);
  if (!st || st->suspended) {
    ExcludeDispatchKeyGuard exclude(kTracerKey);
    op.redispatch_boxed(below, stack);
    return;
  }
  const FunctionSchema& schema = op.schema();
  const size_t n_args = schema.arguments().size();
  EMBER_INTERNAL_ASSERT(stack->size() >= n_args, "tracer: short stack for ", schema.name());
  Graph& g = *st->graph;
  std::vector<Value*> inputs;
  for (size_t i = stack->size() - n_args; i < stack->size(); ++i) inputs.push_back(argument_value(*st, (*stack)[i]));
  Node* node = g.insert_node(g.create(Symbol::from_qual_string(schema.qualified_name()), inputs, 0));
  node->set_op(op);
  {
    Suspend suspend(*st);
    op.redispatch_boxed(below, stack);
  }
  const Signature& sig = operator_signature(op);
  const size_t n_returns = schema.returns().size();
  for (size_t j = 0; j < n_returns; ++j)
    add_traced_output(*st, node, (*stack)[stack->size() - n_returns + j], sig.returns.at(j));
}

void warn_on_item(const Tensor& t, bool to_bool) {
  TracingState* st = tls_state;
  if (!st || st->suspended || !t.defined()) return;
  if (!st->values.count(t.impl()) && !st->attribute_paths.count(t.impl())) return;
  std::string message = std::string("TracerWarning: Converting a tensor to a Python ") + (to_bool ? "boolean" : "number") +
                        " might cause the trace to be incorrect. We can't record the data flow of Python values, so "
                        "this value will be treated as a constant in the future. This means that the trace might not "
                        "generalize to other inputs!";
  st->warnings.push_back(message);
  log_message(LogLevel::Warning, "tracer", message);
}

void ensure_tracer_installed() {
  static std::once_flag once;
  std::call_once(once, [] {
    KernelFunction k;
    k.boxed = &tracer_fallback;
    k.provider = "script tracer";
    Dispatcher::singleton().register_fallback(DispatchTarget::key(FunctionalityKey::Tracer), k);
    detail::set_item_observer(&warn_on_item);
  });
}

std::vector<std::string> default_names(const std::vector<IValue>& inputs, std::vector<std::string> names) {
  EMBER_CHECK(names.empty() || names.size() == inputs.size(), ValueError, "[trace] ", names.size(),
              " argument names for ", inputs.size(), " inputs");
  for (size_t i = names.size(); i < inputs.size(); ++i) names.push_back("x" + std::to_string(i));
  return names;
}

void check_traceable(const std::vector<IValue>& inputs) {
  bool ok = true;
  std::vector<TypePtr> types;
  for (const IValue& v : inputs) {
    ok = ok && v.is_tensor();
    types.push_back(type_of(v));
  }
  EMBER_CHECK(ok, TypeError, "Type '", Type::tuple(types)->repr_str(),
              "' cannot be traced. Only Tensors and (possibly nested) Lists, Dicts, and Tuples of Tensors can be traced");
}

// Registers the traced result as the graph's output; returns the function's return type.
TypePtr register_result(TracingState& st, const IValue& result) {
  Graph& g = *st.graph;
  if (result.is_tensor()) {
    g.register_output(value_of(st, result.to_tensor()));
    return Type::tensor();
  }
  if (result.is_tuple()) {
    std::vector<Value*> items;
    std::vector<TypePtr> types;
    for (const IValue& item : result.to_tuple()) {
      EMBER_CHECK(item.is_tensor(), TypeError, "[trace] a traced function returns tensors or tuples of tensors, not ",
                  type_of(item)->repr_str());
      items.push_back(value_of(st, item.to_tensor()));
      types.push_back(Type::tensor());
    }
    g.register_output(g.insert_node(g.create_tuple(items))->output());
    return Type::tuple(types);
  }
  EMBER_FAIL(TypeError, "[trace] a traced function returns tensors or tuples of tensors, not ", type_of(result)->repr_str());
}

Signature traced_signature(const std::string& name, const std::vector<std::string>& names, const TypePtr& ret) {
  Signature sig;
  sig.name = name;
  for (const std::string& n : names) sig.args.push_back({n, Type::tensor(), std::nullopt, false, -1});
  sig.returns = {ret};
  Signature shown = sig;
  shown.name = name.substr(name.rfind('.') + 1);
  sig.text = shown.str();
  return sig;
}

}  // namespace

TypePtr traced_tensor_type(const Tensor& t) {
  std::ostringstream os;
  os << scalar_type_name(t.scalar_type()) << "(";
  for (int64_t d = 0; d < t.dim(); ++d) os << t.size(d) << ", ";
  if (t.dim() > 0) {
    os << "strides=[";
    for (int64_t d = 0; d < t.dim(); ++d) os << (d ? ", " : "") << t.stride(d);
    os << "], ";
  }
  os << "requires_grad=" << (t.requires_grad() ? 1 : 0) << ", device=" << t.device().str() << ")";
  return Type::tensor_with_details(os.str());
}

Traced trace(const std::string& name, const TracedFn& fn, const std::vector<IValue>& inputs,
             std::vector<std::string> arg_names) {
  ensure_tracer_installed();
  check_traceable(inputs);
  arg_names = default_names(inputs, std::move(arg_names));
  TracingState st;
  st.graph = std::make_shared<Graph>();
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i].to_tensor();
    remember(st, t, st.graph->add_input(arg_names[i])->set_type(traced_tensor_type(t)));
  }
  TypePtr ret;
  {
    ActiveTrace active(&st);
    IValue result = fn(inputs);
    ret = register_result(st, result);
  }
  eliminate_dead_code(*st.graph);
  std::string qualified = "__torch__." + name;
  Traced out;
  out.function = std::make_unique<Function>(qualified, st.graph, nullptr);
  out.function->set_signature(traced_signature(qualified, arg_names, ret));
  out.warnings = std::move(st.warnings);
  return out;
}

namespace {

std::string class_name_for(const nn::Module& m, CompilationUnit& unit) {
  std::string base;
  for (char c : m.name()) base += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (base.empty()) base = "Module";
  std::string name = base;
  for (int i = 1; unit.find_class(name); ++i) name = base + "_" + std::to_string(i);
  return name;
}

// A script module holding the nn::Module's own parameters, buffers and (recursively) children.
Module mirror(nn::Module& m, const std::string& class_name, const std::shared_ptr<CompilationUnit>& unit) {
  Module out(class_name, unit);
  for (const auto& item : m.named_parameters(/*recurse=*/false)) out.register_parameter(item.key(), item.value());
  for (const auto& item : m.named_buffers(/*recurse=*/false)) out.register_buffer(item.key(), item.value());
  for (const auto& item : m.named_children())
    out.register_module(item.key(), mirror(*item.value(), class_name_for(*item.value(), *unit), unit));
  return out;
}

std::vector<std::string> split_path(const std::string& dotted) {
  std::vector<std::string> parts;
  std::stringstream ss(dotted);
  for (std::string p; std::getline(ss, p, '.');) parts.push_back(p);
  return parts;
}

}  // namespace

TracedModule trace_module(const std::string& class_name, nn::Module& module, const TracedModuleFn& fn,
                          const std::vector<IValue>& inputs, std::vector<std::string> arg_names) {
  ensure_tracer_installed();
  check_traceable(inputs);
  arg_names = default_names(inputs, std::move(arg_names));
  auto unit = std::make_shared<CompilationUnit>();
  Module script_module = mirror(module, class_name, unit);
  TracingState st;
  st.graph = std::make_shared<Graph>();
  st.self = st.graph->add_input("self")->set_type(script_module.type());
  for (const auto& item : module.named_parameters()) st.attribute_paths[item.value().impl()] = split_path(item.key());
  for (const auto& item : module.named_buffers()) st.attribute_paths[item.value().impl()] = split_path(item.key());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Tensor& t = inputs[i].to_tensor();
    remember(st, t, st.graph->add_input(arg_names[i])->set_type(traced_tensor_type(t)));
  }
  TypePtr ret;
  {
    ActiveTrace active(&st);
    IValue result = fn(module, inputs);
    ret = register_result(st, result);
  }
  eliminate_dead_code(*st.graph);
  std::string qualified = script_module.type()->name() + ".forward";
  auto forward = std::make_unique<Function>(qualified, st.graph, nullptr);
  forward->set_signature(traced_signature(qualified, arg_names, ret));
  unit->add_method(script_module.type(), std::move(forward));
  return TracedModule{script_module, std::move(st.warnings)};
}

namespace tracer {

bool is_tracing() { return tls_state && !tls_state->suspended; }

IValue record_call(Function& fn, const std::vector<IValue>& args, const std::function<IValue()>& run) {
  TracingState& st = *tls_state;
  EMBER_CHECK(!fn.is_method(), NotImplementedError, "[trace] calling the script method '", fn.qualified_name(),
              "' while tracing is not supported; call a script function");
  Graph& g = *st.graph;
  Node* fn_const = g.insert_node(g.create(prim::Constant, {}, 1));
  fn_const->s_(attr::name, fn.name());
  fn_const->set_function(&fn);
  fn_const->output()->set_type(Type::function());
  std::vector<Value*> inputs{fn_const->output()};
  for (const IValue& a : args) inputs.push_back(argument_value(st, a));
  Node* call = g.insert_node(g.create(prim::CallFunction, inputs, 0));
  call->set_function(&fn);
  IValue result;
  {
    Suspend suspend(st);
    result = run();
  }
  const TypePtr& declared = fn.signature().returns.at(0);
  Value* out = call->add_output()->set_type(declared);
  if (result.is_tensor()) {
    remember(st, result.to_tensor(), out);
  } else if (result.is_tuple()) {
    Node* unpack = g.insert_node(g.create_tuple_unpack(out));
    const auto& items = result.to_tuple();
    for (size_t i = 0; i < items.size() && i < unpack->outputs().size(); ++i)
      if (items[i].is_tensor()) remember(st, items[i].to_tensor(), unpack->outputs()[i]);
  }
  return result;
}

}  // namespace tracer

}  // namespace script
}  // namespace ember
