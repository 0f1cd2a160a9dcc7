// nn::AnyValue: one value of any (copyable or movable) type, with the type checked on the way
// out, as torch::nn::AnyValue. AnyModule passes arguments and results through it.
//
//   AnyValue v(5);
//   v.get<int>();          // 5
//   v.try_get<float>();    // nullptr
//   v.get<float>();        // throws: Attempted to cast AnyValue to float, but its actual type is int
//
// The stored type is the decayed type of what was given (a string literal is a const char*).
// Owns its value; not synchronized.
#pragma once

#include <memory>
#include <typeinfo>
#include <type_traits>
#include <utility>

#include "core/error.h"
#include "core/str.h"

namespace ember {
namespace nn {

class AnyValue {
 public:
  template <typename T, typename = std::enable_if_t<!std::is_same<std::decay_t<T>, AnyValue>::value>>
  explicit AnyValue(T&& value) : content_(std::make_unique<Holder<std::decay_t<T>>>(std::forward<T>(value))) {}
  AnyValue(AnyValue&&) = default;
  AnyValue& operator=(AnyValue&&) = default;
  AnyValue(const AnyValue& other) : content_(other.content_->clone()) {}
  AnyValue& operator=(const AnyValue& other) {
    if (this != &other) content_ = other.content_->clone();
    return *this;
  }

  // The value if it is a T, else nullptr.
  template <typename T>
  T* try_get() {
    static_assert(!std::is_reference<T>::value, "AnyValue stores decayed types: ask for T, not T&");
    if (typeid(T).hash_code() != type_info().hash_code()) return nullptr;
    return &static_cast<Holder<T>&>(*content_).value;
  }
  template <typename T>
  T get() {
    if (T* value = try_get<T>()) return *value;
    EMBER_FAIL(TypeError, "Attempted to cast AnyValue to ", demangle(typeid(T).name()), ", but its actual type is ",
               demangle(type_info().name()));
  }
  const std::type_info& type_info() const noexcept { return content_->type_info; }

 private:
  struct Placeholder {
    explicit Placeholder(const std::type_info& type) noexcept : type_info(type) {}
    virtual ~Placeholder() = default;
    virtual std::unique_ptr<Placeholder> clone() const = 0;
    const std::type_info& type_info;
  };
  template <typename T>
  struct Holder : Placeholder {
    template <typename U>
    explicit Holder(U&& v) : Placeholder(typeid(T)), value(std::forward<U>(v)) {}
    std::unique_ptr<Placeholder> clone() const override {
      if constexpr (std::is_copy_constructible<T>::value) {
        return std::make_unique<Holder<T>>(value);
      } else {
        EMBER_FAIL(TypeError, "Cannot copy an AnyValue holding a non-copyable ", demangle(typeid(T).name()));
      }
    }
    T value;
  };

  std::unique_ptr<Placeholder> content_;
};

}  // namespace nn
}  // namespace ember
