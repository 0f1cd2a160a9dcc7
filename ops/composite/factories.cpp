// Factories (empty, zeros, ones, full, arange, linspace, eye, rand, randn, randint) and the
// copy/conversion family (copy_, clone, contiguous, to, _to_copy). Factories allocate through
// the device's allocator and fill with backend in-place kernels, so a device gets them all
// from fill_, uniform_, normal_, random_ and the range kernels.
#include <cmath>

#include "core/device_runtime.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"

namespace ember {
namespace native {

namespace {
Device device_or_default(const std::optional<Device>& d) { return d ? *d : default_device(); }
ScalarType dtype_or(const std::optional<ScalarType>& d, ScalarType fallback) { return d ? *d : fallback; }
void check_layout(const std::optional<Layout>& layout, const char* op) {
  EMBER_CHECK(!layout || *layout == Layout::Strided, NotImplementedError, "[", op, "] only the strided layout is supported");
}
}  // namespace

Tensor empty(IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
             std::optional<bool> pin_memory, std::optional<MemoryFormat>) {
  check_layout(layout, "empty");
  Tensor t = new_tensor(size, dtype_or(dtype, default_dtype()), device_or_default(device));
  return pin_memory.value_or(false) ? t.pin_memory() : t;
}

Tensor empty_like(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                  std::optional<Device> device, std::optional<bool>, std::optional<MemoryFormat>) {
  check_layout(layout, "empty_like");
  return new_tensor(self.sizes(), dtype_or(dtype, self.scalar_type()), device ? *device : self.device());
}

Tensor zero_(const Tensor& self) { return self.fill_(0); }

Tensor zeros(IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
             std::optional<bool> pin_memory) {
  return fresh_version(empty(size, dtype, layout, device, pin_memory, std::nullopt).fill_(0));
}
Tensor zeros_like(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                  std::optional<Device> device, std::optional<bool> pin_memory, std::optional<MemoryFormat> mf) {
  return fresh_version(empty_like(self, dtype, layout, device, pin_memory, mf).fill_(0));
}
Tensor ones(IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
            std::optional<bool> pin_memory) {
  return fresh_version(empty(size, dtype, layout, device, pin_memory, std::nullopt).fill_(1));
}
Tensor ones_like(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                 std::optional<Device> device, std::optional<bool> pin_memory, std::optional<MemoryFormat> mf) {
  return fresh_version(empty_like(self, dtype, layout, device, pin_memory, mf).fill_(1));
}
Tensor full(IntArrayRef size, const Scalar& fill_value, std::optional<ScalarType> dtype, std::optional<Layout> layout,
            std::optional<Device> device, std::optional<bool> pin_memory) {
  ScalarType t = dtype ? *dtype : fill_value.is_floating_point() ? default_dtype() : fill_value.type();
  return fresh_version(empty(size, t, layout, device, pin_memory, std::nullopt).fill_(fill_value));
}
Tensor full_like(const Tensor& self, const Scalar& fill_value, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                 std::optional<Device> device, std::optional<bool> pin_memory, std::optional<MemoryFormat> mf) {
  return fresh_version(empty_like(self, dtype, layout, device, pin_memory, mf).fill_(fill_value));
}

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, std::optional<ScalarType> dtype,
              std::optional<Layout> layout, std::optional<Device> device, std::optional<bool> pin_memory) {
  bool all_int = start.is_integral(true) && end.is_integral(true) && step.is_integral(true);
  ScalarType t = dtype ? *dtype : all_int ? kInt64 : default_dtype();
  Tensor out = empty({0}, t, layout, device, pin_memory, std::nullopt);
  return fresh_version(arange_outf(start, end, step, out));
}
Tensor arange(const Scalar& start, const Scalar& end, std::optional<ScalarType> dtype, std::optional<Layout> layout,
              std::optional<Device> device, std::optional<bool> pin_memory) {
  return arange(start, end, Scalar(int64_t(1)), dtype, layout, device, pin_memory);
}
Tensor arange(const Scalar& end, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
              std::optional<bool> pin_memory) {
  return arange(Scalar(int64_t(0)), end, Scalar(int64_t(1)), dtype, layout, device, pin_memory);
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, std::optional<ScalarType> dtype,
                std::optional<Layout> layout, std::optional<Device> device, std::optional<bool> pin_memory) {
  Tensor out = empty({0}, dtype_or(dtype, default_dtype()), layout, device, pin_memory, std::nullopt);
  return fresh_version(linspace_outf(start, end, steps, out));
}

Tensor eye(int64_t n, int64_t m, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
           std::optional<bool> pin_memory) {
  Tensor out = empty({0}, dtype_or(dtype, default_dtype()), layout, device, pin_memory, std::nullopt);
  return fresh_version(eye_outf(n, m, out));
}
Tensor eye(int64_t n, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
           std::optional<bool> pin_memory) {
  return eye(n, n, dtype, layout, device, pin_memory);
}

Tensor rand(IntArrayRef size, const std::optional<Generator>& generator, std::optional<ScalarType> dtype,
            std::optional<Layout> layout, std::optional<Device> device, std::optional<bool> pin_memory) {
  return fresh_version(empty(size, dtype, layout, device, pin_memory, std::nullopt).uniform_(0, 1, generator));
}
Tensor rand(IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
            std::optional<bool> pin_memory) {
  return rand(size, std::nullopt, dtype, layout, device, pin_memory);
}
Tensor rand_like(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                 std::optional<Device> device, std::optional<bool> pin_memory, std::optional<MemoryFormat> mf) {
  return fresh_version(empty_like(self, dtype, layout, device, pin_memory, mf).uniform_(0, 1, std::nullopt));
}
Tensor randn(IntArrayRef size, const std::optional<Generator>& generator, std::optional<ScalarType> dtype,
             std::optional<Layout> layout, std::optional<Device> device, std::optional<bool> pin_memory) {
  return fresh_version(empty(size, dtype, layout, device, pin_memory, std::nullopt).normal_(0, 1, generator));
}
Tensor randn(IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
             std::optional<bool> pin_memory) {
  return randn(size, std::nullopt, dtype, layout, device, pin_memory);
}
Tensor randn_like(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                  std::optional<Device> device, std::optional<bool> pin_memory, std::optional<MemoryFormat> mf) {
  return fresh_version(empty_like(self, dtype, layout, device, pin_memory, mf).normal_(0, 1, std::nullopt));
}
Tensor randint(int64_t low, int64_t high, IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout,
               std::optional<Device> device, std::optional<bool> pin_memory) {
  return fresh_version(empty(size, dtype_or(dtype, kInt64), layout, device, pin_memory, std::nullopt).random_(low, high, std::nullopt));
}
Tensor randint(int64_t high, IntArrayRef size, std::optional<ScalarType> dtype, std::optional<Layout> layout,
               std::optional<Device> device, std::optional<bool> pin_memory) {
  return randint(0, high, size, dtype, layout, device, pin_memory);
}

// copy_: broadcasting and dtype conversion in the device's kernel; between devices, the bytes
// move through the device types' copy functions (contiguous, same dtype) first. A copy between
// devices straight into a contiguous destination of the same shape and dtype is queued on the
// current stream when non_blocking (truly asynchronous with pinned host memory); other copies
// complete before copy_ returns.
Tensor copy_(const Tensor& self, const Tensor& src, bool non_blocking) {
  if (self.is_same(src)) return self;
  if (self.device() == src.device()) return _copy_same_device_(self, src);
  if (self.is_contiguous() && self.scalar_type() == src.scalar_type() && self.sizes() == src.sizes()) {
    Tensor source = src.contiguous();
    if (non_blocking) {
      copy_bytes_async(self.impl()->data(), self.device(), source.const_data_ptr(), source.device(), source.nbytes());
    } else {
      copy_bytes(self.impl()->data(), self.device(), source.const_data_ptr(), source.device(), source.nbytes());
    }
    self.impl()->bump_version();
    return self;
  }
  Tensor staged = src.contiguous();
  Tensor on_dst = new_tensor(staged.sizes(), staged.scalar_type(), self.device());
  copy_bytes(on_dst.impl()->data(), on_dst.device(), staged.const_data_ptr(), staged.device(), staged.nbytes());
  return _copy_same_device_(self, on_dst);
}

Tensor clone(const Tensor& self, std::optional<MemoryFormat>) {
  Tensor out = new_tensor(self.sizes(), self.scalar_type(), self.device());
  return fresh_version(out.copy_(self));
}

Tensor contiguous(const Tensor& self, MemoryFormat) { return self.is_contiguous() ? self : self.clone(); }

Tensor _to_copy(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout,
                std::optional<Device> device, std::optional<bool> pin_memory, bool non_blocking,
                std::optional<MemoryFormat>) {
  check_layout(layout, "to");
  Tensor out = new_tensor(self.sizes(), dtype_or(dtype, self.scalar_type()), device ? *device : self.device());
  if (pin_memory.value_or(false)) out = out.pin_memory();
  return fresh_version(out.copy_(self, non_blocking));
}

Tensor to(const Tensor& self, std::optional<ScalarType> dtype, std::optional<Layout> layout, std::optional<Device> device,
          std::optional<bool> pin_memory, bool non_blocking, bool copy, std::optional<MemoryFormat> memory_format) {
  bool same_dtype = !dtype || *dtype == self.scalar_type();
  bool same_device = !device || *device == self.device();
  if (same_dtype && same_device && !copy) return self;
  check_layout(layout, "to");
  return ember::_to_copy(self, TensorOptions().dtype(dtype).device(device).pinned_memory(pin_memory.value_or(false)),
                         non_blocking, memory_format);
}
Tensor to(const Tensor& self, ScalarType dtype, bool non_blocking, bool copy, std::optional<MemoryFormat> memory_format) {
  return to(self, dtype, std::nullopt, std::nullopt, std::nullopt, non_blocking, copy, memory_format);
}
Tensor to(const Tensor& self, Device device, ScalarType dtype, bool non_blocking, bool copy,
          std::optional<MemoryFormat> memory_format) {
  return to(self, dtype, std::nullopt, device, std::nullopt, non_blocking, copy, memory_format);
}

}  // namespace native
}  // namespace ember
