// nn::Module: the base class of neural-network modules, as libtorch's torch::nn::Module.
//
// A module owns named parameters (tensors that require grad, trained by optimizers), named
// buffers (state that is not trained: BatchNorm's running statistics) and named submodules.
// Subclasses register them in their constructor:
//
//   struct NetImpl : ember::nn::Module {
//     NetImpl() : fc1(register_module("fc1", ember::nn::Linear(4, 8))),
//                 fc2(register_module("fc2", ember::nn::Linear(8, 1))) {}
//     ember::Tensor forward(ember::Tensor x) { return fc2(ember::relu(fc1(x))); }
//     ember::nn::Linear fc1, fc2;
//   };
//   EMBER_MODULE(Net);  // Net is a ModuleHolder<NetImpl>
//
// Names of nested tensors join module names with dots ("fc1.weight"), in registration order,
// parents before children. Tensors are handles: parameters() returns the module's own tensors,
// and to(dtype/device) converts them in place (Tensor::set_data), so handles held elsewhere (an
// optimizer's) see the change. Submodules are held by shared_ptr and may be shared.
//
// Thread-safety: a module may run forward from many threads at once; registering, to(), train()
// and loading a state dict must not race with other use.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "nn/module_holder.h"
#include "nn/ordered_dict.h"

namespace ember {

using StateDict = OrderedDict<std::string, Tensor>;

namespace serialize {
class OutputArchive;
class InputArchive;
}  // namespace serialize

namespace nn {

// The namespace in printed names of the built-in modules: "ember::nn::" ("ember::nn::Linear(...)",
// and Module::name() of a class in namespace ember). A program that includes
// <ember/torch_compat.h> prints libtorch's "torch::nn::" instead, as a ported program expects.
// Process-wide; set before modules are printed or named (Module::name() is cached).
EMBER_API const char* module_name_prefix();
EMBER_API void set_module_name_prefix(const char* prefix);  // "ember::nn::" or "torch::nn::"

// What load_state_dict(strict=false) skipped.
struct LoadStateDictResult {
  std::vector<std::string> missing_keys;     // in the module, not in the dict
  std::vector<std::string> unexpected_keys;  // in the dict, not in the module
};

class EMBER_API Module : public std::enable_shared_from_this<Module> {
 public:
  using ModuleApplyFunction = std::function<void(Module&)>;
  using ConstModuleApplyFunction = std::function<void(const Module&)>;
  using NamedModuleApplyFunction = std::function<void(const std::string&, Module&)>;
  using ModulePointerApplyFunction = std::function<void(const std::shared_ptr<Module>&)>;
  using ConstNamedModuleApplyFunction = std::function<void(const std::string&, const Module&)>;
  using NamedModulePointerApplyFunction = std::function<void(const std::string&, const std::shared_ptr<Module>&)>;

  // name is what the default pretty_print shows; without one, the demangled class name.
  explicit Module(std::string name);
  Module();
  virtual ~Module() = default;
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;

  const std::string& name() const;

  // A deep copy: new parameters and buffers with copied values (moved to device if given), and
  // cloned submodules. Modules get it by deriving from nn::Cloneable<Impl>; this one throws.
  virtual std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const;

  // ---- traversal -----------------------------------------------------------------------------
  // Parameters of this module (and, with recurse, of every submodule), each tensor once.
  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  // Direct submodules.
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  // This module (include_self needs it to be held by a shared_ptr) and all submodules,
  // pre-order, each once. Names are dotted paths ("" for this module, or name_prefix).
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true) const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& name_prefix = "",
                                                                  bool include_self = true) const;
  // Calls fn on this module, then on every submodule (pre-order, as libtorch).
  void apply(const ModuleApplyFunction& fn);
  void apply(const ConstModuleApplyFunction& fn) const;
  void apply(const NamedModuleApplyFunction& fn, const std::string& name_prefix = "");
  void apply(const ConstNamedModuleApplyFunction& fn, const std::string& name_prefix = "") const;
  // These two need this module to be held by a shared_ptr.
  void apply(const ModulePointerApplyFunction& fn) const;
  void apply(const NamedModulePointerApplyFunction& fn, const std::string& name_prefix = "") const;

  // ---- state -------------------------------------------------------------------------------
  // Sets training mode here and in every submodule (Dropout, BatchNorm behave differently).
  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return is_training_; }

  // Converts every parameter (with its gradient) and buffer in place: the same Tensor objects, as
  // Tensor::set_data. A dtype applies to floating-point tensors only (integer buffers such as
  // num_batches_tracked keep theirs, as in PyTorch's Module.to) and must be a floating dtype; a
  // device applies to all.
  virtual void to(Device device, ScalarType dtype, bool non_blocking = false);
  virtual void to(ScalarType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);

  // Clears the gradients of all parameters: resets them (set_to_none) or fills them with zeros.
  virtual void zero_grad(bool set_to_none = true);

  // ---- state dicts -------------------------------------------------------------------------
  // Every parameter and buffer by dotted name: each module's parameters, then its buffers, then
  // its submodules', recursively (PyTorch's order). Values are the module's tensors themselves.
  StateDict state_dict() const;
  // Copies values into the module's tensors (converting dtype and device as needed), after
  // checking everything first: nothing is copied when an error is thrown. strict: keys missing
  // from dict and keys the module lacks are errors (else returned). A shape mismatch is always an
  // error. Errors are ValueError listing every problem, as PyTorch's message does.
  LoadStateDictResult load_state_dict(const StateDict& dict, bool strict = true);

  // ---- archives (nn/serialize/archive.h; ember::save / ember::load use them) ------------------
  // Writes the parameters and buffers, and each serializable submodule that has any as a nested
  // archive (a module archive is the module's state_dict). load reads every one back: a missing
  // tensor or submodule is a ValueError naming its dotted path; extra entries are ignored.
  virtual void save(serialize::OutputArchive& archive) const;
  virtual void load(serialize::InputArchive& archive);
  // False for modules without state of their own to save (nn::Functional); save and load skip them.
  virtual bool is_serializable() const { return true; }

  // ---- printing ----------------------------------------------------------------------------
  // One line describing this module without its children ("Linear(in_features=2, ...)").
  virtual void pretty_print(std::ostream& stream) const;
  // pretty_print plus children, indented, as PyTorch's repr.
  void pretty_print_recursive(std::ostream& stream, const std::string& indentation) const;

  // The module as a subclass: module.as<Linear>() or as<LinearImpl>() is a LinearImpl*, or null.
  template <typename T>
  auto* as() noexcept {
    if constexpr (is_module_holder<T>::value) return dynamic_cast<typename T::ContainedType*>(this);
    else return dynamic_cast<T*>(this);
  }
  template <typename T>
  const auto* as() const noexcept {
    if constexpr (is_module_holder<T>::value) return dynamic_cast<const typename T::ContainedType*>(this);
    else return dynamic_cast<const T*>(this);
  }

  // ---- registration (normally called from a subclass constructor) --------------------------
  // Names must be non-empty, without '.', and new. An undefined tensor is allowed (Linear's bias
  // with bias=false) and is skipped by traversal. A parameter must be a leaf tensor.
  Tensor& register_parameter(std::string name, Tensor tensor, bool requires_grad = true);
  Tensor& register_buffer(std::string name, Tensor tensor);
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> module) {
    check_submodule_name(name, module != nullptr);
    children_.insert(std::move(name), module);
    return module;
  }
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, ModuleHolder<M> holder) {
    EMBER_CHECK(!holder.is_empty(), ValueError, "[register_module] submodule '", name, "' is an empty holder");
    return register_module(std::move(name), holder.ptr());
  }
  // Replaces an existing submodule (the caller updates its own member handle).
  template <typename M>
  std::shared_ptr<M> replace_module(const std::string& name, std::shared_ptr<M> module) {
    EMBER_CHECK(children_.contains(name), IndexError, "Submodule '", name, "' is not defined");
    EMBER_CHECK(module != nullptr, ValueError, "[replace_module] submodule '", name, "' is null");
    children_[name] = module;
    return module;
  }
  template <typename M>
  std::shared_ptr<M> replace_module(const std::string& name, ModuleHolder<M> holder) {
    return replace_module(name, holder.ptr());
  }
  void unregister_module(const std::string& name);

 protected:
  // Makes this module (of the same type as other) a clone of other; see nn::Cloneable.
  virtual void clone_(Module& other, const std::optional<Device>& device);
  template <typename Derived>
  friend class Cloneable;

  // This module's own tensors and submodules (not its descendants'), in registration order.
  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};
  bool is_training_ = true;

 private:
  void check_submodule_name(const std::string& name, bool non_null) const;
  std::shared_ptr<Module> shared_from_this_checked() const;
  void apply_to_submodules(const std::function<void(const std::string&, const std::shared_ptr<Module>&)>& fn,
                           const std::string& name_prefix) const;

  mutable std::string name_;  // computed on first use when not given
};

EMBER_API std::ostream& operator<<(std::ostream& stream, const Module& module);

}  // namespace nn
}  // namespace ember
