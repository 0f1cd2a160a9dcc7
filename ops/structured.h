// Structured kernels: the core validates arguments once and computes output shapes and dtypes
// (a meta function, ops/meta.h), allocates or checks the outputs, prepares inputs (dtype
// casts, broadcasting as stride-0 views), and only then calls the backend kernel, which
// computes into the outputs it is given. One path serves the functional, in-place and out=
// forms of an op, so every backend reports the same errors.
//
// Generated wrappers (build/gen/generated/structured_kernels.cpp) call run(); nothing here keeps
// state between calls. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "dispatcher/dispatcher.h"
#include "ops/backend/backend_kernel.h"

namespace ember {
namespace structured {

struct OutputSpec {
  DimVector sizes;
  ScalarType dtype = ScalarType::Undefined;
};

// What a meta function decides about one call.
struct MetaResult {
  static constexpr int kMaxOutputs = 3;
  OutputSpec outputs[kMaxOutputs];
  int num_outputs = 1;
  Device device{DeviceTypeId(0)};
  // Tensor inputs are converted to compute_dtype before the kernel runs when cast_inputs is set,
  // except the inputs whose bit is set in keep_dtype_mask (bit i = i-th tensor argument in
  // schema order: `where`'s condition, index tensors).
  ScalarType compute_dtype = ScalarType::Undefined;
  bool cast_inputs = false;
  uint32_t keep_dtype_mask = 0;
  // Pointwise ops: tensor inputs are passed to the kernel broadcast to outputs[0].sizes (stride 0
  // on broadcast dims), except those in no_broadcast_mask.
  bool broadcast_inputs = false;
  uint32_t no_broadcast_mask = 0;
  // When set, outputs whose dtype differs from the kernel's may be computed into a temporary of
  // outputs[i].dtype and copied (out= and in-place forms with a wider output dtype).
  const char* op_name = "";  // "[add]" prefix for messages
  // Ops whose outputs' dtype and device only the out= tensor knows (arange.out, eye.out): an
  // Undefined output dtype means "the out tensor's", and this flag takes the device from it.
  bool device_from_outputs = false;
  // The op's `dim` argument as its kernel receives it (the generated wrapper passes these, never
  // the caller's value): meta wraps and validates it once, so kernels neither wrap nor re-check.
  // set_dim for `int dim` / `int? dim` (nullopt for None); set_dims for `int[] dim` / `int[]? dim`
  // (each reduced dim once, ascending; every dim when the caller gave None or []).
  std::optional<int64_t> dim;
  DimVector dims;
  bool dim_normalized = false;
  void set_dim(std::optional<int64_t> d) {
    dim = d;
    dim_normalized = true;
  }
  void set_dims(DimVector d) {
    dims = std::move(d);
    dim_normalized = true;
  }
};

enum class Form : uint8_t { Functional, Inplace, Out };

// One argument of the backend kernel, referenced (never copied) from the wrapper's frame.
struct Arg {
  enum class Kind : uint8_t {
    Output,  // the i-th output (index in `index`)
    Tensor, OptionalTensor, TensorList, Scalar, OptionalScalar, Int, OptionalInt, Double,
    OptionalDouble, Bool, OptionalBool, Str, OptionalStr, IntList, OptionalIntList, DoubleList,
    ScalarTypeArg, OptionalScalarType, Generator, OptionalGenerator, Device, OptionalDevice,
    BoolList,  // bool[N] (output_mask): plugins get an int list of 0/1, as kernel_adapter passes bool[]
    WrittenTensorList,  // Tensor(a!)[]: the kernel updates these tensors in place (_fused_sgd_)
    None,
  };
  Kind kind = Kind::None;
  int index = 0;
  const void* ptr = nullptr;
};

inline Arg output(int i) { return Arg{Arg::Kind::Output, i, nullptr}; }
inline Arg arg(const Tensor& v) { return Arg{Arg::Kind::Tensor, 0, &v}; }
// An optional tensor that holds an undefined tensor is None, as everywhere in PyTorch
// (torch::layer_norm(x, shape, Tensor(), Tensor())): meta functions and kernels see nullopt.
EMBER_API extern const std::optional<Tensor> kNoTensor;
inline const std::optional<Tensor>& none_if_undefined(const std::optional<Tensor>& v) {
  return v && !v->defined() ? kNoTensor : v;
}
inline Arg arg(const std::optional<Tensor>& v) { return Arg{Arg::Kind::OptionalTensor, 0, &none_if_undefined(v)}; }
inline Arg arg(const TensorList& v) { return Arg{Arg::Kind::TensorList, 0, &v}; }
inline Arg written(const TensorList& v) { return Arg{Arg::Kind::WrittenTensorList, 0, &v}; }
inline Arg arg(const Scalar& v) { return Arg{Arg::Kind::Scalar, 0, &v}; }
inline Arg arg(const std::optional<Scalar>& v) { return Arg{Arg::Kind::OptionalScalar, 0, &v}; }
inline Arg arg(const int64_t& v) { return Arg{Arg::Kind::Int, 0, &v}; }
inline Arg arg(const std::optional<int64_t>& v) { return Arg{Arg::Kind::OptionalInt, 0, &v}; }
inline Arg arg(const double& v) { return Arg{Arg::Kind::Double, 0, &v}; }
inline Arg arg(const std::optional<double>& v) { return Arg{Arg::Kind::OptionalDouble, 0, &v}; }
inline Arg arg(const bool& v) { return Arg{Arg::Kind::Bool, 0, &v}; }
inline Arg arg(const std::optional<bool>& v) { return Arg{Arg::Kind::OptionalBool, 0, &v}; }
inline Arg arg(const std::string& v) { return Arg{Arg::Kind::Str, 0, &v}; }
inline Arg arg(const std::optional<std::string>& v) { return Arg{Arg::Kind::OptionalStr, 0, &v}; }
inline Arg arg(const IntArrayRef& v) { return Arg{Arg::Kind::IntList, 0, &v}; }
inline Arg arg(const std::optional<IntArrayRef>& v) { return Arg{Arg::Kind::OptionalIntList, 0, &v}; }
inline Arg arg(const ArrayRef<double>& v) { return Arg{Arg::Kind::DoubleList, 0, &v}; }
inline Arg arg(const ScalarType& v) { return Arg{Arg::Kind::ScalarTypeArg, 0, &v}; }
inline Arg arg(const std::optional<ScalarType>& v) { return Arg{Arg::Kind::OptionalScalarType, 0, &v}; }
inline Arg arg(const Generator& v) { return Arg{Arg::Kind::Generator, 0, &v}; }
inline Arg arg(const std::optional<Generator>& v) { return Arg{Arg::Kind::OptionalGenerator, 0, &v}; }
inline Arg arg(const Device& v) { return Arg{Arg::Kind::Device, 0, &v}; }
inline Arg arg(const std::optional<Device>& v) { return Arg{Arg::Kind::OptionalDevice, 0, &v}; }
inline Arg arg(const std::vector<bool>& v) { return Arg{Arg::Kind::BoolList, 0, &v}; }

// The normalized `dim` argument for the kernel of `op` (MetaResult::dim / dims); an InternalError
// when the op's meta function did not normalize it.
EMBER_API int64_t normalized_dim(const MetaResult& meta, const char* op);
EMBER_API std::optional<int64_t> normalized_optional_dim(const MetaResult& meta, const char* op);
EMBER_API IntArrayRef normalized_dims(const MetaResult& meta, const char* op);

// Runs the backend kernel of `kernel_op` (the op plugins register, e.g. aten::add.out; its
// BackendOp holds the kernel per device, resolved at registration) for the
// call that meta described. args are the kernel's arguments in its schema order, with Output(i)
// where output i goes. outs: for Functional, empty handles that run() allocates; for Inplace
// and Out, the caller's tensors (checked against meta; out= tensors are resized when their
// shape differs). An op that updates tensor lists (written(list) arguments) has no outs: its
// meta function checked the lists, which reach the kernel as they are (never cast), and their
// tensors' versions are bumped after the kernel. Throws the errors users see: shape/dtype mismatches, missing kernels,
// unsupported dtypes, and plugin failures.
EMBER_API void run(const BackendOp& kernel_op, const MetaResult& meta, Form form, const Arg* args,
                   int num_args, Tensor* outs, int num_outs);

}  // namespace structured
}  // namespace ember
