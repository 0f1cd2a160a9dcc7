// nn::Cloneable<Derived>: the base of modules that can be deep-copied with clone(), as
// torch::nn::Cloneable. A cloneable module registers its parameters, buffers and submodules in
// reset(), which its constructor calls; clone() copy-constructs Derived, clears what was
// registered, calls reset() to register fresh ones, and copies every value over (onto device
// when given), recursing into submodules. So the clone shares no tensor and no submodule with
// the original.
//
//   struct NetImpl : ember::nn::Cloneable<NetImpl> {
//     NetImpl() { reset(); }
//     void reset() override { fc = register_module("fc", ember::nn::Linear(2, 3)); }
//     ember::nn::Linear fc{nullptr};
//   };
//
// Thread-safety: as nn::Module; clone() reads the original only.
#pragma once

#include <memory>

#include "autograd/grad_mode.h"
#include "nn/module.h"

namespace ember {
namespace nn {

template <typename Derived>
class Cloneable : public Module {
 public:
  using Module::Module;

  // Registers the module's parameters, buffers and submodules (again).
  virtual void reset() = 0;

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override {
    NoGradGuard no_grad;
    const auto& self = static_cast<const Derived&>(*this);
    auto copy = std::make_shared<Derived>(self);
    copy->parameters_.clear();
    copy->buffers_.clear();
    copy->children_.clear();
    copy->reset();
    EMBER_CHECK(copy->parameters_.size() == parameters_.size(), RuntimeError,
                "The cloned module does not have the same number of parameters as the original module after calling "
                "reset(). Are you sure you called register_parameter() inside reset() and not the constructor?");
    for (const auto& item : parameters_) {
      if (item.value().defined()) copy->parameters_[item.key()].set_data(copied(item.value(), device));
    }
    EMBER_CHECK(copy->buffers_.size() == buffers_.size(), RuntimeError,
                "The cloned module does not have the same number of buffers as the original module after calling "
                "reset(). Are you sure you called register_buffer() inside reset() and not the constructor?");
    for (const auto& item : buffers_) {
      if (item.value().defined()) copy->buffers_[item.key()].set_data(copied(item.value(), device));
    }
    EMBER_CHECK(copy->children_.size() == children_.size(), RuntimeError,
                "The cloned module does not have the same number of child modules as the original module after "
                "calling reset(). Are you sure you called register_module() inside reset() and not the constructor?");
    for (const auto& child : children_) {
      copy->children_[child.key()]->clone_(*child.value(), device);
    }
    return copy;
  }

 private:
  static Tensor copied(const Tensor& t, const std::optional<Device>& device) {
    if (!t.defined()) return t;
    return device && t.device() != *device ? t.to(*device, t.scalar_type(), false, true) : t.clone();
  }

  void clone_(Module& other, const std::optional<Device>& device) final {
    auto clone = std::dynamic_pointer_cast<Derived>(other.clone(device));
    EMBER_CHECK(clone != nullptr, TypeError,
                "Attempted to clone submodule, but it is of a different type than the submodule it was to be cloned into");
    static_cast<Derived&>(*this) = *clone;
  }
};

}  // namespace nn
}  // namespace ember
