// generated/functions_N.cpp: definitions of the public functions, Tensor methods, _out/_outf
// forms and redispatch functions (see emitters.h).
//
// A public call finds its operator once (a function-local static), ORs the key sets of its
// tensor arguments (factories without tensors: the device's backend bit, else the default
// device's), and calls the kernel through call_op (dispatcher/boxing.h). Ops are split over
// kNumFunctionShards files in contiguous runs of ops.yaml order, every form of an op in one file.
#include <sstream>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/emitters.h"

namespace ember {
namespace codegen {

namespace {

enum class ResultUse { Return, ReturnWithRequiresGrad, ReturnSelf };

const char* kRule =
    "// ---------------------------------------------------------------------------------------------\n";

std::string join(const std::vector<std::string>& items) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + items[i];
  return s;
}

std::string find_op_line(const OpDef& op) {
  return "  static OperatorEntry* op = Dispatcher::singleton().find_or_throw(" +
         cpp_string_literal(op.schema.full_name()) + ").entry();\n";
}

// Locals holding a factory's dtype/layout/device/pin_memory, unpacked from `options`. Schema
// defaults other than None (randint's dtype=long) apply when options leaves the field unset.
std::string unpack_options(const OpApi& api) {
  const std::vector<Argument>& args = api.op->schema.arguments();
  std::string s;
  for (int k = 0; k < 4; ++k) {
    const Argument& a = args[api.options_first_arg + k];
    const CppParam& p = api.kernel_params[api.options_first_arg + k];
    bool has_value_default = a.default_text && *a.default_text != "None";
    std::string fallback = has_value_default ? p.type + "(" + cpp_default(a) + ")" : "std::nullopt";
    std::string value;
    if (a.name == "dtype" || a.name == "device" || a.name == "pin_memory") {
      std::string field = "options." + a.name + "_opt()";
      value = has_value_default ? field + ".has_value() ? " + field + " : " + fallback : field;
    } else {
      value = fallback;  // TensorOptions has no layout: ember tensors are strided
    }
    s += "  " + p.type + " " + p.name + " = " + value + ";\n";
  }
  return s;
}

// The call's key set over the given argument expressions (one per schema argument). A
// non-optional Tensor argument must be defined (key_set_of_defined raises TypeError otherwise).
std::string key_set_expr(const OpApi& api, const std::vector<std::string>& exprs) {
  const std::vector<Argument>& args = api.op->schema.arguments();
  std::vector<std::string> parts;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type.base != BaseType::Tensor) continue;
    if (args[i].type.is_list || args[i].type.optional)
      parts.push_back("detail::key_set_of(" + exprs[i] + ")");
    else
      parts.push_back("detail::key_set_of_defined(" + exprs[i] + ", *op, " + cpp_string_literal(args[i].name) + ")");
  }
  if (!parts.empty()) {
    std::string s;
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? " | " : "") + parts[i];
    return s;
  }
  std::string fallback = "DispatchKeySet::backend(default_device().type())";
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].type.base != BaseType::Device || args[i].type.is_list) continue;
    if (!args[i].type.optional) return "DispatchKeySet::backend(" + exprs[i] + ".type())";
    return exprs[i] + " ? DispatchKeySet::backend(" + exprs[i] + "->type()) : " + fallback;
  }
  return fallback;
}

// The statements of a dispatching body: find the op, compute the key set, call the kernel.
std::string dispatch_body(const OpApi& api, const std::vector<std::string>& exprs, bool options, ResultUse use) {
  std::string s = find_op_line(*api.op);
  if (options) s += unpack_options(api);
  s += "  DispatchKeySet ks = op->dispatch_key_set(" + key_set_expr(api, exprs) + ");\n";
  std::string types = api.kernel_param_types();
  std::string call = "call_op<" + api.kernel_return + (types.empty() ? "" : ", " + types) + ">(*op, ks" +
                     (exprs.empty() ? "" : ", " + join(exprs)) + ")";
  switch (use) {
    case ResultUse::Return:
      s += "  return " + call + ";\n";
      break;
    case ResultUse::ReturnWithRequiresGrad:
      s += "  " + api.kernel_return + " result = " + call + ";\n";
      s += "  if (options.requires_grad()) result.requires_grad_(true);\n";
      s += "  return result;\n";
      break;
    case ResultUse::ReturnSelf:
      s += "  " + call + ";\n";
      s += "  return const_cast<Tensor&>(*this);\n";
      break;
  }
  return s;
}

// Expressions for each schema argument inside a public function or method.
std::vector<std::string> argument_exprs(const OpApi& api, bool is_method) {
  std::vector<std::string> exprs;
  for (const CppParam& p : api.kernel_params) {
    const Argument& a = api.op->schema.arguments()[p.arg_index];
    exprs.push_back(is_method && a.name == "self" ? "*this" : p.name);
  }
  return exprs;
}

bool has_options(const CppSignature& sig) {
  for (const CppParam& p : sig.params)
    if (p.arg_index < 0) return true;
  return false;
}

// The arguments a method passes to its free function: the function's parameters in order.
std::string forward_args(const OpApi& api, const CppSignature& to, bool from_method) {
  std::vector<std::string> names;
  for (const CppParam& p : to.params) {
    if (p.arg_index < 0) names.push_back("options");
    else if (from_method && api.op->schema.arguments()[p.arg_index].name == "self") names.push_back("*this");
    else names.push_back(p.name);
  }
  return join(names);
}

void emit_function(std::ostringstream& o, const OpApi& api) {
  const CppSignature& f = api.function;
  bool options = has_options(f);
  bool grad = options && api.kernel_return == "Tensor";
  o << "\n" << f.return_type << " " << f.name << "(" << f.param_list(false) << ") {\n";
  o << dispatch_body(api, argument_exprs(api, false), options, grad ? ResultUse::ReturnWithRequiresGrad : ResultUse::Return);
  o << "}\n";
}

void emit_method(std::ostringstream& o, const OpApi& api) {
  const CppSignature& m = api.method;
  bool returns_self = m.return_type == "Tensor&";
  o << "\n" << m.return_type << " Tensor::" << m.name << "(" << m.param_list(false) << ") const {\n";
  if (api.function.defined) {
    std::string call = "ember::" + api.function.name + "(" + forward_args(api, api.function, true) + ")";
    if (returns_self) o << "  " << call << ";\n  return const_cast<Tensor&>(*this);\n";
    else o << "  return " << call << ";\n";
  } else {
    bool options = has_options(m);
    bool grad = options && api.kernel_return == "Tensor";
    ResultUse use = returns_self ? ResultUse::ReturnSelf : grad ? ResultUse::ReturnWithRequiresGrad : ResultUse::Return;
    o << dispatch_body(api, argument_exprs(api, true), options, use);
  }
  o << "}\n";
}

void emit_out_forms(std::ostringstream& o, const OpApi& api) {
  const CppSignature& outf = api.outf;
  o << "\n" << outf.return_type << " " << outf.name << "(" << outf.param_list(false) << ") {\n";
  o << dispatch_body(api, argument_exprs(api, false), false, ResultUse::Return);
  o << "}\n";
  const CppSignature& out = api.out;
  o << "\n" << out.return_type << " " << out.name << "(" << out.param_list(false) << ") {\n";
  o << "  return ember::" << outf.name << "(" << forward_args(api, outf, false) << ");\n";
  o << "}\n";
}

// A braced-list overload (api_plan.h, BracedListShim) forwards to its list overload.
void emit_shim(std::ostringstream& o, const BracedListShim& shim) {
  const CppSignature& sig = shim.sig;
  std::vector<std::string> args;
  for (size_t i = 0; i < sig.params.size(); ++i)
    args.push_back(i == shim.list_param ? shim.forward_type + "(" + sig.params[i].name + ")" : sig.params[i].name);
  if (shim.is_method) {
    o << "\n" << sig.return_type << " Tensor::" << sig.name << "(" << sig.param_list(false) << ") const {\n";
    o << "  return " << sig.name << "(" << join(args) << ");\n}\n";
  } else {
    o << "\n" << sig.return_type << " " << sig.name << "(" << sig.param_list(false) << ") {\n";
    o << "  return ember::" << sig.name << "(" << join(args) << ");\n}\n";
  }
}

void emit_redispatch(std::ostringstream& o, const OpApi& api) {
  std::string types = api.kernel_param_types();
  o << "\n" << api.kernel_return << " redispatch::" << api.op->unique_name << "(DispatchKeySet ks"
    << (api.kernel_params.empty() ? "" : ", ") << api.kernel_param_list() << ") {\n";
  o << find_op_line(*api.op);
  o << "  return call_op<" << api.kernel_return << (types.empty() ? "" : ", " + types) << ">(*op, ks"
    << (api.kernel_params.empty() ? "" : ", " + api.kernel_arg_names()) << ");\n";
  o << "}\n";
}

}  // namespace

std::string emit_functions_cpp(const ApiPlan& plan, int shard) {
  size_t n = plan.ops.size();
  size_t per_shard = (n + kNumFunctionShards - 1) / kNumFunctionShards;
  size_t begin = std::min(n, per_shard * static_cast<size_t>(shard));
  size_t end = std::min(n, begin + per_shard);
  std::ostringstream o;
  o << banner("Part " + std::to_string(shard + 1) + " of " + std::to_string(kNumFunctionShards) +
              " of the definitions of generated/functions.h, generated/tensor_methods.h and\n"
              "generated/redispatch.h (ops.yaml entries " + std::to_string(begin) + " to " +
              std::to_string(end) + ", counted from 0, end exclusive).");
  o << "#include \"dispatcher/boxing.h\"\n";
  o << "#include \"generated/functions.h\"\n";
  o << "#include \"generated/redispatch.h\"\n";
  o << "\nnamespace ember {\n";
  for (size_t i = begin; i < end; ++i) {
    const OpApi& api = plan.ops[i];
    o << "\n" << kRule << op_comment(*api.op);
    if (api.function.defined) emit_function(o, api);
    if (api.outf.defined) emit_out_forms(o, api);
    if (api.method.defined) emit_method(o, api);
    for (const BracedListShim& shim : api.shims) emit_shim(o, shim);
    emit_redispatch(o, api);
  }
  o << "\n}  // namespace ember\n";
  return o.str();
}

}  // namespace codegen
}  // namespace ember
