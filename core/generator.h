// Generator: the random-number state for rand/randn/randint/dropout. Counter-based: a call
// reserves a range of `offset` values and kernels derive element k of the output from
// (seed, offset + k), so results do not depend on thread count. The default generator is
// seeded by ember::manual_seed. Thread-safe: reserving a range is atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "core/export.h"

namespace ember {

class EMBER_API Generator {
 public:
  explicit Generator(uint64_t seed = 67280421310721ull);
  void manual_seed(uint64_t seed);
  uint64_t seed() const;
  // Reserves n counter values; returns the first.
  uint64_t reserve(uint64_t n);

 private:
  struct State {
    std::atomic<uint64_t> seed;
    std::atomic<uint64_t> offset;
  };
  std::shared_ptr<State> state_;  // copies of a Generator share state, as in PyTorch
};

EMBER_API Generator& default_generator();
EMBER_API void manual_seed(uint64_t seed);

}  // namespace ember
