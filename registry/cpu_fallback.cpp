// The CPU fallback (see cpu_fallback.h).
#include "registry/cpu_fallback.h"

#include <map>
#include <mutex>
#include <set>
#include <utility>
#include <vector>

#include "core/device_runtime.h"
#include "ops/backend/status.h"
#include "core/error.h"
#include "dispatcher/dispatcher.h"
#include "ops/backend/kernel_call.h"
#include "registry/kernel_adapter.h"
#include "registry/process_log.h"

namespace ember {
namespace {

struct FallbackRegistry {
  std::mutex mutex;
  std::set<DeviceTypeId> installed;
  std::set<std::pair<std::string, DeviceTypeId>> announced;  // (op, device) already logged
};
FallbackRegistry& fallback_registry() {
  static FallbackRegistry* r = new FallbackRegistry();
  return *r;
}

Tensor tensor_on(IntrusivePtr<StorageImpl> storage, const Tensor& like, Device device) {
  auto impl = make_intrusive<TensorImpl>(std::move(storage), like.scalar_type(), device);
  impl->set_sizes_and_strides(like.sizes(), like.strides(), like.storage_offset());
  return Tensor(std::move(impl));
}

// Moves the tensors of one call to cpu and back, one copy per storage.
class StorageMirror {
 public:
  StorageMirror(DeviceTypeId device, Device cpu) : device_(device), cpu_(cpu) {}

  bool on_device(const Tensor& t) const { return t.defined() && t.device().type() == device_; }

  Tensor to_cpu(const Tensor& t, bool written) {
    StorageImpl* storage = t.impl()->storage();
    auto it = mirrors_.find(storage);
    if (it == mirrors_.end()) {
      IntrusivePtr<StorageImpl> copy = StorageImpl::allocate(storage->nbytes(), cpu_);
      copy_bytes(copy->data(), cpu_, storage->data(), storage->device(), storage->nbytes());
      it = mirrors_.emplace(storage, Mirror{IntrusivePtr<StorageImpl>(storage), copy, false}).first;
      if (!device_of_call_) device_of_call_ = t.device();
    }
    it->second.written = it->second.written || written;
    return tensor_on(it->second.cpu, t, cpu_);
  }

  void copy_written_back() {
    for (auto& [storage, m] : mirrors_) {
      if (m.written) copy_bytes(m.original->data(), m.original->device(), m.cpu->data(), cpu_, m.original->nbytes());
    }
  }

  Tensor to_device(const Tensor& t, Device target) {
    StorageImpl* storage = t.impl()->storage();
    IntrusivePtr<StorageImpl> copy = StorageImpl::allocate(storage->nbytes(), target);
    copy_bytes(copy->data(), target, storage->data(), cpu_, storage->nbytes());
    return tensor_on(copy, t, target);
  }

  bool moved_anything() const { return !mirrors_.empty(); }
  std::optional<Device> device_of_call_;

 private:
  struct Mirror {
    IntrusivePtr<StorageImpl> original;
    IntrusivePtr<StorageImpl> cpu;
    bool written;
  };
  DeviceTypeId device_;
  Device cpu_;
  std::map<StorageImpl*, Mirror> mirrors_;
};

void announce_once(const FunctionSchema& schema, DeviceTypeId device) {
  FallbackRegistry& r = fallback_registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    if (!r.announced.insert({schema.full_name(), device}).second) return;
  }
  log_message(LogLevel::Info, "ember",
              "running " + schema.full_name() + " on cpu for device '" + device_type_name(device) + "' (fallback: cpu)");
}

void run_on_cpu(const OperatorHandle& op, DeviceTypeId cpu, Stack* stack) {
  if (const structured::BackendOp* table = structured::find_backend_op(*op.entry())) {
    // Structured ops keep backend kernels outside the dispatch table; call cpu's directly.
    const BackendKernel* k = table->kernel(cpu);
    EMBER_CHECK(k != nullptr && k->fn != nullptr, NotImplementedError, "[", op.schema().full_name(),
                "] the cpu fallback found no cpu kernel for ", op.schema().full_name());
    structured::call_backend_boxed(*k, *op.entry(), stack);
    return;
  }
  op.redispatch_boxed(DispatchKeySet::backend(cpu), stack);
}

void cpu_fallback_kernel(void* ctx, const OperatorHandle& op, DispatchKeySet /*ks*/, Stack* stack) {
  const DeviceTypeId device = static_cast<DeviceTypeId>(reinterpret_cast<intptr_t>(ctx));
  const FunctionSchema& schema = op.schema();
  DeviceTypeId cpu = find_device_type("cpu");
  EMBER_CHECK(cpu != kInvalidDeviceType, NotImplementedError, "[", schema.full_name(), "] device '",
              device_type_name(device), "' has no kernel for ", schema.full_name(),
              " and its cpu fallback needs the cpu device, which no plugin registered");
  announce_once(schema, device);

  const size_t num_args = schema.arguments().size();
  EMBER_INTERNAL_ASSERT(stack->size() >= num_args, "boxed call with too few arguments");
  const size_t base = stack->size() - num_args;
  const std::vector<IValue> original_args(stack->begin() + base, stack->end());

  StorageMirror mirror(device, Device(cpu, 0));
  std::optional<Device> device_arg;
  for (size_t i = 0; i < num_args; ++i) {
    IValue& v = (*stack)[base + i];
    const Argument& a = schema.arguments()[i];
    bool written = a.alias && a.alias->is_write;
    if (v.is_tensor() && mirror.on_device(v.to_tensor())) {
      v = mirror.to_cpu(v.to_tensor(), written);
    } else if (v.is_tensor_list()) {
      std::vector<Tensor> list = v.to_tensor_list();
      for (Tensor& t : list) {
        if (mirror.on_device(t)) t = mirror.to_cpu(t, written);
      }
      v = IValue(std::move(list));
    } else if (v.is_list()) {
      std::vector<IValue> list = v.to_list();
      for (IValue& e : list) {
        if (e.is_tensor() && mirror.on_device(e.to_tensor())) e = mirror.to_cpu(e.to_tensor(), written);
      }
      v = IValue(std::move(list));
    } else if (v.is_device() && v.to_device().type() == device) {
      device_arg = v.to_device();  // a factory-like op asked for the device: build on cpu, move after
      v = Device(cpu, 0);
    }
  }

  run_on_cpu(op, cpu, stack);
  mirror.copy_written_back();

  // Results: aliases of written arguments are those arguments; fresh tensors go to the device.
  std::optional<Device> target = mirror.device_of_call_ ? mirror.device_of_call_ : device_arg;
  const size_t num_returns = schema.returns().size();
  EMBER_INTERNAL_ASSERT(stack->size() >= base + num_returns, "fallback: missing results");
  for (size_t r = 0; r < num_returns; ++r) {
    IValue& result = (*stack)[base + r];
    int alias = schema.aliased_argument_of_return(r);
    if (alias >= 0) {
      result = original_args[alias];
    } else if (target && result.is_tensor() && result.to_tensor().defined() &&
               result.to_tensor().device().type() == cpu) {
      result = mirror.to_device(result.to_tensor(), *target);
    } else if (target && result.is_tensor_list()) {
      std::vector<Tensor> list = result.to_tensor_list();
      for (Tensor& t : list) {
        if (t.defined() && t.device().type() == cpu) t = mirror.to_device(t, *target);
      }
      result = IValue(std::move(list));
    }
  }
}

}  // namespace

void install_cpu_fallback(DeviceTypeId device, const std::string& requested_by) {
  FallbackRegistry& r = fallback_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.installed.count(device) != 0) return;
  KernelFunction k;
  k.boxed = &cpu_fallback_kernel;
  k.boxed_ctx = reinterpret_cast<void*>(static_cast<intptr_t>(device));
  k.provider = intern_string("cpu fallback (requested by " + requested_by + ")");
  Dispatcher::singleton().register_fallback(DispatchTarget::device(device), k);
  // Structured ops call their backend kernels directly: the fallback joins their tables too,
  // resolved now so that calls do no lookup.
  auto* fallback = new BackendKernel();  // lives for the process, as the tables pointing at it
  fallback->boxed = Dispatcher::singleton().backend_fallback(device);
  fallback->provider = k.provider;
  fallback->device = device;
  for (structured::BackendOp* table : structured::backend_ops()) table->set_fallback(device, fallback);
  r.installed.insert(device);
  log_message(LogLevel::Debug, "ember",
              "cpu fallback enabled for device '" + device_type_name(device) + "' by " + requested_by);
}

bool has_cpu_fallback(DeviceTypeId device) {
  FallbackRegistry& r = fallback_registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  return r.installed.count(device) != 0;
}

}  // namespace ember
