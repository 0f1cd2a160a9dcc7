// KernelCall and the boxed entry to backend kernels (see kernel_call.h).
#include "ops/backend/kernel_call.h"

#include "core/device_runtime.h"
#include "core/error.h"
#include "ops/backend/call_context.h"
#include "ops/backend/status.h"

namespace ember {
namespace structured {

namespace {

void fill_view(ember_tensor_view& v, const Tensor& t, const int64_t* sizes, const int64_t* strides, int32_t ndim) {
  TensorImpl* impl = t.impl();
  v.data = impl->numel() == 0 ? nullptr : impl->data();
  if (sizes != nullptr) {
    v.sizes = sizes;
    v.strides = strides;
    v.ndim = ndim;
  } else {
    v.sizes = impl->sizes().data();
    v.strides = impl->strides().data();
    v.ndim = static_cast<int32_t>(impl->dim());
  }
  v.dtype = static_cast<int32_t>(impl->dtype());
  v.device_type = impl->device().type();
  v.device_index = impl->device().index();
}

ember_tensor_view undefined_view() {
  ember_tensor_view v{};
  v.ndim = -1;
  v.dtype = -1;
  v.device_type = -1;
  return v;
}

// "[aten::add.out] the cpu kernel for sim": built only when something went wrong.
std::string context_of(const OperatorEntry& op, const BackendKernel& k) {
  return "[" + op.name() + "] the " + k.provider + " kernel for " + device_type_name(k.device);
}

}  // namespace

ember_value& KernelCall::next() {
  EMBER_CHECK(count_ < kMaxArgs, InternalError, "[", op_.name(), "] more than ", kMaxArgs, " kernel arguments");
  tensors_[count_] = nullptr;
  ember_value& v = values_[count_++];
  v.reserved = 0;
  return v;
}

void KernelCall::add_tensor(const Tensor& t, bool written, const int64_t* sizes, const int64_t* strides, int32_t ndim) {
  int index = count_;
  ember_value& v = next();
  v.tag = EMBER_VALUE_TENSOR;
  fill_view(v.u.tensor, t, sizes, strides, ndim);
  tensors_[index] = &t;
  if (first_tensor_dtype_ == ScalarType::Undefined) first_tensor_dtype_ = t.scalar_type();
  if (written) {
    written_mask_ |= uint32_t(1) << index;
    written_elements_ += static_cast<uint64_t>(t.numel());
    if (first_output_dtype_ == ScalarType::Undefined) first_output_dtype_ = t.scalar_type();
  }
}

void KernelCall::add_tensor_list(const std::vector<const Tensor*>& tensors) {
  std::vector<ember_tensor_view>& views = list_storage_.emplace_back();
  views.reserve(tensors.size());
  for (const Tensor* t : tensors) {
    if (t == nullptr || !t->defined()) {
      views.push_back(undefined_view());
      continue;
    }
    views.emplace_back();
    fill_view(views.back(), *t, nullptr, nullptr, 0);
    if (first_tensor_dtype_ == ScalarType::Undefined) first_tensor_dtype_ = t->scalar_type();
  }
  ember_value& v = next();
  v.tag = EMBER_VALUE_TENSOR_LIST;
  v.u.tensor_list.data = views.data();
  v.u.tensor_list.size = static_cast<int64_t>(views.size());
}

void KernelCall::add_scalar(const Scalar& s) {
  switch (s.tag()) {
    case Scalar::Tag::Double: add_double(s.to_double()); break;
    case Scalar::Tag::Int: add_int(s.to_long()); break;
    case Scalar::Tag::Bool: add_bool(s.to_bool()); break;
  }
}

void KernelCall::add_int_list(const int64_t* data, size_t size) {
  ember_value& v = next();
  v.tag = EMBER_VALUE_INT_LIST;
  v.u.int_list.data = data;
  v.u.int_list.size = static_cast<int64_t>(size);
}

void KernelCall::add_double_list(const double* data, size_t size) {
  ember_value& v = next();
  v.tag = EMBER_VALUE_DOUBLE_LIST;
  v.u.double_list.data = data;
  v.u.double_list.size = static_cast<int64_t>(size);
}

void KernelCall::add_bool_list(const std::vector<bool>& bits) {
  std::vector<int64_t>& ints = int_storage_.emplace_back();
  for (bool b : bits) ints.push_back(b ? 1 : 0);
  add_int_list(ints.data(), ints.size());
}

void KernelCall::add_generator(const Generator& g) {
  generator_index_ = count_;
  generator_.emplace(g);  // copies share the generator's state
  ember_value& v = next();
  v.tag = EMBER_VALUE_GENERATOR;
  v.u.generator.seed = g.seed();
  v.u.generator.offset = 0;  // reserved in run()
}

void KernelCall::add_device(Device d) {
  ember_value& v = next();
  v.tag = EMBER_VALUE_DEVICE;
  v.u.device.type = d.type();
  v.u.device.index = d.index();
}

const Tensor* KernelCall::tensor_of_arg(void* self, int32_t index, bool* written) {
  auto* call = static_cast<KernelCall*>(self);
  if (index < 0 || index >= call->count_) return nullptr;
  *written = (call->written_mask_ >> index) & 1u;
  return call->tensors_[index];
}

void KernelCall::unsupported_dtype(ScalarType dtype) const {
  EMBER_FAIL(NotImplementedError, context_of(op_, kernel_), " does not support dtype ", dtype);
}

void KernelCall::run(ScalarType kernel_dtype) {
  if (kernel_dtype == ScalarType::Undefined) kernel_dtype = first_tensor_dtype_;
  if (kernel_dtype == ScalarType::Undefined) kernel_dtype = first_output_dtype_;
  if (kernel_dtype != ScalarType::Undefined && !((kernel_.dtypes >> static_cast<int>(kernel_dtype)) & 1u))
    unsupported_dtype(kernel_dtype);
  if (generator_index_ >= 0) {
    // Generator copies share their state, so reserving through the copy advances the original.
    uint64_t n = written_elements_ == 0 ? 1 : written_elements_;
    values_[generator_index_].u.generator.offset = generator_->reserve(4 * n);
  }
  HostCall call(device_, values_, count_, &tensor_of_arg, this);
  ember_status* status = nullptr;
  try {
    status = kernel_.fn(kernel_.ctx, call.context(), values_, count_);
  } catch (const std::exception& e) {
    // C++ must not cross the C boundary; the plugin broke the contract, but the process lives on.
    EMBER_FAIL(PluginError, context_of(op_, kernel_), " threw a C++ exception (a bug in plugin '", kernel_.provider,
               "'): ", e.what());
  } catch (...) {
    EMBER_FAIL(PluginError, context_of(op_, kernel_), " threw a C++ exception (a bug in plugin '", kernel_.provider,
               "')");
  }
  if (EMBER_UNLIKELY(status != nullptr)) throw_if_error(status, context_of(op_, kernel_).c_str());
  // The context string costs hundreds of instructions: only a call that used scratch memory or
  // reported something pays for it.
  if (EMBER_UNLIKELY(call.needs_finish())) call.finish(context_of(op_, kernel_).c_str());
}

namespace {

// Adds one boxed argument, following the schema type (the IValue alone cannot tell a Scalar from
// an int). Returns the tensor if it is one the call writes.
void add_ivalue(KernelCall& call, const Argument& arg, const IValue& iv, const OperatorEntry& op) {
  const SchemaType& type = arg.type;
  const bool written = arg.alias && arg.alias->is_write;
  if (iv.is_none() && type.base != BaseType::Generator) return call.add_none();
  if (type.base == BaseType::Tensor && type.is_list) {
    std::vector<const Tensor*> tensors;
    if (iv.is_tensor_list()) {
      for (const Tensor& t : iv.to_tensor_list()) tensors.push_back(&t);
    } else {
      for (const IValue& e : iv.to_list()) tensors.push_back(e.is_none() ? nullptr : &e.to_tensor());
    }
    return call.add_tensor_list(tensors);
  }
  if (type.is_list) {
    if (iv.is_double_list()) return call.add_double_list(iv.to_double_list().data(), iv.to_double_list().size());
    if (iv.is_bool_list()) return call.add_bool_list(iv.to_bool_list());
    return call.add_int_list(iv.to_int_list().data(), iv.to_int_list().size());
  }
  switch (type.base) {
    case BaseType::Tensor: return call.add_tensor(iv.to_tensor(), written);
    case BaseType::Scalar: return call.add_scalar(iv.to_scalar());
    case BaseType::Float: return call.add_double(iv.to_double());
    case BaseType::Bool: return call.add_bool(iv.to_bool());
    case BaseType::Str: return call.add_string(iv.to_string_ref().c_str());
    case BaseType::Device: return call.add_device(iv.to_device());
    case BaseType::Generator: return call.add_generator(iv.is_none() ? default_generator() : iv.to_generator());
    case BaseType::Int:
    case BaseType::ScalarType:
    case BaseType::Layout:
    case BaseType::MemoryFormat: return call.add_int(iv.to_int());
    default: break;
  }
  EMBER_FAIL(TypeError, "[", op.name(), "] argument '", arg.name, "' has type ", type.str(),
             ", which cannot cross the plugin boundary");
}

}  // namespace

void call_backend_boxed(const BackendKernel& kernel, const OperatorEntry& op, Stack* stack) {
  const FunctionSchema& schema = op.schema();
  const size_t num_args = schema.arguments().size();
  EMBER_INTERNAL_ASSERT(stack->size() >= num_args, "boxed call of ", op.name(), " with ", stack->size(),
                        " values for ", num_args, " arguments");
  const size_t base = stack->size() - num_args;
  const IValue* args = stack->data() + base;

  if (kernel.fn == nullptr) {  // a boxed C++ kernel (the CPU fallback)
    kernel.boxed->boxed(kernel.boxed->boxed_ctx, OperatorHandle(const_cast<OperatorEntry*>(&op)),
                        DispatchKeySet::backend(kernel.device), stack);
    return;
  }
  // The call runs on the device of its first tensor argument.
  Device device(kernel.device, 0);
  for (size_t i = 0; i < num_args; ++i) {
    if (args[i].is_tensor() && args[i].to_tensor().defined()) {
      device = args[i].to_tensor().device();
      break;
    }
  }
  {
    KernelCall call(op, kernel, device);
    for (size_t i = 0; i < num_args; ++i) add_ivalue(call, schema.arguments()[i], args[i], op);
    call.run();
  }
  Stack results;
  results.reserve(schema.returns().size());
  for (size_t r = 0; r < schema.returns().size(); ++r) {
    int arg = schema.aliased_argument_of_return(r);
    EMBER_INTERNAL_ASSERT(arg >= 0, op.name(), " has a return that is not an alias of a written argument");
    results.push_back(args[arg]);
  }
  for (size_t i = 0; i < num_args; ++i) {
    const Argument& a = schema.arguments()[i];
    if (a.alias && a.alias->is_write && args[i].is_tensor()) args[i].to_tensor().impl()->bump_version();
  }
  stack->resize(base);
  for (IValue& r : results) stack->push_back(std::move(r));
}

void backend_kernel_boxed_entry(void* ctx, const OperatorHandle& op, DispatchKeySet, Stack* stack) {
  call_backend_boxed(*static_cast<const BackendKernel*>(ctx), *op.entry(), stack);
}

}  // namespace structured
}  // namespace ember
