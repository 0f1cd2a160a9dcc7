// The host side of the plugin ABI: the one ember_host_api table every plugin receives.
//
// Its callbacks never throw (they are called from C): failures come back as statuses. Statuses
// are host-owned objects (registry/status.h). Logging goes to the process log
// (registry/process_log.h). Registration callbacks forward to the PluginRegistrar behind the
// opaque ember_registrar (registry/registrar.h).
//
// Thread-safety: the table is immutable after startup sets intra_op_threads; status_create and
// log may be called from any thread at any time.
#pragma once

#include <string>
#include <vector>

#include <ember/plugin_abi.h>

#include "core/export.h"

namespace ember {

// The table; it lives for the process, so plugins may keep the pointer. Exported for the
// conformance suite (tools/conformance), which calls plugin entry points with it directly.
EMBER_API const ember_host_api* host_api();
// Settings resolved from the configuration; set before plugins are loaded.
void set_host_intra_op_threads(int32_t threads);

// While alive, also collects the messages that plugins log on this thread, so that the loader can
// quote a plugin's own explanation (a refused host, a failed init) in its error. Nests.
class PluginLogCapture {
 public:
  PluginLogCapture();
  ~PluginLogCapture();
  PluginLogCapture(const PluginLogCapture&) = delete;
  PluginLogCapture& operator=(const PluginLogCapture&) = delete;

  const std::vector<std::string>& messages() const { return messages_; }
  void add(std::string message) { messages_.push_back(std::move(message)); }

 private:
  std::vector<std::string> messages_;
  PluginLogCapture* previous_;
};

}  // namespace ember
