// Padding composites: constant_pad_nd (cat with filled blocks; negative pads crop), and the
// reflect, replicate and circular pads as index_select with a computed index per padded dim.
// Pads are (left, right) pairs, last dim first, as PyTorch's.
#include <climits>

#include "core/checked_arith.h"
#include "ops/tensor_operators.h"
#include "generated/functions.h"
#include "generated/native_functions.h"
#include "ops/tensor_factory.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace native {

namespace {

enum class PadMode { Reflect, Replicate, Circular };

void check_pad_length(const Tensor& self, IntArrayRef pad, const char* op) {
  EMBER_CHECK(pad.size() % 2 == 0, ValueError, "[", op, "] Length of pad must be even but instead it equals ", pad.size());
  EMBER_CHECK(static_cast<int64_t>(pad.size()) / 2 <= self.dim(), ValueError, "[", op,
              "] Length of pad should be no more than twice the number of dimensions of the input. Pad length is ",
              pad.size(), " while the input has ", self.dim(), " dimensions.");
}

Tensor index_pad(const Tensor& self, IntArrayRef pad, PadMode mode, size_t expected_dims, const char* op) {
  check_pad_length(self, pad, op);
  if (expected_dims > 0) {
    const int64_t d = static_cast<int64_t>(expected_dims);
    EMBER_CHECK(self.dim() == d + 1 || self.dim() == d + 2, ValueError, "[", op, "] Expected ", d + 1, "D or ", d + 2,
                "D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ",
                self.sizes());
  }
  Tensor out = self;
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    const int64_t dim = self.dim() - 1 - static_cast<int64_t>(i);
    const int64_t n = self.size(dim), left = pad[2 * i], right = pad[2 * i + 1];
    if (mode == PadMode::Reflect) {
      EMBER_CHECK(left < n && right < n, ValueError, "[", op,
                  "] Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (",
                  left, ", ", right, ") at dimension ", dim, " of input ", self.sizes());
    }
    if (mode == PadMode::Circular) {
      EMBER_CHECK(left <= n && right <= n, ValueError, "[", op,
                  "] Padding value causes wrapping around more than once.");
    }
    EMBER_CHECK(n > 0 || (left == 0 && right == 0), ValueError, "[", op, "] cannot pad an empty dimension ", dim);
    // The padded extent n + left + right (negative pads crop), checked; its source indices live
    // in an ember tensor, so that an impossible extent is ember's OutOfMemoryError.
    int64_t count = 0;
    EMBER_CHECK(left != INT64_MIN && checked_add(n, left, &count) && checked_add(count, right, &count), ValueError,
                "[", op, "] padding (", left, ", ", right, ") of dimension ", dim, " overflows int64");
    Tensor index = ember::empty({std::max<int64_t>(count, 0)}, TensorOptions(kInt64));
    int64_t* ip = index.data_ptr<int64_t>();
    for (int64_t t = 0; t < count; ++t) {
      int64_t k = 0;  // t - left; past int64 only for a huge cropping pad, where replicate clamps anyway
      if (__builtin_sub_overflow(t, left, &k)) k = INT64_MAX;
      if (mode == PadMode::Reflect) {
        if (k < 0) k = -k;
        if (k >= n) k = 2 * (n - 1) - k;
      } else if (mode == PadMode::Replicate) {
        k = std::min(std::max<int64_t>(k, 0), n - 1);
      } else {
        k = ((k % n) + n) % n;
      }
      ip[t] = k;
    }
    out = out.index_select(dim, index.to(self.device()));
  }
  return out;
}

}  // namespace

Tensor constant_pad_nd(const Tensor& self, IntArrayRef pad, const Scalar& value) {
  check_pad_length(self, pad, "constant_pad_nd");
  Tensor out = self;
  for (size_t i = 0; i < pad.size() / 2; ++i) {
    const int64_t dim = self.dim() - 1 - static_cast<int64_t>(i);
    int64_t left = pad[2 * i], right = pad[2 * i + 1];
    if (left < 0) {
      out = out.narrow(dim, -left, out.size(dim) + left);
      left = 0;
    }
    if (right < 0) {
      out = out.narrow(dim, 0, out.size(dim) + right);
      right = 0;
    }
    EMBER_CHECK(out.size(dim) >= 0, ValueError, "[constant_pad_nd] The input size ", self.size(dim), ", plus negative padding ",
                pad[2 * i], " and ", pad[2 * i + 1], " resulted in a negative output size");
    if (left == 0 && right == 0) continue;
    std::vector<Tensor> parts;
    auto block = [&](int64_t length) {
      DimVector shape(out.sizes());
      shape[static_cast<size_t>(dim)] = length;
      return ember::full(shape, value, out.options());
    };
    if (left > 0) parts.push_back(block(left));
    parts.push_back(out);
    if (right > 0) parts.push_back(block(right));
    out = ember::cat(parts, dim);
  }
  return out.is_same(self) ? self.clone() : out;
}

Tensor reflection_pad1d(const Tensor& self, IntArrayRef padding) {
  return index_pad(self, padding, PadMode::Reflect, 1, "reflection_pad1d");
}
Tensor reflection_pad2d(const Tensor& self, IntArrayRef padding) {
  return index_pad(self, padding, PadMode::Reflect, 2, "reflection_pad2d");
}
Tensor reflection_pad3d(const Tensor& self, IntArrayRef padding) {
  return index_pad(self, padding, PadMode::Reflect, 3, "reflection_pad3d");
}
Tensor replication_pad1d(const Tensor& self, IntArrayRef padding) {
  return index_pad(self, padding, PadMode::Replicate, 1, "replication_pad1d");
}
Tensor replication_pad2d(const Tensor& self, IntArrayRef padding) {
  return index_pad(self, padding, PadMode::Replicate, 2, "replication_pad2d");
}
Tensor replication_pad3d(const Tensor& self, IntArrayRef padding) {
  return index_pad(self, padding, PadMode::Replicate, 3, "replication_pad3d");
}
Tensor _pad_circular(const Tensor& self, IntArrayRef pad) {
  return index_pad(self, pad, PadMode::Circular, 0, "_pad_circular");
}

}  // namespace native
}  // namespace ember
