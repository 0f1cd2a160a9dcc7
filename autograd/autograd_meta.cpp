// Reading and writing autograd's per-tensor state.
#include "autograd/autograd_meta.h"

#include "autograd/grad_mode.h"
#include "autograd/view_tracking.h"

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
  if (m && (m->requires_grad || m->grad_fn)) return true;
  // A view requires grad when its base does (PyTorch's rule), even before it has a history.
  TensorImpl* base = t.defined() ? t.impl()->view_base() : nullptr;
  if (!base) return false;
  auto* bm = static_cast<AutogradMeta*>(base->autograd_meta());
  return bm && (bm->requires_grad || bm->grad_fn);
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
  if (t.defined() && t.impl()->view_base()) refresh_view_history(t);
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

namespace {
// self's value now comes from node's output output_nr.
void set_new_history(const Tensor& self, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  AutogradMeta& m = materialize_meta(self);
  m.grad_fn = node;
  m.output_nr = output_nr;
  // retain_grad() follows the tensor to its new history: .grad() is the gradient of its new value.
  if (m.retains_grad) node->retain_grad(m.output_nr);
  self.impl()->add_key(FunctionalityKey::Autograd);
}
}  // namespace

void check_inplace(const Tensor& self, const char* op, bool record) {
  if (!GradMode::is_enabled()) return;
  AutogradMeta* m = get_meta(self);
  EMBER_CHECK(!(m && m->requires_grad && !m->grad_fn), RuntimeError, "[", op,
              "] a leaf Variable that requires grad is being used in an in-place operation.");
  if (record) check_inplace_on_view(self, op);
}

void rebase_history(const Tensor& self, const std::shared_ptr<Node>& node, const char* op) {
  check_inplace(self, op, /*record=*/false);
  const uint32_t output_nr = node->add_input_metadata(self);
  if (self.impl()->view_base()) {
    rebase_view_history(self, node, output_nr);
    return;
  }
  set_new_history(self, node, output_nr);
}

void rebase_history_of_inplace_view(const Tensor& self, const std::shared_ptr<Node>& node, const char* op) {
  check_inplace(self, op, /*record=*/false);
  set_new_history(self, node, node->add_input_metadata(self));
  // A view's history is current as of now (the op moved the version).
  if (self.impl()->view_base()) self.impl()->set_view_version(self.impl()->version());
}

}  // namespace autograd
}  // namespace ember
