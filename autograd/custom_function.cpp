// register_backward: autograd for operators defined at run time (see custom_function.h).
#include "autograd/custom_function.h"

#include <cctype>

#include "autograd/generated_support.h"

namespace ember {
namespace autograd {

const IValue& BackwardContext::argument(size_t i) const {
  EMBER_CHECK(i < arguments_.size(), IndexError, "[", schema_.name_with_overload(), " backward] argument ", i,
              " out of range (", arguments_.size(), " arguments)");
  return arguments_[i];
}

Tensor BackwardContext::input(size_t i) const {
  const IValue& v = argument(i);
  if (v.is_none()) return Tensor();
  EMBER_CHECK(v.is_tensor(), TypeError, "[", schema_.name_with_overload(), " backward] argument ", i, " ('",
              schema_.arguments()[i].name, "') is not a tensor");
  return v.to_tensor();
}

const Tensor& BackwardContext::output(size_t i) const {
  EMBER_CHECK(i < outputs_.size(), IndexError, "[", schema_.name_with_overload(), " backward] output ", i,
              " out of range (", outputs_.size(), " outputs)");
  return outputs_[i];
}

namespace {

struct CustomOp {
  CustomBackwardFunction backward;
  std::string node_name;
  std::vector<size_t> tensor_args;  // schema indices of Tensor / Tensor? arguments
};

class CustomOpBackward final : public Node {
 public:
  CustomOpBackward(const CustomOp& op, const FunctionSchema& schema) : op_(op), schema_(schema) {}
  std::string name() const override { return op_.node_name; }
  void release_variables() override {
    for (SavedVariable& v : saved_inputs_) v.reset();
    for (SavedVariable& v : saved_outputs_) v.reset();
  }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    const char* node = op_.node_name.c_str();
    std::vector<Tensor> grad_inputs(num_outputs());
    if (!any_defined(grads)) return grad_inputs;
    // Outputs that received no gradient get zeros, so the function sees one tensor per output.
    for (size_t i = 0; i < grads.size() && i < input_metadata().size(); ++i) {
      const InputMetadata& m = input_metadata()[i];
      if (!grads[i].defined() && m.defined)
        grads[i] = zeros(IntArrayRef(m.sizes.ref()), TensorOptions(m.dtype).device(m.device));
    }
    std::vector<IValue> args = arguments_;
    std::vector<bool> needs(args.size(), false);
    for (size_t k = 0; k < op_.tensor_args.size(); ++k) {
      size_t a = op_.tensor_args[k];
      Tensor t = saved_inputs_[k].unpack(node);
      args[a] = t.defined() ? IValue(t) : IValue();
      needs[a] = task_should_compute_output(k);
    }
    std::vector<Tensor> outputs;
    for (const SavedVariable& v : saved_outputs_) outputs.push_back(v.unpack(node));
    BackwardContext ctx(schema_, std::move(args), std::move(outputs), std::move(needs));
    std::vector<Tensor> r = op_.backward(ctx, grads);
    size_t n_args = schema_.arguments().size(), n_tensors = op_.tensor_args.size();
    EMBER_CHECK(r.size() == n_tensors || r.size() == n_args, RuntimeError, "function ", op_.node_name, " returned ",
                r.size(), " gradients, expected ", n_tensors, " (one per tensor argument of ", schema_.name_with_overload(),
                ") or ", n_args, " (one per argument)");
    for (size_t k = 0; k < n_tensors; ++k) {
      if (!task_should_compute_output(k)) continue;
      grad_inputs[k] = r.size() == n_tensors ? r[k] : r[op_.tensor_args[k]];
    }
    return grad_inputs;
  }

  std::vector<IValue> arguments_;  // non-tensor arguments as given; tensor slots are None
  std::vector<SavedVariable> saved_inputs_;   // parallel to op_.tensor_args
  std::vector<SavedVariable> saved_outputs_;  // one per return

 private:
  const CustomOp& op_;
  const FunctionSchema& schema_;
};

void custom_autograd_kernel(void* ctx, const OperatorHandle& op, DispatchKeySet ks, Stack* stack) {
  const CustomOp& custom = *static_cast<const CustomOp*>(ctx);
  const FunctionSchema& s = op.schema();
  size_t base = stack->size() - s.arguments().size();
  bool any = false;
  for (size_t a : custom.tensor_args) {
    const IValue& v = (*stack)[base + a];
    any = any || (v.is_tensor() && requires_grad(v.to_tensor()));
  }
  std::shared_ptr<CustomOpBackward> node;
  if (GradMode::is_enabled() && any) {
    node = std::make_shared<CustomOpBackward>(custom, s);
    std::vector<Edge> edges;
    node->arguments_.assign(stack->begin() + static_cast<long>(base), stack->end());
    for (size_t a : custom.tensor_args) {
      IValue& v = (*stack)[base + a];
      Tensor t = v.is_tensor() ? v.to_tensor() : Tensor();
      edges.push_back(t.defined() ? gradient_edge(t) : Edge{});
      node->saved_inputs_.emplace_back(t, false);
      node->arguments_[a] = IValue();
    }
    node->set_next_edges(std::move(edges));
  }
  {
    ExcludeDispatchKeyGuard guard(kAutogradKeySet);
    op.redispatch_boxed(ks & kBelowAutograd, stack);
  }
  if (!node) return;
  size_t n_ret = s.returns().size();
  size_t out_base = stack->size() - n_ret;
  for (size_t j = 0; j < n_ret; ++j) {
    const IValue& v = (*stack)[out_base + j];
    Tensor t = v.is_tensor() ? v.to_tensor() : Tensor();
    set_output_history(t, node);
    node->saved_outputs_.emplace_back(t, true);
  }
}

std::string default_node_name(const FunctionSchema& s) {
  std::string out;
  bool prev_alpha = false;
  for (char c : s.name()) {
    if (c == '_') {
      prev_alpha = false;
      continue;
    }
    bool alpha = std::isalpha(static_cast<unsigned char>(c)) != 0;
    out += alpha ? static_cast<char>(prev_alpha ? std::tolower(c) : std::toupper(c)) : c;
    prev_alpha = alpha;
  }
  return out + "Backward0";
}

}  // namespace

void register_backward(const std::string& name, CustomBackwardFunction backward, std::string node_name) {
  OperatorHandle op = Dispatcher::singleton().find_or_throw(name);
  const FunctionSchema& s = op.schema();
  EMBER_CHECK(static_cast<bool>(backward), ValueError, "[register_backward] ", op.name(), ": empty backward function");
  EMBER_CHECK(!s.is_mutable(), ValueError, "[register_backward] ", op.name(),
              " writes to an argument; in-place and out= operators are not supported");
  auto* custom = new CustomOp{std::move(backward), node_name.empty() ? default_node_name(s) : std::move(node_name), {}};
  for (size_t i = 0; i < s.arguments().size(); ++i) {
    const SchemaType& t = s.arguments()[i].type;
    if (t.base != BaseType::Tensor) continue;
    EMBER_CHECK(!t.is_list, ValueError, "[register_backward] ", op.name(), ": Tensor[] arguments are not supported");
    custom->tensor_args.push_back(i);
  }
  for (const Argument& r : s.returns())
    EMBER_CHECK(r.type.is_tensor() && !r.type.optional, ValueError, "[register_backward] ", op.name(),
                ": only Tensor returns are supported, got ", r.type.str());
  KernelFunction k;
  k.boxed = &custom_autograd_kernel;
  k.boxed_ctx = custom;  // permanent, like the registration
  k.provider = "register_backward";
  Dispatcher::singleton().register_kernel(op, DispatchTarget::key(FunctionalityKey::Autograd), k);
}

}  // namespace autograd
}  // namespace ember
