// Tier 1: the plugin's C ABI (see abi_checks.h).
#include "tools/conformance/abi_checks.h"

#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <map>

#include <ember/plugin_abi.h>

#include "core/error.h"
#include "registry/config.h"
#include "registry/host.h"
#include "registry/runtime.h"

namespace ember {
namespace conformance {
namespace {

// ---- the child side of a probe: plain C calls, results as "key=value" lines on a pipe ----------

int g_probe_fd = -1;

void probe_write(const std::string& key, const std::string& value) {
  std::string line = key + "=" + value;
  for (char& c : line)
    if (c == '\n') c = ' ';
  line += "\n";
  ssize_t ignored = ::write(g_probe_fd, line.data(), line.size());
  (void)ignored;
}

void fake_log(int32_t level, const char* plugin, const char* message) {
  probe_write("log", std::string("level ") + std::to_string(level) + " [" + (plugin ? plugin : "?") + "] " +
                         (message ? message : ""));
}

struct FakeStatus {};
FakeStatus g_fake_status;
ember_status* fake_status_create(int32_t, const char*) { return reinterpret_cast<ember_status*>(&g_fake_status); }

enum class ProbeMode { FakeHostMajor99, ReadName };

// Runs in the child: open, find the entry, call it; reports each step as it goes, so that a crash
// shows which step it happened in.
[[noreturn]] void run_probe(const std::string& path, ProbeMode mode) {
  probe_write("step", "dlopen");
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = ::dlerror();
    probe_write("dlopen_error", e ? e : "unknown error");
    ::_exit(0);
  }
  probe_write("opened", "1");
  probe_write("step", "dlsym");
  auto entry = reinterpret_cast<ember_plugin_entry_fn>(::dlsym(lib, EMBER_PLUGIN_ENTRY_SYMBOL));
  if (!entry) ::_exit(0);
  probe_write("symbol", "1");
  probe_write("step", "entry");
  if (mode == ProbeMode::FakeHostMajor99) {
    ember_host_api fake{};
    fake.struct_size = sizeof fake;
    fake.abi_major = 99;
    fake.abi_minor = 0;
    fake.host_version = "99.0.0";
    fake.status_create = &fake_status_create;
    fake.log = &fake_log;
    // The registration functions stay NULL: a plugin that refuses the host never reaches them.
    const ember_plugin_api* api = entry(&fake);
    probe_write("returned", api ? "table" : "null");
  } else {
    const ember_plugin_api* api = entry(host_api());
    if (api && api->name) probe_write("name", api->name);
  }
  probe_write("step", "done");
  ::_exit(0);
}

struct ProbeResult {
  std::map<std::string, std::string> values;
  std::vector<std::string> logs;
  std::string crash;  // "killed by signal 11 during entry"; empty when the child exited normally
};

ProbeResult probe(const std::string& path, ProbeMode mode) {
  ProbeResult result;
  int fds[2];
  if (::pipe(fds) != 0) {
    result.crash = "cannot create a pipe for the probe process";
    return result;
  }
  pid_t child = ::fork();
  if (child < 0) {
    result.crash = "cannot fork the probe process";
    return result;
  }
  if (child == 0) {
    ::close(fds[0]);
    g_probe_fd = fds[1];
    run_probe(path, mode);
  }
  ::close(fds[1]);
  std::string text;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end - start);
    start = end == std::string::npos ? text.size() : end + 1;
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "log") result.logs.push_back(value);
    else result.values[key] = value;
  }
  if (WIFSIGNALED(status)) {
    result.crash = "the plugin crashed (signal " + std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) +
                   ") during " + result.values["step"];
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result.crash = "the plugin ended the process (exit status " + std::to_string(WEXITSTATUS(status)) + ") during " +
                   result.values["step"];
  }
  return result;
}

CheckResult check(const std::string& name, bool ok, const std::string& failure, const std::string& note = "") {
  CheckResult c;
  c.tier = "abi";
  c.name = name;
  c.outcome = ok ? Outcome::Pass : Outcome::Fail;
  c.message = ok ? note : failure;
  if (!ok) c.details.push_back(failure);
  return c;
}

CheckResult skipped(const std::string& name, const std::string& why) {
  CheckResult c;
  c.tier = "abi";
  c.name = name;
  c.outcome = Outcome::Skip;
  c.message = why;
  return c;
}

}  // namespace

std::vector<CheckResult> check_library(const std::string& path) {
  std::vector<CheckResult> checks;
  ProbeResult p = probe(path, ProbeMode::FakeHostMajor99);
  const bool opened = p.values.count("opened") != 0;
  const bool crashed_early = !p.crash.empty() && !opened;
  checks.push_back(check("library opens (dlopen RTLD_NOW)", opened,
                         crashed_early ? p.crash : "dlopen failed: " + p.values["dlopen_error"]));
  if (!opened) {
    checks.push_back(skipped("exports " EMBER_PLUGIN_ENTRY_SYMBOL, "the library does not open"));
    checks.push_back(skipped("refuses a host with ABI major 99", "the library does not open"));
    return checks;
  }
  const bool has_symbol = p.values.count("symbol") != 0;
  checks.push_back(check("exports " EMBER_PLUGIN_ENTRY_SYMBOL, has_symbol,
                         std::string("no symbol ") + EMBER_PLUGIN_ENTRY_SYMBOL +
                             " (is it extern \"C\" and visible? EMBER_PLUGIN_EXPORT)"));
  if (!has_symbol) {
    checks.push_back(skipped("refuses a host with ABI major 99", "no entry symbol"));
    return checks;
  }
  std::string failure;
  if (!p.crash.empty()) failure = p.crash;
  else if (p.values["returned"] == "table") failure = "the entry returned a table to a host with ABI major 99";
  std::string note = p.logs.empty() ? "(it logged no reason)" : "logged: " + p.logs.front();
  checks.push_back(check("refuses a host with ABI major 99", failure.empty(), failure, note));
  return checks;
}

std::string peek_plugin_name(const std::string& path) {
  ProbeResult p = probe(path, ProbeMode::ReadName);
  return p.crash.empty() ? p.values["name"] : "";
}

CheckResult check_loader(const std::string& path, const std::vector<PluginOption>& options, PluginReport* report) {
  // Loaded as required: a failure is then a PluginError with the loader's full explanation, and
  // nothing is printed as a warning on the side (as for an optional plugin).
  std::string failure;
  try {
    *report = load_plugin(path, /*required=*/true, options);
  } catch (const PluginError& e) {
    failure = e.what();
    for (const PluginReport& p : runtime_report().plugins)
      if (p.path == path || p.name == plugin_name_from_path(path)) *report = p;
  }
  if (failure.empty() && report->status == PluginStatus::Loaded) {
    std::string types;
    for (const auto& d : report->device_types) types += (types.empty() ? "" : ", ") + d;
    return check("loads through ember's loader", true, "",
                 std::to_string(report->kernels_registered) + " kernel(s), device types: " + (types.empty() ? "none" : types));
  }
  report->status = PluginStatus::Failed;
  CheckResult c = check("loads through ember's loader", false, report->reason.empty() ? failure : report->reason);
  c.details.clear();
  c.details.push_back(c.message);
  c.details.push_back(failure.empty() ? "(no message)" : failure);
  return c;
}

std::vector<CheckResult> check_plugin_table(const std::string& path) {
  std::vector<CheckResult> checks;
  // Already loaded by the loader: dlopen returns the same handle and runs no initializer again.
  void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
  auto entry = lib ? reinterpret_cast<ember_plugin_entry_fn>(::dlsym(lib, EMBER_PLUGIN_ENTRY_SYMBOL)) : nullptr;
  const ember_plugin_api* api = entry ? entry(host_api()) : nullptr;
  if (!api) {
    checks.push_back(check("table: returned to the real host", false,
                           entry ? "the entry returned NULL for ember's own host table" : "entry symbol not found"));
    return checks;
  }
  constexpr size_t kMinimumSize = offsetof(ember_plugin_api, init) + sizeof(api->init);
  checks.push_back(check("table: struct_size", api->struct_size >= kMinimumSize,
                         "struct_size " + std::to_string(api->struct_size) + " is smaller than the " +
                             std::to_string(kMinimumSize) + " bytes up to init",
                         std::to_string(api->struct_size) + " bytes"));
  const bool abi_ok = api->abi_major == EMBER_ABI_MAJOR && api->abi_minor <= EMBER_ABI_MINOR;
  const std::string versions = "plugin ABI " + std::to_string(api->abi_major) + "." + std::to_string(api->abi_minor) +
                               ", host " + std::to_string(EMBER_ABI_MAJOR) + "." + std::to_string(EMBER_ABI_MINOR);
  checks.push_back(check("table: ABI major and minor", abi_ok, versions + " (same major, minor <= host's required)", versions));
  const bool named = api->name && *api->name && api->version && *api->version;
  checks.push_back(check("table: name and version", named, "name or version is empty",
                         std::string(api->name ? api->name : "") + " " + (api->version ? api->version : "") +
                             (api->vendor && *api->vendor ? std::string(", vendor ") + api->vendor : "")));
  checks.push_back(check("table: init present", api->init != nullptr, "init is NULL"));
  return checks;
}

}  // namespace conformance
}  // namespace ember
