// structured::run: outputs, input preparation and the call into a backend kernel.
#include "ops/structured.h"

#include "core/device_runtime.h"
#include "generated/functions.h"
#include "ops/tensor_factory.h"
#include "registry/kernel_adapter.h"

namespace ember {
namespace structured {

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

// Geometry of one tensor argument as the kernel sees it. Holds a reference to the caller's
// tensor unless a dtype cast made a new one, so the common case costs no refcount traffic.
struct BroadcastGeometry {
  DimVector sizes;
  DimVector strides;
};
struct PreparedTensor {
  const Tensor* source = nullptr;
  Tensor converted;
  std::optional<BroadcastGeometry> geometry;  // set when the kernel sees a broadcast view
  const Tensor& tensor() const { return converted.defined() ? converted : *source; }
  bool defined() const { return source != nullptr; }
};

void set_view(ember_tensor_view& v, const Tensor& t, const PreparedTensor* prep) {
  TensorImpl* impl = t.impl();
  v.data = impl->data();
  if (prep && prep->geometry) {
    v.sizes = prep->geometry->sizes.data();
    v.strides = prep->geometry->strides.data();
    v.ndim = static_cast<int32_t>(prep->geometry->sizes.size());
  } else {
    v.sizes = impl->sizes().data();
    v.strides = impl->strides().data();
    v.ndim = static_cast<int32_t>(impl->dim());
  }
  v.dtype = static_cast<int32_t>(impl->dtype());
  v.device_type = impl->device().type();
  v.device_index = impl->device().index();
}

void broadcast_geometry(PreparedTensor& p, IntArrayRef target) {
  const Tensor& t = p.tensor();
  if (t.sizes() == target) return;
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

IValue arg_to_ivalue(const Arg& a, const Tensor* outs, const Tensor* prepared) {
  switch (a.kind) {
    case Arg::Kind::Output: return IValue(outs[a.index]);
    case Arg::Kind::Tensor: return IValue(prepared ? *prepared : *static_cast<const Tensor*>(a.ptr));
    case Arg::Kind::OptionalTensor: {
      const auto& o = *static_cast<const std::optional<Tensor>*>(a.ptr);
      return prepared ? IValue(*prepared) : o ? IValue(*o) : IValue();
    }
    case Arg::Kind::TensorList: return IValue(*static_cast<const TensorList*>(a.ptr));
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

void scalar_value(ember_value& v, const Scalar& s) {
  switch (s.tag()) {
    case Scalar::Tag::Double: v.tag = EMBER_VALUE_DOUBLE; v.u.d = s.to_double(); break;
    case Scalar::Tag::Int: v.tag = EMBER_VALUE_INT; v.u.i = s.to_long(); break;
    case Scalar::Tag::Bool: v.tag = EMBER_VALUE_BOOL; v.u.b = s.to_bool(); break;
  }
}

}  // namespace

void run(const OperatorEntry& kernel_op, const MetaResult& m, Form form, const Arg* args, int num_args, Tensor* outs,
         int num_outs) {
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
      check_output(kernel_op, m, device, form, i, outs[i]);
    }
  }

  // 2. The kernel: the device's own, else its backend fallback (e.g. run on CPU).
  DeviceTypeId dev = device.type();
  const KernelFunction* k = kernel_op.backend_kernel(dev);
  if (k == nullptr) {
    const KernelFunction* fallback = Dispatcher::singleton().backend_fallback(dev);
    if (fallback == nullptr) kernel_op.throw_missing_kernel(DispatchKeySet::backend(dev));
    Stack stack;
    for (int i = 0; i < num_args; ++i) stack.push_back(arg_to_ivalue(args[i], outs, nullptr));
    fallback->boxed(fallback->boxed_ctx, OperatorHandle(const_cast<OperatorEntry*>(&kernel_op)),
                    DispatchKeySet::backend(dev), &stack);
    if (form != Form::Functional)
      for (int i = 0; i < num_outs; ++i) outs[i].impl()->bump_version();
    return;
  }

  // 3. Outputs of another dtype than the kernel computes go through a temporary.
  Tensor kernel_outs[MetaResult::kMaxOutputs];
  for (int i = 0; i < num_outs; ++i) {
    ScalarType want = output_dtype(m, i, outs);
    kernel_outs[i] = outs[i].scalar_type() == want ? outs[i] : new_tensor(m.outputs[i].sizes, want, device);
  }

  // 4. Inputs: dtype casts and broadcasting. prepared[] is indexed by tensor-argument ordinal.
  // Constructed lazily: most calls have two or three tensors, and the slots cost to build.
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
  int8_t slot_of_arg[kMaxArgs];
  std::vector<Tensor> cast_list;  // at most one Tensor[] argument per op (cat)
  std::vector<ember_tensor_view> list_views;
  ScalarType kernel_dtype = m.compute_dtype;
  int tensor_index = 0;
  for (int i = 0; i < num_args; ++i) {
    const Arg& a = args[i];
    slot_of_arg[i] = -1;
    if (a.kind == Arg::Kind::Tensor || a.kind == Arg::Kind::OptionalTensor) {
      const Tensor* t = nullptr;
      if (a.kind == Arg::Kind::Tensor) {
        t = static_cast<const Tensor*>(a.ptr);
      } else {
        const auto& o = *static_cast<const std::optional<Tensor>*>(a.ptr);
        if (o && o->defined()) t = &*o;
      }
      int bit = tensor_index++;
      if (!t || !t->defined()) continue;
      EMBER_INTERNAL_ASSERT(prepared_count < kMaxTensorArgs, "too many tensor arguments");
      slot_of_arg[i] = static_cast<int8_t>(prepared_count);
      PreparedTensor& p = *new (&prepared[prepared_count]) PreparedTensor();
      ++prepared_count;
      p.source = t;
      if (kernel_dtype == ScalarType::Undefined) kernel_dtype = t->scalar_type();
      bool keep = (m.keep_dtype_mask >> bit) & 1u;
      if (m.cast_inputs && !keep && t->scalar_type() != m.compute_dtype) p.converted = t->to(m.compute_dtype);
      if (m.broadcast_inputs && !((m.no_broadcast_mask >> bit) & 1u)) broadcast_geometry(p, m.outputs[0].sizes);
    } else if (a.kind == Arg::Kind::TensorList) {
      tensor_index++;
      EMBER_INTERNAL_ASSERT(cast_list.empty(), "more than one tensor list");
      const TensorList& l = *static_cast<const TensorList*>(a.ptr);
      cast_list.reserve(l.size());
      for (const Tensor& e : l) {
        cast_list.push_back(m.cast_inputs && e.scalar_type() != m.compute_dtype ? e.to(m.compute_dtype) : e);
        if (kernel_dtype == ScalarType::Undefined) kernel_dtype = e.scalar_type();
      }
    }
  }
  if (kernel_dtype == ScalarType::Undefined && num_outs > 0) kernel_dtype = kernel_outs[0].scalar_type();

  // 5. Call.
  if (k->c_kernel) {
    EMBER_CHECK((k->c_dtypes >> static_cast<int>(kernel_dtype)) & 1u, NotImplementedError, "[", kernel_op.name(),
                "] the ", k->provider, " kernel for ", device_type_name(dev), " does not support dtype ", kernel_dtype);
    ember_value values[kMaxArgs];
    // bool[N] arguments reach plugins as int lists of 0/1 (N is 2 to 4 in every schema).
    constexpr int kMaxBoolListElements = 16;
    int64_t bool_list_ints[kMaxBoolListElements];
    int bool_list_used = 0;
    for (int i = 0; i < num_args; ++i) {
      const Arg& a = args[i];
      ember_value& v = values[i];
      v.reserved = 0;
      switch (a.kind) {
        case Arg::Kind::Output:
          v.tag = EMBER_VALUE_TENSOR;
          set_view(v.u.tensor, kernel_outs[a.index], nullptr);
          break;
        case Arg::Kind::Tensor:
        case Arg::Kind::OptionalTensor:
          if (slot_of_arg[i] >= 0) {
            const PreparedTensor& p = prepared[slot_of_arg[i]];
            v.tag = EMBER_VALUE_TENSOR;
            set_view(v.u.tensor, p.tensor(), &p);
          } else {
            v.tag = EMBER_VALUE_NONE;
          }
          break;
        case Arg::Kind::TensorList: {
          list_views.resize(cast_list.size());
          for (size_t j = 0; j < cast_list.size(); ++j) set_view(list_views[j], cast_list[j], nullptr);
          v.tag = EMBER_VALUE_TENSOR_LIST;
          v.u.tensor_list.data = list_views.data();
          v.u.tensor_list.size = static_cast<int64_t>(list_views.size());
          break;
        }
        case Arg::Kind::Scalar: scalar_value(v, *static_cast<const Scalar*>(a.ptr)); break;
        case Arg::Kind::OptionalScalar: {
          const auto& o = *static_cast<const std::optional<Scalar>*>(a.ptr);
          if (o) scalar_value(v, *o); else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::Int: v.tag = EMBER_VALUE_INT; v.u.i = *static_cast<const int64_t*>(a.ptr); break;
        case Arg::Kind::ScalarTypeArg:
          v.tag = EMBER_VALUE_INT; v.u.i = static_cast<int64_t>(*static_cast<const ScalarType*>(a.ptr)); break;
        case Arg::Kind::OptionalInt: {
          const auto& o = *static_cast<const std::optional<int64_t>*>(a.ptr);
          if (o) { v.tag = EMBER_VALUE_INT; v.u.i = *o; } else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::OptionalScalarType: {
          const auto& o = *static_cast<const std::optional<ScalarType>*>(a.ptr);
          if (o) { v.tag = EMBER_VALUE_INT; v.u.i = static_cast<int64_t>(*o); } else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::Double: v.tag = EMBER_VALUE_DOUBLE; v.u.d = *static_cast<const double*>(a.ptr); break;
        case Arg::Kind::OptionalDouble: {
          const auto& o = *static_cast<const std::optional<double>*>(a.ptr);
          if (o) { v.tag = EMBER_VALUE_DOUBLE; v.u.d = *o; } else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::Bool: v.tag = EMBER_VALUE_BOOL; v.u.b = *static_cast<const bool*>(a.ptr); break;
        case Arg::Kind::OptionalBool: {
          const auto& o = *static_cast<const std::optional<bool>*>(a.ptr);
          if (o) { v.tag = EMBER_VALUE_BOOL; v.u.b = *o; } else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::Str: v.tag = EMBER_VALUE_STRING; v.u.str = static_cast<const std::string*>(a.ptr)->c_str(); break;
        case Arg::Kind::OptionalStr: {
          const auto& o = *static_cast<const std::optional<std::string>*>(a.ptr);
          if (o) { v.tag = EMBER_VALUE_STRING; v.u.str = o->c_str(); } else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::IntList: {
          const IntArrayRef& l = *static_cast<const IntArrayRef*>(a.ptr);
          v.tag = EMBER_VALUE_INT_LIST; v.u.int_list.data = l.data(); v.u.int_list.size = static_cast<int64_t>(l.size());
          break;
        }
        case Arg::Kind::OptionalIntList: {
          const auto& o = *static_cast<const std::optional<IntArrayRef>*>(a.ptr);
          if (o) {
            v.tag = EMBER_VALUE_INT_LIST; v.u.int_list.data = o->data(); v.u.int_list.size = static_cast<int64_t>(o->size());
          } else {
            v.tag = EMBER_VALUE_NONE;
          }
          break;
        }
        case Arg::Kind::DoubleList: {
          const ArrayRef<double>& l = *static_cast<const ArrayRef<double>*>(a.ptr);
          v.tag = EMBER_VALUE_DOUBLE_LIST; v.u.double_list.data = l.data(); v.u.double_list.size = static_cast<int64_t>(l.size());
          break;
        }
        case Arg::Kind::Generator:
        case Arg::Kind::OptionalGenerator: {
          Generator g = default_generator();
          if (a.kind == Arg::Kind::Generator) g = *static_cast<const Generator*>(a.ptr);
          else if (const auto& o = *static_cast<const std::optional<Generator>*>(a.ptr)) g = *o;
          uint64_t n = num_outs > 0 ? static_cast<uint64_t>(kernel_outs[0].numel()) : 1;
          v.tag = EMBER_VALUE_GENERATOR;
          v.u.generator.seed = g.seed();
          v.u.generator.offset = g.reserve(4 * (n ? n : 1));
          break;
        }
        case Arg::Kind::Device:
        case Arg::Kind::OptionalDevice: {
          const Device* d = a.kind == Arg::Kind::Device ? static_cast<const Device*>(a.ptr) : nullptr;
          if (!d) {
            const auto& o = *static_cast<const std::optional<Device>*>(a.ptr);
            if (o) d = &*o;
          }
          if (d) { v.tag = EMBER_VALUE_DEVICE; v.u.device.type = d->type(); v.u.device.index = d->index(); }
          else v.tag = EMBER_VALUE_NONE;
          break;
        }
        case Arg::Kind::BoolList: {
          const auto& l = *static_cast<const std::vector<bool>*>(a.ptr);
          EMBER_INTERNAL_ASSERT(bool_list_used + static_cast<int>(l.size()) <= kMaxBoolListElements,
                                "bool[] arguments too long for a plugin call");
          int64_t* ints = bool_list_ints + bool_list_used;
          for (size_t j = 0; j < l.size(); ++j) ints[j] = l[j] ? 1 : 0;
          bool_list_used += static_cast<int>(l.size());
          v.tag = EMBER_VALUE_INT_LIST;
          v.u.int_list.data = ints;
          v.u.int_list.size = static_cast<int64_t>(l.size());
          break;
        }
        case Arg::Kind::None: v.tag = EMBER_VALUE_NONE; break;
      }
    }
    struct Outputs {
      const Arg* args;
      Tensor* kernel_outs;
    } outputs{args, kernel_outs};
    auto output_of_arg = [](void* owner, int32_t i) -> const Tensor* {
      auto* o = static_cast<Outputs*>(owner);
      return o->args[i].kind == Arg::Kind::Output ? &o->kernel_outs[o->args[i].index] : nullptr;
    };
    HostCall call(device, values, num_args, output_of_arg, &outputs);
    call_plugin_c_kernel(*k, call, values, num_args, kernel_op.schema(), dev);
  } else {
    // A C++ or boxed kernel (registered through ember::Library): hand it broadcast views.
    Stack stack;
    stack.reserve(static_cast<size_t>(num_args));
    for (int i = 0; i < num_args; ++i) {
      const Arg& a = args[i];
      if (a.kind == Arg::Kind::Output) {
        stack.emplace_back(kernel_outs[a.index]);
      } else if ((a.kind == Arg::Kind::Tensor || a.kind == Arg::Kind::OptionalTensor) && slot_of_arg[i] >= 0) {
        const PreparedTensor& p = prepared[slot_of_arg[i]];
        stack.emplace_back(p.geometry ? p.tensor().expand(p.geometry->sizes) : p.tensor());
      } else if (a.kind == Arg::Kind::TensorList) {
        stack.emplace_back(cast_list);
      } else {
        stack.push_back(arg_to_ivalue(a, kernel_outs, nullptr));
      }
    }
    k->boxed(k->boxed_ctx, OperatorHandle(const_cast<OperatorEntry*>(&kernel_op)), DispatchKeySet::backend(dev), &stack);
  }

  // 6. Copy back temporaries; in-place and out= outputs changed.
  for (int i = 0; i < num_outs; ++i) {
    if (!kernel_outs[i].is_same(outs[i])) {
      if (outs[i].sizes() != kernel_outs[i].sizes()) resize_output(outs[i], kernel_outs[i].sizes());
      outs[i].copy_(kernel_outs[i]);
    }
    if (form != Form::Functional) outs[i].impl()->bump_version();
  }
}

}  // namespace structured
}  // namespace ember
