// Fuzz target: the runtime configuration parser (registry/config.h, docs/CONFIG.md). Any YAML
// text must parse or raise a typed error (ConfigError), never crash, hang or leak.
#include "fuzz_support.h"
#include "registry/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ember_fuzz::expect_typed([&] {
    ember::RuntimeConfig config = ember::parse_config(text, "<fuzz>", "/nonexistent/base");
    // A parsed configuration is a plain value whose lookups work for any name.
    for (const auto& d : config.devices) ember_fuzz::require(config.device(d.type) != nullptr, "configured device found");
    (void)config.device("");
  });
  return 0;
}
