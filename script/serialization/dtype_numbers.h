// Archived code passes dtypes as numbers (`torch.to(x, 6, False, False, None)`), in PyTorch's
// ScalarType numbering (6 is float32); ember's graphs hold ember's numbers (float32 is 8). These
// rewrite the int constants a graph passes to operator arguments of schema type ScalarType from
// one numbering to the other: after compiling an archive's code, and on a copy of a graph
// before printing it into an archive.
//
// Stateless; a graph is rewritten by one thread.
#pragma once

#include "script/ir/ir.h"

namespace ember {
namespace script {

enum class DtypeNumbers { PyTorchToEmber, EmberToPyTorch };

// ValueError for a number the other side has no dtype for (complex, quantized types).
EMBER_API void remap_dtype_constants(Graph& graph, DtypeNumbers direction);

}  // namespace script
}  // namespace ember
