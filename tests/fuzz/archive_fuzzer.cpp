// Fuzz target: archive loading from bytes — the zip reader, the unpickler, the importer (which
// compiles the archive's code) and ember's earlier state-dict file (nn/serialize/archive.h,
// script/serialization/archive.h). Any bytes load or raise a typed error. What loads as a
// serialize archive lists its keys and tensors, and saves again to an archive that loads.
#include "fuzz_support.h"
#include "nn/serialize/archive.h"
#include "script/serialization/archive.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const char* bytes = reinterpret_cast<const char*>(data);
  ember_fuzz::expect_typed([&] {
    ember::serialize::InputArchive archive;
    archive.load_from(bytes, size);
    for (const std::string& key : archive.keys()) {
      ember::IValue value;
      ember::Tensor tensor;
      ember::serialize::InputArchive nested;
      bool found = archive.try_read(key, value) || archive.try_read(key, nested);
      ember_fuzz::require(found, "every key reads as a value or a nested archive");
      (void)archive.try_read(key, tensor);
    }
    (void)archive.state_dict();
  });
  ember_fuzz::expect_typed([&] {
    ember::script::Module m = ember::script::load_from_bytes(std::string(bytes, size), "fuzz");
    std::string again = ember::script::save_to_bytes(m);
    ember::script::load_from_bytes(again, "fuzz (saved again)");
  });
  return 0;
}
