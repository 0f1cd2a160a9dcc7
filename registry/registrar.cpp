// PluginRegistrar (see registrar.h).
#include "registry/registrar.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <utility>

#include "core/device_runtime.h"
#include "ops/backend/status.h"
#include "core/error.h"
#include "registry/backend_registry.h"
#include "registry/cpu_fallback.h"
#include "registry/plugin_device.h"
#include "registry/kernel_adapter.h"

namespace ember {

struct PluginRegistrar::PendingDeviceType {
  std::string name;
  ember_device_type_desc desc;  // desc.name points at `name`
  DeviceTypeId predicted_id;
};

struct PluginRegistrar::PendingOp {
  std::string text;
  FunctionSchema schema;
  std::vector<std::string> tags;
};

struct PluginRegistrar::PendingKernel {
  std::string op_full_name;
  OperatorHandle existing;  // invalid when the op is defined by this plugin (pending)
  DeviceTypeId device;
  std::string device_name;
  ember_kernel_fn fn;
  void* ctx;
  uint32_t dtypes;
};

namespace {

// Which plugin owns each (op, device type) kernel registered through plugins, so that a second
// claim can name the first plugin. Guarded by its mutex; leaked like the libraries themselves.
struct KernelOwners {
  std::mutex mutex;
  std::map<std::pair<std::string, DeviceTypeId>, std::string> owners;
};
KernelOwners& kernel_owners() {
  static KernelOwners* k = new KernelOwners();
  return *k;
}

bool is_identifier(const char* s) {
  if (s == nullptr || *s == '\0' || std::isdigit(static_cast<unsigned char>(*s))) return false;
  for (; *s; ++s) {
    if (!(std::isalnum(static_cast<unsigned char>(*s)) || *s == '_')) return false;
  }
  return true;
}

std::string known_device_types(const std::vector<std::string>& pending) {
  std::vector<std::string> names = registered_device_types();
  names.insert(names.end(), pending.begin(), pending.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "none" : out;
}

}  // namespace

std::string kernel_owner(const std::string& op_full_name, DeviceTypeId device) {
  KernelOwners& k = kernel_owners();
  std::lock_guard<std::mutex> lock(k.mutex);
  auto it = k.owners.find({op_full_name, device});
  return it == k.owners.end() ? std::string() : it->second;
}

namespace {
// Handles outlive their registrars (see registrar.h); kept here so they stay reachable. A deque
// keeps each handle at its address as it grows and costs one pointer per plugin load, so even a
// fuzzer's millions of loads stay small.
ember_registrar* new_registrar_handle(PluginRegistrar* owner) {
  static std::mutex* mutex = new std::mutex();
  static std::deque<ember_registrar>* handles = new std::deque<ember_registrar>();
  std::lock_guard<std::mutex> lock(*mutex);
  handles->push_back(ember_registrar{owner});
  return &handles->back();
}
}  // namespace

PluginRegistrar::PluginRegistrar(std::string plugin_name)
    : plugin_(std::move(plugin_name)), handle_(new_registrar_handle(this)) {}

PluginRegistrar::~PluginRegistrar() { close(); }

void PluginRegistrar::close() { handle_->owner = nullptr; }

std::string PluginRegistrar::fail(std::string message) {
  if (first_error_.empty()) first_error_ = message;
  return message;
}

DeviceTypeId PluginRegistrar::resolve_device_type(const std::string& name) const {
  for (const auto& d : device_types_) {
    if (d->name == name) return d->predicted_id;
  }
  return find_device_type(name);
}

const FunctionSchema* PluginRegistrar::resolve_op(const std::string& op_name, int* pending_index,
                                                  OperatorHandle* existing) const {
  std::string full = op_name.find("::") == std::string::npos ? "aten::" + op_name : op_name;
  for (size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i]->schema.full_name() == full) {
      *pending_index = static_cast<int>(i);
      return &ops_[i]->schema;
    }
  }
  std::optional<OperatorHandle> handle = Dispatcher::singleton().find(op_name);
  if (!handle) return nullptr;
  *existing = *handle;
  return &handle->entry()->schema();
}

std::string PluginRegistrar::add_device_type(const ember_device_type_desc* desc, int32_t* out_device_type_id) {
  const std::string what = "register_device_type: ";
  if (desc == nullptr) return fail(what + "desc is NULL");
  if (!is_identifier(desc->struct_size >= offsetof(ember_device_type_desc, name) + sizeof(desc->name) ? desc->name
                                                                                                   : nullptr)) {
    return fail(what + "invalid device type name '" + (desc->name ? desc->name : "(null)") +
                "': use letters, digits and '_', not starting with a digit");
  }
  std::string name = desc->name;
  DeviceTypeId existing = find_device_type(name);
  if (existing != kInvalidDeviceType) {
    return fail(what + "device type '" + name + "' is already registered by plugin '" +
                device_type_info(existing).plugin + "'");
  }
  for (const auto& d : device_types_) {
    if (d->name == name) return fail(what + "device type '" + name + "' is registered twice by this plugin");
  }
  size_t next_id = static_cast<size_t>(device_type_count()) + device_types_.size();
  if (next_id >= static_cast<size_t>(kMaxDeviceTypes)) {
    return fail(what + "cannot add device type '" + name + "': all " + std::to_string(kMaxDeviceTypes) +
                " device type slots are taken");
  }
  std::string problem = plugin_device_table_problem(*desc);
  if (!problem.empty()) return fail(what + "device type '" + name + "': " + problem);

  auto pending = std::make_unique<PendingDeviceType>();
  pending->name = name;
  std::memset(&pending->desc, 0, sizeof pending->desc);
  std::memcpy(&pending->desc, desc, std::min(desc->struct_size, sizeof pending->desc));
  pending->desc.struct_size = sizeof(ember_device_type_desc);
  pending->desc.name = pending->name.c_str();
  pending->predicted_id = static_cast<DeviceTypeId>(next_id);
  if (out_device_type_id != nullptr) *out_device_type_id = pending->predicted_id;
  device_types_.push_back(std::move(pending));
  return "";
}

std::string PluginRegistrar::add_kernel(const ember_kernel_desc* desc) {
  if (desc == nullptr) return fail("register_kernel: desc is NULL");
  std::string op_name = desc->op_name ? desc->op_name : "";
  const std::string what = "register_kernel(" + op_name + "): ";
  if (desc->struct_size < sizeof(ember_kernel_desc)) {
    return fail(what + "desc.struct_size is " + std::to_string(desc->struct_size) + ", expected at least " +
                std::to_string(sizeof(ember_kernel_desc)));
  }
  if (op_name.empty()) return fail(what + "op_name is empty");
  if (desc->fn == nullptr) return fail(what + "fn is NULL");
  if (desc->dtypes == 0 || (desc->dtypes & ~EMBER_DTYPES_ALL) != 0) {
    return fail(what + "dtypes must be a non-empty EMBER_DTYPE_BIT mask, got " + std::to_string(desc->dtypes));
  }
  std::string device_name = desc->device_type ? desc->device_type : "";
  DeviceTypeId device = resolve_device_type(device_name);
  if (device == kInvalidDeviceType) {
    std::vector<std::string> pending;
    for (const auto& d : device_types_) pending.push_back(d->name);
    return fail(what + "unknown device type '" + device_name + "' (known: " + known_device_types(pending) +
                "); register it with register_device_type first");
  }

  int pending_op = -1;
  OperatorHandle existing;
  const FunctionSchema* schema = resolve_op(op_name, &pending_op, &existing);
  if (schema == nullptr) {
    std::string hint = op_name.find("::") == std::string::npos
                           ? " (looked up as aten::" + op_name + "; write ns::name.overload for other namespaces)"
                           : "";
    return fail(what + "unknown operator '" + op_name + "'" + hint);
  }
  std::string problem = plugin_kernel_schema_problem(*schema);
  if (!problem.empty()) return fail(what + problem);

  std::string full = schema->full_name();
  for (const auto& k : kernels_) {
    if (k.op_full_name == full && k.device == device) {
      return fail(what + "a kernel for device '" + device_name + "' is registered twice by this plugin");
    }
  }
  std::string owner = kernel_owner(full, device);
  if (!owner.empty()) {
    return fail(what + "the kernel of " + full + " for device '" + device_name + "' is already registered by plugin '" +
                owner + "'; plugin '" + plugin_ + "' cannot claim it too (remove one of them from the config)");
  }
  kernels_.push_back({full, existing, device, device_name, desc->fn, desc->ctx, desc->dtypes});
  return "";
}

std::string PluginRegistrar::add_op_definition(const ember_op_desc* desc) {
  if (desc == nullptr) return fail("define_op: desc is NULL");
  if (desc->struct_size < offsetof(ember_op_desc, doc))
    return fail("define_op: desc.struct_size is " + std::to_string(desc->struct_size) + ", shorter than ABI 2.0's");
  const char* schema_text = desc->schema;
  if (schema_text == nullptr || *schema_text == '\0') return fail("define_op: the schema is empty");
  std::string text = schema_text;
  std::vector<std::string> tags;
  if (desc->num_tags < 0 || (desc->num_tags > 0 && desc->tags == nullptr))
    return fail("define_op(" + text + "): tags is NULL or num_tags is negative");
  for (int32_t i = 0; i < desc->num_tags; ++i) {
    if (!is_identifier(desc->tags[i]))
      return fail("define_op(" + text + "): tag " + std::to_string(i) + " is not an identifier");
    tags.push_back(desc->tags[i]);
  }
  FunctionSchema schema;
  try {
    schema = FunctionSchema::parse(text);
  } catch (const Error& e) {
    return fail("define_op: malformed schema '" + text + "': " + e.what());
  }
  std::string full = schema.full_name();
  if (auto existing = Dispatcher::singleton().find(full)) {
    if (existing->schema() == schema) return "";  // the same definition again is a no-op, as in the dispatcher
    return fail("define_op: operator " + full + " already exists with a different schema: " + existing->schema().str(true));
  }
  for (const auto& op : ops_) {
    if (op->schema.full_name() == full) {
      return op->schema == schema ? "" : fail("define_op: operator " + full + " is defined twice with different schemas");
    }
  }
  ops_.push_back(std::make_unique<PendingOp>(PendingOp{text, std::move(schema), std::move(tags)}));
  return "";
}

std::string PluginRegistrar::add_process_group_backend(const ember_process_group_backend_desc* desc) {
  if (desc == nullptr) return fail("register_process_group_backend: desc is NULL");
  std::string problem = process_group_backend_problem(*desc);
  if (!problem.empty()) return fail("register_process_group_backend: " + problem);
  if (find_process_group_backend(desc->name))
    return fail(std::string("register_process_group_backend: '") + desc->name + "' is already registered by plugin '" +
                find_process_group_backend(desc->name)->plugin + "'");
  // Copy only the fields the plugin's table has: a table from an older SDK is shorter.
  ember_process_group_backend_desc copy{};
  std::memcpy(&copy, desc, std::min(desc->struct_size, sizeof copy));
  process_group_backends_.push_back(copy);
  return "";
}

std::string PluginRegistrar::add_fusion_backend(const ember_fusion_backend_desc* desc) {
  if (desc == nullptr) return fail("register_fusion_backend: desc is NULL");
  std::string problem = fusion_backend_problem(*desc);
  if (!problem.empty()) return fail("register_fusion_backend: " + problem);
  if (find_fusion_backend(desc->name))
    return fail(std::string("register_fusion_backend: '") + desc->name + "' is already registered");
  fusion_backends_.push_back(*desc);
  return "";
}

std::string PluginRegistrar::add_cpu_fallback(const char* device_type) {
  std::string name = device_type ? device_type : "";
  DeviceTypeId device = resolve_device_type(name);
  if (device == kInvalidDeviceType) return fail("request_cpu_fallback: unknown device type '" + name + "'");
  if (name == "cpu") return fail("request_cpu_fallback: the cpu device cannot fall back to itself");
  for (DeviceTypeId d : cpu_fallbacks_) {
    if (d == device) return "";
  }
  cpu_fallbacks_.push_back(device);
  return "";
}

PluginRegistrar::Summary PluginRegistrar::commit() {
  Summary summary;
  Dispatcher& dispatcher = Dispatcher::singleton();
  try {
    for (const auto& d : device_types_) {
      DeviceTypeId id = register_device_type(d->name, plugin_, d->desc.device_count, d->desc.host_accessible != 0,
                                             make_plugin_device_runtime(d->desc, d->name, plugin_),
                                             d->desc.reads_host_scalars != 0);
      // Ids were promised to the plugin during init; loading is serialized, so they must match.
      EMBER_CHECK(id == d->predicted_id, PluginError, "[plugin '", plugin_, "'] device type '", d->name, "' got id ", id,
                  " instead of the ", d->predicted_id, " given to the plugin (device types registered concurrently?)");
      dispatcher.on_device_type_registered(id);
      summary.device_types.push_back(d->name);
    }
    for (const auto& op : ops_) dispatcher.define(op->text).entry()->set_tags(op->tags);
    for (const auto& k : kernels_) {
      OperatorHandle op = k.existing.valid() ? k.existing : dispatcher.find_or_throw(k.op_full_name);
      PluginKernelInfo info;
      info.plugin = intern_string(plugin_);
      info.device_name = intern_string(k.device_name);
      info.device = k.device;
      info.fn = k.fn;
      info.ctx = k.ctx;
      info.dtypes = k.dtypes;
      try {
        install_plugin_kernel(op, info);
      } catch (const ValueError& e) {
        EMBER_FAIL(PluginError, "[plugin '", plugin_, "'] the kernel of ", k.op_full_name, " for device '", k.device_name,
                   "' is already registered by another provider: ", e.what());
      }
      {
        KernelOwners& owners = kernel_owners();
        std::lock_guard<std::mutex> lock(owners.mutex);
        owners.owners[{k.op_full_name, k.device}] = plugin_;
      }
      ++summary.kernels;
    }
    for (DeviceTypeId d : cpu_fallbacks_) install_cpu_fallback(d, plugin_);
    for (const auto& b : process_group_backends_) {
      register_process_group_backend(b, plugin_);
      summary.collective_backends.push_back(b.name);
    }
    for (const auto& b : fusion_backends_) {
      register_fusion_backend(b, plugin_);
      summary.fusion_backends.push_back(b.name);
    }
  } catch (const PluginError&) {
    throw;
  } catch (const std::exception& e) {
    EMBER_FAIL(PluginError, "[plugin '", plugin_, "'] committing its registrations failed: ", e.what());
  }
  return summary;
}

}  // namespace ember
