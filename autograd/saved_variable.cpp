// SavedVariable: version-checked tensors for backward.
#include "autograd/saved_variable.h"

#include <sstream>

#include "autograd/autograd_meta.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace autograd {

namespace {
Tensor plain_alias(const Tensor& t) { return make_untracked_view(t, t.sizes(), t.strides(), t.storage_offset()); }
}  // namespace

SavedVariable::SavedVariable(const Tensor& t, bool is_output) {
  if (!t.defined()) return;
  was_defined_ = true;
  is_output_ = is_output;
  saved_version_ = t._version();
  if (is_output) {
    AutogradMeta* m = get_meta(t);
    data_ = plain_alias(t);
    if (m && m->grad_fn) {
      grad_fn_ = m->grad_fn;
      output_nr_ = m->output_nr;
    }
  } else {
    data_ = t;
  }
}

Tensor SavedVariable::unpack(const char* node_name) const {
  EMBER_CHECK(!released_, RuntimeError,
              "Trying to backward through the graph a second time (or directly access saved tensors after they have "
              "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
              "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
              "you need to access saved tensors after calling backward.");
  if (!was_defined_) return Tensor();
  if (data_._version() != saved_version_) {
    std::ostringstream os;
    os << "one of the variables needed for gradient computation has been modified by an inplace operation: [torch."
       << data_.scalar_type() << "Tensor " << data_.sizes() << "]";
    if (is_output_) {
      os << ", which is output " << output_nr_ << " of " << node_name;
    } else if (auto fn = data_.grad_fn()) {
      os << ", which is output " << data_.output_nr() << " of " << fn->name();
    }
    os << ", is at version " << data_._version() << "; expected version " << saved_version_ << " instead.";
    EMBER_FAIL(RuntimeError, os.str());
  }
  if (!is_output_) return data_;
  std::shared_ptr<Node> fn = grad_fn_.lock();
  Tensor out = plain_alias(data_);
  if (fn) {
    AutogradMeta& m = materialize_meta(out);
    m.grad_fn = fn;
    m.output_nr = output_nr_;
    out.impl()->add_key(FunctionalityKey::Autograd);
  }
  return out;
}

void SavedVariable::reset() {
  data_.reset();
  released_ = true;
}

}  // namespace autograd
}  // namespace ember
