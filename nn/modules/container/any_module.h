// nn::AnyModule: any module, whatever its forward() signature, behind one type, as
// torch::nn::AnyModule. Sequential stores its modules this way.
//
//   struct M : ember::nn::Module { int forward(int a, float b); };
//   AnyModule any(M{});                 // or std::make_shared<M>(), or a module holder
//   int r = any.forward<int>(1, 2.0f);  // arguments must have forward's parameter types
//   AnyValue v = any.forward(1, 2.0f);  // the result, type-erased
//   M& m = any.get<M>();                // typed access (throws if any holds another type)
//
// Arguments are checked at run time: their number (forward's default arguments count only when
// the module declares them with FORWARD_HAS_DEFAULT_ARGS) and each one's type, with messages that
// name the module and the types. M::forward must not be overloaded or a template.
// Thread-safety: as the module it holds.
#pragma once

#include <memory>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "nn/module.h"
#include "nn/modules/container/any_value.h"

namespace ember {
namespace nn {

namespace detail {
template <typename F>
struct ForwardSignature;
template <typename Class, typename Ret, typename... Args>
struct ForwardSignature<Ret (Class::*)(Args...)> {
  using Return = Ret;
  using Arguments = std::tuple<Args...>;
  static constexpr size_t arity = sizeof...(Args);
};
template <typename Class, typename Ret, typename... Args>
struct ForwardSignature<Ret (Class::*)(Args...) const> : ForwardSignature<Ret (Class::*)(Args...)> {};

// Whether M takes type-erased arguments itself (Sequential, whose forward is a template).
template <typename M, typename = void>
struct HasForwardAny : std::false_type {};
template <typename M>
struct HasForwardAny<M, std::void_t<decltype(std::declval<M&>().forward_any(std::declval<std::vector<AnyValue>&&>()))>>
    : std::true_type {};

// Whether M declares default arguments of forward with FORWARD_HAS_DEFAULT_ARGS.
template <typename M, typename = void>
struct HasForwardDefaults : std::false_type {};
template <typename M>
struct HasForwardDefaults<M, std::void_t<decltype(M::_forward_default_arguments())>> : std::true_type {};
}  // namespace detail

class AnyModule;
template <typename M>
class AnyModuleHolder;

// The interface AnyModule keeps, with the module's type erased.
class AnyModulePlaceholder {
 public:
  virtual ~AnyModulePlaceholder() = default;
  virtual AnyValue forward(std::vector<AnyValue>&& arguments) = 0;
  virtual std::shared_ptr<Module> ptr() = 0;
  virtual const std::type_info& type_info() const = 0;
  virtual std::unique_ptr<AnyModulePlaceholder> copy() const = 0;
  virtual std::unique_ptr<AnyModulePlaceholder> clone_module(const std::optional<Device>& device) const = 0;
};

template <typename M>
class AnyModuleHolder : public AnyModulePlaceholder {
 public:
  explicit AnyModuleHolder(std::shared_ptr<M> module) : module_(std::move(module)) {}

  AnyValue forward(std::vector<AnyValue>&& arguments) override {
    if constexpr (detail::HasForwardAny<M>::value) {
      return module_->forward_any(std::move(arguments));
    } else {
      return forward_typed<detail::ForwardSignature<decltype(&M::forward)>>(std::move(arguments));
    }
  }

  std::shared_ptr<Module> ptr() override { return module_; }
  const std::type_info& type_info() const override { return typeid(M); }
  std::unique_ptr<AnyModulePlaceholder> copy() const override { return std::make_unique<AnyModuleHolder<M>>(module_); }
  std::unique_ptr<AnyModulePlaceholder> clone_module(const std::optional<Device>& device) const override {
    auto cloned = std::dynamic_pointer_cast<M>(module_->clone(device));
    EMBER_CHECK(cloned != nullptr, TypeError, "[AnyModule] clone() of ", module_->name(), " returned another type");
    return std::make_unique<AnyModuleHolder<M>>(std::move(cloned));
  }

  const std::shared_ptr<M>& module() const { return module_; }

 private:
  // Checks the number of arguments (filling in declared defaults), then calls forward.
  template <typename Signature>
  AnyValue forward_typed(std::vector<AnyValue>&& arguments) {
    constexpr size_t arity = Signature::arity;
    if constexpr (detail::HasForwardDefaults<M>::value) {
      auto defaults = M::_forward_default_arguments();
      const size_t required = defaults.empty() ? arity : defaults.front().first;
      EMBER_CHECK(arguments.size() >= required && arguments.size() <= arity, ValueError, module_->name(),
                  "'s forward() method expects at least ", required, " argument(s) and at most ", arity,
                  " argument(s), but received ", arguments.size(), ".");
      for (auto& d : defaults)
        if (d.first >= arguments.size()) arguments.push_back(std::move(d.second));
    } else {
      EMBER_CHECK(arguments.size() == arity, ValueError, module_->name(), "'s forward() method expects ", arity,
                  " argument(s), but received ", arguments.size(), ".",
                  arguments.size() < arity
                      ? str(" If ", module_->name(),
                            "'s forward() method has default arguments, please make sure the forward() method is "
                            "declared with a corresponding `FORWARD_HAS_DEFAULT_ARGS` macro.")
                      : std::string());
    }
    return call<typename Signature::Return, typename Signature::Arguments>(arguments, std::make_index_sequence<arity>());
  }

  template <typename T>
  static std::decay_t<T>& argument(std::vector<AnyValue>& arguments, size_t index) {
    using Stored = std::decay_t<T>;
    Stored* value = arguments[index].template try_get<Stored>();
    EMBER_CHECK(value != nullptr, TypeError, "Expected argument #", index, " to be of type ",
                demangle(typeid(Stored).name()), ", but received value of type ",
                demangle(arguments[index].type_info().name()));
    return *value;
  }

  template <typename Ret, typename Arguments, size_t... I>
  AnyValue call(std::vector<AnyValue>& arguments, std::index_sequence<I...>) {
    // Every argument's type is checked (in order) before the call.
    std::tuple<std::decay_t<std::tuple_element_t<I, Arguments>>*...> values{
        &argument<std::tuple_element_t<I, Arguments>>(arguments, I)...};
    (void)values;
    if constexpr (std::is_void<Ret>::value) {
      module_->forward(forward_argument<std::tuple_element_t<I, Arguments>>(*std::get<I>(values))...);
      return AnyValue(0);
    } else {
      return AnyValue(module_->forward(forward_argument<std::tuple_element_t<I, Arguments>>(*std::get<I>(values))...));
    }
  }

  // Passes an rvalue to by-value and && parameters, an lvalue to & ones.
  template <typename Param, typename Stored>
  static decltype(auto) forward_argument(Stored& value) {
    if constexpr (std::is_lvalue_reference<Param>::value) {
      return static_cast<Param>(value);
    } else {
      return std::move(value);
    }
  }

  std::shared_ptr<M> module_;
};

class AnyModule {
 public:
  AnyModule() = default;
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, M>::value>>
  AnyModule(std::shared_ptr<M> module) : content_(make_holder(std::move(module))) {}  // NOLINT
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  AnyModule(M&& module)  // NOLINT: AnyModule(M{}) copies or moves the module into a shared_ptr
      : content_(make_holder(std::make_shared<std::decay_t<M>>(std::forward<M>(module)))) {}
  template <typename M>
  AnyModule(const ModuleHolder<M>& holder) : AnyModule(holder.ptr()) {}  // NOLINT

  AnyModule(AnyModule&&) = default;
  AnyModule& operator=(AnyModule&&) = default;
  AnyModule(const AnyModule& other) : content_(other.content_ ? other.content_->copy() : nullptr) {}
  AnyModule& operator=(const AnyModule& other) {
    if (this != &other) content_ = other.content_ ? other.content_->copy() : nullptr;
    return *this;
  }
  template <typename M>
  AnyModule& operator=(std::shared_ptr<M> module) {
    return *this = AnyModule(std::move(module));
  }

  // A deep copy of the module (Module::clone), kept as its own type.
  AnyModule clone(const std::optional<Device>& device = std::nullopt) const {
    AnyModule out;
    if (content_) out.content_ = content_->clone_module(device);
    return out;
  }

  // Calls forward with the arguments; the result as an AnyValue, or converted to T.
  template <typename... Args>
  AnyValue any_forward(Args&&... args) {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call forward() on an empty AnyModule");
    std::vector<AnyValue> values;
    values.reserve(sizeof...(Args));
    (values.push_back(to_value(std::forward<Args>(args))), ...);
    return content_->forward(std::move(values));
  }
  // The type-erased call itself (Sequential chains modules through it).
  AnyValue forward_values(std::vector<AnyValue>&& values) {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call forward() on an empty AnyModule");
    return content_->forward(std::move(values));
  }
  template <typename T = Tensor, typename... Args>
  T forward(Args&&... args) {
    return any_forward(std::forward<Args>(args)...).template get<T>();
  }

  template <typename T, typename = std::enable_if_t<!is_module_holder<T>::value>>
  T& get() const {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call get() on an empty AnyModule");
    return *ptr<T>();
  }
  template <typename T, typename = std::enable_if_t<is_module_holder<T>::value>, typename = void>
  T get() const {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call get() on an empty AnyModule");
    return T(ptr<typename T::ContainedType>());
  }

  std::shared_ptr<Module> ptr() const {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call ptr() on an empty AnyModule");
    return content_->ptr();
  }
  template <typename T, typename = std::enable_if_t<!is_module_holder<T>::value>>
  std::shared_ptr<T> ptr() const {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call ptr() on an empty AnyModule");
    auto typed = std::dynamic_pointer_cast<T>(content_->ptr());
    EMBER_CHECK(typed != nullptr, TypeError, "Attempted to cast module of type ", demangle(type_info().name()),
                " to type ", demangle(typeid(T).name()));
    return typed;
  }

  const std::type_info& type_info() const {
    EMBER_CHECK(content_ != nullptr, ValueError, "Cannot call type_info() on an empty AnyModule");
    return content_->type_info();
  }
  bool is_empty() const noexcept { return content_ == nullptr; }

 private:
  template <typename M>
  static std::unique_ptr<AnyModulePlaceholder> make_holder(std::shared_ptr<M> module) {
    static_assert(std::is_base_of<Module, M>::value, "AnyModule holds nn::Module subclasses");
    EMBER_CHECK(module != nullptr, ValueError, "[AnyModule] the module is null");
    return std::make_unique<AnyModuleHolder<M>>(std::move(module));
  }
  template <typename T>
  static AnyValue to_value(T&& value) {
    if constexpr (std::is_same<std::decay_t<T>, AnyValue>::value) {
      return std::forward<T>(value);
    } else {
      return AnyValue(std::forward<T>(value));
    }
  }

  std::unique_ptr<AnyModulePlaceholder> content_;
};

}  // namespace nn
}  // namespace ember

// In a module whose forward() has default arguments, declares them for AnyModule (and so
// Sequential): FORWARD_HAS_DEFAULT_ARGS({1, AnyValue(2)}, {2, AnyValue(3.0)}) says that the
// argument at index 1 defaults to 2 and the one at index 2 to 3.0.
// The macro makes what follows it public (it is meant to end the class, as in libtorch).
#define FORWARD_HAS_DEFAULT_ARGS(...)                                                         \
 public:                                                                                      \
  static std::vector<std::pair<unsigned int, ::ember::nn::AnyValue>> _forward_default_arguments() { \
    return {__VA_ARGS__};                                                                     \
  }
