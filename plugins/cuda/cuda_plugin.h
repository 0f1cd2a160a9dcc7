// The CUDA plugin's internal interface: the device type and one registration function per
// kernel family (each defined in the file of that family).
#pragma once

#include "cuda_common.h"

namespace ember_cuda {

// device.cpp: the "cuda" device type with `count` devices (count >= 1).
void register_device(Registrar& reg, int count);

void register_pointwise_kernels(Registrar& reg);     // ops_pointwise.cpp: arithmetic, compare, logical, unary
void register_pointwise_nn_kernels(Registrar& reg);  // ops_pointwise_nn.cpp: activations' backward, where, clamp
void register_copy_factory_kernels(Registrar& reg);  // ops_copy_factory.cpp: copy, fill, arange, linspace, eye
void register_random_kernels(Registrar& reg);        // ops_random.cpp
void register_reduce_kernels(Registrar& reg);        // ops_reduce.cpp
void register_softmax_loss_kernels(Registrar& reg);  // ops_softmax_loss.cpp
void register_norm_kernels(Registrar& reg);          // ops_norm.cpp: batch norm (cuDNN), layer norm
void register_index_kernels(Registrar& reg);         // ops_index.cpp: cat, index_select, gather, scatter, masked_fill
void register_pool_kernels(Registrar& reg);          // ops_pool.cpp
void register_blas_kernels(Registrar& reg);          // blas.cpp: mm, bmm, addmm (cuBLAS)
void register_conv_kernels(Registrar& reg);          // cudnn_conv.cpp
void register_optim_kernels(Registrar& reg);         // ops_optim.cpp: multi-tensor SGD / Adam / AdamW steps
void register_backend_flag_ops(Registrar& reg);      // ops_backend_flags.cpp: cuda::_set_backend_flag

}  // namespace ember_cuda
