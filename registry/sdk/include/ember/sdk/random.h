// Counter-based random numbers shared by every device plugin, so that a seed gives the same
// tensor on every device and for every thread count.
//
// Convention (part of the plugin contract for random ops): a random op's generator argument is
// {seed, offset}; element k of the output (logical row-major order) is computed from ONE
// Philox4x32-10 block with key = (low 32 bits of seed, high 32 bits of seed) and
// counter = (low 32 bits of offset + k, high 32 bits of offset + k, 0, 0). The four 32-bit
// words of that block are all the randomness element k may use. The core reserves 4 * numel
// counter values per call, so consecutive calls never share a block.
//
// Pure functions; thread-safe. Header-only; also compiles as CUDA device code.
#pragma once

#include <cstdint>

#include <ember/sdk/error.h>

#if defined(__CUDACC__) || defined(__HIPCC__)
#define EMBER_SDK_HOST_DEVICE __host__ __device__
#else
#define EMBER_SDK_HOST_DEVICE
#endif

EMBER_SDK_NAMESPACE_BEGIN

struct Philox4x32 {
  uint32_t x[4];
};

EMBER_SDK_HOST_DEVICE inline uint32_t mul_hi_lo(uint32_t a, uint32_t b, uint32_t* hi) {
  uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
}

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11).
EMBER_SDK_HOST_DEVICE inline Philox4x32 philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2,
                                                      uint32_t c3, uint32_t k0, uint32_t k1) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  for (int round = 0; round < 10; ++round) {
    uint32_t hi0, hi1;
    uint32_t lo0 = mul_hi_lo(kMul0, c0, &hi0);
    uint32_t lo1 = mul_hi_lo(kMul1, c2, &hi1);
    uint32_t n0 = hi1 ^ c1 ^ k0;
    uint32_t n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return Philox4x32{{c0, c1, c2, c3}};
}

// The block for element k of a call with generator state (seed, offset).
EMBER_SDK_HOST_DEVICE inline Philox4x32 random_block(uint64_t seed, uint64_t offset, uint64_t k) {
  uint64_t counter = offset + k;
  return philox4x32_10(static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0u,
                       0u, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Uniform in [0, 1) with 24 random bits (exactly representable as float).
EMBER_SDK_HOST_DEVICE inline float uniform_float(uint32_t w) {
  return static_cast<float>(w >> 8) * (1.0f / 16777216.0f);
}
// Uniform in [0, 1) with 53 random bits (exactly representable as double).
EMBER_SDK_HOST_DEVICE inline double uniform_double(uint32_t hi, uint32_t lo) {
  uint64_t bits = (static_cast<uint64_t>(hi) << 32 | lo) >> 11;
  return static_cast<double>(bits) * (1.0 / 9007199254740992.0);
}
EMBER_SDK_HOST_DEVICE inline uint64_t random_u64(const Philox4x32& b) {
  return static_cast<uint64_t>(b.x[0]) << 32 | b.x[1];
}

EMBER_SDK_NAMESPACE_END
