// Reading and validating ops.yaml.
//
// read_ops_yaml() checks each entry on its own (fields, schema, variants, dispatch, tags,
// derivatives, C++-expressible types); validate_ops() checks the rules that relate entries
// (duplicates, structured / structured_delegate pairs, native-function signatures). Both
// append diagnostics instead of stopping, so one run reports every problem. Diagnostics carry
// the 1-based line of the offending entry or field; main.cpp prints them as `FILE:LINE: msg`.
// Single-threaded, like the rest of the generator.
#pragma once

#include <string>
#include <vector>

#include "tools/codegen/op_model.h"

namespace ember {
namespace codegen {

struct Diagnostic {
  int line = 0;
  std::string message;
};

// Where an entry's fields are, for messages about cross-entry rules. 0 when absent.
struct FieldLines {
  int entry = 0, func = 0, variants = 0, dispatch = 0, structured = 0, delegate = 0;
};

struct LoadedOps {
  std::vector<OpDef> ops;          // entries whose func parsed, in file order
  std::vector<FieldLines> lines;   // parallel to ops
  std::vector<Diagnostic> errors;  // in discovery order
};

LoadedOps read_ops_yaml(const std::string& path);
LoadedOps read_ops_yaml_text(const std::string& text);  // the same from the file's text
void validate_ops(LoadedOps& loaded);

}  // namespace codegen
}  // namespace ember
