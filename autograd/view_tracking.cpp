// Differentiable views: tracking, the in-place checks, CopySlices and the regenerated view
// history (see view_tracking.h).
#include "autograd/view_tracking.h"

#include "autograd/autograd_meta.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace autograd {

namespace {

struct Geometry {
  std::vector<int64_t> sizes, strides;
  int64_t offset = 0;
  explicit Geometry(const TensorImpl& t)
      : sizes(t.sizes().vec()), strides(t.strides().vec()), offset(t.storage_offset()) {}
};

bool impl_requires_grad(TensorImpl* t) {
  auto* m = static_cast<AutogradMeta*>(t->autograd_meta());
  return m && (m->requires_grad || m->grad_fn);
}

Tensor base_of(const Tensor& view) { return Tensor(view.impl()->view_base_ptr()); }

// Every view op output outside InferenceMode: its root base, how it was made, and the Autograd
// key when grad mode is on or the base takes part in autograd (so that ops on the view see a
// history the base gets later, through another view).
void track_view(TensorImpl& view, TensorImpl& base) {
  if (InferenceMode::is_enabled()) return;
  TensorImpl* root = base.view_base() ? base.view_base() : &base;
  const bool grad_mode = GradMode::is_enabled();
  view.set_view_base(IntrusivePtr<TensorImpl>(root),
                     grad_mode ? ViewCreation::Default : ViewCreation::NoGradMode);
  if (grad_mode || base.key_set().has(FunctionalityKey::Autograd)) view.add_key(FunctionalityKey::Autograd);
}

const bool kViewTrackerInstalled = [] {
  ember::detail::view_tracker() = &track_view;
  return true;
}();

// PyTorch's handle_view_on_rebase: why a view made in a special way may not be modified in place
// (direct) or take its base's new history (indirect: the base or another view was modified).
[[noreturn]] void refuse_rebase(const Tensor& view, bool indirect) {
  const AutogradMeta* m = get_meta(view);
  const ViewCreation how = view.impl()->view_creation();
  const char* modified = indirect ? "its base or another view of its base has been" : "is being";
  std::string msg;
  if (m && m->grad_fn) {
    msg = "Output " + std::to_string(m->output_nr) + " of " + m->grad_fn->name() + " is a view and " + modified +
          " modified inplace.";
  } else {
    msg = std::string("A view was created in no_grad mode and ") + modified + " modified inplace with grad mode enabled.";
  }
  switch (how) {
    case ViewCreation::NoGradMode:
      msg += " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
             "moving both the view and the inplace either both inside the no_grad block (if you don't want the inplace "
             "to be tracked) or both outside (if you want the inplace to be tracked).";
      break;
    case ViewCreation::InCustomFunction:
      msg += " This view was created inside a custom Function (or because an input was returned as-is) and the "
             "autograd logic to handle view+inplace would override the custom backward associated with the custom "
             "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
             "output of the custom Function.";
      break;
    case ViewCreation::Default: break;
  }
  EMBER_FAIL(RuntimeError, msg);
}

void refuse_view_without_derivative(const Tensor& view) {
  const AutogradMeta* m = get_meta(view);
  EMBER_CHECK(!m || m->view_op_without_derivative.empty(), RuntimeError, "Mutating the view ",
              m->view_op_without_derivative, " which does not have a derivative implemented is forbidden.");
}

// The history a view gets from its base: the base's gradient restricted to the view's elements.
class ViewOfBaseBackward final : public Node {
 public:
  ViewOfBaseBackward(const TensorImpl& base, const TensorImpl& view) : base_(base), view_(view) {}
  std::string name() const override { return "AsStridedBackward0"; }
  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> out(num_outputs());
    if (!grads[0].defined() || !task_should_compute_output(0)) return out;
    out[0] = as_strided_backward(grads[0], base_.sizes, base_.strides, base_.offset, view_.sizes, view_.strides,
                                 view_.offset);
    return out;
  }

 private:
  Geometry base_, view_;
};

// The base's history after an in-place op changed one of its views (PyTorch's CopySlices): the
// in-place op's backward `fn` applies to the view's slice of the base's gradient; the rest of the
// gradient passes through. Next edges: the base's previous history, then fn's other inputs.
class CopySlices final : public Node {
 public:
  CopySlices(const Tensor& base, const TensorImpl& view, std::shared_ptr<Node> fn)
      : base_(*base.impl()), view_(view), fn_(std::move(fn)) {
    add_input_metadata(base);
    add_next_edge(gradient_edge(base));
    for (size_t i = 1; i < fn_->num_outputs(); ++i) add_next_edge(fn_->next_edges()[i]);
  }
  std::string name() const override { return "CopySlices"; }
  void release_variables() override { fn_->release_variables(); }

  std::vector<Tensor> apply(std::vector<Tensor>&& grads) override {
    std::vector<Tensor> out(num_outputs());
    const Tensor& grad = grads[0];
    if (!grad.defined()) return out;
    // The gradient laid out as the base is in memory, so that the view's geometry addresses its
    // slice of it.
    int64_t span = 1;
    for (size_t d = 0; d < base_.sizes.size(); ++d) {
      if (base_.sizes[d] == 0) return out;
      span += (base_.sizes[d] - 1) * base_.strides[d];
    }
    Tensor buffer = ember::empty({span}, grad.options());
    Tensor result = buffer.as_strided(base_.sizes, base_.strides, 0);
    result.copy_(grad);
    Tensor grad_slice = buffer.as_strided(view_.sizes, view_.strides, view_.offset - base_.offset);
    std::vector<Tensor> res;
    {
      // fn is not part of the running pass's graph: it computes every gradient it can, and this
      // node passes on those the pass needs.
      detail::UnrestrictedPassGuard unrestricted;
      std::vector<Tensor> in;
      in.push_back(grad_slice.clone(MemoryFormat::Contiguous));
      res = fn_->apply(std::move(in));
    }
    for (size_t i = 0; i < res.size() && i < out.size(); ++i) {
      if (!task_should_compute_output(i)) continue;
      if (i == 0) {
        if (res[0].defined()) grad_slice.copy_(res[0]);
        else grad_slice.zero_();
        out[0] = result;
      } else {
        out[i] = std::move(res[i]);
      }
    }
    return out;
  }

 private:
  Geometry base_, view_;
  std::shared_ptr<Node> fn_;
};

// The view's history from its base's current one (after checking that it may take it).
void regenerate(const Tensor& view) {
  TensorImpl* impl = view.impl();
  if (impl->view_creation() != ViewCreation::Default) refuse_rebase(view, /*indirect=*/true);
  refuse_view_without_derivative(view);
  Tensor base = base_of(view);
  auto node = std::make_shared<ViewOfBaseBackward>(*base.impl(), *impl);
  node->add_next_edge(gradient_edge(base));
  AutogradMeta& m = materialize_meta(view);
  m.grad_fn = node;
  m.output_nr = node->add_input_metadata(view);
  m.requires_grad = false;
  if (m.retains_grad) node->retain_grad(m.output_nr);
  impl->set_view_version(impl->version());
  impl->add_key(FunctionalityKey::Autograd);
}

}  // namespace

void refresh_view_history(const Tensor& view) {
  TensorImpl* impl = view.impl();
  TensorImpl* base = impl->view_base();
  if (!base || impl->view_version() == impl->version()) return;
  const AutogradMeta* m = get_meta(view);
  // A view of a tensor outside autograd keeps no history (until its base joins autograd).
  if (!(m && m->grad_fn) && !impl_requires_grad(base)) return;
  regenerate(view);
}

void check_inplace_on_view(const Tensor& view, const char* op) {
  TensorImpl* base = view.impl()->view_base();
  if (!base) return;
  if (view.impl()->view_creation() != ViewCreation::Default) refuse_rebase(view, /*indirect=*/false);
  refuse_view_without_derivative(view);
  auto* bm = static_cast<AutogradMeta*>(base->autograd_meta());
  EMBER_CHECK(!(bm && bm->requires_grad && !bm->grad_fn), RuntimeError, "[", op,
              "] a view of a leaf Variable that requires grad is being used in an in-place operation.");
}

void rebase_view_history(const Tensor& view, const std::shared_ptr<Node>& node, uint32_t output_nr) {
  EMBER_CHECK(output_nr == 0 && node->num_inputs() == 1, RuntimeError,
              "Functions which modify views in-place must return a single Variable");
  Tensor base = base_of(view);
  auto copy_slices = std::make_shared<CopySlices>(base, *view.impl(), node);
  AutogradMeta& bm = materialize_meta(base);
  bm.grad_fn = copy_slices;
  bm.output_nr = 0;
  bm.requires_grad = false;
  if (bm.retains_grad) copy_slices->retain_grad(0);
  base.impl()->add_key(FunctionalityKey::Autograd);
  regenerate(view);
}

void mark_views_created_by(TensorList outputs, ViewCreation how) {
  for (const Tensor& t : outputs)
    if (t.defined() && t.impl()->view_base()) t.impl()->set_view_creation(how);
}

void mark_view_without_derivative(const Tensor& view, const std::string& op) {
  if (view.defined() && view.impl()->view_base()) materialize_meta(view).view_op_without_derivative = op;
}

}  // namespace autograd
}  // namespace ember
