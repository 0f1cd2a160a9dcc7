// TensorOptions: dtype, device and requires_grad for factory functions, as in libtorch:
// ember::zeros({2, 3}, ember::kFloat64), ember::ones({2}, ember::TensorOptions().device("sim")).
// Plain value; thread-safe.
#pragma once

#include <optional>
#include <type_traits>

#include "core/device.h"
#include "core/dtype.h"
#include "core/layout.h"

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
  TensorOptions device(DeviceType type, int16_t index = -1) const { return device(Device(type, index)); }
  TensorOptions device(const char* name) const { return device(Device(name)); }
  // Layouts other than strided do not exist in ember; kept for libtorch's spelling.
  TensorOptions layout(Layout) const { return *this; }
  TensorOptions memory_format(MemoryFormat) const { return *this; }
  template <typename T>
  TensorOptions dtype() const {
    return dtype(CppTypeToScalarType<T>::value);
  }
  TensorOptions requires_grad(bool r) const {
    TensorOptions o = *this;
    o.requires_grad_ = r;
    return o;
  }
  // CPU tensors in page-locked memory (Tensor::pin_memory).
  TensorOptions pinned_memory(bool p) const {
    TensorOptions o = *this;
    o.pin_memory_ = p;
    return o;
  }

  const std::optional<ScalarType>& dtype_opt() const { return dtype_; }
  const std::optional<Device>& device_opt() const { return device_; }
  ScalarType dtype_or_default() const { return dtype_ ? *dtype_ : default_dtype(); }
  ScalarType dtype_or(ScalarType fallback) const { return dtype_ ? *dtype_ : fallback; }
  Device device_or_default() const { return device_ ? *device_ : default_device(); }
  bool requires_grad() const { return requires_grad_; }
  ScalarType dtype() const { return dtype_or_default(); }
  Device device() const { return device_or_default(); }
  Layout layout() const { return kStrided; }
  bool has_dtype() const { return dtype_.has_value(); }
  bool has_device() const { return device_.has_value(); }
  const std::optional<bool>& pin_memory_opt() const { return pin_memory_; }

 private:
  std::optional<ScalarType> dtype_;
  std::optional<Device> device_;
  bool requires_grad_ = false;
  std::optional<bool> pin_memory_;
};

inline TensorOptions dtype(ScalarType d) { return TensorOptions(d); }
inline TensorOptions device(Device d) { return TensorOptions(d); }
inline TensorOptions requires_grad(bool r = true) { return TensorOptions().requires_grad(r); }

}  // namespace ember
