// Fuzz target: the script compiler (script/api/compilation_unit.h) on arbitrary source text. Any
// text compiles or raises a typed error (CompileError and the other ember::Errors); what
// compiles prints as IR and as code (the printers the CLI and archive export use). Programs are
// not run: a fuzzed `while True` would hang for a correct reason.
#include "fuzz_support.h"
#include "script/api/compilation_unit.h"
#include "script/api/function.h"
#include "script/ir/code_printer.h"
#include "script/ir/ir.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  ember_fuzz::expect_typed([&] {
    ember::script::CompilationUnit cu;
    cu.define(source, "fuzz.py");
    for (ember::script::Function* f : cu.functions()) {
      f->ensure_defined();
      ember_fuzz::require(!f->graph()->str().empty(), "a compiled function prints as IR");
      ember_fuzz::require(!ember::script::print_code(*f).empty(), "a compiled function prints as code");
    }
  });
  return 0;
}
