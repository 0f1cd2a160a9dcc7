// Tensor's autograd methods: requires_grad, grad, grad_fn, backward, hooks; the kernels of
// detach / detach_ (ops.yaml), and the grad_fn / requires_grad suffix of tensor printing.
#include "autograd/autograd_meta.h"
#include "autograd/engine.h"
#include "autograd/grad_mode.h"
#include "autograd/view_tracking.h"
#include "core/warning.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {

using autograd::AutogradMeta;
using autograd::get_meta;
using autograd::materialize_meta;

namespace {
// The tensor's autograd state with a view's history brought up to date (view_tracking.h).
AutogradMeta* current_meta(const Tensor& t) {
  if (t.defined() && t.impl()->view_base()) autograd::refresh_view_history(t);
  return get_meta(t);
}
}  // namespace

const Tensor& Tensor::requires_grad_(bool requires_grad) const {
  AutogradMeta* m = get_meta(*this);
  if (!requires_grad) {
    EMBER_CHECK(!(m && m->grad_fn), RuntimeError,
                "[requires_grad_] you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use var_no_grad = var.detach().");
    if (m) m->requires_grad = false;
    if (!m || !m->grad_fn) impl()->remove_key(FunctionalityKey::Autograd);
    return *this;
  }
  // libtorch's words (ember has no complex dtypes, so floating point is what qualifies).
  EMBER_CHECK(is_floating_point(), RuntimeError,
              "Only Tensors of floating point and complex dtype can require gradients, got ", scalar_type());
  if (m && m->grad_fn) return *this;  // non-leaves already require grad
  materialize_meta(*this).requires_grad = true;
  impl()->add_key(FunctionalityKey::Autograd);
  return *this;
}

bool Tensor::requires_grad() const { return autograd::requires_grad(*this); }

const Tensor& Tensor::grad() const {
  static const Tensor undefined;
  AutogradMeta* m = current_meta(*this);
  if (m && m->retains_grad && m->grad_fn) return m->grad_fn->retained_grad(m->output_nr);
  const Tensor& g = m ? m->grad : undefined;
  if (m && m->grad_fn && !g.defined()) {
    EMBER_WARN("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
               "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated for "
               "a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you access the non-leaf Tensor by "
               "mistake, make sure you access the leaf Tensor instead.");
  }
  return g;
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
  AutogradMeta* m = current_meta(*this);
  return m ? m->grad_fn : nullptr;
}

bool Tensor::is_leaf() const {
  AutogradMeta* m = current_meta(*this);
  return !m || !m->grad_fn;
}

int64_t Tensor::output_nr() const {
  AutogradMeta* m = current_meta(*this);
  return m ? m->output_nr : 0;
}

Tensor Tensor::_base() const {
  EMBER_CHECK(is_view(), RuntimeError, "Can't get base of non-view Tensor");
  return Tensor(impl()->view_base_ptr());
}

void Tensor::backward(const Tensor& gradient, std::optional<bool> retain_graph, bool create_graph,
                      std::optional<TensorList> inputs) const {
  EMBER_CHECK(!inputs || !inputs->empty(), ValueError, "'inputs' argument to backward() cannot be empty.");
  autograd::backward({*this}, {gradient}, retain_graph, create_graph,
                     inputs ? std::vector<Tensor>(inputs->begin(), inputs->end()) : std::vector<Tensor>{});
}

void Tensor::retain_grad() const {
  EMBER_CHECK(requires_grad(), RuntimeError, "can't retain_grad on Tensor that has requires_grad=False");
  current_meta(*this);
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
  current_meta(*this);
  AutogradMeta& m = materialize_meta(*this);
  if (m.grad_fn) {
    m.grad_fn->add_pre_hook(m.output_nr, std::move(hook));
    return m.grad_fn->pre_hooks().size() - 1;
  }
  m.hooks.push_back(std::move(hook));
  return m.hooks.size() - 1;
}

void Tensor::remove_hook(size_t pos) const {
  AutogradMeta* m = get_meta(*this);
  bool removed = false;
  if (m && m->grad_fn) {
    removed = m->grad_fn->remove_pre_hook(pos, m->output_nr);
  } else if (m && pos < m->hooks.size() && m->hooks[pos]) {
    m->hooks[pos] = nullptr;  // an empty slot keeps the later positions valid
    removed = true;
  }
  EMBER_CHECK(removed, RuntimeError, "Invalid index, no hook at position ", pos);
}

void Tensor::register_post_accumulate_grad_hook(std::function<void(const Tensor&)> hook) const {
  EMBER_CHECK(requires_grad() && is_leaf(), RuntimeError,
              "post accumulate grad hooks cannot be registered on non-leaf tensors");
  materialize_meta(*this).post_accumulate_hooks.push_back(std::move(hook));
}

// ---- detach ------------------------------------------------------------------------------------

namespace native {

// A new TensorImpl over the same storage: no autograd metadata, no Autograd key.
Tensor detach(const Tensor& self) { return make_untracked_view(self, self.sizes(), self.strides(), self.storage_offset()); }

Tensor detach_(const Tensor& self) {
  AutogradMeta* m = get_meta(self);
  if (!m) return self;
  EMBER_CHECK(!(self.is_view() && autograd::requires_grad(self)), RuntimeError,
              "[detach_] Can't detach views in-place. Use detach() instead.");
  m->grad_fn.reset();
  m->output_nr = 0;
  m->requires_grad = false;
  m->retains_grad = false;
  self.impl()->remove_key(FunctionalityKey::Autograd);
  return self;
}

}  // namespace native

// ---- printing -----------------------------------------------------------------------------------

std::function<std::string(const Tensor&)>& tensor_repr_autograd_suffix();  // core/printing.cpp

namespace {
// PyTorch's repr: grad_fn=<MulBackward0> for results of recorded ops, requires_grad=True for
// leaves that require grad.
std::string autograd_suffix(const Tensor& t) {
  AutogradMeta* m = current_meta(t);
  if (m && m->grad_fn) return "grad_fn=<" + m->grad_fn->name() + ">";
  if (autograd::requires_grad(t)) return "requires_grad=True";
  return "";
}
const bool kAutogradSuffixInstalled = [] {
  tensor_repr_autograd_suffix() = &autograd_suffix;
  return true;
}();
}  // namespace

}  // namespace ember
