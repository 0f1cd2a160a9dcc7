// generated/register_ops.cpp (schema definitions and core kernels) and generated/op_info.h/.cpp
// (the ops.yaml table for `ember ops` and tests); see emitters.h.
#include <sstream>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/emitters.h"

namespace ember {
namespace codegen {

namespace {

std::string trampoline_name(const OpDef& op) { return "t_" + op.unique_name; }

std::string join_words(const std::vector<std::string>& words, const char* sep) {
  std::string s;
  for (size_t i = 0; i < words.size(); ++i) s += (i ? sep : "") + words[i];
  return s;
}

}  // namespace

std::string emit_register_ops_cpp(const ApiPlan& plan) {
  std::ostringstream o;
  o << banner(
      "register_builtin_ops(): defines every ops.yaml schema with the dispatcher (with its tags),\n"
      "registers the Composite / CompositeExplicit kernels of ember::native through trampolines\n"
      "with the unboxed kernel convention, and the structured wrappers\n"
      "(generated/structured_kernels.cpp), which create each structured op's table of backend\n"
      "kernels (ops/backend/backend_kernel.h). Backend ops get no kernel from the core: plugins\n"
      "provide them. Called once, at start-up (core/runtime_hook.h: ensure_operators_registered).");
  o << "#include <cstddef>\n#include <vector>\n\n";
  o << "#include \"dispatcher/boxing.h\"\n";
  o << "#include \"generated/native_functions.h\"\n";
  o << "#include \"ops/builtin_ops.h\"\n";
  o << "\nnamespace ember {\n";
  o << "\nnamespace detail {\n";
  o << "// generated/structured_kernels.cpp\n";
  o << "void register_structured_wrappers(Dispatcher& d, const OperatorHandle* ops);\n";
  o << "}  // namespace detail\n";

  o << "\n// Trampolines: the unboxed kernel convention (ctx, key set, arguments) over ember::native.\n";
  for (const OpApi& api : plan.ops) {
    const OpDef& op = *api.op;
    if (op.kernel.empty()) continue;
    o << "\n" << op_comment(op);
    o << "static " << api.kernel_return << " " << trampoline_name(op) << "(void*, DispatchKeySet"
      << (api.kernel_params.empty() ? "" : ", ") << api.kernel_param_list() << ") {\n";
    o << "  return native::" << op.kernel << "(" << api.kernel_arg_names() << ");\n}\n";
  }

  o << "\n// Every ops.yaml schema in file order; the index is the op's slot in `ops` below.\n";
  o << "static const char* const kSchemas[] = {\n";
  for (const OpApi& api : plan.ops)
    o << "    " << cpp_string_literal(api.op->schema.str()) << ",  // " << api.op->index << ": " << api.op->label()
      << "\n";
  if (plan.ops.empty()) o << "    nullptr,  // placeholder: ops.yaml defines no operators\n";
  o << "};\n";
  o << "static constexpr size_t kNumOps = " << plan.ops.size() << ";\n";

  o << "\nstd::vector<OperatorHandle> register_builtin_ops() {\n";
  o << "  Dispatcher& d = Dispatcher::singleton();\n";
  o << "  std::vector<OperatorHandle> ops;\n";
  o << "  ops.reserve(kNumOps);\n";
  o << "  for (size_t i = 0; i < kNumOps; ++i) ops.push_back(d.define(kSchemas[i]));\n";
  o << "\n  // Tags (ops.yaml `tags:`).\n";
  for (const OpApi& api : plan.ops) {
    if (api.op->tags.empty()) continue;
    o << "  ops[" << api.op->index << "].entry()->set_tags({";
    for (size_t i = 0; i < api.op->tags.size(); ++i) o << (i ? ", " : "") << cpp_string_literal(api.op->tags[i]);
    o << "});\n";
  }
  o << "\n  // Composite kernels (ember::native).\n";
  for (const OpApi& api : plan.ops) {
    const OpDef& op = *api.op;
    if (op.kernel.empty()) continue;
    const char* target = op.dispatch == DispatchKind::Composite ? "composite" : "composite_explicit";
    o << "  d.register_kernel(ops[" << op.index << "], DispatchTarget::" << target << "(),\n"
      << "                    detail::make_kernel(&" << trampoline_name(op) << ", nullptr, \"ember\"));  // "
      << op.schema.name_with_overload() << "\n";
  }
  o << "\n  detail::register_structured_wrappers(d, ops.data());\n";
  o << "  return ops;\n";
  o << "}\n\n}  // namespace ember\n";
  return o.str();
}

std::string emit_op_info_h() {
  std::ostringstream o;
  o << banner(
      "OpInfo: ops.yaml as data, for `ember ops`, documentation and tests (the autograd generator\n"
      "reads derivatives from here too). Static storage; thread-safe.");
  o << "#pragma once\n\n#include <cstddef>\n\n#include \"core/export.h\"\n\nnamespace ember {\n\n";
  o << "struct OpInfo {\n"
       "  const char* name;                 // \"aten::add.Tensor\"\n"
       "  const char* schema;               // as the dispatcher prints it\n"
       "  const char* variants;             // \"function,method\"\n"
       "  const char* dispatch;             // \"backend\" | \"Composite\" | \"CompositeExplicit\" | \"structured_delegate\"\n"
       "  const char* structured;           // the meta function of a structured backend op, or \"\"\n"
       "  const char* structured_delegate;  // \"add.out\", or \"\"\n"
       "  const char* tags;                 // comma separated: \"pointwise,inplace\"\n"
       "  const char* doc;\n"
       "  const char* derivatives;          // \"self: grad; other: grad * alpha\", or \"\"\n"
       "  int yaml_line;\n"
       "  // The op's Autograd-key kernel: \"formula\" (records backward_name, with this op's derivatives or\n"
       "  // those its structured group shares), \"out\" (out= form of a differentiable op: refuses inputs\n"
       "  // that require grad), \"passthrough\" (not differentiable), \"composite\" (differentiable through\n"
       "  // its decomposition), \"fallback\" (autograd's boxed fallback: NotImplementedBackward) or\n"
       "  // \"none\" (no tensor argument: calls never reach autograd).\n"
       "  const char* autograd;\n"
       "  const char* backward_name;        // \"MulBackward0\" for \"formula\" ops, else \"\"\n"
       "};\n\n";
  o << "// Every ops.yaml entry, in file order.\n";
  o << "EMBER_API const OpInfo* op_infos();\n";
  o << "EMBER_API size_t num_op_infos();\n\n}  // namespace ember\n";
  return o.str();
}

std::string emit_op_info_cpp(const ApiPlan& plan, const AutogradPlan& autograd) {
  std::ostringstream o;
  o << banner("The table behind generated/op_info.h.");
  o << "#include \"generated/op_info.h\"\n\nnamespace ember {\n\n";
  o << "static const OpInfo kOpInfos[] = {\n";
  for (const OpApi& api : plan.ops) {
    const OpDef& op = *api.op;
    std::vector<std::string> variants;
    if (op.function_variant) variants.push_back("function");
    if (op.method_variant) variants.push_back("method");
    std::vector<std::string> derivatives;
    for (const auto& [input, formula] : op.derivatives) derivatives.push_back(input + ": " + formula);
    o << "    // " << op.label() << "\n";
    o << "    {" << cpp_string_literal(op.schema.full_name()) << ",\n";
    o << "     " << cpp_string_literal(op.schema.str()) << ",\n";
    o << "     " << cpp_string_literal(join_words(variants, ",")) << ", "
      << cpp_string_literal(dispatch_kind_name(op.dispatch)) << ", " << cpp_string_literal(op.structured) << ", "
      << cpp_string_literal(op.delegate) << ", " << cpp_string_literal(join_words(op.tags, ",")) << ",\n";
    o << "     " << cpp_string_literal(op.doc) << ",\n";
    const OpAutograd& ag = autograd.ops[static_cast<size_t>(op.index)];
    std::string backward =
        ag.kind == AutogradKind::Formula ? autograd.functions[static_cast<size_t>(ag.function)].display_name : "";
    o << "     " << cpp_string_literal(join_words(derivatives, "; ")) << ", " << op.line << ",\n";
    o << "     " << cpp_string_literal(autograd_kind_name(op, ag)) << ", " << cpp_string_literal(backward) << "},\n";
  }
  if (plan.ops.empty())
    o << "    {\"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", 0, \"\", \"\"},  // placeholder: no ops\n";
  o << "};\n\n";
  o << "const OpInfo* op_infos() { return kOpInfos; }\n";
  o << "size_t num_op_infos() { return " << plan.ops.size() << "; }\n";
  o << "\n}  // namespace ember\n";
  return o.str();
}

}  // namespace codegen
}  // namespace ember
