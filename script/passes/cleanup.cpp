// The pass pipelines (see passes.h).
#include "script/passes/passes.h"

namespace ember {
namespace script {

void run_cleanup_passes(Graph& g) {
  lower_simple_tuples(g);
  constant_propagation(g, /*immutable_types_only=*/true);
  constant_pooling(g);
}

void run_optimizations(Graph& g) {
  inline_calls(g);
  lower_simple_tuples(g);
  constant_propagation(g, /*immutable_types_only=*/false);
  eliminate_common_subexpressions(g);
  eliminate_dead_code(g);
  constant_pooling(g);
}

}  // namespace script
}  // namespace ember
