// Autograd's boxed fallback: the Autograd-key kernel of every op that has neither a generated
// kernel (ops.yaml `derivatives:`, factories, out= forms) nor a Composite decomposition, and
// of operators defined at run time without register_backward (custom_function.h).
//
// It runs the op below Autograd and, when grad mode is on and an input requires grad, gives the
// op's floating-point outputs a NotImplementedBackward, so that backward() through them raises
// "the derivative for 'aten::x' is not implemented." while everything else keeps working.
// Integer and bool outputs (comparisons, argmax, masks) are not differentiable and stay plain.
#include "autograd/generated_support.h"
#include "autograd/not_implemented_fallback.h"
#include "autograd/view_tracking.h"

namespace ember {
namespace autograd {

namespace {

bool is_differentiable_value(const IValue& v) {
  if (v.is_tensor()) {
    const Tensor& t = v.to_tensor();
    return t.defined() && is_floating_point(t.scalar_type());
  }
  if (v.is_tensor_list()) {
    for (const Tensor& t : v.to_tensor_list())
      if (t.defined() && is_floating_point(t.scalar_type())) return true;
  }
  return false;
}

void autograd_fallback(void*, const OperatorHandle& op, DispatchKeySet ks, Stack* stack) {
  const FunctionSchema& s = op.schema();
  const auto& args = s.arguments();
  size_t base = stack->size() - args.size();
  bool any_input_requires_grad = false;
  std::vector<Edge> edges;
  for (size_t i = 0; i < args.size(); ++i) {
    const IValue& v = (*stack)[base + i];
    if (v.is_tensor()) {
      const Tensor& t = v.to_tensor();
      if (args[i].is_out()) continue;
      any_input_requires_grad = any_input_requires_grad || (t.defined() && requires_grad(t));
      edges.push_back(t.defined() ? gradient_edge(t) : Edge{});
    } else if (v.is_tensor_list() && !args[i].is_out()) {
      for (const Tensor& t : v.to_tensor_list()) {
        any_input_requires_grad = any_input_requires_grad || requires_grad(t);
        edges.push_back(gradient_edge(t));
      }
    }
  }
  const bool record = GradMode::is_enabled() && any_input_requires_grad;
  std::vector<Tensor> written_in_lists;  // (the stack holds the results once the op ran)
  for (size_t i = 0; i < args.size(); ++i) {
    const IValue& v = (*stack)[base + i];
    const bool written = args[i].alias && args[i].alias->is_write;
    if (written && !args[i].is_out() && v.is_tensor() && v.to_tensor().defined())
      check_inplace(v.to_tensor(), s.name().c_str(), record);
    if (written && v.is_tensor_list()) {  // Tensor(a!)[] (_fused_sgd_): each element is updated in place
      for (const Tensor& t : v.to_tensor_list()) {
        if (!t.defined()) continue;
        check_inplace(t, s.name().c_str(), record);
        if (record && requires_grad(t) && is_floating_point(t.scalar_type())) written_in_lists.push_back(t);
      }
    }
  }
  if (record && s.is_out()) {
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i].is_out() && is_differentiable_value((*stack)[base + i])) throw_out_not_differentiable(s.name().c_str());
  }
  {
    ExcludeDispatchKeyGuard guard(kAutogradKeySet);
    op.redispatch_boxed(ks & kBelowAutograd, stack);
  }
  if (!record || s.is_out()) return;
  // Tensors of written lists that require grad (non-leaves: check_inplace refused leaves) now
  // hold values autograd cannot differentiate: backward through them raises not-implemented.
  if (!written_in_lists.empty()) {
    auto list_node = std::make_shared<NotImplementedBackward>(s.qualified_name());
    list_node->set_next_edges(std::vector<Edge>(edges));
    for (const Tensor& t : written_in_lists) rebase_history(t, list_node, s.name().c_str());
  }
  size_t num_returns = s.returns().size();
  size_t out_base = stack->size() - num_returns;
  bool any_output = false;
  for (size_t j = 0; j < num_returns; ++j) any_output = any_output || is_differentiable_value((*stack)[out_base + j]);
  if (!any_output) return;
  auto node = std::make_shared<NotImplementedBackward>(s.qualified_name());
  node->set_next_edges(std::move(edges));
  for (size_t j = 0; j < num_returns; ++j) {
    const IValue& v = (*stack)[out_base + j];
    if (v.is_tensor()) {
      const Tensor& t = v.to_tensor();
      bool inplace = s.aliased_argument_of_return(j) >= 0;
      if (inplace && t.defined() && is_floating_point(t.scalar_type())) rebase_history(t, node, s.name().c_str());
      else set_output_history(t, node);
    } else if (v.is_tensor_list()) {
      for (const Tensor& t : v.to_tensor_list()) set_output_history(t, node);
    } else {
      node->add_input_metadata(Tensor());
    }
  }
}

// An argument's or return's alias annotation, on the tensor or on the list (Tensor[](a)).
const std::optional<AliasInfo>& alias_of(const Argument& a) { return a.alias ? a.alias : a.container_alias; }

// The index of the one entry of list with a non-write alias annotation (-1 if none); two are an
// error, worded as libtorch's ("outputs" / "inputs" of the operator schema).
int single_view_alias(const FunctionSchema& s, const std::vector<Argument>& list, const char* one, const char* many,
                      const char* others) {
  int found = -1;
  for (size_t k = 0; k < list.size(); ++k) {
    const auto& alias = alias_of(list[k]);
    if (!alias || alias->is_write) continue;
    EMBER_CHECK(found == -1, RuntimeError, "[", s.qualified_name(), "] Expected only a single ", one,
                " in the operator schema to have a non-write alias annotation (i.e., 'Tensor(a)'). Non-composite "
                "functions where multiple ", many, " are aliased with ", others, " aren't supported. Please rewrite "
                "your function as a composite function.");
    found = static_cast<int>(k);
  }
  return found;
}

// libtorch's checks of a custom op's alias annotations, made before it runs (messages as libtorch's).
void check_view_annotations(const FunctionSchema& s) {
  const int aliased_output = single_view_alias(s, s.returns(), "output", "outputs", "inputs");
  const int aliased_input = single_view_alias(s, s.arguments(), "input", "inputs", "outputs");
  EMBER_CHECK((aliased_input == -1 && aliased_output == -1) || (aliased_input == 0 && aliased_output == 0),
              RuntimeError, "[", s.qualified_name(),
              "] the not-implemented autograd fallback can only create view relationships between the first input "
              "and the first output (the output can be a vector of tensors). Please change the order of your "
              "operator's parameters so that this is the case.");
}

void not_implemented_kernel(void* ctx, const OperatorHandle& op, DispatchKeySet ks, Stack* stack) {
  const FunctionSchema& s = op.schema();
  check_view_annotations(s);
  autograd_fallback(ctx, op, ks, stack);
  // A view the op returned (its first output, of its first input) has no derivative to replay
  // when it is modified in place.
  if (s.returns().empty()) return;
  const auto& out = alias_of(s.returns()[0]);
  if (!out || out->is_write) return;
  const IValue& v = (*stack)[stack->size() - s.returns().size()];
  if (v.is_tensor()) mark_view_without_derivative(v.to_tensor(), s.qualified_name());
  if (v.is_tensor_list())
    for (const Tensor& t : v.to_tensor_list()) mark_view_without_derivative(t, s.qualified_name());
}

}  // namespace

CppFunction not_implemented_fallback() { return CppFunction::from_boxed(&not_implemented_kernel, nullptr); }

CppFunction not_implemented_inplace_or_view_fallback() {
  return CppFunction::with_role(CppFunction::Role::InplaceOrViewWork);
}

void register_autograd_fallback(Dispatcher& d) {
  KernelFunction k;
  k.boxed = &autograd_fallback;
  k.provider = "autograd fallback";
  d.register_fallback(DispatchTarget::key(FunctionalityKey::Autograd), k);
}

}  // namespace autograd
}  // namespace ember
