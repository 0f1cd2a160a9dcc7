// A plugin built against a future, incompatible ABI: it reports major version 99.
#include "test_plugin_util.h"

namespace {
ember_status* init(ember_registrar*, const ember_option*, int32_t) { return nullptr; }
}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api*) {
  static ember_plugin_api api = [] {
    ember_plugin_api a = test_plugin::plugin_table("abi_major_99", &init);
    a.abi_major = 99;
    a.abi_minor = 0;
    return a;
  }();
  return &api;
}
