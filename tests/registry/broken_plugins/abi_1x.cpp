// A plugin built against ABI 1.0, in its two shapes: one that returns its 1.0 table anyway
// (written in C, no version check), and, with REFUSES, one built with the 1.0 SDK, which checks
// the host's major version, logs why and refuses. Either way the loader must say what ABI 2.0
// changed and how to rebuild.
#include "test_plugin_util.h"

namespace {
ember_status* init(ember_registrar*, const ember_option*, int32_t) { return nullptr; }
}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api* host) {
#ifdef REFUSES
  // What the 1.0 SDK's entry did on a host of another major version.
  host->log(3, "abi_1x", "refusing host: its plugin ABI is 2.0, this plugin was built for 1.0");
  return nullptr;
#else
  (void)host;
  static ember_plugin_api api = [] {
    ember_plugin_api a = test_plugin::plugin_table("abi_1x", &init);
    a.abi_major = 1;
    a.abi_minor = 0;
    return a;
  }();
  return &api;
#endif
}
