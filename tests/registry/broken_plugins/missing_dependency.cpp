// A well-formed plugin library that needs a library the dynamic loader cannot find
// (libember_regtest_gone.so is built where no search path points): dlopen fails and its own
// message must reach the user.
#include "test_plugin_util.h"

extern "C" int ember_regtest_gone_value();  // defined in gone_dependency.cpp

namespace {
ember_status* init(ember_registrar*, const ember_option*, int32_t) { return nullptr; }
}  // namespace

extern "C" EMBER_PLUGIN_EXPORT const ember_plugin_api* ember_plugin_entry(const ember_host_api*) {
  static ember_plugin_api api = test_plugin::plugin_table("missing_dependency", &init);
  return ember_regtest_gone_value() == 42 ? &api : nullptr;
}
