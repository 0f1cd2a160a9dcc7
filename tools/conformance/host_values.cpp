// Element access and kernel-free tensor transfer (see host_values.h).
#include "tools/conformance/host_values.h"

#include <cmath>
#include <cstring>

#include "core/device_runtime.h"
#include "core/error.h"

namespace ember {
namespace conformance {
namespace {

template <typename T>
T load(const void* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <typename T>
void store(void* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

// Doubles to integers: truncation, then two's-complement wrap from int64. Out-of-range doubles
// (never produced by the samples) saturate instead of being undefined behavior.
int64_t to_int64(double v) {
  if (std::isnan(v)) return 0;
  if (v >= 9.2233720368547758e18) return INT64_MAX;
  if (v <= -9.2233720368547758e18) return INT64_MIN;
  return static_cast<int64_t>(v);
}

// The host side of copies: "cpu" (Device("cpu") also starts ember when needed).
Device host_device() { return Device("cpu"); }

// Raw storage bytes of t on the host.
std::vector<unsigned char> fetch_storage(const StorageImpl& storage) {
  std::vector<unsigned char> bytes(storage.nbytes());
  if (!bytes.empty()) copy_bytes(bytes.data(), host_device(), storage.data(), storage.device(), bytes.size());
  return bytes;
}

}  // namespace

double read_element(const void* p, ScalarType dtype) {
  switch (dtype) {
    case kBool: return load<uint8_t>(p) != 0 ? 1.0 : 0.0;
    case kUInt8: return load<uint8_t>(p);
    case kInt8: return load<int8_t>(p);
    case kInt16: return load<int16_t>(p);
    case kInt32: return load<int32_t>(p);
    case kInt64: return static_cast<double>(load<int64_t>(p));
    case kFloat16: return static_cast<float>(load<Half>(p));
    case kBFloat16: return static_cast<float>(load<BFloat16>(p));
    case kFloat32: return load<float>(p);
    case kFloat64: return load<double>(p);
    default: EMBER_FAIL(ValueError, "[conformance] cannot read dtype ", dtype);
  }
}

void write_element(void* p, ScalarType dtype, double v) {
  switch (dtype) {
    case kBool: store<uint8_t>(p, v != 0 ? 1 : 0); return;
    case kUInt8: store<uint8_t>(p, static_cast<uint8_t>(to_int64(v))); return;
    case kInt8: store<int8_t>(p, static_cast<int8_t>(to_int64(v))); return;
    case kInt16: store<int16_t>(p, static_cast<int16_t>(to_int64(v))); return;
    case kInt32: store<int32_t>(p, static_cast<int32_t>(to_int64(v))); return;
    case kInt64: store<int64_t>(p, to_int64(v)); return;
    case kFloat16: store<Half>(p, Half(static_cast<float>(v))); return;
    case kBFloat16: store<BFloat16>(p, BFloat16(static_cast<float>(v))); return;
    case kFloat32: store<float>(p, static_cast<float>(v)); return;
    case kFloat64: store<double>(p, v); return;
    default: EMBER_FAIL(ValueError, "[conformance] cannot write dtype ", dtype);
  }
}

double round_to_dtype(double v, ScalarType dtype) {
  alignas(8) unsigned char buffer[8];
  write_element(buffer, dtype, v);
  return read_element(buffer, dtype);
}

ScalarType widened_dtype(ScalarType dtype) {
  if (is_floating_point(dtype)) return kFloat64;
  if (is_integral(dtype, false)) return kInt64;
  return dtype;
}

int64_t HostTensor::numel() const {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

int64_t HostTensor::storage_elements() const {
  return static_cast<int64_t>(bytes.size() / element_size(dtype));
}

double HostTensor::storage_value(int64_t i) const {
  return read_element(bytes.data() + static_cast<size_t>(i) * element_size(dtype), dtype);
}

std::vector<double> HostTensor::values() const {
  const int64_t n = numel();
  std::vector<double> out(static_cast<size_t>(n));
  std::vector<int64_t> index(sizes.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t element = offset;
    for (size_t d = 0; d < sizes.size(); ++d) element += index[d] * strides[d];
    out[static_cast<size_t>(i)] = storage_value(element);
    for (size_t d = sizes.size(); d-- > 0;) {
      if (++index[d] < sizes[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

HostTensor fetch_to_host(const Tensor& t) {
  HostTensor h;
  h.dtype = t.scalar_type();
  h.bytes = fetch_storage(*t.impl()->storage());
  h.sizes = t.sizes().vec();
  h.strides = t.strides().vec();
  h.offset = t.storage_offset();
  return h;
}

Tensor TensorMirror::mirror(const Tensor& t) {
  if (!t.defined()) return t;
  const StorageImpl* source = t.impl()->storage();
  const ScalarType dtype = widen_ ? widened_dtype(t.scalar_type()) : t.scalar_type();
  auto it = copies_.find(source);
  if (it == copies_.end()) {
    std::vector<unsigned char> bytes = fetch_storage(*source);
    if (dtype != t.scalar_type()) {
      // Element by element: the storage keeps its element count, so every view's strides and
      // offset stay valid in the wider dtype.
      const size_t count = bytes.size() / element_size(t.scalar_type());
      std::vector<unsigned char> wide(count * element_size(dtype));
      for (size_t i = 0; i < count; ++i)
        write_element(wide.data() + i * element_size(dtype), dtype,
                      read_element(bytes.data() + i * element_size(t.scalar_type()), t.scalar_type()));
      bytes.swap(wide);
    }
    IntrusivePtr<StorageImpl> copy = StorageImpl::allocate(bytes.size(), device_);
    if (!bytes.empty()) copy_bytes(copy->data(), device_, bytes.data(), host_device(), bytes.size());
    it = copies_.emplace(source, std::move(copy)).first;
  }
  auto impl = make_intrusive<TensorImpl>(it->second, dtype, device_);
  impl->set_sizes_and_strides(t.sizes(), t.strides(), t.storage_offset());
  if (t.impl()->is_wrapped_number()) impl->set_wrapped_number(true);
  return Tensor(std::move(impl));
}

IValue TensorMirror::mirror(const IValue& v, bool is_dtype_arg) {
  if (v.is_tensor()) return IValue(mirror(v.to_tensor()));
  if (v.is_tensor_list()) {
    std::vector<Tensor> list;
    for (const Tensor& t : v.to_tensor_list()) list.push_back(mirror(t));
    return IValue(std::move(list));
  }
  if (v.is_list()) {
    std::vector<IValue> list;
    for (const IValue& e : v.to_list()) list.push_back(mirror(e));
    return IValue(std::move(list));
  }
  if (is_dtype_arg && widen_ && v.is_int()) return IValue(widened_dtype(v.to_scalar_type()));
  return v;
}

}  // namespace conformance
}  // namespace ember
