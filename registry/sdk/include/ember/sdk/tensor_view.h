// Typed access to what a kernel receives: TensorView over ember_tensor_view, StridedCounter to
// walk an N-d index space, and KernelArgs over the ember_value array (typed accessors by schema
// position, each with a clear TypeError when the tag is not the one expected).
//
// Ownership: everything here borrows from the caller's argument array, which lives for the
// duration of the kernel call; keep no view past the call.
// Thread-safety: views are read-only handles; the data they point to is the kernel's to write
// (outs) or read (inputs).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <ember/plugin_abi.h>
#include <ember/sdk/dtype.h>
#include <ember/sdk/error.h>
#include <ember/sdk/host.h>
#include <ember/sdk/scalar_convert.h>

EMBER_SDK_NAMESPACE_BEGIN

// A borrowed list of int64 (sizes, strides, int[] arguments).
class IntList {
 public:
  IntList() = default;
  IntList(const int64_t* data, int64_t size) : data_(data), size_(size) {}
  const int64_t* data() const { return data_; }
  int64_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t operator[](int64_t i) const { return data_[i]; }
  const int64_t* begin() const { return data_; }
  const int64_t* end() const { return data_ + size_; }

 private:
  const int64_t* data_ = nullptr;
  int64_t size_ = 0;
};

class TensorView {
 public:
  TensorView() = default;
  explicit TensorView(const ember_tensor_view& v) : v_(&v) {}

  const ember_tensor_view& raw() const { return *v_; }
  void* data_ptr() const { return v_->data; }
  template <typename T> T* data() const { return static_cast<T*>(v_->data); }

  int32_t ndim() const { return v_->ndim; }
  int32_t dtype() const { return v_->dtype; }
  int32_t device_type() const { return v_->device_type; }
  int32_t device_index() const { return v_->device_index; }
  size_t element_size() const { return ::ember::sdk::element_size(v_->dtype); }
  IntList sizes() const { return IntList(v_->sizes, v_->ndim); }
  IntList strides() const { return IntList(v_->strides, v_->ndim); }
  // Negative d counts from the end, as in PyTorch.
  int64_t size(int64_t d) const { return v_->sizes[d < 0 ? d + v_->ndim : d]; }
  int64_t stride(int64_t d) const { return v_->strides[d < 0 ? d + v_->ndim : d]; }

  int64_t numel() const {
    int64_t n = 1;
    for (int32_t d = 0; d < v_->ndim; ++d) n *= v_->sizes[d];
    return n;
  }
  // Row-major dense. Dims of size 1 may have any stride; an empty tensor is contiguous.
  bool is_contiguous() const {
    int64_t expected = 1;
    for (int32_t d = v_->ndim - 1; d >= 0; --d) {
      int64_t s = v_->sizes[d];
      if (s == 0) return true;
      if (s != 1) {
        if (v_->strides[d] != expected) return false;
        expected *= s;
      }
    }
    return true;
  }
  // Element offset (not bytes) of a multi-index with ndim entries.
  int64_t offset_of(const int64_t* index) const {
    int64_t off = 0;
    for (int32_t d = 0; d < v_->ndim; ++d) off += index[d] * v_->strides[d];
    return off;
  }
  // Element offset of the i-th element in row-major order.
  int64_t offset_of_linear(int64_t i) const {
    int64_t off = 0;
    for (int32_t d = v_->ndim - 1; d >= 0; --d) {
      int64_t s = v_->sizes[d];
      off += (i % s) * v_->strides[d];
      i /= s;
    }
    return off;
  }
  // Slow, bounds-unchecked element access for tests and setup code.
  template <typename T> T& at(std::initializer_list<int64_t> index) const {
    return data<T>()[offset_of(index.begin())];
  }

 private:
  const ember_tensor_view* v_ = nullptr;
};

// Walks the index space `sizes` in row-major order, keeping the element offsets of up to
// kMaxOperands operands (each with its own strides) up to date incrementally.
//   StridedCounter<2> it(ndim, sizes, {a_strides, b_strides});
//   for (int64_t i = 0; i < n; ++i, it.next()) use(it.offset(0), it.offset(1));
template <int kMaxOperands>
class StridedCounter {
 public:
  static constexpr int kMaxDims = 64;
  StridedCounter(int32_t ndim, const int64_t* sizes, std::initializer_list<const int64_t*> strides,
                 int64_t start = 0)
      : ndim_(ndim), num_operands_(static_cast<int>(strides.size())), sizes_(sizes) {
    EMBER_SDK_CHECK(ndim <= kMaxDims && num_operands_ <= kMaxOperands, EMBER_ERROR_VALUE,
                    "StridedCounter: too many dims or operands");
    int k = 0;
    for (const int64_t* s : strides) strides_[k++] = s;
    seek(start);
  }
  void seek(int64_t linear) {
    for (int k = 0; k < num_operands_; ++k) offsets_[k] = 0;
    for (int32_t d = ndim_ - 1; d >= 0; --d) {
      int64_t s = sizes_[d];
      index_[d] = s ? linear % s : 0;
      linear = s ? linear / s : 0;
      for (int k = 0; k < num_operands_; ++k) offsets_[k] += index_[d] * strides_[k][d];
    }
  }
  void next() {
    for (int32_t d = ndim_ - 1; d >= 0; --d) {
      if (++index_[d] < sizes_[d]) {
        for (int k = 0; k < num_operands_; ++k) offsets_[k] += strides_[k][d];
        return;
      }
      for (int k = 0; k < num_operands_; ++k) offsets_[k] -= (sizes_[d] - 1) * strides_[k][d];
      index_[d] = 0;
    }
  }
  int64_t offset(int k) const { return offsets_[k]; }
  const int64_t* index() const { return index_; }

 private:
  int32_t ndim_;
  int num_operands_;
  const int64_t* sizes_;
  const int64_t* strides_[kMaxOperands > 0 ? kMaxOperands : 1];
  int64_t offsets_[kMaxOperands > 0 ? kMaxOperands : 1];
  int64_t index_[kMaxDims];
};

// A Scalar argument (alpha, fill value, clamp bounds): an int64, a double or a bool.
struct Scalar {
  enum class Kind : uint8_t { Int, Double, Bool };
  Kind kind = Kind::Int;
  int64_t i = 0;
  double d = 0;
  bool b = false;

  static Scalar from_int(int64_t v) { Scalar s; s.kind = Kind::Int; s.i = v; return s; }
  static Scalar from_double(double v) { Scalar s; s.kind = Kind::Double; s.d = v; return s; }
  static Scalar from_bool(bool v) { Scalar s; s.kind = Kind::Bool; s.b = v; return s; }

  bool is_floating() const { return kind == Kind::Double; }
  bool is_integral() const { return kind == Kind::Int; }
  bool is_bool() const { return kind == Kind::Bool; }
  double to_double() const {
    return kind == Kind::Double ? d : kind == Kind::Int ? static_cast<double>(i) : (b ? 1.0 : 0.0);
  }
  int64_t to_int() const { return to<int64_t>(); }
  // The value converted to T as PyTorch's Scalar::to<T> does: bool is nonzero; a value out of
  // T's range is a ValueError (see <ember/sdk/scalar_convert.h>).
  template <typename T> T to() const {
    if (kind == Kind::Bool) return convert_scalar<T>(static_cast<int64_t>(b));
    if (kind == Kind::Int) {
      if (EMBER_SDK_UNLIKELY(scalar_overflows<T>(i))) throw_overflow(scalar_type_name<T>());
      return convert_scalar<T>(i);
    }
    if (EMBER_SDK_UNLIKELY(scalar_overflows<T>(d))) throw_overflow(scalar_type_name<T>());
    return convert_scalar<T>(d);
  }

 private:
  [[noreturn]] EMBER_SDK_COLD static void throw_overflow(const char* type) {
    throw ValueError(detail::concat("value cannot be converted to type ", type, " without overflow"));
  }
};

// A generator argument: element k of a random op's output comes from counter offset + k
// under key seed (see <ember/sdk/random.h>).
struct GeneratorState {
  uint64_t seed = 0;
  uint64_t offset = 0;
};

// A Tensor[] argument.
class TensorList {
 public:
  TensorList(const ember_tensor_view* data, int64_t size) : data_(data), size_(size) {}
  int64_t size() const { return size_; }
  TensorView operator[](int64_t i) const { return TensorView(data_[i]); }

 private:
  const ember_tensor_view* data_;
  int64_t size_;
};

inline const char* value_tag_name(int32_t tag) {
  switch (tag) {
    case EMBER_VALUE_NONE: return "None";
    case EMBER_VALUE_TENSOR: return "Tensor";
    case EMBER_VALUE_INT: return "int";
    case EMBER_VALUE_DOUBLE: return "float";
    case EMBER_VALUE_BOOL: return "bool";
    case EMBER_VALUE_STRING: return "str";
    case EMBER_VALUE_INT_LIST: return "int[]";
    case EMBER_VALUE_DOUBLE_LIST: return "float[]";
    case EMBER_VALUE_TENSOR_LIST: return "Tensor[]";
    case EMBER_VALUE_GENERATOR: return "Generator";
    case EMBER_VALUE_DEVICE: return "Device";
    default: return "<invalid tag>";
  }
}

// The arguments of one kernel call, in schema order, and the call's context (device, stream,
// scratch memory, output resizing, warnings; see ember_call_context in plugin_abi.h).
class KernelArgs {
 public:
  KernelArgs(const ember_call_context* call, const ember_value* args, int32_t num_args)
      : call_(call), args_(args), num_args_(num_args) {}

  int32_t size() const { return num_args_; }

  // The call context; null only in kernels called directly by tests without a host.
  const ember_call_context* call() const { return call_; }
  int32_t device_index() const { return call_ ? call_->device_index : 0; }
  // The stream to launch on (NULL: the device's default stream).
  ember_stream stream() const { return call_ ? call_->stream : nullptr; }
  // Scratch memory on the call's device, released by the host after the kernel (ordered on the
  // stream). Throws OutOfMemory (or the host's error) when it cannot be had.
  void* scratch(size_t nbytes) const {
    if (!call_ || !call_->scratch) throw Error(EMBER_ERROR_RUNTIME, "scratch memory needs a host call context");
    ember_status* status = nullptr;
    void* p = call_->scratch(call_, nbytes, &status);
    if (p == nullptr) throw_host_status(status, "scratch allocation failed");
    return p;
  }
  // Reallocates output argument i to `sizes` (contiguous); tensor(i) then describes it.
  void resize_output(int i, const int64_t* sizes, int32_t ndim) const {
    if (!call_ || !call_->resize_output) throw Error(EMBER_ERROR_RUNTIME, "resize_output needs a host call context");
    ember_status* status = call_->resize_output(call_, i, sizes, ndim);
    if (status) throw_host_status(status, "resize_output failed");
  }
  void resize_output(int i, std::initializer_list<int64_t> sizes) const {
    resize_output(i, sizes.begin(), static_cast<int32_t>(sizes.size()));
  }
  // A user warning (as TORCH_WARN), shown once the kernel returns.
  void warn(const std::string& message) const;
  // What identifies the current contents of tensor argument i (ember_call_context.content_version):
  // equal values at two calls mean its bytes did not change in between. nullopt when the host
  // cannot promise that (untracked memory, a host older than ABI 2.2, a direct call without a host).
  struct ContentVersion {
    uint64_t storage_id;
    uint64_t version;
    bool operator==(const ContentVersion& o) const { return storage_id == o.storage_id && version == o.version; }
    bool operator!=(const ContentVersion& o) const { return !(*this == o); }
  };
  std::optional<ContentVersion> content_version(int i) const {
    constexpr size_t kNeeded = offsetof(ember_call_context, content_version) + sizeof(call_->content_version);
    if (!call_ || call_->struct_size < kNeeded || !call_->content_version) return std::nullopt;
    ContentVersion v{0, 0};
    if (!call_->content_version(call_, i, &v.storage_id, &v.version)) return std::nullopt;
    return v;
  }
  // Accessors are forced inline: a kernel's fixed cost is mostly argument decoding.
  EMBER_SDK_ALWAYS_INLINE const ember_value& raw(int i) const {
    if (EMBER_SDK_UNLIKELY(i < 0 || i >= num_args_)) bad_index(i);
    return args_[i];
  }
  int32_t tag(int i) const { return raw(i).tag; }
  bool is_none(int i) const { return raw(i).tag == EMBER_VALUE_NONE; }

  TensorView tensor(int i) const { return TensorView(expect(i, EMBER_VALUE_TENSOR).u.tensor); }
  std::optional<TensorView> optional_tensor(int i) const {
    if (is_none(i)) return std::nullopt;
    return tensor(i);
  }
  TensorList tensor_list(int i) const {
    const ember_value& v = expect(i, EMBER_VALUE_TENSOR_LIST);
    return TensorList(v.u.tensor_list.data, v.u.tensor_list.size);
  }
  int64_t int_(int i) const { return expect(i, EMBER_VALUE_INT).u.i; }
  std::optional<int64_t> optional_int(int i) const {
    if (is_none(i)) return std::nullopt;
    return int_(i);
  }
  // A float argument; an INT is accepted too (schema `float` given an integer literal).
  double double_(int i) const {
    const ember_value& v = raw(i);
    if (v.tag == EMBER_VALUE_DOUBLE) return v.u.d;
    if (v.tag == EMBER_VALUE_INT) return static_cast<double>(v.u.i);
    bad_tag(i, "float", v.tag);
  }
  std::optional<double> optional_double(int i) const {
    if (is_none(i)) return std::nullopt;
    return double_(i);
  }
  bool bool_(int i) const { return expect(i, EMBER_VALUE_BOOL).u.b != 0; }
  std::optional<bool> optional_bool(int i) const {
    if (is_none(i)) return std::nullopt;
    return bool_(i);
  }
  Scalar scalar(int i) const {
    const ember_value& v = raw(i);
    switch (v.tag) {
      case EMBER_VALUE_INT: return Scalar::from_int(v.u.i);
      case EMBER_VALUE_DOUBLE: return Scalar::from_double(v.u.d);
      case EMBER_VALUE_BOOL: return Scalar::from_bool(v.u.b != 0);
      default: bad_tag(i, "Scalar", v.tag);
    }
  }
  std::optional<Scalar> optional_scalar(int i) const {
    if (is_none(i)) return std::nullopt;
    return scalar(i);
  }
  std::string_view str(int i) const { return expect(i, EMBER_VALUE_STRING).u.str; }
  std::optional<std::string_view> optional_str(int i) const {
    if (is_none(i)) return std::nullopt;
    return str(i);
  }
  IntList int_list(int i) const {
    const ember_value& v = expect(i, EMBER_VALUE_INT_LIST);
    return IntList(v.u.int_list.data, v.u.int_list.size);
  }
  std::optional<IntList> optional_int_list(int i) const {
    if (is_none(i)) return std::nullopt;
    return int_list(i);
  }
  GeneratorState generator(int i) const {
    const ember_value& v = expect(i, EMBER_VALUE_GENERATOR);
    return GeneratorState{v.u.generator.seed, v.u.generator.offset};
  }

 private:
  EMBER_SDK_ALWAYS_INLINE const ember_value& expect(int i, int32_t tag) const {
    const ember_value& v = raw(i);
    if (EMBER_SDK_UNLIKELY(v.tag != tag)) bad_tag(i, value_tag_name(tag), v.tag);
    return v;
  }
  [[noreturn]] EMBER_SDK_COLD void bad_index(int i) const {
    throw TypeError(detail::concat("argument ", i, " requested, but the kernel got ", num_args_,
                                   " arguments (schema mismatch between plugin and core?)"));
  }
  [[noreturn]] EMBER_SDK_COLD void bad_tag(int i, const char* expected, int32_t got) const {
    throw TypeError(detail::concat("argument ", i, ": expected ", expected, ", got ",
                                   value_tag_name(got)));
  }

  [[noreturn]] EMBER_SDK_COLD static void throw_host_status(ember_status* status, const char* fallback) {
    if (status == nullptr) throw Error(EMBER_ERROR_RUNTIME, fallback);
    throw detail::HostStatus(status, fallback);
  }

  const ember_call_context* call_;
  const ember_value* args_;
  int32_t num_args_;
};

inline void KernelArgs::warn(const std::string& message) const {
  if (call_ && call_->report) {
    ember_status* s = make_status(EMBER_WARNING, message.c_str());
    if (s) call_->report(call_, s);
  } else {
    log(LogLevel::Warning, message);
  }
}

EMBER_SDK_NAMESPACE_END
