// Tables of backend kernels for structured ops (see backend_kernel.h).
#include "ops/backend/backend_kernel.h"

#include <deque>
#include <map>
#include <memory>
#include <mutex>

#include "core/device_runtime.h"
#include "core/error.h"

namespace ember {
namespace structured {
namespace {

struct Tables {
  std::mutex mutex;
  std::map<const OperatorEntry*, std::unique_ptr<BackendOp>> by_op;
  std::map<const OperatorEntry*, BackendOp*> delegates;
};
Tables& tables() {
  static Tables* t = new Tables();  // leaked: kernels are called until the process ends
  return *t;
}

std::string join(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s.empty() ? "none" : s;
}

}  // namespace

const BackendKernel* BackendOp::own_kernel(DeviceTypeId device) const {
  std::lock_guard<std::mutex> lock(tables().mutex);
  return own_[device];
}

std::vector<std::string> BackendOp::devices() const {
  std::vector<std::string> out;
  for (int id = 0; id < device_type_count(); ++id)
    if (kernel(static_cast<DeviceTypeId>(id)) != nullptr) out.push_back(device_type_name(static_cast<DeviceTypeId>(id)));
  return out;
}

void BackendOp::set_kernel(DeviceTypeId device, const BackendKernel* kernel, bool allow_override) {
  std::lock_guard<std::mutex> lock(tables().mutex);
  const BackendKernel* existing = own_[device];
  EMBER_CHECK(existing == nullptr || allow_override || existing->provider == kernel->provider ||
                  std::string(existing->provider) == kernel->provider,
              ValueError, "[", op_.name(), "] the ", device_type_name(device), " kernel is already registered by '",
              existing ? existing->provider : "", "'; '", kernel->provider, "' cannot register another");
  own_[device] = kernel;
  resolve(device);
}

void BackendOp::set_fallback(DeviceTypeId device, const BackendKernel* fallback) {
  std::lock_guard<std::mutex> lock(tables().mutex);
  fallback_[device] = fallback;
  resolve(device);
}

void BackendOp::resolve(DeviceTypeId device) {
  resolved_[device].store(own_[device] ? own_[device] : fallback_[device], std::memory_order_release);
}

void BackendOp::throw_missing_kernel(DeviceTypeId device) const {
  std::string name = device_type_name(device);
  EMBER_FAIL(NotImplementedError, "[", op_.name(), "] no kernel for device type '", name,
             "'; available for: ", join(devices()), " (`ember ops --device ", name, "` lists what it supports)");
}

BackendOp& backend_op(OperatorEntry& op) {
  Tables& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  std::unique_ptr<BackendOp>& slot = t.by_op[&op];
  if (!slot) slot = std::make_unique<BackendOp>(op);
  return *slot;
}

BackendOp* find_backend_op(const OperatorEntry& op) {
  Tables& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.by_op.find(&op);
  return it == t.by_op.end() ? nullptr : it->second.get();
}

std::vector<BackendOp*> backend_ops() {
  Tables& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  std::vector<BackendOp*> out;
  for (auto& [op, table] : t.by_op) out.push_back(table.get());
  return out;
}

void set_delegate(const OperatorEntry& form, BackendOp& kernel_op) {
  Tables& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.delegates[&form] = &kernel_op;
}

std::vector<std::string> devices_running(const OperatorEntry& op) {
  const BackendOp* table = find_backend_op(op);
  if (table == nullptr) {
    Tables& t = tables();
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.delegates.find(&op);
    if (it != t.delegates.end()) table = it->second;
  }
  return table ? table->devices() : op.devices_with_kernels();
}

}  // namespace structured
}  // namespace ember
