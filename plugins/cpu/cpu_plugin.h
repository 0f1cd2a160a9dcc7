// The CPU plugin's internal interface: its configuration and one registration function per
// kernel family (each defined in the file of that family).
//
// Config is written once by init (one thread) before any kernel is registered, then only read.
#pragma once

#include <ember/sdk/ops.h>
#include <ember/sdk/plugin.h>

namespace ember_cpu {

// Kernels are registered and read their arguments through the generated op descriptors, as
// docs/PLUGINS.md teaches vendors: reg.kernel<ops::add_out>(...), a.tensor(ops::add_out::self).
// A kernel shared by several ops takes the descriptor as a template parameter.
namespace ops = ember::sdk::ops;
using ember::sdk::Registrar;

// The device type name every kernel is registered for.
constexpr const char* kDevice = "cpu";

struct Config {
  int threads = 1;         // intra-op threads (host->intra_op_threads, or the `threads` option)
  bool use_onednn = true;  // `onednn: false` routes matmul/conv/norm/avg-pool through the plain loops
  // oneDNN 2.6's batch normalization on plain NCHW memory measured 4-14x slower than the
  // vectorized loops here (docs/CPU_PLUGIN.md), so it is opt-in: `onednn_batch_norm: true`.
  bool use_onednn_batch_norm = false;
};
const Config& config();
Config& mutable_config();

void register_device(Registrar& reg);
// The memory kept in freed large blocks for reuse (device.cpp); 0 frees and keeps none.
void set_block_cache_bytes(size_t bytes);
void register_binary_kernels(Registrar& reg);      // kernels_binary.cpp
void register_compare_kernels(Registrar& reg);     // kernels_compare.cpp
void register_unary_kernels(Registrar& reg);       // kernels_unary.cpp
void register_reduce_kernels(Registrar& reg);      // kernels_reduce.cpp
void register_softmax_kernels(Registrar& reg);     // kernels_softmax.cpp
void register_linalg_kernels(Registrar& reg);      // kernels_linalg.cpp
void register_conv_kernels(Registrar& reg);        // kernels_conv.cpp
void register_norm_kernels(Registrar& reg);        // kernels_norm.cpp
void register_pool_kernels(Registrar& reg);        // kernels_pool.cpp
void register_index_kernels(Registrar& reg);       // kernels_index.cpp
void register_fill_copy_kernels(Registrar& reg);   // kernels_fill_copy.cpp
void register_factory_kernels(Registrar& reg);     // kernels_factory.cpp
void register_random_kernels(Registrar& reg);      // kernels_random.cpp
void register_conv_backward_kernels(Registrar& reg);        // kernels_conv_backward.cpp
void register_pool_backward_kernels(Registrar& reg);        // kernels_pool_backward.cpp
void register_norm_backward_kernels(Registrar& reg);        // kernels_norm_backward.cpp
void register_activation_backward_kernels(Registrar& reg);  // kernels_activation_backward.cpp
void register_loss_kernels(Registrar& reg);                 // kernels_loss.cpp
void register_math_kernels(Registrar& reg);                 // kernels_math.cpp
void register_optim_kernels(Registrar& reg);                // kernels_optim.cpp

}  // namespace ember_cpu
