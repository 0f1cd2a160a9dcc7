// Fuzz target: ops.yaml loading in the code generator (tools/codegen): read_ops_yaml_text,
// validate_ops, plan_api, plan_autograd and, for a file without problems, emit_all. The
// generator's error channel is its diagnostics (`ops.yaml:LINE: what is wrong`); any exception
// escaping from it would abort ember_codegen, so here every exception is a bug.
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "fuzz_support.h"
#include "tools/codegen/api_plan.h"
#include "tools/codegen/autograd_plan.h"
#include "tools/codegen/emitters.h"
#include "tools/codegen/ops_loader.h"

namespace {
void generate(const std::string& text) {
  using namespace ember::codegen;
  LoadedOps loaded = read_ops_yaml_text(text);
  for (const Diagnostic& d : loaded.errors) ember_fuzz::require(!d.message.empty(), "a diagnostic says what is wrong");
  if (!loaded.errors.empty()) return;
  validate_ops(loaded);
  if (!loaded.errors.empty()) return;
  ApiPlan plan = plan_api(loaded.ops);
  if (!plan.errors.empty()) return;
  AutogradPlan autograd = plan_autograd(plan);
  if (!autograd.errors.empty()) return;
  std::vector<GeneratedFile> files = emit_all(plan, autograd);
  ember_fuzz::require(!files.empty(), "a valid ops.yaml generates files");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    generate(text);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ember fuzz: the code generator threw: %s\n", e.what());
    std::abort();
  }
  return 0;
}
