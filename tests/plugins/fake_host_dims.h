// The fake host's share of the kernel contract (plugin_abi.h): kernels receive a `dim`
// argument normalized, as the real core's meta functions pass it. Plugin kernel tests write
// dims as a user would (-1, None, [1, 0]); normalize_dim_argument rewrites them the way the core
// does before the call, or says why the core would have refused them.
//
// Stateless; thread-safe. The normalized list lives in the caller's storage.
#pragma once

#include <string>
#include <vector>

#include <ember/plugin_abi.h>

namespace ember_test {

// Rewrites args[dim] of `op` in place when op has a `dim` argument (nothing otherwise):
// `int dim` wrapped into [0, ndim) (0 for a 0-d tensor), `int? dim` likewise unless None,
// `int[] dim` / `int[]? dim` as each reduced dim once, ascending (every dim for None or []),
// stored in `list_storage`. Returns "" or the IndexError/ValueError message the core raises.
std::string normalize_dim_argument(const std::string& op, std::vector<ember_value>& args,
                                   std::vector<int64_t>& list_storage);

}  // namespace ember_test
