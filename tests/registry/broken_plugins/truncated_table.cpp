// A plugin whose table is shorter than ABI 1.0's (struct_size covers only the version fields).
#include "test_plugin_util.h"

namespace {
ember_status* init(ember_registrar*, const ember_option*, int32_t) { return nullptr; }
}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api*) {
  static ember_plugin_api api = [] {
    ember_plugin_api a = test_plugin::plugin_table("truncated_table", &init);
    a.struct_size = offsetof(ember_plugin_api, name);
    return a;
  }();
  return &api;
}
