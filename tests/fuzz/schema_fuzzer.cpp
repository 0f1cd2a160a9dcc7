// Fuzz target: the operator schema parser (dispatcher/schema.h). Any text must parse or raise a
// typed error (SchemaError); a schema that parses prints back to text that parses to an equal
// schema (the printer and parser agree).
#include "dispatcher/schema.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  ember_fuzz::expect_typed([&] {
    ember::FunctionSchema schema = ember::FunctionSchema::parse(text, "fuzz");
    std::string printed = schema.str(true);
    ember::FunctionSchema again = ember::FunctionSchema::parse(printed, "fuzz");
    ember_fuzz::require(again == schema, "a printed schema parses back to the same schema");
    ember_fuzz::require(again.str(true) == printed, "printing is stable");
  });
  return 0;
}
