// Fuzz target: the plugin loader on malformed shared-object files (registry/elf_check.h,
// registry/loader.h). The input is the file's bytes. The ELF check must refuse anything that is
// not a well-formed shared object for this machine, and the loader must then fail the plugin
// with that reason, never reaching dlopen.
//
// Inputs the check accepts are not loaded: they are well-formed libraries, and loading a library
// runs its code (constructors, relocations), which no loader can make safe for arbitrary bytes
// (docs/RELIABILITY.md). The seeds include real plugins, so the fuzzer mutates inputs that are
// close to loadable.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz_support.h"
#include "registry/elf_check.h"
#include "registry/loader.h"

namespace {
// The file each input is written to; removed when the process exits, so replays in ctest leave
// nothing behind in the temporary directory.
struct ScratchFile {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("libember_fuzzed_" + std::to_string(::getpid()) + ".so")).string();
  ~ScratchFile() { std::remove(path.c_str()); }
};
const std::string& scratch_path() {
  static const ScratchFile file;
  return file.path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string why = ember::check_shared_object(data, size);
  if (why.empty()) return 0;
  {
    std::ofstream out(scratch_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ember_fuzz::expect_typed([&] {
    ember::PluginSpec spec;
    spec.name = "fuzzed";
    spec.path = scratch_path();
    ember::PluginReport report = ember::load_plugin_library(spec);
    ember_fuzz::require(report.status == ember::PluginStatus::Failed, "a malformed file fails to load");
    ember_fuzz::require(report.reason == "the file is not a shared library this machine can load",
                        "the loader refuses it before dlopen");
    ember_fuzz::require(report.details.size() == 1 && report.details[0] == "elf: " + why, "with the check's reason");
  });
  return 0;
}
