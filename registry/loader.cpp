// The plugin loader (see loader.h). Boost.DLL is used here and nowhere else, so that its API
// changes between Boost versions (import -> import_symbol in 1.76) touch one file.
#include "registry/loader.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <system_error>
#include <type_traits>

#include "core/device_runtime.h"
#include "ops/backend/status.h"
#include "registry/elf_check.h"
#include "registry/host.h"
#include "registry/process_log.h"
#include "registry/registrar.h"

namespace ember {
namespace {

namespace fs = std::filesystem;
using EntryFunction = std::remove_pointer_t<ember_plugin_entry_fn>;

struct LoadedPlugin {
  std::string name;
  const ember_plugin_api* api;
};

// Opened libraries and loaded plugins. Leaked on purpose: closing a library whose code ran can
// leave dangling function pointers in the core's tables (see boostorg/dll#68).
struct LibraryRegistry {
  std::mutex load_mutex;  // serializes loading; held across init and commit
  std::vector<std::unique_ptr<boost::dll::shared_library>> libraries;
  std::vector<LoadedPlugin> loaded;  // in load order
  size_t shut_down = 0;              // how many of `loaded`, from the end, have been shut down
};
LibraryRegistry& library_registry() {
  static LibraryRegistry* r = new LibraryRegistry();
  return *r;
}

// Registered with atexit once per loaded plugin, right after its library was opened and its
// static objects were built: exit runs handlers in reverse order, so each plugin's shutdown runs
// before its own static destructors, and plugins shut down newest first.
void shut_down_newest_plugin() {
  LibraryRegistry& r = library_registry();
  // A thread may be loading a plugin while the process exits; skip rather than deadlock.
  std::unique_lock<std::mutex> lock(r.load_mutex, std::try_to_lock);
  if (!lock.owns_lock()) return;
  if (r.shut_down >= r.loaded.size()) return;
  const LoadedPlugin& p = r.loaded[r.loaded.size() - 1 - r.shut_down];
  ++r.shut_down;
  if (p.api->shutdown == nullptr) return;
  try {
    p.api->shutdown();
  } catch (...) {
    // Too late to report anything useful; exiting cleanly matters more.
  }
}

// What a 1.x plugin must change to load, for the loader's message.
std::vector<std::string> abi_2_changes() {
  return {"ABI 2.0 changed: kernels take an ember_call_context (device index, stream, scratch memory, output "
          "resize, status report) before their arguments; device tables take a stream in allocate, a named "
          "ember_copy_kind in copy_bytes, and may add streams, events, async/peer copies, pinned memory, "
          "properties and memory statistics; define_op takes an ember_op_desc with tags",
          "rebuild the plugin against this ember's SDK (find_package(ember) of this version; plugins built with "
          "the C++ SDK need only a rebuild, plus a context argument in raw C kernels) and see docs/PLUGINS.md"};
}

std::string abi_text(int major, int minor) {
  return major < 0 ? "unknown (not reached)" : std::to_string(major) + "." + std::to_string(minor);
}

// The "dlerror system message" part of Boost.DLL's what(), or the whole text if it has none.
std::string loader_message(const std::exception& e) {
  std::string what = e.what();
  const std::string marker = "(dlerror system message: ";
  size_t start = what.find(marker);
  if (start == std::string::npos) return what;
  start += marker.size();
  size_t end = what.rfind(')');
  return what.substr(start, end == std::string::npos || end < start ? std::string::npos : end - start);
}

bool is_regular_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

// Marks the report failed; returns it so call sites read `return failed(report, ...)`.
PluginReport& failed(PluginReport& report, std::string reason, std::vector<std::string> details = {}) {
  report.status = PluginStatus::Failed;
  report.reason = std::move(reason);
  for (auto& d : details) report.details.push_back(std::move(d));
  return report;
}

void add_plugin_messages(PluginReport& report, const PluginLogCapture& capture) {
  for (const auto& m : capture.messages()) report.details.push_back("plugin log: " + m);
}

bool resolve_library(const PluginSpec& spec, PluginReport& report) {
  std::vector<std::string> candidates;
  if (!spec.path.empty()) {
    candidates.push_back(absolute_path(spec.path));
  } else {
    for (const auto& dir : spec.search_dirs) {
      candidates.push_back(absolute_path((fs::path(dir) / plugin_library_file_name(spec.name)).string()));
    }
  }
  for (const auto& candidate : candidates) {
    report.paths_tried.push_back(candidate);
    if (is_regular_file(candidate)) {
      report.path = candidate;
      return true;
    }
  }
  return false;
}

// Runs init and, when `commit`, publishes its registrations; the table is checked.
void initialize(const PluginSpec& spec, const ember_plugin_api* api, PluginReport& report, bool commit) {
  std::vector<ember_option> options;
  for (const auto& o : spec.options) options.push_back({o.key.c_str(), o.value.c_str()});

  PluginRegistrar registrar(spec.name);
  PluginLogCapture capture;
  ember_status* status = nullptr;
  bool threw = false;
  std::string exception_text;
  try {
    status = api->init(registrar.handle(), options.data(), static_cast<int32_t>(options.size()));
  } catch (const std::exception& e) {
    threw = true;
    exception_text = e.what();
  } catch (...) {
    threw = true;
  }
  registrar.close();
  add_plugin_messages(report, capture);
  if (threw) {
    failed(report, "init threw a C++ exception (a bug in the plugin: exceptions must not cross the C ABI)",
           {exception_text.empty() ? "exception: (not a std::exception)" : "exception: " + exception_text});
    return;
  }
  if (status != nullptr) {
    std::string message = status_message(status);
    int32_t code = status_code(status);
    free_status(status);
    // EMBER_ERROR_DEVICE from init: the plugin works but this machine has no usable device (no
    // GPU, no driver). The reason says so; an optional plugin failing this way is not a warning.
    failed(report, code == EMBER_ERROR_DEVICE ? kNoUsableDevice : "init failed",
           {"plugin says: " + message + " (status " + std::to_string(code) + ")"});
    return;
  }
  if (!registrar.first_error().empty()) {
    failed(report, "init made a registration the host rejected", {"registration error: " + registrar.first_error()});
    return;
  }
  if (!commit) {
    report.status = PluginStatus::Loaded;  // everything was checked; nothing was published
    return;
  }
  try {
    PluginRegistrar::Summary summary = registrar.commit();
    report.kernels_registered = summary.kernels;
    report.device_types = summary.device_types;
    report.status = PluginStatus::Loaded;
  } catch (const std::exception& e) {
    failed(report, "registering what init declared failed", {e.what()});
  }
}

void load_from_entry(const PluginSpec& spec, ember_plugin_entry_fn entry, PluginReport& report,
                     LibraryRegistry& registry, bool commit);

void load_locked(const PluginSpec& spec, PluginReport& report, LibraryRegistry& registry) {
  if (!resolve_library(spec, report)) {
    failed(report, spec.path.empty() ? "library " + plugin_library_file_name(spec.name) + " not found"
                                     : "library file not found");
    return;
  }

  // A file that is not a well-formed shared object for this machine never reaches dlopen, which
  // can crash on a malformed one instead of failing (elf_check.h).
  std::string not_loadable = check_shared_object_file(report.path);
  if (!not_loadable.empty()) {
    failed(report, "the file is not a shared library this machine can load", {"elf: " + not_loadable});
    return;
  }

  auto library = std::make_unique<boost::dll::shared_library>();
  try {
    library->load(report.path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    failed(report, "the dynamic loader could not open the library", {"loader: " + loader_message(e)});
    return;
  }
  boost::dll::shared_library& lib = *library;
  registry.libraries.push_back(std::move(library));

  if (!lib.has(EMBER_PLUGIN_ENTRY_SYMBOL)) {
    failed(report, std::string("the library has no entry symbol '") + EMBER_PLUGIN_ENTRY_SYMBOL + "'",
           {"is it an ember plugin? The entry must be extern \"C\" and exported (EMBER_PLUGIN_EXPORT)"});
    return;
  }
  EntryFunction& entry = lib.get<EntryFunction>(EMBER_PLUGIN_ENTRY_SYMBOL);
  load_from_entry(spec, &entry, report, registry, true);
}

// Everything after the entry symbol was found: entry(host), the table checks, init, commit.
void load_from_entry(const PluginSpec& spec, ember_plugin_entry_fn entry, PluginReport& report,
                     LibraryRegistry& registry, bool commit) {
  const ember_plugin_api* api = nullptr;
  PluginLogCapture capture;
  try {
    api = entry(host_api());
  } catch (...) {
    add_plugin_messages(report, capture);
    failed(report, std::string(EMBER_PLUGIN_ENTRY_SYMBOL) + " threw a C++ exception (a bug in the plugin)");
    return;
  }
  add_plugin_messages(report, capture);
  if (api == nullptr) {
    // An SDK-built plugin of an older major version refuses a newer host and says which ABI it
    // was built for: then explain what changed, as for a plugin that returns its old table.
    bool built_for_1x = false;
    for (const auto& m : capture.messages()) built_for_1x |= m.find("built for 1.") != std::string::npos;
    if (built_for_1x) {
      failed(report, "the plugin was built for plugin ABI 1.x and refused this host (ABI " +
                         abi_text(EMBER_ABI_MAJOR, EMBER_ABI_MINOR) + ")",
             abi_2_changes());
    } else {
      failed(report, "the plugin refused this host (its entry returned NULL; see its log messages)");
    }
    return;
  }

  // The version fields come first in every table version, so they can be read before the size check.
  constexpr size_t kVersionFieldsEnd = offsetof(ember_plugin_api, abi_minor) + sizeof(api->abi_minor);
  if (api->struct_size < kVersionFieldsEnd) {
    failed(report, "the plugin's table is too small (struct_size " + std::to_string(api->struct_size) + ")");
    return;
  }
  report.abi_major = static_cast<int>(api->abi_major);
  report.abi_minor = static_cast<int>(api->abi_minor);
  if (api->abi_major != EMBER_ABI_MAJOR) {
    if (api->abi_major == 1) {
      failed(report, "incompatible plugin ABI: the plugin was built for ABI 1.x, this host speaks " +
                         abi_text(EMBER_ABI_MAJOR, EMBER_ABI_MINOR), abi_2_changes());
    } else {
      failed(report, "incompatible plugin ABI: the major versions differ",
             {"rebuild the plugin against this ember's SDK (ABI " + abi_text(EMBER_ABI_MAJOR, EMBER_ABI_MINOR) + ")"});
    }
    return;
  }
  if (api->abi_minor > EMBER_ABI_MINOR) {
    failed(report, "the plugin needs a newer ember (its ABI minor version is higher than the host's)");
    return;
  }
  if (api->struct_size < sizeof(ember_plugin_api)) {
    failed(report, "the plugin's table is too small for ABI " + abi_text(report.abi_major, report.abi_minor) +
                       " (struct_size " + std::to_string(api->struct_size) + ", expected at least " +
                       std::to_string(sizeof(ember_plugin_api)) + ")");
    return;
  }
  report.version = api->version ? api->version : "";
  report.vendor = api->vendor ? api->vendor : "";
  if (api->init == nullptr) {
    failed(report, "the plugin's table has no init function");
    return;
  }

  initialize(spec, api, report, commit);
  if (report.status == PluginStatus::Loaded && commit) {
    registry.loaded.push_back({spec.name, api});
    std::atexit(&shut_down_newest_plugin);
  }
}

}  // namespace

std::vector<std::string> plugin_search_dirs(const std::vector<std::string>& configured) {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("EMBER_PLUGIN_PATH")) {
    std::stringstream entries(env);
    std::string dir;
    while (std::getline(entries, dir, ':')) {
      if (!dir.empty()) dirs.push_back(dir);
    }
  }
  dirs.insert(dirs.end(), configured.begin(), configured.end());
  std::string fallback = default_plugin_dir();
  if (!fallback.empty()) dirs.push_back(fallback);
  return dirs;
}

std::string default_plugin_dir() {
  std::error_code ec;
  // this_line_location is the file of the module this code is linked into: libember.so.
  fs::path core_library = boost::dll::this_line_location(ec);
  if (ec) return "";
  return (core_library.parent_path() / "ember" / "plugins").string();
}

std::string plugin_library_file_name(const std::string& name) { return "libember_" + name + ".so"; }

namespace {
// Runs one load under the loader's lock; nothing it does escapes as an exception.
template <typename Load>
PluginReport guarded_load(const PluginSpec& spec, const Load& load) {
  PluginReport report;
  report.name = spec.name;
  report.required = spec.required;
  LibraryRegistry& registry = library_registry();
  std::lock_guard<std::mutex> lock(registry.load_mutex);
  try {
    load(report, registry);
  } catch (const std::exception& e) {
    failed(report, std::string("unexpected error while loading: ") + e.what());
  } catch (...) {
    failed(report, "unexpected error while loading");
  }
  return report;
}
}  // namespace

PluginReport load_plugin_from_entry(const PluginSpec& spec, ember_plugin_entry_fn entry, bool commit) {
  return guarded_load(spec, [&](PluginReport& report, LibraryRegistry& registry) {
    if (entry == nullptr) {
      failed(report, "no entry function was given");
      return;
    }
    report.path = "(linked into the program)";
    load_from_entry(spec, entry, report, registry, commit);
  });
}

PluginReport load_plugin_library(const PluginSpec& spec) {
  PluginReport report = guarded_load(spec, [&](PluginReport& r, LibraryRegistry& registry) {
    load_locked(spec, r, registry);
  });
  std::string line = "plugin '" + spec.name + "' " + plugin_status_name(report.status) +
                     (report.status == PluginStatus::Loaded ? " from " + report.path : ": " + report.reason);
  log_message(LogLevel::Debug, "ember", line);
  return report;
}

std::string plugin_failure_message(const PluginReport& r) {
  std::ostringstream os;
  os << "plugin '" << r.name << "'" << (r.required ? " (required)" : " (optional)") << " failed to load: " << r.reason;
  if (r.paths_tried.empty()) {
    os << "\n  paths tried: none (no search directories)";
  } else {
    os << "\n  paths tried:";
    for (const auto& p : r.paths_tried) os << "\n    " << p;
  }
  if (!r.path.empty()) os << "\n  library: " << r.path;
  for (const auto& d : r.details) os << "\n  " << d;
  os << "\n  ABI versions: host " << abi_text(EMBER_ABI_MAJOR, EMBER_ABI_MINOR) << ", plugin " << abi_text(r.abi_major, r.abi_minor);
  if (r.required) {
    os << "\n  to disable it: set `required: false` for plugin '" << r.name << "' in the config, or remove it";
  }
  return os.str();
}

const char* plugin_status_name(PluginStatus status) {
  switch (status) {
    case PluginStatus::Loaded: return "loaded";
    case PluginStatus::Failed: return "failed";
    case PluginStatus::Skipped: return "skipped";
  }
  return "unknown";
}

}  // namespace ember
