// TensorOptions: dtype, device and requires_grad for factory functions, as in libtorch:
// ember::zeros({2, 3}, ember::kFloat64), ember::ones({2}, ember::TensorOptions().device("sim")).
// Plain value; thread-safe.
#pragma once

#include <optional>
#include <type_traits>

#include "core/device.h"
#include "core/dtype.h"

namespace ember {

class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(ScalarType dtype) : dtype_(dtype) {}  // NOLINT: implicit as in libtorch
  TensorOptions(Device device) : device_(device) {}   // NOLINT
  TensorOptions(DeviceType type) : device_(Device(type)) {}  // NOLINT: TensorOptions(kCPU)
  // A device name ("cpu", "sim:1"). A template so that a literal 0 (a null pointer constant)
  // does not convert: ember::arange(-3, 0) must pick arange(start, end), not arange(end, options).
  template <typename T, typename std::enable_if<std::is_same<typename std::decay<T>::type, const char*>::value ||
                                                    std::is_same<typename std::decay<T>::type, char*>::value,
                                                int>::type = 0>
  TensorOptions(T&& device) : device_(Device(device)) {}  // NOLINT

  TensorOptions dtype(ScalarType d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    return o;
  }
  TensorOptions dtype(std::optional<ScalarType> d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    return o;
  }
  TensorOptions device(Device d) const {
    TensorOptions o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions device(std::optional<Device> d) const {
    TensorOptions o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions requires_grad(bool r) const {
    TensorOptions o = *this;
    o.requires_grad_ = r;
    return o;
  }

  const std::optional<ScalarType>& dtype_opt() const { return dtype_; }
  const std::optional<Device>& device_opt() const { return device_; }
  ScalarType dtype_or_default() const { return dtype_ ? *dtype_ : default_dtype(); }
  ScalarType dtype_or(ScalarType fallback) const { return dtype_ ? *dtype_ : fallback; }
  Device device_or_default() const { return device_ ? *device_ : default_device(); }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<ScalarType> dtype_;
  std::optional<Device> device_;
  bool requires_grad_ = false;
};

inline TensorOptions dtype(ScalarType d) { return TensorOptions(d); }
inline TensorOptions device(Device d) { return TensorOptions(d); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace ember
