// The sim plugin's internal interface: the device type "sim" (sim_device.cpp) and its kernels
// (sim_kernels.cpp), put together by the entry point (sim_plugin.cpp).
//
// sim is a toy accelerator: its memory is host memory, but it declares host_accessible = 0, so
// the core moves every byte through its copy_bytes, exactly as it would for a real accelerator.
// It validates what it is asked to do (device indices, that copies stay inside its own
// allocations, that kernels only see sim tensors), so that it also catches core bugs.
//
// The device id is written once by init (one thread) before any kernel can run, then only read.
#pragma once

#include <cstdint>

#include <ember/sdk/plugin.h>

namespace sim {

// The name users write: ember::Device("sim"), `devices: sim: {fallback: cpu}`.
constexpr const char* kDeviceName = "sim";

// Registers the "sim" device type with device_count devices; remembers the id the host gave it.
void register_sim_device(ember::sdk::Registrar& reg, int device_count);
// The id the host gave the "sim" device type (ember_tensor_view::device_type of sim tensors).
int32_t sim_device_type_id();

// add.out, mul.out, tanh.out, fill_.Scalar and _copy_same_device_ for device "sim".
void register_sim_kernels(ember::sdk::Registrar& reg);

}  // namespace sim
