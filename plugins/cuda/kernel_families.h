// Program text of the kernel families other than the elementwise catalog (reductions, softmax,
// losses, normalization, indexing, pooling, optimizers): each family's generator takes the
// dtypes and compile-time choices it is specialized for and returns the full program. The plugin
// compiles them on first use (launcher.h); the source test compiles a representative set
// (all_family_instances) without a GPU.
//
// Pure string functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ember_cuda {

struct FamilyInstance {
  std::string name;
  std::string source;
};

// Every family for every dtype combination the plugin instantiates.
std::vector<FamilyInstance> all_family_instances();

}  // namespace ember_cuda
