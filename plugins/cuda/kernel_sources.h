// The kernel sources (kernels/*.cuh), embedded as text by embed_sources.cmake, and the list of
// every family for the source test. Constant data; thread-safe.
#pragma once

namespace ember_cuda {
namespace sources {

extern const char* const prelude;           // types, conversions, the device error record
extern const char* const pointwise_math;    // device math with the CPU plugin's semantics
extern const char* const elementwise;       // the generic elementwise kernels
extern const char* const reduce;            // reductions (sum, prod, min/max, arg, var, all/any)
extern const char* const softmax;           // softmax / log_softmax forward and backward
extern const char* const loss;              // nll_loss forward and backward
extern const char* const layer_norm;        // layer norm forward and backward
extern const char* const batch_norm;        // batch norm statistics and backward reductions
extern const char* const index_ops;         // index_select, gather, scatter, masked_fill, cat
extern const char* const pool;              // max / avg / adaptive avg pooling, forward and backward
extern const char* const optim;             // multi-tensor SGD / Adam / AdamW steps

}  // namespace sources
}  // namespace ember_cuda
