// Which vector instruction set the CPU plugin's kernels use (vec_kernels.h): detected from the
// CPU at start-up, or forced by the plugin option `isa: avx512 | avx2 | scalar` (`auto`, the
// default, takes the best supported). Forcing a set the CPU lacks is a ValueError at init.
// The choice also caps oneDNN's instruction set (dnnl::set_max_cpu_isa) when oneDNN has not
// run yet, so a forced path exercises oneDNN's matching kernels too.
//
// select_isa runs once in init (one thread); everything else is read-only afterwards and
// thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "vec_kernels.h"

namespace ember_cpu {

enum class Isa { Scalar, Avx2, Avx512 };

const char* isa_name(Isa isa);
std::optional<Isa> parse_isa(std::string_view name);  // nullopt for anything else ("auto" too)
bool cpu_supports(Isa isa);
Isa best_isa();

// Makes `isa` the active table. Throws a ValueError (SDK check) when the CPU lacks it.
void select_isa(Isa isa);
Isa active_isa();

// One ISA's table (for tests and benchmarks of a specific path); the CPU must support it.
const VecKernels& vec_kernels_for(Isa isa);

// Defined by the per-ISA files.
const VecKernels& vec_kernels_scalar();
const VecKernels& vec_kernels_avx2();
const VecKernels& vec_kernels_avx512();

}  // namespace ember_cpu
