// Differentiable views and in-place operations on them, as PyTorch's autograd does them.
//
// Every view op output (make_view, outside InferenceMode) records its root base and how it was
// made (TensorImpl::view_base / view_creation). When an in-place op that autograd records
// modifies a view, the base's history becomes a CopySlices node: backward takes the base's
// gradient, runs the in-place op's backward on the view's slice of it, and passes the rest
// through unchanged, so `y = x.clone(); y[0] = 0; y.sum().backward()` differentiates as PyTorch's.
// A view whose storage changed since autograd last set its history (an in-place change of the
// base or of another view of it) gets a fresh grad_fn on next use: an AsStridedBackward0 of the
// base's history.
//
// In-place changes that would make a gradient ambiguous are refused before anything is written,
// with PyTorch's messages: views made in no-grad mode, views returned by a custom Function, views of a leaf that requires grad, and views made by a
// custom op without a derivative (the not-implemented fallback).
//
// split, chunk and unbind are compositions of narrow / select here, so each of their outputs has
// its own history and may be modified in place (PyTorch refuses: its SplitBackward0 is shared).
//
// Not synchronized: like the rest of a tensor's autograd state, set up by one thread at a time.
#pragma once

#include <memory>
#include <vector>

#include "autograd/node.h"

namespace ember {
namespace autograd {

// Brings a view's grad_fn up to date (see above); a no-op for tensors that are not views or whose
// history is current. Throws RuntimeError for a view that may not take its base's new history.
EMBER_API void refresh_view_history(const Tensor& view);

// The checks PyTorch makes before an in-place op that will be recorded (record: some input
// requires grad and grad mode is on) modifies view.
void check_inplace_on_view(const Tensor& view, const char* op);

// In-place op `node` modified view, its output output_nr (whose input metadata node has): the
// base's history becomes CopySlices(node), the view's an AsStridedBackward0 of the base's.
void rebase_view_history(const Tensor& view, const std::shared_ptr<Node>& node, uint32_t output_nr);

// Views returned by a custom Function's forward: in-place changes to them are refused (their
// gradients would bypass the function's backward).
EMBER_API void mark_views_created_by(TensorList outputs, ViewCreation how);

// A custom op without a derivative returned view: modifying it in place, or using it after its
// base changed, raises "Mutating the view <op> which does not have a derivative implemented is
// forbidden."
void mark_view_without_derivative(const Tensor& view, const std::string& op);

}  // namespace autograd
}  // namespace ember
