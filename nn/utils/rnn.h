// nn::utils::rnn: packed variable-length sequences for the recurrent modules, as
// torch::nn::utils::rnn.
//
//   auto packed = pack_padded_sequence(padded, lengths, /*batch_first=*/false, /*enforce_sorted=*/false);
//   auto [out, h] = lstm->forward_with_packed_input(packed);
//   auto [unpacked, out_lengths] = pad_packed_sequence(std::get<0>(...));
//
// A PackedSequence holds the time steps of every sequence interleaved (data [sum of lengths, *]),
// batch_sizes[t] (int64, on the CPU) the number of sequences still running at step t, and, when
// the batch was sorted by length here, the permutation and its inverse. Plain values (tensor
// handles); thread-safe to read.
#pragma once

#include <optional>
#include <tuple>
#include <vector>

#include "core/tensor.h"

namespace ember {
namespace nn {
namespace utils {
namespace rnn {

// The inverse of a permutation (an int64 index tensor); undefined for undefined.
EMBER_API Tensor invert_permutation(const Tensor& permutation);

class EMBER_API PackedSequence {
 public:
  PackedSequence() = default;
  explicit PackedSequence(Tensor data, Tensor batch_sizes, Tensor sorted_indices = {}, Tensor unsorted_indices = {});

  const Tensor& data() const { return data_; }
  const Tensor& batch_sizes() const { return batch_sizes_; }
  const Tensor& sorted_indices() const { return sorted_indices_; }
  const Tensor& unsorted_indices() const { return unsorted_indices_; }
  bool is_cuda() const { return data_.is_cuda(); }
  bool is_pinned() const { return false; }

  // data converted (batch_sizes stays on the CPU); the same object when nothing changes.
  PackedSequence to(const TensorOptions& options) const;
  PackedSequence cuda() const;
  PackedSequence cpu() const;

 private:
  Tensor data_;
  Tensor batch_sizes_;
  Tensor sorted_indices_;
  Tensor unsorted_indices_;
};

// Packs a padded batch ([T, B, *], or [B, T, *] with batch_first) of sequences of the given
// lengths (1-d, on the CPU). enforce_sorted: lengths must be decreasing (else they are sorted
// here and the permutation kept).
EMBER_API PackedSequence pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first = false,
                                              bool enforce_sorted = true);
// The inverse: the padded batch and the lengths; total_length pads the time dim to that length.
EMBER_API std::tuple<Tensor, Tensor> pad_packed_sequence(PackedSequence sequence, bool batch_first = false,
                                                         double padding_value = 0.0,
                                                         std::optional<int64_t> total_length = std::nullopt);
// Stacks sequences [L_i, *] into [max L, B, *] ([B, max L, *] with batch_first), padded.
EMBER_API Tensor pad_sequence(ArrayRef<Tensor> sequences, bool batch_first = false, double padding_value = 0);
EMBER_API PackedSequence pack_sequence(ArrayRef<Tensor> sequences, bool enforce_sorted = true);

}  // namespace rnn
}  // namespace utils
}  // namespace nn
}  // namespace ember
