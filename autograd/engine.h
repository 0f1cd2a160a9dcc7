// The backward engine: runs a graph of Nodes from the roots, in dependency order (a node runs
// once all gradients for it have arrived, and among ready nodes the most recently created first,
// as PyTorch's engine), sums gradients arriving at the same input, reduces broadcast gradients
// to their input's shape, runs hooks, and frees saved tensors unless retain_graph.
//
// One backward pass runs on the calling thread. Separate threads may run separate backward
// passes over separate graphs concurrently.
#pragma once

#include <optional>
#include <vector>

#include "autograd/node.h"

namespace ember {
namespace autograd {

// tensors.backward(grad_tensors): accumulates into the leaves' .grad().
EMBER_API void backward(const std::vector<Tensor>& tensors, const std::vector<Tensor>& grad_tensors = {},
                        std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                        const std::vector<Tensor>& inputs = {});

// The gradients of outputs with respect to inputs, without touching .grad().
EMBER_API std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                                   const std::vector<Tensor>& grad_outputs = {},
                                   std::optional<bool> retain_graph = std::nullopt, bool create_graph = false,
                                   bool allow_unused = false);

}  // namespace autograd
}  // namespace ember
