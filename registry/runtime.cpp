// Process start-up and the runtime report (see runtime.h).
#include "registry/runtime.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include "core/device_runtime.h"
#include "core/runtime_hook.h"
#include "ops/backend/status.h"
#include "core/error.h"
#include "registry/cpu_fallback.h"
#include "registry/host.h"
#include "registry/loader.h"
#include "registry/process_log.h"

namespace ember {
namespace {

enum Phase : int { kNotStarted, kStarting, kReady, kFailed };

struct Runtime {
  // Start-up state machine. phase is also read without the lock on the fast path.
  std::mutex phase_mutex;
  std::condition_variable phase_changed;
  std::atomic<int> phase{kNotStarted};
  std::thread::id starting_thread;
  std::exception_ptr error;
  std::string error_message;

  // What start-up and load_plugin found; guarded by data_mutex.
  std::mutex data_mutex;
  bool has_config = false;
  RuntimeConfig config;
  std::vector<PluginReport> plugins;
  int threads = 0;
};

Runtime& runtime() {
  static Runtime* r = new Runtime();  // leaked: core code may ask for devices during exit
  return *r;
}

int resolve_threads(int configured) {
  if (configured > 0) return configured;
  unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

std::string message_of(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

void record(PluginReport report) {
  Runtime& r = runtime();
  std::lock_guard<std::mutex> lock(r.data_mutex);
  r.plugins.push_back(std::move(report));
}

void note_optional_failure(const PluginReport& report) {
  // An optional plugin that is simply absent is normal (the embedded default lists `sim`), and so
  // is an accelerator plugin on a machine without its device (cuda without a GPU); one that is
  // present but broken deserves a warning.
  LogLevel level = report.path.empty() || report.reason == kNoUsableDevice ? LogLevel::Info : LogLevel::Warning;
  log_message(level, "ember", "optional plugin '" + report.name + "' was not loaded: " + report.reason +
                                  "; `ember info` shows the details");
}

void apply_device_fallbacks(const RuntimeConfig& config, bool at_start_up) {
  for (const auto& d : config.devices) {
    if (d.fallback != DeviceFallback::Cpu || d.type == "cpu") continue;
    DeviceTypeId id = find_device_type(d.type);
    if (id == kInvalidDeviceType) {
      if (at_start_up) {
        log_message(LogLevel::Info, "ember", config.source + ":" + std::to_string(d.line) + ": device type '" + d.type +
                                                 "' has fallback: cpu, but no loaded plugin registered it");
      }
      continue;
    }
    if (!has_cpu_fallback(id)) install_cpu_fallback(id, "the config (" + config.source + ")");
  }
}

void apply_default_device(const RuntimeConfig& config) {
  if (config.default_device.empty()) return;
  const std::string& spec = config.default_device;
  size_t colon = spec.find(':');
  std::string type = spec.substr(0, colon);
  int index = 0;
  if (colon != std::string::npos) {
    std::string digits = spec.substr(colon + 1);
    bool ok = !digits.empty() && digits.size() < 6 && digits.find_first_not_of("0123456789") == std::string::npos;
    EMBER_CHECK(ok, ConfigError, config.source, ": devices.default '", spec, "' is not a device (expected type or type:index)");
    index = std::stoi(digits);
  }
  DeviceTypeId id = find_device_type(type);
  if (id == kInvalidDeviceType) {
    std::string known;
    for (const auto& n : registered_device_types()) known += (known.empty() ? "" : ", ") + n;
    EMBER_FAIL(RuntimeError, config.source, ": devices.default is '", spec, "', but no loaded plugin registered device type '",
               type, "' (device types: ", known.empty() ? "none" : known,
               "); ember does not silently fall back to another device (see `ember info`)");
  }
  int count = device_type_info(id).device_count;
  EMBER_CHECK(index < count || (index == 0 && count == 0), RuntimeError, config.source, ": devices.default is '", spec,
              "', but device type '", type, "' has ", count, " device(s)");
  set_default_device(Device(id, static_cast<int16_t>(index)));
}

void start_up(const std::function<RuntimeConfig()>& read_config) {
  Runtime& r = runtime();
  detail::ensure_operators_registered();  // plugins register kernels for these
  RuntimeConfig config = read_config();
  int threads = resolve_threads(config.threads);
  {
    std::lock_guard<std::mutex> lock(r.data_mutex);
    r.config = config;
    r.has_config = true;
    r.threads = threads;
  }
  set_host_intra_op_threads(threads);

  std::vector<std::string> dirs = plugin_search_dirs(config.search_paths);
  std::string stopped_at;
  std::string failure;
  for (const auto& p : config.plugins) {
    if (!stopped_at.empty()) {
      PluginReport skipped;
      skipped.name = p.name;
      skipped.required = p.required;
      skipped.status = PluginStatus::Skipped;
      skipped.reason = "not attempted: start-up stopped at required plugin '" + stopped_at + "'";
      record(std::move(skipped));
      continue;
    }
    PluginReport report = load_plugin_library({p.name, p.path, p.required, p.options, dirs});
    if (report.status == PluginStatus::Failed) {
      if (p.required) {
        stopped_at = p.name;
        failure = plugin_failure_message(report);
      } else {
        note_optional_failure(report);
      }
    }
    record(std::move(report));
  }
  if (!stopped_at.empty()) throw PluginError(failure);
  apply_device_fallbacks(config, true);
  apply_default_device(config);
}

// Runs start-up, or joins the one in progress. explicit_api names the public function for the
// "already initialized" error; null for implicit initialization.
void start_or_join(const std::function<RuntimeConfig()>& read_config, const char* explicit_api) {
  Runtime& r = runtime();
  std::unique_lock<std::mutex> lock(r.phase_mutex);
  for (;;) {
    int phase = r.phase.load(std::memory_order_acquire);
    if (phase == kNotStarted) break;
    if (explicit_api != nullptr) {
      EMBER_FAIL(RuntimeError, "[", explicit_api, "] ember is already initialized",
                 phase == kFailed ? " (and start-up failed: " + r.error_message + ")" : std::string());
    }
    if (phase == kReady) return;
    if (phase == kFailed) std::rethrow_exception(r.error);
    // Start-up is loading plugins; a call from that very thread (core code used during start-up)
    // must not wait for itself.
    if (r.starting_thread == std::this_thread::get_id()) return;
    r.phase_changed.wait(lock);
  }
  r.phase.store(kStarting, std::memory_order_release);
  r.starting_thread = std::this_thread::get_id();
  lock.unlock();

  std::exception_ptr error;
  try {
    start_up(read_config);
  } catch (...) {
    error = std::current_exception();
  }

  lock.lock();
  r.error = error;
  r.error_message = error ? message_of(error) : std::string();
  r.phase.store(error ? kFailed : kReady, std::memory_order_release);
  r.phase_changed.notify_all();
  lock.unlock();
  if (error) std::rethrow_exception(error);
}

}  // namespace

namespace detail {

void ensure_runtime_initialized() {
  if (EMBER_LIKELY(runtime().phase.load(std::memory_order_acquire) == kReady)) return;
  start_or_join(&config_from_environment, nullptr);
}

}  // namespace detail

void init() { start_or_join(&config_from_environment, "ember::init"); }

void init_from_file(const std::string& path) {
  start_or_join([&] { return load_config_file(path); }, "ember::init_from_file");
}

void init_from_string(const std::string& yaml) {
  start_or_join([&] { return parse_config(yaml, kStringConfigSource); }, "ember::init_from_string");
}

bool is_initialized() { return runtime().phase.load(std::memory_order_acquire) == kReady; }

PluginReport load_plugin(const std::string& name_or_path, bool required, const std::vector<PluginOption>& options) {
  EMBER_CHECK(!name_or_path.empty(), ValueError, "[load_plugin] expected a plugin name or a library path, got \"\"");
  detail::ensure_runtime_initialized();
  Runtime& r = runtime();

  bool is_path = name_or_path.find('/') != std::string::npos ||
                 (name_or_path.size() > 3 && name_or_path.compare(name_or_path.size() - 3, 3, ".so") == 0);
  PluginSpec spec;
  spec.name = is_path ? plugin_name_from_path(name_or_path) : name_or_path;
  spec.path = is_path ? name_or_path : std::string();
  spec.required = required;
  spec.options = options;

  PluginReport report;
  std::string already_loaded_from;
  {
    std::lock_guard<std::mutex> lock(r.data_mutex);
    spec.search_dirs = plugin_search_dirs(r.config.search_paths);
    for (const auto& p : r.plugins) {
      if (p.name == spec.name && p.status == PluginStatus::Loaded) already_loaded_from = p.path;
    }
  }
  if (!already_loaded_from.empty()) {
    report.name = spec.name;
    report.required = required;
    report.status = PluginStatus::Failed;
    report.reason = "a plugin named '" + spec.name + "' is already loaded (from " + already_loaded_from + ")";
  } else {
    report = load_plugin_library(spec);
  }
  record(report);
  if (report.status == PluginStatus::Loaded) {
    RuntimeConfig config = runtime_config();
    apply_device_fallbacks(config, false);
  } else if (required) {
    throw PluginError(plugin_failure_message(report));
  } else {
    note_optional_failure(report);
  }
  return report;
}

RuntimeReport runtime_report() {
  Runtime& r = runtime();
  RuntimeReport report;
  {
    std::lock_guard<std::mutex> lock(r.phase_mutex);
    report.state = static_cast<RuntimeReport::State>(r.phase.load(std::memory_order_acquire));
    report.error = r.error_message;
  }
  {
    std::lock_guard<std::mutex> lock(r.data_mutex);
    report.config_source = r.has_config ? r.config.source : std::string();
    report.plugins = r.plugins;
    report.threads = r.has_config ? r.threads : resolve_threads(0);
    report.default_device = r.config.default_device;
    report.collectives = r.config.collectives;
    report.passes = r.config.passes;
  }
  for (const auto& name : registered_device_types()) {
    const DeviceTypeInfo& info = device_type_info(find_device_type(name));
    report.device_types.push_back({info.name, info.device_count, info.plugin, info.host_accessible,
                                   has_cpu_fallback(info.id) ? "cpu" : "none"});
  }
  return report;
}

RuntimeConfig runtime_config() {
  Runtime& r = runtime();
  std::lock_guard<std::mutex> lock(r.data_mutex);
  return r.config;
}

int intra_op_threads() {
  Runtime& r = runtime();
  std::lock_guard<std::mutex> lock(r.data_mutex);
  return r.has_config ? r.threads : resolve_threads(0);
}

const char* runtime_state_name(RuntimeReport::State state) {
  switch (state) {
    case RuntimeReport::State::NotStarted: return "not started";
    case RuntimeReport::State::Starting: return "starting";
    case RuntimeReport::State::Ready: return "ready";
    case RuntimeReport::State::Failed: return "failed";
  }
  return "unknown";
}

}  // namespace ember
