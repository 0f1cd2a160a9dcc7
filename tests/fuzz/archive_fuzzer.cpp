// Fuzz target: archive loading from bytes — the zip reader, the unpickler, the importer (which
// compiles the archive's code) and ember's earlier state-dict file (nn/serialize/archive.h,
// script/serialization/archive.h). Any bytes load or raise a typed error. What loads as a
// serialize archive lists its keys and tensors, and saves again to an archive that loads. The
// same bytes also go to the unpickler directly (the zip's CRC-32 check stops most mutations of a
// data.pkl inside an archive; seeds named pkl_* are such pickles), with hooks that make any class
// and give storages of zeros.
#include "fuzz_support.h"
#include "nn/serialize/archive.h"
#include "core/jit_type.h"
#include "generated/functions.h"
#include "script/api/compilation_unit.h"
#include "script/serialization/archive.h"
#include "script/serialization/pickle.h"

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
  ember_fuzz::expect_typed([&] {
    ember::script::CompilationUnit cu;
    ember::script::UnpickleHooks hooks;
    hooks.resolve_class = [](const std::string& qualified) {
      return ember::ClassType::create(qualified, /*is_module=*/true);
    };
    hooks.load_storage = [](const std::string&, ember::ScalarType dtype, int64_t numel) {
      EMBER_CHECK(numel >= 0 && numel <= (int64_t{1} << 20), ValueError, "fuzz: storage of ", numel,
                  " elements");
      return ember::zeros({numel}, ember::TensorOptions(dtype));
    };
    hooks.parse_type = [&cu](const std::string& annotation) { return cu.parse_type(annotation); };
    ember::script::unpickle(std::string(bytes, size), "fuzz.pkl", hooks);
  });
  return 0;
}
