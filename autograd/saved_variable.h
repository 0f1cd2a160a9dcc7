// SavedVariable: a tensor a backward function needs, saved with the version of its storage at
// save time, so that modifying it in place before backward is a clear error instead of a wrong
// gradient. A saved forward output keeps only a weak reference to its grad_fn (the node that
// saves it), which avoids a reference cycle. Owned by its node; not synchronized.
#pragma once

#include <memory>

#include "autograd/node.h"

namespace ember {
namespace autograd {

class EMBER_API SavedVariable {
 public:
  SavedVariable() = default;
  // is_output: t is an output of the node that saves it.
  SavedVariable(const Tensor& t, bool is_output);

  // The saved tensor; throws RuntimeError when it was modified in place since it was saved or
  // when the graph was freed (a second backward without retain_graph).
  Tensor unpack(const char* node_name) const;
  void reset();
  bool defined() const { return was_defined_; }

 private:
  Tensor data_;                  // inputs: the tensor itself; outputs: an alias without autograd state
  std::weak_ptr<Node> grad_fn_;  // outputs only
  uint32_t output_nr_ = 0;
  uint32_t saved_version_ = 0;
  bool is_output_ = false;
  bool was_defined_ = false;
  bool released_ = false;
};

}  // namespace autograd
}  // namespace ember
