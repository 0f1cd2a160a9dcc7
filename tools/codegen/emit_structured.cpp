// generated/structured_kernels.cpp: the wrappers that run structured ops (see emitters.h).
//
// For a structured backend op X (add.out) and every op W that names it in structured_delegate
// (add.Tensor, add_.Tensor), a wrapper with W's kernel signature calls X's meta function with
// X's non-out arguments (taken from W's parameters by name; the loader checked they match),
// then structured::run on X's backend kernel with X's arguments in X's schema order and
// structured::output(i) where X's outputs go. The wrapper's form follows W: Out (an out= op),
// Inplace (W writes its self), or Functional (fresh outputs that run() allocates). The kernel
// context of every wrapper is X's table of backend kernels (structured::BackendOp), so wrappers
// need no name lookups.
#include <algorithm>
#include <sstream>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/emitters.h"

namespace ember {
namespace codegen {

namespace {

// The indices of X's arguments that are kernel outputs: its out= arguments, or the self of an
// in-place-only structured op (fill_.Scalar); none for an op that updates tensor lists.
std::vector<int> output_positions(const FunctionSchema& x) {
  std::vector<int> positions;
  if (writes_lists(x)) return positions;
  const std::vector<Argument>& args = x.arguments();
  for (int i = 0; i < static_cast<int>(args.size()); ++i) {
    if (x.is_out() ? args[i].is_out() : args[i].name == "self") positions.push_back(i);
  }
  return positions;
}

std::string wrapper_name(const OpDef& w) { return "w_" + w.unique_name; }

// A `dim` argument (int, int?, int[N], int[N]?) reaches the kernel as meta normalized it
// (MetaResult::dim / dims), never as the caller wrote it: kernels do not wrap or re-validate dims.
bool is_dim_argument(const Argument& a) { return a.name == "dim" && a.type.base == BaseType::Int; }

std::string normalized_dim_local(const SchemaType& t, const std::string& op) {
  std::string args = "(meta_result, \"" + op + "\");";
  if (!t.is_list && t.optional)
    return "const std::optional<int64_t> dim_normalized = structured::normalized_optional_dim" + args;
  if (!t.is_list) return "const int64_t dim_normalized = structured::normalized_dim" + args;
  if (t.optional) return "const std::optional<IntArrayRef> dim_normalized = structured::normalized_dims" + args;
  return "const IntArrayRef dim_normalized = structured::normalized_dims" + args;
}

void emit_wrapper(std::ostringstream& o, const OpApi& w_api, const OpApi& x_api) {
  const OpDef& w = *w_api.op;
  const OpDef& x = *x_api.op;
  const FunctionSchema& xs = x.schema;
  std::vector<int> outputs = output_positions(xs);
  const bool list_update = writes_lists(w.schema);
  const char* form = w.schema.is_out() ? "Out" : writes_self(w.schema) || list_update ? "Inplace" : "Functional";

  o << "\n" << op_comment(w);
  if (&w != &x) o << "// structured_delegate: " << xs.name_with_overload() << "\n";
  o << "static " << w_api.kernel_return << " " << wrapper_name(w) << "(void* ctx, DispatchKeySet"
    << (w_api.kernel_params.empty() ? "" : ", ") << w_api.kernel_param_list() << ") {\n";
  o << "  const structured::BackendOp& kernel_op = *static_cast<const structured::BackendOp*>(ctx);\n";

  std::vector<std::string> meta_args, kernel_args;
  size_t next_output = 0;
  for (int i = 0; i < static_cast<int>(xs.arguments().size()); ++i) {
    const Argument& a = xs.arguments()[i];
    std::string name = cpp_arg_name(a.name);
    bool optional_tensor = a.type.base == BaseType::Tensor && a.type.optional && !a.type.is_list;
    if (!a.is_out()) meta_args.push_back(optional_tensor ? "structured::none_if_undefined(" + name + ")" : name);
    bool is_output = next_output < outputs.size() && outputs[next_output] == i;
    if (is_output) kernel_args.push_back("structured::output(" + std::to_string(next_output++) + ")");
    else if (a.type.is_tensor_list() && a.write_alias()) kernel_args.push_back("structured::written(" + name + ")");
    else if (is_dim_argument(a)) kernel_args.push_back("structured::arg(dim_normalized)");
    else kernel_args.push_back("structured::arg(" + name + ")");
  }
  std::string meta_call;
  for (size_t i = 0; i < meta_args.size(); ++i) meta_call += (i ? ", " : "") + meta_args[i];
  o << "  structured::MetaResult meta_result = meta::" << x.structured << "(" << meta_call << ");\n";
  for (const Argument& a : xs.arguments())
    if (is_dim_argument(a)) o << "  " << normalized_dim_local(a.type, xs.name_with_overload()) << "\n";

  size_t k = outputs.size();
  if (list_update) {
    // No outputs: the kernel writes into the lists' tensors (run() bumps their versions).
    o << "  structured::Arg args[" << kernel_args.size() << "] = {";
    for (size_t i = 0; i < kernel_args.size(); ++i) o << (i ? ", " : "") << kernel_args[i];
    o << "};\n";
    o << "  structured::run(kernel_op, meta_result, structured::Form::Inplace, args, " << kernel_args.size()
      << ", nullptr, 0);\n}\n";
    return;
  }
  o << "  Tensor outs[" << k << "]";
  if (w.schema.is_out()) {
    std::vector<std::string> outs;
    for (const Argument& a : w.schema.arguments())
      if (a.is_out()) outs.push_back(cpp_arg_name(a.name));
    o << " = {";
    for (size_t i = 0; i < outs.size(); ++i) o << (i ? ", " : "") << outs[i];
    o << "}";
  } else if (writes_self(w.schema)) {
    o << " = {self}";
  }
  o << ";\n";

  o << "  structured::Arg args[" << kernel_args.size() << "] = {";
  for (size_t i = 0; i < kernel_args.size(); ++i) o << (i ? ", " : "") << kernel_args[i];
  o << "};\n";
  o << "  structured::run(kernel_op, meta_result, structured::Form::" << form << ", args, " << kernel_args.size()
    << ", outs, " << k << ");\n";
  if (w.schema.returns().size() == 1) {
    o << "  return outs[0];\n";
  } else {
    o << "  return " << w_api.kernel_return << "(";
    for (size_t i = 0; i < w.schema.returns().size(); ++i) o << (i ? ", " : "") << "outs[" << i << "]";
    o << ");\n";
  }
  o << "}\n";
}

}  // namespace

std::string emit_structured_kernels_cpp(const ApiPlan& plan) {
  std::ostringstream o;
  o << banner(
      "Structured-kernel wrappers (ops/structured.h): for each structured backend op and each op\n"
      "that names it in structured_delegate, a wrapper that validates through the op's meta\n"
      "function (ops/meta.h) and runs the plugin's backend kernel via structured::run.\n"
      "register_builtin_ops() (generated/register_ops.cpp) registers them as CompositeExplicit\n"
      "kernels through register_structured_wrappers(), the op itself included: the public add.out\n"
      "goes through its wrapper too. Each wrapper's kernel context is the backend op's table of\n"
      "backend kernels (ops/backend/backend_kernel.h), created here.");
  o << "#include \"dispatcher/boxing.h\"\n";
  o << "#include \"ops/meta.h\"\n";
  o << "#include \"ops/structured.h\"\n";
  o << "\nnamespace ember {\n";

  // Each structured op, then its delegates in ops.yaml order.
  std::vector<std::pair<const OpApi*, const OpApi*>> wrappers;  // (W, X)
  for (const OpApi& x : plan.ops) {
    if (!x.op->is_structured_backend()) continue;
    o << "\n// ---- " << x.op->label() << " (meta::" << x.op->structured << ") "
      << std::string(std::max<int>(0, 70 - static_cast<int>(x.op->label().size() + x.op->structured.size())), '-')
      << "\n";
    wrappers.push_back({&x, &x});
    emit_wrapper(o, x, x);
    for (const OpApi& w : plan.ops) {
      if (w.op->delegate_index != x.op->index) continue;
      wrappers.push_back({&w, &x});
      emit_wrapper(o, w, x);
    }
  }

  o << "\nnamespace detail {\n\n";
  o << "// Called by register_builtin_ops() with the handles of every ops.yaml op, in file order.\n";
  o << "void register_structured_wrappers(Dispatcher& d, const OperatorHandle* ops) {\n";
  if (wrappers.empty()) o << "  (void)d;\n  (void)ops;\n";
  for (const auto& [w, x] : wrappers) {
    std::string table = "&structured::backend_op(*ops[" + std::to_string(x->op->index) + "].entry())";
    o << "  d.register_kernel(ops[" << w->op->index << "], DispatchTarget::composite_explicit(),\n"
      << "                    detail::make_kernel(&" << wrapper_name(*w->op) << ", " << table
      << ", \"ember\"));  // " << w->op->schema.name_with_overload() << "\n";
    if (w != x)
      o << "  structured::set_delegate(*ops[" << w->op->index << "].entry(), " << table.substr(1) << ");\n";
  }
  o << "}\n\n}  // namespace detail\n}  // namespace ember\n";
  return o.str();
}

}  // namespace codegen
}  // namespace ember
