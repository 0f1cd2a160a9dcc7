// A plugin whose init lets a C++ exception escape through the C ABI (a plugin bug the host must
// survive).
#include <stdexcept>

#include "test_plugin_util.h"

namespace {
ember_status* init(ember_registrar*, const ember_option*, int32_t) {
  throw std::runtime_error("exception escaping init");
}
}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api*) {
  static ember_plugin_api api = test_plugin::plugin_table("init_throws", &init);
  return &api;
}
