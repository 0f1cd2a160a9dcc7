// The emitters: each turns the validated ops and their ApiPlan into one generated file's text.
//
// Paths are relative to the generator's --out directory (build/gen): generated/... for the
// core, sdk/ember/sdk/ops.h for plugins. Output depends only on ops.yaml, so it is
// deterministic; main.cpp rewrites a file only when its text changed. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "tools/codegen/api_plan.h"
#include "tools/codegen/autograd_plan.h"

namespace ember {
namespace codegen {

struct GeneratedFile {
  std::string path;
  std::string content;
};

// functions.cpp is split into this many files (functions_0.cpp ...), always all of them, so
// that the build's file list is fixed (tools/codegen/generated_files.cmake lists them).
constexpr int kNumFunctionShards = 4;
// Likewise autograd_kernels.cpp (autograd_kernels_0.cpp ...).
constexpr int kNumAutogradShards = 4;

// The first lines of every generated file.
std::string banner(const std::string& description);
// "// ops.yaml:12 add.Tensor" plus "// <doc>" when the entry has a doc line.
std::string op_comment(const OpDef& op, const std::string& indent = "");

std::string emit_functions_h(const ApiPlan& plan);
std::string emit_tensor_methods_h(const ApiPlan& plan);
std::string emit_redispatch_h(const ApiPlan& plan);
std::string emit_native_functions_h(const ApiPlan& plan);
std::string emit_functions_cpp(const ApiPlan& plan, int shard);
std::string emit_structured_kernels_cpp(const ApiPlan& plan);
std::string emit_register_ops_cpp(const ApiPlan& plan);
std::string emit_op_info_h();
std::string emit_op_info_cpp(const ApiPlan& plan, const AutogradPlan& autograd);
std::string emit_autograd_kernels_cpp(const ApiPlan& plan, const AutogradPlan& autograd, int shard);
std::string emit_sdk_ops_h(const ApiPlan& plan);

// Every file, in a fixed order.
std::vector<GeneratedFile> emit_all(const ApiPlan& plan, const AutogradPlan& autograd);

}  // namespace codegen
}  // namespace ember
