// Support functions of the generated autograd kernels (see generated_support.h).
#include "autograd/generated_support.h"

namespace ember {
namespace autograd {

void set_list_grads(std::vector<Tensor>& grads, size_t begin, size_t count, std::vector<Tensor> values,
                    const char* node_name) {
  EMBER_CHECK(values.size() == count, RuntimeError, "Function ", node_name, " returned ", values.size(),
              " gradients for a list of ", count, " tensors");
  for (size_t i = 0; i < count; ++i) grads[begin + i] = std::move(values[i]);
}

void set_output_history(const Tensor& output, const std::shared_ptr<Node>& node) {
  if (output.defined() && is_floating_point(output.scalar_type())) set_history(output, node);
  else node->add_input_metadata(Tensor());
}

std::optional<Tensor> unpack_optional(const SavedVariable& v, const char* node_name) {
  Tensor t = v.unpack(node_name);
  return t.defined() ? std::optional<Tensor>(std::move(t)) : std::nullopt;
}

std::vector<Tensor> unpack_list(const std::vector<SavedVariable>& v, const char* node_name) {
  std::vector<Tensor> out;
  out.reserve(v.size());
  for (const SavedVariable& s : v) out.push_back(s.unpack(node_name));
  return out;
}

void throw_out_not_differentiable(const char* op) {
  EMBER_FAIL(RuntimeError, op,
             "(): functions with out=... arguments don't support automatic differentiation, but one of the arguments "
             "requires grad.");
}

}  // namespace autograd
}  // namespace ember
