// ModuleHolder<Impl>: the value-semantics handle over a shared_ptr<Impl> that libtorch calls a
// "module holder" (pimpl). EMBER_MODULE(Linear) declares `class Linear` holding a LinearImpl, so
//
//   ember::nn::Linear fc(10, 5);   // constructs LinearImpl(10, 5) on the heap
//   fc->weight;                    // the Impl's members
//   fc(x);  fc->forward(x);        // operator() forwards to Impl::forward
//   ember::nn::Linear later{nullptr};  // empty, assigned later
//
// Copies share the same module (like shared_ptr). Thread-safety: as the module it holds.
#pragma once

#include <memory>
#include <ostream>
#include <type_traits>
#include <utility>

#include "core/error.h"

namespace ember {
namespace nn {

template <typename Contained>
class ModuleHolder {
 public:
  using ContainedType = Contained;

  // Default-constructs the module; only for modules with a default constructor. Use
  // `Name name{nullptr}` for an empty holder that is assigned later.
  ModuleHolder() : impl_(default_construct()) {
    static_assert(std::is_default_constructible<Contained>::value,
                  "This module has no default constructor: construct it with its arguments, or use "
                  "`Name name{nullptr};` for an empty holder that is assigned later");
  }
  ModuleHolder(std::nullptr_t) : impl_(nullptr) {}  // NOLINT: `Linear fc = nullptr;`
  // Constructs Contained(args...).
  template <typename Head, typename... Tail,
            typename = std::enable_if_t<!(std::is_same<std::decay_t<Head>, ModuleHolder>::value && sizeof...(Tail) == 0) &&
                                        !std::is_same<std::decay_t<Head>, std::nullptr_t>::value &&
                                        !std::is_same<std::decay_t<Head>, std::shared_ptr<Contained>>::value>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(std::make_shared<Contained>(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}  // NOLINT

  explicit operator bool() const noexcept { return !is_empty(); }
  bool is_empty() const noexcept { return impl_ == nullptr; }

  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  const std::shared_ptr<Contained>& ptr() const {
    check_not_empty();
    return impl_;
  }
  Contained* get() {
    check_not_empty();
    return impl_.get();
  }
  const Contained* get() const {
    check_not_empty();
    return impl_.get();
  }

  // fc(x) is fc->forward(x).
  template <typename... Args, typename C = Contained>
  auto operator()(Args&&... args) -> decltype(std::declval<C&>().forward(std::forward<Args>(args)...)) {
    return get()->forward(std::forward<Args>(args)...);
  }
  // seq[0] is seq->operator[](0) (Sequential, ModuleList).
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*get())[std::forward<Arg>(arg)];
  }

 protected:
  std::shared_ptr<Contained> impl_;

 private:
  static std::shared_ptr<Contained> default_construct() {
    if constexpr (std::is_default_constructible<Contained>::value) {
      return std::make_shared<Contained>();
    } else {
      return nullptr;  // refused by the static_assert in the default constructor
    }
  }
  void check_not_empty() const {
    EMBER_CHECK(impl_ != nullptr, ValueError, "Accessing empty ModuleHolder (constructed with nullptr)");
  }
};

template <typename Contained>
std::ostream& operator<<(std::ostream& os, const ModuleHolder<Contained>& holder) {
  return os << *holder;
}

// True for ModuleHolder<M> and classes derived from it (the EMBER_MODULE classes).
template <typename T, typename = void>
struct is_module_holder : std::false_type {};
template <typename T>
struct is_module_holder<T, std::void_t<typename T::ContainedType>>
    : std::is_base_of<ModuleHolder<typename T::ContainedType>, T> {};

}  // namespace nn
}  // namespace ember

// Declares `class Name`, the holder of NameImpl: `EMBER_MODULE(Net);` after `struct NetImpl :
// ember::nn::Module { ... };` as TORCH_MODULE does.
#define EMBER_MODULE(Name)                                          \
  class Name : public ::ember::nn::ModuleHolder<Name##Impl> {      \
   public:                                                          \
    using ::ember::nn::ModuleHolder<Name##Impl>::ModuleHolder;     \
    using Impl = Name##Impl;                                        \
  }
