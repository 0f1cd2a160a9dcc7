// Reading and writing autograd's per-tensor state.
#include "autograd/autograd_meta.h"

#include "autograd/grad_mode.h"

namespace ember {
namespace autograd {

AutogradMeta::~AutogradMeta() {
  if (grad_accumulator) static_cast<AccumulateGrad*>(grad_accumulator.get())->detach_variable();
}

AutogradMeta* get_meta(const Tensor& t) {
  return t.defined() ? static_cast<AutogradMeta*>(t.impl()->autograd_meta()) : nullptr;
}

AutogradMeta& materialize_meta(const Tensor& t) {
  AutogradMeta* m = get_meta(t);
  if (m) return *m;
  auto fresh = std::make_unique<AutogradMeta>();
  m = fresh.get();
  t.impl()->set_autograd_meta(std::move(fresh));
  return *m;
}

bool requires_grad(const Tensor& t) {
  AutogradMeta* m = get_meta(t);
  return m && (m->requires_grad || m->grad_fn);
}

bool any_requires_grad(std::initializer_list<const Tensor*> tensors) {
  for (const Tensor* t : tensors)
    if (t && requires_grad(*t)) return true;
  return false;
}
bool any_requires_grad(TensorList tensors) {
  for (const Tensor& t : tensors)
    if (requires_grad(t)) return true;
  return false;
}

Edge gradient_edge(const Tensor& t) {
  AutogradMeta* m = get_meta(t);
  if (!m) return {};
  if (m->grad_fn) return Edge{m->grad_fn, m->output_nr};
  if (!m->requires_grad) return {};
  if (!m->grad_accumulator) m->grad_accumulator = std::make_shared<AccumulateGrad>(t);
  return Edge{m->grad_accumulator, 0};
}

std::vector<Edge> collect_next_edges(std::initializer_list<const Tensor*> tensors) {
  std::vector<Edge> edges;
  edges.reserve(tensors.size());
  for (const Tensor* t : tensors) edges.push_back(t ? gradient_edge(*t) : Edge{});
  return edges;
}
std::vector<Edge> collect_next_edges(TensorList tensors) {
  std::vector<Edge> edges;
  edges.reserve(tensors.size());
  for (const Tensor& t : tensors) edges.push_back(gradient_edge(t));
  return edges;
}

void set_history(const Tensor& output, const std::shared_ptr<Node>& node) {
  if (!output.defined()) {
    node->add_input_metadata(output);
    return;
  }
  AutogradMeta& m = materialize_meta(output);
  m.grad_fn = node;
  m.output_nr = node->add_input_metadata(output);
  m.requires_grad = false;
  output.impl()->add_key(FunctionalityKey::Autograd);
}

void check_inplace(const Tensor& self, const char* op) {
  AutogradMeta* m = get_meta(self);
  if (!m || !GradMode::is_enabled()) return;
  EMBER_CHECK(!(m->requires_grad && !m->grad_fn), RuntimeError, "[", op,
              "] a leaf Variable that requires grad is being used in an in-place operation.");
  EMBER_CHECK(!(m->is_view && requires_grad(self)), NotImplementedError, "[", op,
              "] in-place modification of a view of a tensor that requires grad is not supported by ember's autograd "
              "yet; use the out-of-place form");
}

void rebase_history(const Tensor& self, const std::shared_ptr<Node>& node, const char* op) {
  check_inplace(self, op);
  AutogradMeta& m = materialize_meta(self);
  m.grad_fn = node;
  m.output_nr = node->add_input_metadata(self);
  // retain_grad() follows the tensor to its new history: .grad() is the gradient of its new value.
  if (m.retains_grad) node->retain_grad(m.output_nr);
  self.impl()->add_key(FunctionalityKey::Autograd);
}

void mark_view(const Tensor& view) {
  if (view.defined() && requires_grad(view)) materialize_meta(view).is_view = true;
}

}  // namespace autograd
}  // namespace ember
