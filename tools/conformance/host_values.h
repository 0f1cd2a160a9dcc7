// Element access and tensor transfer for the conformance suite that rely on nothing but the
// device tables' allocate and copy_bytes: no kernel of any plugin runs here.
//
// That independence matters: the suite checks plugins' kernels (the CPU plugin's own
// _copy_same_device_ included), so it must not read results or build inputs through them.
//
//   read_element / write_element   one element of a dtype <-> double (integers wrap on write)
//   round_to_dtype                 what a double becomes once stored in a dtype
//   HostTensor / fetch_to_host     a tensor's whole storage copied to host memory, with its geometry
//   TensorMirror                   copies of tensors on another device (and optionally in a wider
//                                  dtype), same geometry, one copy per storage so aliasing survives
//
// Thread-compatible: values and per-call objects only; no shared state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/ivalue.h"
#include "core/tensor.h"

namespace ember {
namespace conformance {

double read_element(const void* p, ScalarType dtype);
// Integers are converted as C++ does from int64 (values beyond the type wrap); bool is v != 0.
void write_element(void* p, ScalarType dtype, double v);
double round_to_dtype(double v, ScalarType dtype);

// The dtype a reference computation uses for dtype: float64 for floating types, int64 for
// integers, bool for bool.
ScalarType widened_dtype(ScalarType dtype);

// A tensor's storage on the host, with the tensor's geometry (in elements).
struct HostTensor {
  ScalarType dtype = ScalarType::Undefined;
  std::vector<unsigned char> bytes;  // the whole storage
  std::vector<int64_t> sizes;
  std::vector<int64_t> strides;
  int64_t offset = 0;

  int64_t numel() const;
  int64_t storage_elements() const;
  double storage_value(int64_t i) const;  // i-th element of the storage
  // The tensor's elements in row-major order.
  std::vector<double> values() const;
};

// Copies t's storage to host memory through the device's copy_bytes.
HostTensor fetch_to_host(const Tensor& t);

// Mirrors tensors onto a device (and, with `widen`, into widened_dtype), keeping sizes, strides
// and offsets, one copy per source storage so that arguments sharing memory still share it.
class TensorMirror {
 public:
  TensorMirror(Device device, bool widen) : device_(device), widen_(widen) {}
  Tensor mirror(const Tensor& t);
  // Tensors (also inside lists) are mirrored; other values are kept, except ScalarType
  // arguments (as ints, marked by is_dtype_arg), which are widened along with the tensors.
  IValue mirror(const IValue& v, bool is_dtype_arg = false);

 private:
  Device device_;
  bool widen_;
  std::map<const StorageImpl*, IntrusivePtr<StorageImpl>> copies_;
};

}  // namespace conformance
}  // namespace ember
