// The CPU fallback: runs operators that a device type has no kernel for on the cpu device,
// copying tensors over and back. It is off unless a plugin asks for it (request_cpu_fallback) or
// the config says `devices: {<type>: {fallback: cpu}}`; without it a missing kernel is an error
// (no silent fallback).
//
// How a call runs: every tensor argument on the device is copied to cpu storage by storage (so
// arguments that share memory still share it), the op is redispatched to the cpu backend (for a
// structured op, the cpu backend kernel is called directly), the storages of written arguments
// are copied back, results that alias written arguments become those arguments again, and fresh
// results are copied to the device. Views returned by a fallback op are copies. Each op logs once
// (info level) the first time it falls back.
//
// Thread-safety: installation is serialized; the fallback itself keeps per-call state only.
#pragma once

#include <string>

#include "core/device.h"

namespace ember {

// Registers the fallback as the dispatcher's backend fallback for device; idempotent.
void install_cpu_fallback(DeviceTypeId device, const std::string& requested_by);
bool has_cpu_fallback(DeviceTypeId device);

}  // namespace ember
