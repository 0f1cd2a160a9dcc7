// nn::Module: registration, traversal, train/eval, to(), zero_grad, printing.
#include "nn/module.h"

#include <atomic>
#include <cstdlib>
#include <typeinfo>
#include <unordered_set>

#include "autograd/grad_mode.h"
#include "core/warning.h"
#include "core/str.h"

namespace ember {
namespace nn {

namespace {

std::string join(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// kind: "Parameter", "Buffer" or "Submodule" (libtorch's wording).
void check_name(const char* kind, const std::string& name) {
  EMBER_CHECK(!name.empty(), ValueError, kind, " name must not be empty");
  EMBER_CHECK(name.find('.') == std::string::npos, ValueError, kind, " name must not contain a dot (got '", name, "')");
}

}  // namespace

namespace {
std::atomic<const char*> name_prefix{"ember::nn::"};
}  // namespace

const char* module_name_prefix() { return name_prefix.load(std::memory_order_relaxed); }

void set_module_name_prefix(const char* prefix) {
  static const char* const kEmber = "ember::nn::";
  static const char* const kTorch = "torch::nn::";
  std::string p = prefix ? prefix : "";
  EMBER_CHECK(p == kEmber || p == kTorch, ValueError, "[nn] the module name prefix is \"ember::nn::\" or \"torch::nn::\", not \"",
              p, "\"");
  name_prefix.store(p == kEmber ? kEmber : kTorch, std::memory_order_relaxed);
}

Module::Module(std::string name) : name_(std::move(name)) {}
Module::Module() = default;

const std::string& Module::name() const {
  if (name_.empty()) {
    name_ = demangle(typeid(*this).name());
    // libtorch's names for ember's classes when the program uses them as torch:: (torch_compat.h).
    if (name_.rfind("ember::", 0) == 0 && std::string(module_name_prefix()) == "torch::nn::") name_.replace(0, 5, "torch");
  }
  return name_;
}

// ---- registration ------------------------------------------------------------------------------

Tensor& Module::register_parameter(std::string name, Tensor tensor, bool requires_grad) {
  check_name("Parameter", name);
  if (tensor.defined()) {
    EMBER_CHECK(tensor.is_leaf(), ValueError, "[register_parameter] parameter '", name,
                "' must be a leaf tensor, got the result of an operation; register tensor.detach() instead");
    tensor.set_requires_grad(requires_grad);
  } else if (requires_grad) {
    EMBER_WARN("An undefined tensor cannot require grad. Ignoring the `requires_grad=true` function parameter.");
  }
  return parameters_.insert(std::move(name), std::move(tensor));
}

Tensor& Module::register_buffer(std::string name, Tensor tensor) {
  check_name("Buffer", name);
  return buffers_.insert(std::move(name), std::move(tensor));
}

void Module::check_submodule_name(const std::string& name, bool non_null) const {
  check_name("Submodule", name);
  EMBER_CHECK(non_null, ValueError, "Submodule '", name, "' is null");
}

void Module::unregister_module(const std::string& name) {
  EMBER_CHECK(children_.contains(name), IndexError, "No Module with name `", name, "` is registered");
  children_.erase(name);
}

std::shared_ptr<Module> Module::clone(const std::optional<Device>&) const {
  EMBER_FAIL(NotImplementedError, "clone() has not been implemented for ", name(),
             ". Subclass ember::nn::Cloneable<", name(), "> instead of ember::nn::Module to inherit the ability to clone.");
}

void Module::clone_(Module&, const std::optional<Device>&) {
  EMBER_FAIL(NotImplementedError, "clone_() has not been implemented for ", name());
}

// ---- traversal ---------------------------------------------------------------------------------

std::shared_ptr<Module> Module::shared_from_this_checked() const {
  std::shared_ptr<const Module> ptr;
  try {
    ptr = shared_from_this();
  } catch (const std::bad_weak_ptr&) {
    EMBER_FAIL(ValueError,
               "It looks like you attempted to retrieve your top-level module as a shared_ptr, but it is "
               "not stored in a shared_ptr. Use std::make_shared<", name(), ">() (or a module holder) instead of "
               "creating your module on the stack, or pass include_self=false to modules() / named_modules()");
  }
  return std::const_pointer_cast<Module>(ptr);
}

void Module::apply_to_submodules(
    const std::function<void(const std::string&, const std::shared_ptr<Module>&)>& fn,
    const std::string& name_prefix) const {
  for (const auto& child : children_) {
    std::string qualified = join(name_prefix, child.key());
    fn(qualified, child.value());
    child.value()->apply_to_submodules(fn, qualified);
  }
}

void Module::apply(const ModuleApplyFunction& fn) {
  fn(*this);
  apply_to_submodules([&](const std::string&, const std::shared_ptr<Module>& m) { fn(*m); }, "");
}

void Module::apply(const ConstModuleApplyFunction& fn) const {
  fn(*this);
  apply_to_submodules([&](const std::string&, const std::shared_ptr<Module>& m) { fn(*m); }, "");
}

void Module::apply(const NamedModuleApplyFunction& fn, const std::string& name_prefix) {
  fn(name_prefix, *this);
  apply_to_submodules([&](const std::string& name, const std::shared_ptr<Module>& m) { fn(name, *m); }, name_prefix);
}

void Module::apply(const ConstNamedModuleApplyFunction& fn, const std::string& name_prefix) const {
  fn(name_prefix, *this);
  apply_to_submodules([&](const std::string& name, const std::shared_ptr<Module>& m) { fn(name, *m); }, name_prefix);
}

void Module::apply(const NamedModulePointerApplyFunction& fn, const std::string& name_prefix) const {
  fn(name_prefix, shared_from_this_checked());
  apply_to_submodules(fn, name_prefix);
}

void Module::apply(const ModulePointerApplyFunction& fn) const {
  fn(shared_from_this_checked());
  apply_to_submodules([&](const std::string&, const std::shared_ptr<Module>& m) { fn(m); }, "");
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& name_prefix,
                                                                        bool include_self) const {
  OrderedDict<std::string, std::shared_ptr<Module>> result("Module");
  std::unordered_set<const Module*> seen;
  if (include_self) {
    result.insert(name_prefix, shared_from_this_checked());
    seen.insert(this);
  }
  apply_to_submodules(
      [&](const std::string& name, const std::shared_ptr<Module>& m) {
        if (seen.insert(m.get()).second) result.insert(name, m);
      },
      name_prefix);
  return result;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) const {
  return named_modules("", include_self).values();
}

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const {
  OrderedDict<std::string, std::shared_ptr<Module>> result("Submodule");
  for (const auto& child : children_) result.insert(child.key(), child.value());
  return result;
}

namespace {
// Tensors of `member` (parameters_ or buffers_) of m and, with recurse, its submodules, each
// tensor once (a tensor shared by two modules is listed under its first name).
template <typename Get>
OrderedDict<std::string, Tensor> collect_named(const Module& m, bool recurse, Get get, const char* description) {
  OrderedDict<std::string, Tensor> result(description);
  std::unordered_set<const TensorImpl*> seen;
  std::unordered_set<const Module*> seen_modules;
  auto add = [&](const std::string& prefix, const Module& module) {
    if (!seen_modules.insert(&module).second) return;
    for (const auto& item : get(module)) {
      const Tensor& t = item.value();
      if (t.defined() && seen.insert(t.impl()).second) result.insert(join(prefix, item.key()), t);
    }
  };
  if (recurse) {
    std::function<void(const std::string&, const Module&)> walk = [&](const std::string& prefix, const Module& module) {
      add(prefix, module);
      for (const auto& child : module.named_children()) walk(join(prefix, child.key()), *child.value());
    };
    walk("", m);
  } else {
    add("", m);
  }
  return result;
}
}  // namespace

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  return collect_named(*this, recurse, [](const Module& m) -> const OrderedDict<std::string, Tensor>& { return m.parameters_; },
                       "Parameter");
}

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  return collect_named(*this, recurse, [](const Module& m) -> const OrderedDict<std::string, Tensor>& { return m.buffers_; },
                       "Buffer");
}

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }
std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

// ---- train / to / zero_grad --------------------------------------------------------------------

void Module::train(bool on) {
  for (auto& child : children_) child.value()->train(on);
  is_training_ = on;
}

namespace {
Tensor converted(const Tensor& t, std::optional<Device> device, std::optional<ScalarType> dtype, bool non_blocking) {
  ScalarType target = dtype && t.is_floating_point() ? *dtype : t.scalar_type();
  return t.to(device ? *device : t.device(), target, non_blocking);
}

void check_floating(ScalarType dtype) {
  EMBER_CHECK(is_floating_point(dtype), TypeError, "[Module::to] only accepts floating point dtypes, but got desired dtype=",
              dtype);
}

// Converts a module's own tensors in place (set_data), and parameters' gradients with them (as
// PyTorch's Module.to), so that handles held elsewhere follow.
void convert_in_place(OrderedDict<std::string, Tensor>& parameters, OrderedDict<std::string, Tensor>& buffers,
                      std::optional<Device> device, std::optional<ScalarType> dtype, bool non_blocking) {
  NoGradGuard no_grad;
  for (auto& item : parameters) {
    Tensor& p = item.value();
    if (!p.defined()) continue;
    p.set_data(converted(p, device, dtype, non_blocking));
    const Tensor& grad = p.grad();
    if (grad.defined()) grad.set_data(converted(grad, device, dtype, non_blocking));
  }
  for (auto& item : buffers)
    if (item.value().defined()) item.value().set_data(converted(item.value(), device, dtype, non_blocking));
}
}  // namespace

void Module::to(Device device, ScalarType dtype, bool non_blocking) {
  check_floating(dtype);
  for (auto& child : children_) child.value()->to(device, dtype, non_blocking);
  convert_in_place(parameters_, buffers_, device, dtype, non_blocking);
}

void Module::to(ScalarType dtype, bool non_blocking) {
  check_floating(dtype);
  for (auto& child : children_) child.value()->to(dtype, non_blocking);
  convert_in_place(parameters_, buffers_, std::nullopt, dtype, non_blocking);
}

void Module::to(Device device, bool non_blocking) {
  for (auto& child : children_) child.value()->to(device, non_blocking);
  convert_in_place(parameters_, buffers_, device, std::nullopt, non_blocking);
}

void Module::zero_grad(bool set_to_none) {
  for (auto& child : children_) child.value()->zero_grad(set_to_none);
  NoGradGuard no_grad;
  for (auto& item : parameters_) {
    if (!item.value().defined()) continue;
    Tensor& grad = item.value().mutable_grad();
    if (!grad.defined()) continue;
    if (set_to_none) {
      grad.reset();
    } else {
      grad = grad.detach();
      grad.zero_();
    }
  }
}

// ---- printing ----------------------------------------------------------------------------------

void Module::pretty_print(std::ostream& stream) const { stream << name(); }

void Module::pretty_print_recursive(std::ostream& stream, const std::string& indentation) const {
  pretty_print(stream);
  if (children_.is_empty()) return;
  stream << "(\n";
  const std::string next = indentation + "  ";
  for (const auto& child : children_) {
    stream << next << "(" << child.key() << "): ";
    child.value()->pretty_print_recursive(stream, next);
    stream << '\n';
  }
  stream << indentation << ")";
}

std::ostream& operator<<(std::ostream& stream, const Module& module) {
  module.pretty_print_recursive(stream, "");
  return stream;
}

}  // namespace nn
}  // namespace ember
