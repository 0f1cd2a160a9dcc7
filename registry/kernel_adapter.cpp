// The boxed adapter for plugin kernels (see kernel_adapter.h).
#include "registry/kernel_adapter.h"

#include <deque>
#include <mutex>
#include <set>
#include <vector>

#include "core/device_runtime.h"
#include "core/error.h"
#include "registry/status.h"

namespace ember {
namespace {

// Storage that the ember_values of one call point into; it outlives the plugin call.
struct CallFrame {
  std::vector<ember_value> values;
  std::deque<std::vector<ember_tensor_view>> tensor_lists;
  std::deque<std::vector<int64_t>> int_lists;
};

struct AdapterContext {
  PluginKernelInfo info;
  const KernelFunction* kernel;  // the entry this context belongs to (for call_plugin_c_kernel)
};

std::string kernel_context(const FunctionSchema& schema, const PluginKernelInfo& info) {
  return plugin_kernel_context(schema, info.plugin, info.device_name);
}

ember_tensor_view undefined_view() {
  ember_tensor_view v{};
  v.data = nullptr;
  v.ndim = -1;
  v.dtype = -1;
  v.device_type = -1;
  return v;
}

ember_tensor_view view_of(const Tensor& t, const FunctionSchema& schema, const PluginKernelInfo& info) {
  TensorImpl* impl = t.impl();
  ScalarType dtype = impl->dtype();
  if ((info.dtypes & EMBER_DTYPE_BIT(static_cast<uint32_t>(dtype))) == 0) {
    EMBER_FAIL(NotImplementedError, kernel_context(schema, info), " does not support dtype ", dtype);
  }
  ember_tensor_view v{};
  v.data = impl->numel() == 0 ? nullptr : impl->data();
  v.sizes = impl->sizes().data();
  v.strides = impl->strides().data();
  v.ndim = static_cast<int32_t>(impl->dim());
  v.dtype = static_cast<int32_t>(dtype);
  v.device_type = impl->device().type();
  v.device_index = impl->device().index();
  return v;
}

ember_value none_value() {
  ember_value v{};
  v.tag = EMBER_VALUE_NONE;
  return v;
}

ember_value tensor_list_value(const std::vector<const Tensor*>& tensors, const FunctionSchema& schema,
                              const PluginKernelInfo& info, CallFrame& frame) {
  std::vector<ember_tensor_view>& views = frame.tensor_lists.emplace_back();
  for (const Tensor* t : tensors) views.push_back(t && t->defined() ? view_of(*t, schema, info) : undefined_view());
  ember_value v{};
  v.tag = EMBER_VALUE_TENSOR_LIST;
  v.u.tensor_list.data = views.data();
  v.u.tensor_list.size = static_cast<int64_t>(views.size());
  return v;
}

ember_value scalar_value(const IValue& iv) {
  ember_value v{};
  if (iv.is_double()) {
    v.tag = EMBER_VALUE_DOUBLE;
    v.u.d = iv.to_double();
  } else if (iv.is_bool()) {
    v.tag = EMBER_VALUE_BOOL;
    v.u.b = iv.to_bool() ? 1 : 0;
  } else {
    v.tag = EMBER_VALUE_INT;
    v.u.i = iv.to_int();
  }
  return v;
}

// Converts one argument, following the schema type (the IValue alone cannot tell Scalar from int).
ember_value to_ember_value(const Argument& arg, const IValue& iv, uint64_t generator_draws, const FunctionSchema& schema,
                           const PluginKernelInfo& info, CallFrame& frame) {
  const SchemaType& type = arg.type;
  if (iv.is_none() && type.base != BaseType::Generator) return none_value();
  ember_value v{};
  if (type.base == BaseType::Tensor && type.is_list) {
    std::vector<const Tensor*> tensors;
    if (iv.is_tensor_list()) {
      for (const Tensor& t : iv.to_tensor_list()) tensors.push_back(&t);
    } else {
      for (const IValue& e : iv.to_list()) tensors.push_back(e.is_none() ? nullptr : &e.to_tensor());
    }
    return tensor_list_value(tensors, schema, info, frame);
  }
  if (type.is_list) {
    if (iv.is_double_list()) {
      v.tag = EMBER_VALUE_DOUBLE_LIST;
      v.u.double_list.data = iv.to_double_list().data();
      v.u.double_list.size = static_cast<int64_t>(iv.to_double_list().size());
      return v;
    }
    std::vector<int64_t>* ints = nullptr;
    if (iv.is_bool_list()) {
      ints = &frame.int_lists.emplace_back();
      for (bool b : iv.to_bool_list()) ints->push_back(b ? 1 : 0);
    }
    const std::vector<int64_t>& list = ints ? *ints : iv.to_int_list();
    v.tag = EMBER_VALUE_INT_LIST;
    v.u.int_list.data = list.data();
    v.u.int_list.size = static_cast<int64_t>(list.size());
    return v;
  }
  switch (type.base) {
    case BaseType::Tensor:
      v.tag = EMBER_VALUE_TENSOR;
      v.u.tensor = view_of(iv.to_tensor(), schema, info);
      return v;
    case BaseType::Scalar:
      return scalar_value(iv);
    case BaseType::Float:
      v.tag = EMBER_VALUE_DOUBLE;
      v.u.d = iv.to_double();
      return v;
    case BaseType::Bool:
      v.tag = EMBER_VALUE_BOOL;
      v.u.b = iv.to_bool() ? 1 : 0;
      return v;
    case BaseType::Str:
      v.tag = EMBER_VALUE_STRING;
      v.u.str = iv.to_string_ref().c_str();
      return v;
    case BaseType::Device: {
      Device d = iv.to_device();
      v.tag = EMBER_VALUE_DEVICE;
      v.u.device.type = d.type();
      v.u.device.index = d.index();
      return v;
    }
    case BaseType::Generator: {
      const Generator& g = iv.is_none() ? default_generator() : iv.to_generator();
      // Generator copies share their state, so reserving through a const reference is sound.
      Generator shared = g;
      v.tag = EMBER_VALUE_GENERATOR;
      v.u.generator.seed = shared.seed();
      v.u.generator.offset = shared.reserve(generator_draws);
      return v;
    }
    case BaseType::Int:
    case BaseType::ScalarType:
    case BaseType::Layout:
    case BaseType::MemoryFormat:
      v.tag = EMBER_VALUE_INT;
      v.u.i = iv.to_int();
      return v;
  }
  EMBER_FAIL(TypeError, kernel_context(schema, info), ": argument '", arg.name, "' has type ", type.str(),
             ", which cannot cross the plugin boundary");
}

// The generator range a call reserves: 4 counter values per written element, as the structured
// runtime does (room for kernels that need several draws per element, e.g. Box-Muller).
uint64_t written_elements(const FunctionSchema& schema, const IValue* args) {
  uint64_t n = 0;
  for (size_t i = 0; i < schema.arguments().size(); ++i) {
    const Argument& a = schema.arguments()[i];
    if (a.alias && a.alias->is_write && args[i].is_tensor()) n += static_cast<uint64_t>(args[i].to_tensor().numel());
  }
  return 4 * (n == 0 ? 1 : n);
}

struct StackTensors {
  Stack* stack;
  size_t base;
};
const Tensor* tensor_on_stack(void* owner, int32_t arg_index) {
  auto* s = static_cast<StackTensors*>(owner);
  const IValue& v = (*s->stack)[s->base + static_cast<size_t>(arg_index)];
  return v.is_tensor() ? &v.to_tensor() : nullptr;
}

void call_plugin_kernel_boxed(void* raw_ctx, const OperatorHandle& op, DispatchKeySet /*ks*/, Stack* stack) {
  const PluginKernelInfo& info = static_cast<const AdapterContext*>(raw_ctx)->info;
  const FunctionSchema& schema = op.schema();
  const size_t num_args = schema.arguments().size();
  EMBER_INTERNAL_ASSERT(stack->size() >= num_args, "boxed call of ", schema.full_name(), " with ", stack->size(),
                        " values for ", num_args, " arguments");
  const size_t base = stack->size() - num_args;
  const IValue* args = stack->data() + base;

  CallFrame frame;
  frame.values.reserve(num_args);
  uint64_t draws = written_elements(schema, args);
  for (size_t i = 0; i < num_args; ++i) {
    frame.values.push_back(to_ember_value(schema.arguments()[i], args[i], draws, schema, info, frame));
  }

  const KernelFunction& self = *static_cast<const AdapterContext*>(raw_ctx)->kernel;
  // The call runs on the device of its first tensor argument (the kernel is registered for
  // that device type; the registrar guarantees it).
  Device device(info.device, 0);
  for (size_t i = 0; i < num_args; ++i) {
    if (args[i].is_tensor() && args[i].to_tensor().defined()) {
      device = args[i].to_tensor().device();
      break;
    }
  }
  StackTensors tensors{stack, base};
  HostCall call(device, frame.values.data(), static_cast<int32_t>(num_args), &tensor_on_stack, &tensors);
  call_plugin_c_kernel(self, call, frame.values.data(), static_cast<int32_t>(num_args), kernel_context(schema, info));

  Stack results;
  results.reserve(schema.returns().size());
  for (size_t r = 0; r < schema.returns().size(); ++r) {
    int arg = schema.aliased_argument_of_return(r);
    EMBER_INTERNAL_ASSERT(arg >= 0, schema.full_name(), " has a return that is not an alias of a written argument");
    results.push_back(args[arg]);
  }
  stack->resize(base);
  for (IValue& r : results) stack->push_back(std::move(r));
}

}  // namespace

KernelFunction make_plugin_kernel(const PluginKernelInfo& info) {
  // Both live as long as the kernel table entry: forever (kernels are never removed).
  auto* ctx = new AdapterContext{info, nullptr};
  auto* k = new KernelFunction();
  k->boxed = &call_plugin_kernel_boxed;
  k->boxed_ctx = ctx;
  k->c_kernel = info.fn;
  k->c_ctx = info.ctx;
  k->c_dtypes = info.dtypes;
  k->provider = info.plugin;
  ctx->kernel = k;
  return *k;
}

std::string plugin_kernel_schema_problem(const FunctionSchema& schema) {
  for (size_t r = 0; r < schema.returns().size(); ++r) {
    if (schema.aliased_argument_of_return(r) < 0) {
      return "operator " + schema.full_name() +
             " returns a new value; plugin kernels only write into their arguments, so register the kernel for "
             "its out= or in-place form (a return must be Tensor(a!) aliasing an argument)";
    }
  }
  return "";
}

namespace {
template <typename Context>
void call_plugin_c_kernel_impl(const KernelFunction& kernel, HostCall& call, const ember_value* args, int32_t num_args,
                               const Context& context) {
  ember_status* status = nullptr;
  try {
    status = kernel.c_kernel(kernel.c_ctx, call.context(), args, num_args);
  } catch (const std::exception& e) {
    // C++ must not cross the C boundary; the plugin broke the contract, but the process lives on.
    EMBER_FAIL(PluginError, context(), " threw a C++ exception (a bug in plugin '", kernel.provider, "'): ", e.what());
  } catch (...) {
    EMBER_FAIL(PluginError, context(), " threw a C++ exception (a bug in plugin '", kernel.provider, "')");
  }
  if (EMBER_UNLIKELY(status != nullptr)) throw_if_error(status, context().c_str());
  call.finish(context().c_str());
}
}  // namespace

void call_plugin_c_kernel(const KernelFunction& kernel, HostCall& call, const ember_value* args, int32_t num_args,
                          const std::string& context) {
  call_plugin_c_kernel_impl(kernel, call, args, num_args, [&] { return context; });
}

void call_plugin_c_kernel(const KernelFunction& kernel, HostCall& call, const ember_value* args, int32_t num_args,
                          const FunctionSchema& schema, DeviceTypeId device) {
  call_plugin_c_kernel_impl(kernel, call, args, num_args, [&] {
    return plugin_kernel_context(schema, kernel.provider, device_type_name(device).c_str());
  });
}

std::string plugin_kernel_context(const FunctionSchema& schema, const char* provider, const char* device_name) {
  return "[" + schema.full_name() + "] the " + provider + " kernel for " + device_name;
}

const char* intern_string(const std::string& s) {
  static std::mutex* mutex = new std::mutex();
  static std::set<std::string>* strings = new std::set<std::string>();  // leaked: pointers handed out forever
  std::lock_guard<std::mutex> lock(*mutex);
  return strings->insert(s).first->c_str();
}

}  // namespace ember
