// structured::run: outputs, input preparation and the call into a backend kernel.
#include "ops/structured.h"

#include "core/device_runtime.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"
#include "ops/backend/kernel_call.h"

namespace ember {
namespace structured {

const std::optional<Tensor> kNoTensor;

namespace {

constexpr int kMaxArgs = 24;

// PyTorch's canCast: no float -> integral, no non-bool -> bool.
bool can_cast(ScalarType from, ScalarType to) {
  if (is_floating_point(from) && is_integral(to, true)) return false;
  if (from != kBool && to == kBool) return false;
  return true;
}

std::string short_name(const OperatorEntry& op) {
  const std::string& n = op.schema().name();
  return n;
}

ScalarType output_dtype(const MetaResult& m, int i, const Tensor* outs) {
  ScalarType t = m.outputs[i].dtype;
  return t == ScalarType::Undefined ? outs[i].scalar_type() : t;
}

void check_output(const OperatorEntry& op, const MetaResult& m, Device device, Form form, int i, const Tensor& out) {
  const OutputSpec& spec = m.outputs[i];
  EMBER_CHECK(out.device() == device, ValueError, "[", short_name(op), "] expected output on ", device,
              ", got ", out.device());
  if (form == Form::Inplace) {
    EMBER_CHECK(out.sizes() == spec.sizes.ref(), ValueError, "[", short_name(op), "] output with shape ", out.sizes(),
                " doesn't match the broadcast shape ", spec.sizes.ref());
  } else {
    resize_output(out, spec.sizes);
  }
  if (spec.dtype != ScalarType::Undefined)
    EMBER_CHECK(can_cast(spec.dtype, out.scalar_type()), TypeError, "[", short_name(op), "] result type ", spec.dtype,
                " can't be cast to the desired output type ", out.scalar_type());
}

// Whether t shares storage with a tensor input: an out= tensor that does cannot be resized, since
// the input would change (or lose its memory) under the kernel (cat([x, x], out=x)).
bool shares_storage_with_an_input(const Tensor& t, const Arg* args, int num_args) {
  const StorageImpl* storage = t.impl()->storage();
  auto same = [&](const Tensor& in) { return in.defined() && in.impl()->storage() == storage; };
  for (int i = 0; i < num_args; ++i) {
    const Arg& a = args[i];
    if (a.kind == Arg::Kind::Tensor && same(*static_cast<const Tensor*>(a.ptr))) return true;
    if (a.kind == Arg::Kind::OptionalTensor) {
      const auto& o = *static_cast<const std::optional<Tensor>*>(a.ptr);
      if (o && same(*o)) return true;
    }
    if (a.kind == Arg::Kind::TensorList)
      for (const Tensor& in : *static_cast<const TensorList*>(a.ptr))
        if (same(in)) return true;
  }
  return false;
}

// A tensor argument that needs a dtype cast or a broadcast view before the kernel sees it (run()
// passes the others as they are). Refers to the caller's tensor unless the cast made a new one.
struct BroadcastGeometry {
  DimVector sizes;
  DimVector strides;
};
struct PreparedTensor {
  const Tensor* source = nullptr;
  Tensor converted;
  std::optional<BroadcastGeometry> geometry;  // set when the kernel sees a broadcast view
  const Tensor& tensor() const { return converted.defined() ? converted : *source; }
};

// p's tensor seen with the sizes of `target` (stride 0 on broadcast dims); the caller found that
// its sizes differ.
void broadcast_geometry(PreparedTensor& p, IntArrayRef target) {
  const Tensor& t = p.tensor();
  BroadcastGeometry& g = p.geometry.emplace();
  size_t nd = target.size();
  g.sizes.assign(target);
  g.strides.assign(nd, 0);
  int64_t offset = static_cast<int64_t>(nd) - t.dim();
  for (int64_t d = 0; d < t.dim(); ++d) {
    int64_t s = t.sizes()[d];
    g.strides[static_cast<size_t>(d + offset)] = (s == 1 && target[static_cast<size_t>(d + offset)] != 1) ? 0 : t.strides()[d];
  }
}

// Whether a 0-d host tensor may reach `op`'s kernel on `device` as it is: the device's kernels
// of pointwise ops read such scalars (DeviceTypeInfo::reads_host_scalars).
bool passes_host_scalar(const OperatorEntry& op, Device device) {
  return device_type_info(device.type()).reads_host_scalars && op.has_tag("pointwise");
}

IValue arg_to_ivalue(const Arg& a, const Tensor* outs, const Tensor* prepared) {
  switch (a.kind) {
    case Arg::Kind::Output: return IValue(outs[a.index]);
    case Arg::Kind::Tensor: return IValue(prepared ? *prepared : *static_cast<const Tensor*>(a.ptr));
    case Arg::Kind::OptionalTensor: {
      const auto& o = *static_cast<const std::optional<Tensor>*>(a.ptr);
      return prepared ? IValue(*prepared) : o ? IValue(*o) : IValue();
    }
    case Arg::Kind::TensorList:
    case Arg::Kind::WrittenTensorList: return IValue(*static_cast<const TensorList*>(a.ptr));
    case Arg::Kind::Scalar: return IValue(*static_cast<const Scalar*>(a.ptr));
    case Arg::Kind::OptionalScalar: return IValue(*static_cast<const std::optional<Scalar>*>(a.ptr));
    case Arg::Kind::Int: return IValue(*static_cast<const int64_t*>(a.ptr));
    case Arg::Kind::OptionalInt: return IValue(*static_cast<const std::optional<int64_t>*>(a.ptr));
    case Arg::Kind::Double: return IValue(*static_cast<const double*>(a.ptr));
    case Arg::Kind::OptionalDouble: return IValue(*static_cast<const std::optional<double>*>(a.ptr));
    case Arg::Kind::Bool: return IValue(*static_cast<const bool*>(a.ptr));
    case Arg::Kind::OptionalBool: return IValue(*static_cast<const std::optional<bool>*>(a.ptr));
    case Arg::Kind::Str: return IValue(*static_cast<const std::string*>(a.ptr));
    case Arg::Kind::OptionalStr: return IValue(*static_cast<const std::optional<std::string>*>(a.ptr));
    case Arg::Kind::IntList: return IValue(*static_cast<const IntArrayRef*>(a.ptr));
    case Arg::Kind::OptionalIntList: {
      const auto& o = *static_cast<const std::optional<IntArrayRef>*>(a.ptr);
      return o ? IValue(*o) : IValue();
    }
    case Arg::Kind::DoubleList: return IValue(*static_cast<const ArrayRef<double>*>(a.ptr));
    case Arg::Kind::ScalarTypeArg: return IValue(*static_cast<const ScalarType*>(a.ptr));
    case Arg::Kind::OptionalScalarType: return IValue(*static_cast<const std::optional<ScalarType>*>(a.ptr));
    case Arg::Kind::Generator: return IValue(*static_cast<const Generator*>(a.ptr));
    case Arg::Kind::OptionalGenerator: return IValue(*static_cast<const std::optional<Generator>*>(a.ptr));
    case Arg::Kind::Device: return IValue(*static_cast<const Device*>(a.ptr));
    case Arg::Kind::OptionalDevice: return IValue(*static_cast<const std::optional<Device>*>(a.ptr));
    case Arg::Kind::BoolList: return IValue(*static_cast<const std::vector<bool>*>(a.ptr));
    case Arg::Kind::None: return IValue();
  }
  return IValue();
}

// Tensors of written(list) arguments changed: their version counters move (autograd's saved
// tensors and caches keyed on versions see the update).
void bump_written_lists(const Arg* args, int num_args) {
  for (int i = 0; i < num_args; ++i)
    if (args[i].kind == Arg::Kind::WrittenTensorList)
      for (const Tensor& t : *static_cast<const TensorList*>(args[i].ptr))
        if (t.defined()) t.impl()->bump_version();
}

}  // namespace

int64_t normalized_dim(const MetaResult& meta, const char* op) {
  EMBER_CHECK(meta.dim_normalized && meta.dim.has_value(), InternalError, "[", op,
              "] the meta function did not normalize the dim argument");
  return *meta.dim;
}

std::optional<int64_t> normalized_optional_dim(const MetaResult& meta, const char* op) {
  EMBER_CHECK(meta.dim_normalized, InternalError, "[", op,
              "] the meta function did not normalize the dim argument");
  return meta.dim;
}

IntArrayRef normalized_dims(const MetaResult& meta, const char* op) {
  EMBER_CHECK(meta.dim_normalized, InternalError, "[", op,
              "] the meta function did not normalize the dim argument");
  return IntArrayRef(meta.dims.data(), meta.dims.size());
}

void run(const BackendOp& backend, const MetaResult& m, Form form, const Arg* args, int num_args, Tensor* outs,
         int num_outs) {
  const OperatorEntry& kernel_op = backend.op();
  EMBER_INTERNAL_ASSERT(num_args <= kMaxArgs && num_outs <= MetaResult::kMaxOutputs,
                        "structured call with too many arguments");
  // 1. Outputs.
  for (int i = 0; i < num_outs; ++i)
    if (form != Form::Functional) EMBER_CHECK(outs[i].defined(), ValueError, "[", short_name(kernel_op), "] output ", i, " is undefined");
  const Device device = m.device_from_outputs ? outs[0].device() : m.device;
  for (int i = 0; i < num_outs; ++i) {
    const OutputSpec& spec = m.outputs[i];
    if (form == Form::Functional) {
      outs[i] = new_tensor(spec.sizes, spec.dtype, device);
    } else {
      // Found by the tensor-API fuzzer (tests/fuzz): a heap overflow in cat.out before.
      EMBER_CHECK(form != Form::Out || outs[i].sizes() == spec.sizes.ref() ||
                      !shares_storage_with_an_input(outs[i], args, num_args),
                  ValueError, "[", short_name(kernel_op), "] the out= tensor of shape ", outs[i].sizes(),
                  " shares memory with an input and cannot be resized to ", spec.sizes.ref());
      check_output(kernel_op, m, device, form, i, outs[i]);
    }
  }

  // 2. The kernel, resolved at registration: the device's own, or its fallback (e.g. the CPU).
  DeviceTypeId dev = device.type();
  const BackendKernel* k = backend.kernel(dev);
  if (k == nullptr) backend.throw_missing_kernel(dev);
  if (k->fn == nullptr) {
    // A boxed kernel (the CPU fallback) gets the caller's arguments on a stack.
    Stack stack;
    for (int i = 0; i < num_args; ++i) stack.push_back(arg_to_ivalue(args[i], outs, nullptr));
    call_backend_boxed(*k, kernel_op, &stack);
    if (form != Form::Functional)
      for (int i = 0; i < num_outs; ++i) outs[i].impl()->bump_version();
    if (num_outs == 0) bump_written_lists(args, num_args);  // only list-updating ops have no outputs
    return;
  }

  // 3. Outputs of another dtype than the kernel computes go through a temporary.
  // kernel_outs[i] points at outs[i] unless a temporary was needed (no refcount traffic).
  Tensor temporary_outs[MetaResult::kMaxOutputs];
  const Tensor* kernel_outs[MetaResult::kMaxOutputs];
  for (int i = 0; i < num_outs; ++i) {
    ScalarType want = output_dtype(m, i, outs);
    if (outs[i].scalar_type() == want) {
      kernel_outs[i] = &outs[i];
    } else {
      temporary_outs[i] = new_tensor(m.outputs[i].sizes, want, device);
      kernel_outs[i] = &temporary_outs[i];
    }
  }

  // 4. Arguments, in one pass, through the one marshaller (ops/backend/kernel_call.h). A tensor
  // input that needs a dtype cast or a broadcast view gets a PreparedTensor slot (constructed
  // only then: most calls need none); the others go to the kernel as they are.
  KernelCall call(kernel_op, *k, device);
  constexpr int kMaxTensorArgs = 8;
  alignas(PreparedTensor) unsigned char prepared_storage[kMaxTensorArgs * sizeof(PreparedTensor)];
  PreparedTensor* prepared = reinterpret_cast<PreparedTensor*>(prepared_storage);
  int prepared_count = 0;
  struct DestroyPrepared {
    PreparedTensor* p;
    int* n;
    ~DestroyPrepared() {
      for (int i = 0; i < *n; ++i) p[i].~PreparedTensor();
    }
  } destroy_prepared{prepared, &prepared_count};
  std::vector<Tensor> cast_list;  // at most one Tensor[] argument needing casts per op (cat)
  ScalarType kernel_dtype = m.compute_dtype;
  int tensor_index = 0;  // bit i of the masks = i-th tensor argument
  for (int i = 0; i < num_args; ++i) {
    const Arg& a = args[i];
    switch (a.kind) {
      case Arg::Kind::Output: call.add_tensor(*kernel_outs[a.index], /*written=*/true); break;
      case Arg::Kind::Tensor:
      case Arg::Kind::OptionalTensor: {
        const Tensor* t = nullptr;
        if (a.kind == Arg::Kind::Tensor) {
          t = static_cast<const Tensor*>(a.ptr);
        } else {
          const auto& o = *static_cast<const std::optional<Tensor>*>(a.ptr);
          if (o) t = &*o;
        }
        const int bit = tensor_index++;
        if (t == nullptr || !t->defined()) {
          call.add_none();
          break;
        }
        if (kernel_dtype == ScalarType::Undefined) kernel_dtype = t->scalar_type();
        const bool cast = m.cast_inputs && !((m.keep_dtype_mask >> bit) & 1u) && t->scalar_type() != m.compute_dtype;
        const bool broadcast = m.broadcast_inputs && !((m.no_broadcast_mask >> bit) & 1u) &&
                               t->sizes() != m.outputs[0].sizes.ref();
        // A 0-d host tensor joined a device op (common_device allows it, as PyTorch's): it goes
        // to the kernel as it is where the device reads host scalars in pointwise kernels,
        // otherwise it is copied to the device first.
        const bool to_device = t->dim() == 0 && t->device() != device && !passes_host_scalar(kernel_op, device);
        if (!cast && !broadcast && !to_device) {
          call.add_tensor(*t, false);
          break;
        }
        EMBER_INTERNAL_ASSERT(prepared_count < kMaxTensorArgs, "too many tensor arguments");
        // Default-initialized, not value-initialized: `PreparedTensor()` would zero all its bytes
        // (the geometry's inline dims) first.
        PreparedTensor& p = *new (&prepared[prepared_count]) PreparedTensor;
        ++prepared_count;
        p.source = t;
        if (to_device) p.converted = (cast ? t->to(m.compute_dtype) : *t).to(device);  // cast on the host, copy once
        else if (cast) p.converted = t->to(m.compute_dtype);
        if (broadcast) {
          broadcast_geometry(p, m.outputs[0].sizes);
          call.add_tensor(p.tensor(), false, p.geometry->sizes.data(), p.geometry->strides.data(),
                          static_cast<int32_t>(p.geometry->sizes.size()));
        } else {
          call.add_tensor(p.tensor(), false);
        }
        break;
      }
      case Arg::Kind::WrittenTensorList:
      case Arg::Kind::TensorList: {
        tensor_index++;
        const TensorList& l = *static_cast<const TensorList*>(a.ptr);
        // As they are: lists updated in place (meta checked them) and lists that need no cast,
        // any number of them (the optimizer steps have several).
        if (a.kind == Arg::Kind::WrittenTensorList || !m.cast_inputs) {
          std::vector<const Tensor*> list;
          list.reserve(l.size());
          for (const Tensor& t : l) {
            list.push_back(&t);
            if (kernel_dtype == ScalarType::Undefined && t.defined()) kernel_dtype = t.scalar_type();
          }
          call.add_tensor_list(list);
          break;
        }
        EMBER_INTERNAL_ASSERT(cast_list.empty(), "more than one tensor list to cast");
        cast_list.reserve(l.size());
        for (const Tensor& e : l) {
          cast_list.push_back(m.cast_inputs && e.scalar_type() != m.compute_dtype ? e.to(m.compute_dtype) : e);
          if (kernel_dtype == ScalarType::Undefined) kernel_dtype = e.scalar_type();
        }
        std::vector<const Tensor*> list;
        list.reserve(cast_list.size());
        for (const Tensor& t : cast_list) list.push_back(&t);
        call.add_tensor_list(list);
        break;
      }
      case Arg::Kind::Scalar: call.add_scalar(*static_cast<const Scalar*>(a.ptr)); break;
      case Arg::Kind::OptionalScalar: {
        const auto& o = *static_cast<const std::optional<Scalar>*>(a.ptr);
        if (o) call.add_scalar(*o); else call.add_none();
        break;
      }
      case Arg::Kind::Int: call.add_int(*static_cast<const int64_t*>(a.ptr)); break;
      case Arg::Kind::ScalarTypeArg: call.add_int(static_cast<int64_t>(*static_cast<const ScalarType*>(a.ptr))); break;
      case Arg::Kind::OptionalInt: {
        const auto& o = *static_cast<const std::optional<int64_t>*>(a.ptr);
        if (o) call.add_int(*o); else call.add_none();
        break;
      }
      case Arg::Kind::OptionalScalarType: {
        const auto& o = *static_cast<const std::optional<ScalarType>*>(a.ptr);
        if (o) call.add_int(static_cast<int64_t>(*o)); else call.add_none();
        break;
      }
      case Arg::Kind::Double: call.add_double(*static_cast<const double*>(a.ptr)); break;
      case Arg::Kind::OptionalDouble: {
        const auto& o = *static_cast<const std::optional<double>*>(a.ptr);
        if (o) call.add_double(*o); else call.add_none();
        break;
      }
      case Arg::Kind::Bool: call.add_bool(*static_cast<const bool*>(a.ptr)); break;
      case Arg::Kind::OptionalBool: {
        const auto& o = *static_cast<const std::optional<bool>*>(a.ptr);
        if (o) call.add_bool(*o); else call.add_none();
        break;
      }
      case Arg::Kind::Str: call.add_string(static_cast<const std::string*>(a.ptr)->c_str()); break;
      case Arg::Kind::OptionalStr: {
        const auto& o = *static_cast<const std::optional<std::string>*>(a.ptr);
        if (o) call.add_string(o->c_str()); else call.add_none();
        break;
      }
      case Arg::Kind::IntList: {
        const IntArrayRef& l = *static_cast<const IntArrayRef*>(a.ptr);
        call.add_int_list(l.data(), l.size());
        break;
      }
      case Arg::Kind::OptionalIntList: {
        const auto& o = *static_cast<const std::optional<IntArrayRef>*>(a.ptr);
        if (o) call.add_int_list(o->data(), o->size()); else call.add_none();
        break;
      }
      case Arg::Kind::DoubleList: {
        const ArrayRef<double>& l = *static_cast<const ArrayRef<double>*>(a.ptr);
        call.add_double_list(l.data(), l.size());
        break;
      }
      case Arg::Kind::Generator: call.add_generator(*static_cast<const Generator*>(a.ptr)); break;
      case Arg::Kind::OptionalGenerator: {
        const auto& o = *static_cast<const std::optional<Generator>*>(a.ptr);
        call.add_generator(o ? *o : default_generator());
        break;
      }
      case Arg::Kind::Device: call.add_device(*static_cast<const Device*>(a.ptr)); break;
      case Arg::Kind::OptionalDevice: {
        const auto& o = *static_cast<const std::optional<Device>*>(a.ptr);
        if (o) call.add_device(*o); else call.add_none();
        break;
      }
      case Arg::Kind::BoolList: call.add_bool_list(*static_cast<const std::vector<bool>*>(a.ptr)); break;
      case Arg::Kind::None: call.add_none(); break;
    }
  }
  if (kernel_dtype == ScalarType::Undefined && num_outs > 0) kernel_dtype = kernel_outs[0]->scalar_type();
  call.run(kernel_dtype);

  // 5. Copy back temporaries; in-place and out= outputs changed.
  for (int i = 0; i < num_outs; ++i) {
    if (kernel_outs[i] != &outs[i]) {
      if (outs[i].sizes() != kernel_outs[i]->sizes()) resize_output(outs[i], kernel_outs[i]->sizes());
      outs[i].copy_(*kernel_outs[i]);
    }
    if (form != Form::Functional) outs[i].impl()->bump_version();
  }
  if (num_outs == 0) bump_written_lists(args, num_args);  // only list-updating ops have no outputs
}

}  // namespace structured
}  // namespace ember
