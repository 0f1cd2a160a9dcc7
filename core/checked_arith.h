// Overflow-checked int64 arithmetic for sizes, strides, offsets and byte counts.
//
// Shape arithmetic with user-supplied values (as_strided, slice steps, expand sizes, factory
// shapes) can exceed int64; signed overflow is undefined behaviour, so every such product or
// sum goes through these helpers and a failure becomes a typed ember error at the op that
// caused it, before anything is allocated or addressed. Header-only, stateless; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/array_ref.h"
#include "core/error.h"

namespace ember {

// a * b and a + b; false when the exact result does not fit in int64 (out is then unspecified).
inline bool checked_mul(int64_t a, int64_t b, int64_t* out) { return !__builtin_mul_overflow(a, b, out); }
inline bool checked_add(int64_t a, int64_t b, int64_t* out) { return !__builtin_add_overflow(a, b, out); }

// The product of sizes (which must be >= 0), or a ValueError naming op and the sizes when it
// does not fit in int64 (PyTorch: "numel: integer multiplication overflow").
inline int64_t checked_numel(IntArrayRef sizes, const char* op) {
  int64_t numel = 1;
  for (int64_t s : sizes) {
    EMBER_CHECK(checked_mul(numel, s, &numel), ValueError, "[", op, "] the number of elements of a tensor of size ",
                sizes, " overflows int64");
  }
  return numel;
}

// numel * itemsize as a byte count, or a ValueError when it exceeds what int64 can address.
inline size_t checked_nbytes(int64_t numel, size_t itemsize, IntArrayRef sizes, const char* op) {
  int64_t bytes = 0;
  EMBER_CHECK(checked_mul(numel, static_cast<int64_t>(itemsize), &bytes), ValueError, "[", op,
              "] storage size calculation overflowed with sizes=", sizes, " (", numel, " elements of ", itemsize,
              " bytes)");
  return static_cast<size_t>(bytes);
}

}  // namespace ember
