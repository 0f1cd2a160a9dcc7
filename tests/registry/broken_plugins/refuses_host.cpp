// A plugin that refuses the host: it logs why and returns NULL from its entry.
#include "test_plugin_util.h"

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
  host->log(3, "refuses_host", "this plugin needs a host with ABI 2.x");
  return nullptr;
}
