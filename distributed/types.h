// Value types of the collective API (c10d's Types.hpp): reduce ops and the options of each
// collective. A timeout of kDefaultTimeout means the group's deadline (from the configuration's
// distributed.timeout or init_process_group).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/export.h"

namespace ember {
namespace distributed {

using Milliseconds = std::chrono::milliseconds;
constexpr Milliseconds kDefaultTimeout{-1};

enum class ReduceOp : int32_t { SUM = 0, PRODUCT = 1, MIN = 2, MAX = 3, AVG = 4 };
EMBER_API const char* reduce_op_name(ReduceOp op);

struct AllreduceOptions {
  ReduceOp reduce_op = ReduceOp::SUM;
  Milliseconds timeout = kDefaultTimeout;
};
struct BroadcastOptions {
  int root_rank = 0;
  Milliseconds timeout = kDefaultTimeout;
};
struct ReduceOptions {
  ReduceOp reduce_op = ReduceOp::SUM;
  int root_rank = 0;
  Milliseconds timeout = kDefaultTimeout;
};
struct AllgatherOptions {
  Milliseconds timeout = kDefaultTimeout;
};
struct GatherOptions {
  int root_rank = 0;
  Milliseconds timeout = kDefaultTimeout;
};
struct ScatterOptions {
  int root_rank = 0;
  Milliseconds timeout = kDefaultTimeout;
};
struct ReduceScatterOptions {
  ReduceOp reduce_op = ReduceOp::SUM;
  Milliseconds timeout = kDefaultTimeout;
};
struct AllToAllOptions {
  Milliseconds timeout = kDefaultTimeout;
};
struct BarrierOptions {
  Milliseconds timeout = kDefaultTimeout;
};

// TORCH_DISTRIBUTED_DEBUG's levels: Detail checks every collective across ranks before it runs.
enum class DebugLevel { Off, Info, Detail };

}  // namespace distributed
}  // namespace ember
