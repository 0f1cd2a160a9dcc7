// Tensor's autograd methods: requires_grad, grad, grad_fn, backward, hooks.
#include "autograd/autograd_meta.h"
#include "autograd/engine.h"
#include "autograd/grad_mode.h"

namespace ember {

using autograd::AutogradMeta;
using autograd::get_meta;
using autograd::materialize_meta;

Tensor& Tensor::requires_grad_(bool requires_grad) {
  AutogradMeta* m = get_meta(*this);
  if (!requires_grad) {
    EMBER_CHECK(!(m && m->grad_fn), RuntimeError,
                "[requires_grad_] you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    if (m) m->requires_grad = false;
    if (!m || !m->grad_fn) impl()->remove_key(FunctionalityKey::Autograd);
    return *this;
  }
  EMBER_CHECK(is_floating_point(), RuntimeError, "only Tensors of floating point dtype can require gradients, got ",
              scalar_type());
  if (m && m->grad_fn) return *this;  // non-leaves already require grad
  materialize_meta(*this).requires_grad = true;
  impl()->add_key(FunctionalityKey::Autograd);
  return *this;
}

bool Tensor::requires_grad() const { return autograd::requires_grad(*this); }

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  AutogradMeta* m = get_meta(*this);
  if (m && m->retains_grad && m->grad_fn) return m->grad_fn->retained_grad(m->output_nr);
  return m ? m->grad : undefined;
}

Tensor& Tensor::mutable_grad() const { return materialize_meta(*this).grad; }

void Tensor::set_grad(const Tensor& grad) const {
  if (grad.defined()) {
    EMBER_CHECK(grad.sizes() == sizes(), ValueError, "[grad] assigned grad has data of a different size: ", grad.sizes(),
                " vs ", sizes());
    EMBER_CHECK(grad.scalar_type() == scalar_type(), TypeError, "[grad] assigned grad has data of a different type: ",
                grad.scalar_type(), " vs ", scalar_type());
  }
  materialize_meta(*this).grad = grad;
}

std::shared_ptr<autograd::Node> Tensor::grad_fn() const {
  AutogradMeta* m = get_meta(*this);
  return m ? m->grad_fn : nullptr;
}

bool Tensor::is_leaf() const {
  AutogradMeta* m = get_meta(*this);
  return !m || !m->grad_fn;
}

int64_t Tensor::output_nr() const {
  AutogradMeta* m = get_meta(*this);
  return m ? m->output_nr : 0;
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph) const {
  autograd::backward({*this}, {gradient}, retain_graph, create_graph);
}

void Tensor::retain_grad() const {
  EMBER_CHECK(requires_grad(), RuntimeError, "can't retain_grad on Tensor that has requires_grad=False");
  AutogradMeta& m = materialize_meta(*this);
  if (!m.grad_fn || m.retains_grad) return;  // leaves keep their grad anyway
  m.retains_grad = true;
  m.grad_fn->retain_grad(m.output_nr);
}

bool Tensor::retains_grad() const {
  AutogradMeta* m = get_meta(*this);
  return m && m->retains_grad;
}

size_t Tensor::register_hook(std::function<Tensor(const Tensor&)> hook) const {
  EMBER_CHECK(requires_grad(), RuntimeError, "cannot register a hook on a tensor that doesn't require gradient");
  AutogradMeta& m = materialize_meta(*this);
  if (m.grad_fn) {
    m.grad_fn->add_pre_hook(m.output_nr, std::move(hook));
    return m.grad_fn->pre_hooks().size() - 1;
  }
  m.hooks.push_back(std::move(hook));
  return m.hooks.size() - 1;
}

void Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const {
  EMBER_CHECK(requires_grad() && is_leaf(), RuntimeError,
              "post accumulate grad hooks cannot be registered on non-leaf tensors");
  materialize_meta(*this).post_accumulate_hooks.push_back(std::move(hook));
}

}  // namespace ember
