// What the generated autograd kernels and backward nodes (build/gen/generated/
// autograd_kernels_N.cpp) use besides the public autograd API: key sets, edge collection,
// saving and unpacking, output history. Not a public header. Stateless; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "autograd/autograd_meta.h"
#include "autograd/functions.h"
#include "autograd/grad_mode.h"
#include "autograd/node.h"
#include "autograd/saved_variable.h"
#include "ops/tensor_operators.h"
#include "dispatcher/boxing.h"
#include "generated/functions.h"
#include "generated/redispatch.h"

namespace ember {
namespace autograd {

constexpr DispatchKeySet kAutogradKeySet = DispatchKeySet::functionality(FunctionalityKey::Autograd);
// What an Autograd-key kernel redispatches to.
constexpr DispatchKeySet kBelowAutograd = DispatchKeySet::below(FunctionalityKey::Autograd);

inline bool requires_grad(const std::optional<Tensor>& t) { return t && requires_grad(*t); }

inline bool any_defined(const std::vector<Tensor>& tensors) {
  for (const Tensor& t : tensors)
    if (t.defined()) return true;
  return false;
}

// Next edges: one per Tensor / Tensor? input, one per element of a Tensor[] input.
inline void append_edges(std::vector<Edge>& edges, const Tensor& t) { edges.push_back(gradient_edge(t)); }
inline void append_edges(std::vector<Edge>& edges, const std::optional<Tensor>& t) {
  edges.push_back(t ? gradient_edge(*t) : Edge{});
}
inline size_t append_edges(std::vector<Edge>& edges, TensorList tensors) {
  for (const Tensor& t : tensors) edges.push_back(gradient_edge(t));
  return tensors.size();
}

// In apply: whether the running pass needs any of gradients [begin, begin + count).
inline bool should_compute_any(const Node& node, size_t begin, size_t count) {
  for (size_t i = begin; i < begin + count; ++i)
    if (node.task_should_compute_output(i)) return true;
  return false;
}

// Stores a Tensor[] input's gradients (one per element, undefined for none) at grads[begin..).
EMBER_API void set_list_grads(std::vector<Tensor>& grads, size_t begin, size_t count, std::vector<Tensor> values,
                              const char* node_name);

// Makes node the grad_fn of a forward output whose dtype can carry gradients (floating point);
// other outputs (indices, masks) only take their output number.
EMBER_API void set_output_history(const Tensor& output, const std::shared_ptr<Node>& node);

// An input of an in-place op, as saved for backward: a copy when it shares self's memory (the op
// is about to change it).
inline Tensor inplace_saved_input(const Tensor& input, const Tensor& self) {
  return input.defined() && input.impl()->storage() == self.impl()->storage() ? input.clone() : input;
}
inline SavedVariable saved_optional(const std::optional<Tensor>& t) {
  return t ? SavedVariable(*t, false) : SavedVariable();
}
inline std::vector<SavedVariable> saved_list(TensorList tensors) {
  std::vector<SavedVariable> out;
  out.reserve(tensors.size());
  for (const Tensor& t : tensors) out.emplace_back(t, false);
  return out;
}
EMBER_API std::optional<Tensor> unpack_optional(const SavedVariable& v, const char* node_name);
EMBER_API std::vector<Tensor> unpack_list(const std::vector<SavedVariable>& v, const char* node_name);

// Non-tensor arguments as nodes keep them: lists are copied out of their ArrayRefs.
template <typename T>
T saved_value(const T& v) {
  return v;
}
inline std::vector<int64_t> saved_value(IntArrayRef v) { return v.vec(); }
inline std::vector<double> saved_value(ArrayRef<double> v) { return v.vec(); }
inline std::optional<std::vector<int64_t>> saved_value(const std::optional<IntArrayRef>& v) {
  return v ? std::optional<std::vector<int64_t>>(v->vec()) : std::nullopt;
}

// "add(): functions with out=... arguments don't support automatic differentiation, ..."
[[noreturn]] EMBER_API void throw_out_not_differentiable(const char* op);

}  // namespace autograd
}  // namespace ember
