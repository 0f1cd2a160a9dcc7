// generated/autograd_kernels_N.cpp: backward nodes and Autograd-key kernels (see
// autograd_plan.h and docs/AUTOGRAD.md). Each backward function goes to one shard together with
// the kernels that record it; out= and passthrough kernels go with their op's neighbours.
#include <algorithm>
#include <sstream>

#include "tools/codegen/cpp_types.h"
#include "tools/codegen/emitters.h"

namespace ember {
namespace codegen {

namespace {

const char* kRule =
    "// ---------------------------------------------------------------------------------------------\n";

std::string kernel_name(const OpDef& op) { return "k_" + op.unique_name; }

// The C++ expression of forward output i inside a kernel.
std::string output_expr(const OpApi& api, int i) {
  if (api.op->schema.returns().size() == 1) return "result";
  return "std::get<" + std::to_string(i) + ">(result)";
}

// Which next-edge slots a saved item is needed for: "grad_fn->should_compute_output(0) || ...",
// or "" when it must always be saved (lists make slots dynamic; values and metadata are cheap).
std::string save_condition(const BackwardFunction& fn, const SavedItem& item) {
  if (fn.has_list_input) return "";
  if (item.kind != SavedItem::Input && item.kind != SavedItem::Output && item.kind != SavedItem::InputList) return "";
  std::string cond;
  for (size_t k = 0; k < fn.inputs.size(); ++k) {
    const auto& uses = fn.inputs[k].uses;
    if (std::find(uses.begin(), uses.end(), item.member) == uses.end()) continue;
    cond += (cond.empty() ? "" : " || ") + std::string("grad_fn->should_compute_output(") + std::to_string(k) + ")";
  }
  return cond;
}

// A formula of several inputs (GradGroup), emitted where its first member's slot comes: evaluated
// once when any member's gradient is wanted, with grad_input_mask saying which.
void emit_group(std::ostringstream& o, const BackwardFunction& fn, const GradGroup& g, size_t slot) {
  if (g.members.front() != slot) return;  // emitted with the first member
  std::string names, wanted, mask;
  for (size_t m : g.members) {
    std::string w = "task_should_compute_output(" + std::to_string(m) + ")";
    names += (names.empty() ? "" : ", ") + fn.inputs[m].name;
    wanted += (wanted.empty() ? "" : " || ") + w;
    mask += (mask.empty() ? "" : ", ") + w;
  }
  o << "  // " << names << "\n";
  o << "  if (" << wanted << ") {\n";
  o << "    const std::vector<bool> grad_input_mask = {" << mask << "};\n";
  o << "    auto grad_result = " << g.formula << ";\n";
  for (size_t i = 0; i < g.members.size(); ++i)
    o << "    if (grad_input_mask[" << i << "]) grad_inputs[" << g.members[i] << "] = std::get<" << i
      << ">(std::move(grad_result));\n";
  o << "  }\n";
}

void emit_node(std::ostringstream& o, const BackwardFunction& fn, const OpApi& owner_api) {
  const OpDef& owner = *fn.owner;
  o << "\n" << kRule << op_comment(owner);
  o << "struct " << fn.class_name << " final : public Node {\n";
  o << "  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override;\n";
  o << "  std::string name() const override { return " << cpp_string_literal(fn.display_name) << "; }\n";
  o << "  void release_variables() override {";
  bool any_release = false;
  for (const SavedItem& s : fn.saved) {
    if (s.kind == SavedItem::Input || s.kind == SavedItem::Output) {
      o << "\n    " << s.member << ".reset();";
      any_release = true;
    } else if (s.kind == SavedItem::InputList) {
      o << "\n    for (SavedVariable& v : " << s.member << ") v.reset();";
      any_release = true;
    }
  }
  o << (any_release ? "\n  }\n" : "}\n");
  for (const SavedItem& s : fn.saved) o << "  " << s.type << " " << s.member << "{};\n";
  for (const GradInput& in : fn.inputs)
    if (in.kind == GradInput::TensorList) o << "  size_t " << in.name << "_size_ = 0;\n";
  o << "};\n";

  // apply()
  o << "\nstd::vector<Tensor> " << fn.class_name << "::apply(std::vector<Tensor>&& grads) {\n";
  bool unpacks = fn.has_list_input;
  for (const SavedItem& s : fn.saved)
    unpacks = unpacks || s.kind == SavedItem::Input || s.kind == SavedItem::InputList || s.kind == SavedItem::Output;
  if (unpacks) o << "  static constexpr const char* kName = " << cpp_string_literal(fn.display_name) << ";\n";
  o << "  std::vector<Tensor> grad_inputs(num_outputs());\n";
  o << "  if (!any_defined(grads)) return grad_inputs;\n";
  o << "  const Tensor& grad = grads[0];\n";
  o << "  (void)grad;\n";
  // Locals for what the formulas read: unpacked tensors (version-checked) and values.
  for (const SavedItem& s : fn.saved) {
    switch (s.kind) {
      case SavedItem::Input: {
        const Argument& a = owner.schema.arguments()[static_cast<size_t>(s.arg_index)];
        if (a.type.optional)
          o << "  std::optional<Tensor> " << s.name << " = unpack_optional(" << s.member << ", kName);\n";
        else
          o << "  Tensor " << s.name << " = " << s.member << ".unpack(kName);\n";
        break;
      }
      case SavedItem::InputList:
        o << "  std::vector<Tensor> " << s.name << " = unpack_list(" << s.member << ", kName);\n";
        break;
      case SavedItem::Output:
        o << "  Tensor " << s.name << " = " << s.member << ".unpack(kName);\n";
        break;
      case SavedItem::Value: {
        const std::string& param = owner_api.kernel_params[static_cast<size_t>(s.arg_index)].type;
        if (param == "IntArrayRef" || param == "std::optional<IntArrayRef>" || param == "ArrayRef<double>")
          o << "  " << param << " " << s.name << " = " << s.member << ";\n";
        else
          o << "  const " << s.type << "& " << s.name << " = " << s.member << ";\n";
        break;
      }
      case SavedItem::Meta: break;  // formulas read the member itself
    }
  }
  if (fn.has_list_input) o << "  size_t ix = 0;\n";
  for (size_t k = 0; k < fn.inputs.size(); ++k) {
    const GradInput& in = fn.inputs[k];
    if (in.group >= 0) {
      emit_group(o, fn, fn.groups[static_cast<size_t>(in.group)], k);
      continue;
    }
    o << "  // " << in.name << "\n";
    if (!fn.has_list_input) {
      o << "  if (task_should_compute_output(" << k << ")) grad_inputs[" << k << "] = " << in.formula << ";\n";
      continue;
    }
    std::string n = in.kind == GradInput::TensorList ? in.name + "_size_" : "1";
    o << "  if (should_compute_any(*this, ix, " << n << ")) ";
    if (in.kind == GradInput::TensorList)
      o << "set_list_grads(grad_inputs, ix, " << n << ", " << in.formula << ", kName);\n";
    else
      o << "grad_inputs[ix] = " << in.formula << ";\n";
    o << "  ix += " << n << ";\n";
  }
  o << "  return grad_inputs;\n}\n";
}

// The statements that record the node before the forward op runs.
void emit_record(std::ostringstream& o, const BackwardFunction& fn, const OpApi& api, bool inplace) {
  const FunctionSchema& s = api.op->schema;
  auto param = [&](int arg) { return api.kernel_params[static_cast<size_t>(arg)].name; };
  o << "  std::shared_ptr<" << fn.class_name << "> grad_fn;\n";
  o << "  if (record) {\n";
  o << "    grad_fn = std::make_shared<" << fn.class_name << ">();\n";
  o << "    std::vector<Edge> edges;\n";
  o << "    edges.reserve(" << fn.inputs.size() << ");\n";
  for (const GradInput& in : fn.inputs) {
    int arg = s.argument_index(in.name);
    if (in.kind == GradInput::TensorList)
      o << "    grad_fn->" << in.name << "_size_ = append_edges(edges, " << param(arg) << ");\n";
    else
      o << "    append_edges(edges, " << param(arg) << ");\n";
  }
  o << "    grad_fn->set_next_edges(std::move(edges));\n";
  for (const SavedItem& item : fn.saved) {
    if (item.kind == SavedItem::Output || item.output_index >= 0) continue;  // saved after the op
    int arg = s.argument_index(item.name);
    std::string p = param(arg);
    std::string value;
    switch (item.kind) {
      case SavedItem::Input: {
        bool written_self = inplace && item.name == "self";
        const Argument& a = s.arguments()[static_cast<size_t>(arg)];
        if (written_self) value = "SavedVariable(" + p + ".clone(), false)";
        else if (a.type.optional) value = "saved_optional(" + p + ")";
        // Another input that shares self's memory (x.pow_(x), y[1:].mul_(y[:2])) is saved as its
        // value before the op: the op changes it, and saving the tensor would make the node (self's
        // or its base's history after the op) own itself, a reference cycle.
        else if (inplace) value = "SavedVariable(inplace_saved_input(" + p + ", self), false)";
        else value = "SavedVariable(" + p + ", false)";
        break;
      }
      case SavedItem::InputList: value = "saved_list(" + p + ")"; break;
      case SavedItem::Value: value = "saved_value(" + p + ")"; break;
      case SavedItem::Meta:
        if (item.accessor == "to_args_sizes" || item.accessor == "to_args_scalartypes")
          value = item.accessor + "(" + p + ")";
        else
          value = p + "." + item.accessor + "()" + (item.accessor == "sizes" || item.accessor == "strides" ? ".vec()" : "");
        break;
      case SavedItem::Output: break;
    }
    std::string cond = save_condition(fn, item);
    o << "    " << (cond.empty() ? "" : "if (" + cond + ") ") << "grad_fn->" << item.member << " = " << value << ";\n";
  }
  o << "  }\n";
}

void emit_formula_kernel(std::ostringstream& o, const OpApi& api, const OpAutograd& a, const BackwardFunction& fn) {
  const OpDef& op = *api.op;
  const FunctionSchema& s = op.schema;
  auto param = [&](int arg) { return api.kernel_params[static_cast<size_t>(arg)].name; };
  o << "\n" << op_comment(op);
  o << api.kernel_return << " " << kernel_name(op) << "(void*, DispatchKeySet ks"
    << (api.kernel_params.empty() ? "" : ", ") << api.kernel_param_list() << ") {\n";
  std::string op_label = cpp_string_literal(s.name());
  std::string any;
  for (const GradInput& in : fn.inputs) {
    std::string p = param(s.argument_index(in.name));
    any += (any.empty() ? "" : " || ") +
           (in.kind == GradInput::TensorList ? "any_requires_grad(" + p + ")" : "requires_grad(" + p + ")");
  }
  o << "  const bool record = GradMode::is_enabled() && (" << any << ");\n";
  if (a.inplace) o << "  check_inplace(" << param(s.argument_index("self")) << ", " << op_label << ", record);\n";
  emit_record(o, fn, api, a.inplace);
  o << "  " << api.kernel_return << " result;\n";
  o << "  {\n";
  o << "    ExcludeDispatchKeyGuard guard(kAutogradKeySet);\n";
  o << "    result = ::ember::redispatch::" << op.unique_name << "(ks & kBelowAutograd"
    << (api.kernel_params.empty() ? "" : ", ") << api.kernel_arg_names() << ");\n";
  o << "  }\n";
  o << "  if (record) {\n";
  if (a.inplace) {
    o << "    " << (a.inplace_view ? "rebase_history_of_inplace_view(" : "rebase_history(") << output_expr(api, 0)
      << ", grad_fn, " << op_label << ");\n";
  } else {
    for (size_t i = 0; i < s.returns().size(); ++i)
      o << "    set_output_history(" << output_expr(api, static_cast<int>(i)) << ", grad_fn);\n";
  }
  for (const SavedItem& item : fn.saved) {
    if (item.output_index < 0) continue;
    std::string out = output_expr(api, item.output_index);
    std::string value = item.kind == SavedItem::Output
                            ? "SavedVariable(" + out + ", true)"
                            : out + "." + item.accessor + "()" +
                                  (item.accessor == "sizes" || item.accessor == "strides" ? ".vec()" : "");
    std::string cond = save_condition(fn, item);
    o << "    " << (cond.empty() ? "" : "if (" + cond + ") ") << "grad_fn->" << item.member << " = " << value << ";\n";
  }
  o << "  }\n";
  o << "  return result;\n}\n";
}

void emit_simple_kernel(std::ostringstream& o, const OpApi& api, bool out_form) {
  const OpDef& op = *api.op;
  const FunctionSchema& s = op.schema;
  o << "\n" << op_comment(op);
  if (out_form) o << "// out= form of a differentiable op: refuses inputs that require grad.\n";
  else o << "// Not differentiable: runs below Autograd and records nothing.\n";
  o << api.kernel_return << " " << kernel_name(op) << "(void*, DispatchKeySet ks"
    << (api.kernel_params.empty() ? "" : ", ") << api.kernel_param_list() << ") {\n";
  if (out_form) {
    std::string any;
    for (size_t i = 0; i < s.arguments().size(); ++i) {
      const Argument& a = s.arguments()[i];
      if (a.type.base != BaseType::Tensor) continue;
      const std::string& p = api.kernel_params[i].name;
      any += (any.empty() ? "" : " || ") + (a.type.is_list ? "any_requires_grad(" + p + ")" : "requires_grad(" + p + ")");
    }
    o << "  if (GradMode::is_enabled() && (" << any << ")) throw_out_not_differentiable(" << cpp_string_literal(s.name())
      << ");\n";
  }
  o << "  ExcludeDispatchKeyGuard guard(kAutogradKeySet);\n";
  o << "  return ::ember::redispatch::" << op.unique_name << "(ks & kBelowAutograd"
    << (api.kernel_params.empty() ? "" : ", ") << api.kernel_arg_names() << ");\n";
  o << "}\n";
}

// Shard of op i: ops with a backward function go with the function's owner.
int shard_of(const ApiPlan& api, const AutogradPlan& ag, size_t i) {
  const OpAutograd& a = ag.ops[i];
  size_t anchor = i;
  if (a.kind == AutogradKind::Formula) anchor = static_cast<size_t>(ag.functions[static_cast<size_t>(a.function)].owner->index);
  size_t n = api.ops.size();
  size_t per = (n + kNumAutogradShards - 1) / kNumAutogradShards;
  return per == 0 ? 0 : static_cast<int>(anchor / per);
}

}  // namespace

std::string emit_autograd_kernels_cpp(const ApiPlan& api, const AutogradPlan& ag, int shard) {
  std::ostringstream o;
  o << banner("Part " + std::to_string(shard + 1) + " of " + std::to_string(kNumAutogradShards) +
              " of the autograd kernels (docs/AUTOGRAD.md): the backward nodes of ops.yaml's\n"
              "`derivatives:` and the kernels registered at the Autograd key, which record a node, then\n"
              "redispatch below Autograd with autograd excluded on the thread.");
  o << "#include <memory>\n#include <optional>\n#include <string>\n#include <tuple>\n#include <vector>\n\n";
  o << "#include \"autograd/generated_support.h\"\n";
  o << "\nnamespace ember {\nnamespace autograd {\nnamespace generated {\nnamespace {\n";
  std::vector<size_t> ops;
  for (size_t i = 0; i < api.ops.size(); ++i)
    if (ag.ops[i].kind != AutogradKind::None && shard_of(api, ag, i) == shard) ops.push_back(i);
  for (const BackwardFunction& fn : ag.functions) {
    size_t owner = static_cast<size_t>(fn.owner->index);
    bool used = false;
    for (size_t i : ops)
      if (ag.ops[i].kind == AutogradKind::Formula && ag.functions[static_cast<size_t>(ag.ops[i].function)].owner == fn.owner)
        used = true;
    if (used) emit_node(o, fn, api.ops[owner]);
  }
  if (!ops.empty()) o << "\n" << kRule << "// Kernels\n";
  for (size_t i : ops) {
    const OpAutograd& a = ag.ops[i];
    if (a.kind == AutogradKind::Formula)
      emit_formula_kernel(o, api.ops[i], a, ag.functions[static_cast<size_t>(a.function)]);
    else
      emit_simple_kernel(o, api.ops[i], a.kind == AutogradKind::Out);
  }
  o << "\n}  // namespace\n\n";
  o << "// Called by register_builtin_ops() with the handles of every ops.yaml op, in file order.\n";
  o << "void register_autograd_kernels_" << shard << "(Dispatcher& d, const OperatorHandle* ops) {\n";
  if (ops.empty()) o << "  (void)d;\n  (void)ops;\n";
  else o << "  const DispatchTarget target = DispatchTarget::key(FunctionalityKey::Autograd);\n";
  for (size_t i : ops) {
    const OpDef& op = *api.ops[i].op;
    o << "  d.register_kernel(ops[" << op.index << "], target, ::ember::detail::make_kernel(&" << kernel_name(op)
      << ", nullptr, \"ember\"));  // " << op.schema.name_with_overload() << "\n";
  }
  o << "}\n\n}  // namespace generated\n";
  if (shard == 0) {
    o << "\nvoid register_autograd_fallback(Dispatcher& d);  // autograd/autograd_fallback.cpp\n";
    o << "namespace generated {\n";
    for (int k = 1; k < kNumAutogradShards; ++k)
      o << "void register_autograd_kernels_" << k << "(Dispatcher& d, const OperatorHandle* ops);\n";
    o << "}  // namespace generated\n";
    o << "\n// Every generated Autograd kernel, then the boxed fallback for every other op that is not\n"
         "// Composite. Called at start-up (registry/) after register_builtin_ops().\n";
    o << "void register_autograd_kernels(Dispatcher& d, const OperatorHandle* ops) {\n";
    for (int k = 0; k < kNumAutogradShards; ++k) o << "  generated::register_autograd_kernels_" << k << "(d, ops);\n";
    o << "  register_autograd_fallback(d);\n}\n";
  }
  o << "}  // namespace autograd\n}  // namespace ember\n";
  return o.str();
}

}  // namespace codegen
}  // namespace ember
