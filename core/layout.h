// Layout and MemoryFormat: schema types kept for PyTorch compatibility. ember tensors are
// always strided; memory formats other than contiguous/preserve are accepted and mean
// "contiguous" (documented in docs/OVERVIEW.md). Numbering matches PyTorch's serialized values.
#pragma once

#include <cstdint>

namespace ember {

enum class Layout : int8_t { Strided = 0 };
constexpr Layout kStrided = Layout::Strided;

enum class MemoryFormat : int8_t { Contiguous = 0, Preserve = 1, ChannelsLast = 2, ChannelsLast3d = 3 };

}  // namespace ember
