#include "nn/utils/rnn.h"

#include <algorithm>
#include <numeric>

#include "generated/functions.h"
#include "ops/tensor_literal.h"

namespace ember {
namespace nn {
namespace utils {
namespace rnn {

namespace {
std::vector<int64_t> host_longs(const Tensor& t) {
  Tensor h = t.to(Device("cpu")).to(kInt64).contiguous().reshape({-1});
  const int64_t* p = h.data_ptr<int64_t>();
  return std::vector<int64_t>(p, p + h.numel());
}
}  // namespace

Tensor invert_permutation(const Tensor& permutation) {
  if (!permutation.defined()) return {};
  std::vector<int64_t> perm = host_longs(permutation), inverse(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inverse[static_cast<size_t>(perm[i])] = static_cast<int64_t>(i);
  return ember::tensor(inverse).to(permutation.device());
}

PackedSequence::PackedSequence(Tensor data, Tensor batch_sizes, Tensor sorted_indices, Tensor unsorted_indices)
    : data_(std::move(data)), batch_sizes_(std::move(batch_sizes)), sorted_indices_(std::move(sorted_indices)) {
  unsorted_indices_ = unsorted_indices.defined() ? std::move(unsorted_indices) : invert_permutation(sorted_indices_);
}

PackedSequence PackedSequence::to(const TensorOptions& options) const {
  Tensor data = data_.to(options);
  if (data.is_same(data_)) return *this;
  Tensor sorted = sorted_indices_.defined() ? sorted_indices_.to(data.device()) : Tensor();
  Tensor unsorted = unsorted_indices_.defined() ? unsorted_indices_.to(data.device()) : Tensor();
  return PackedSequence(data, batch_sizes_, sorted, unsorted);
}
PackedSequence PackedSequence::cuda() const { return to(TensorOptions(Device("cuda"))); }
PackedSequence PackedSequence::cpu() const { return to(TensorOptions(Device("cpu"))); }

PackedSequence pack_padded_sequence(Tensor input, Tensor lengths, bool batch_first, bool enforce_sorted) {
  std::vector<int64_t> lens = host_longs(lengths);
  Tensor sorted_indices;
  if (!enforce_sorted) {
    std::vector<int64_t> order(lens.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return lens[a] > lens[b]; });
    std::vector<int64_t> sorted_lens;
    for (int64_t i : order) sorted_lens.push_back(lens[static_cast<size_t>(i)]);
    lens = sorted_lens;
    sorted_indices = ember::tensor(order).to(input.device());
    input = input.index_select(batch_first ? 0 : 1, sorted_indices);
  }
  EMBER_CHECK(input.numel() > 0, ValueError, "Cannot pack empty tensors.");
  if (batch_first) input = input.transpose(0, 1);
  const int64_t batch = input.size(1);
  EMBER_CHECK(static_cast<int64_t>(lens.size()) == batch, ValueError, "Expected `len(lengths)` to be equal to batch_size, but got ",
              lens.size(), " (batch_size=", batch, ")");
  for (size_t i = 0; i < lens.size(); ++i) {
    EMBER_CHECK(lens[i] > 0, ValueError,
                "Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0");
    EMBER_CHECK(i == 0 || lens[i] <= lens[i - 1], ValueError,
                "`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass "
                "`enforce_sorted=False` to pack_padded_sequence and/or pack_sequence to sidestep this requirement if "
                "you do not need ONNX exportability.");
  }
  EMBER_CHECK(lens.front() <= input.size(0), ValueError, "Expected sequence length to be at most ", input.size(0),
              ", but got ", lens.front());
  std::vector<Tensor> steps;
  std::vector<int64_t> batch_sizes;
  for (int64_t t = 0; t < lens.front(); ++t) {
    int64_t running = 0;
    while (running < batch && lens[static_cast<size_t>(running)] > t) ++running;
    batch_sizes.push_back(running);
    steps.push_back(input.select(0, t).narrow(0, 0, running));
  }
  return PackedSequence(ember::cat(steps, 0), ember::tensor(batch_sizes), sorted_indices, {});
}

std::tuple<Tensor, Tensor> pad_packed_sequence(PackedSequence sequence, bool batch_first, double padding_value,
                                               std::optional<int64_t> total_length) {
  std::vector<int64_t> batch_sizes = host_longs(sequence.batch_sizes());
  int64_t max_length = static_cast<int64_t>(batch_sizes.size());
  if (total_length) {
    EMBER_CHECK(*total_length >= max_length, ValueError,
                "Expected total_length to be at least the length of the longest sequence in input, but got total_length=",
                *total_length, " and max sequence length being ", max_length);
    max_length = *total_length;
  }
  const Tensor& data = sequence.data();
  const int64_t batch = batch_sizes.empty() ? 0 : batch_sizes.front();
  DimVector shape{max_length, batch};
  for (int64_t d = 1; d < data.dim(); ++d) shape.push_back(data.size(d));
  std::vector<Tensor> steps;
  int64_t offset = 0;
  for (int64_t t = 0; t < max_length; ++t) {
    const int64_t bs = t < static_cast<int64_t>(batch_sizes.size()) ? batch_sizes[static_cast<size_t>(t)] : 0;
    Tensor chunk = data.narrow(0, offset, bs);
    offset += bs;
    // constant_pad_nd's list runs from the last dim back: its last pair pads dim 0 (the batch).
    std::vector<int64_t> pad(2 * static_cast<size_t>(data.dim()), 0);
    pad.back() = batch - bs;
    steps.push_back(ember::constant_pad_nd(chunk, pad, padding_value));
  }
  Tensor padded = ember::stack(steps, 0).reshape(shape);
  std::vector<int64_t> lengths(static_cast<size_t>(batch), 0);
  for (int64_t bs : batch_sizes)
    for (int64_t b = 0; b < bs; ++b) ++lengths[static_cast<size_t>(b)];
  Tensor lengths_t = ember::tensor(lengths);
  if (batch_first) padded = padded.transpose(0, 1);
  if (sequence.unsorted_indices().defined()) {
    padded = padded.index_select(batch_first ? 0 : 1, sequence.unsorted_indices());
    lengths_t = lengths_t.index_select(0, sequence.unsorted_indices().to(Device("cpu")));
  }
  return {padded, lengths_t};
}

Tensor pad_sequence(ArrayRef<Tensor> sequences, bool batch_first, double padding_value) {
  EMBER_CHECK(!sequences.empty(), ValueError, "received an empty list of sequences");
  int64_t max_len = 0;
  for (const Tensor& s : sequences) max_len = std::max(max_len, s.size(0));
  std::vector<Tensor> padded;
  for (const Tensor& s : sequences) {
    std::vector<int64_t> pad(2 * static_cast<size_t>(s.dim()), 0);
    pad.back() = max_len - s.size(0);  // dim 0 is the last pair
    padded.push_back(ember::constant_pad_nd(s, pad, padding_value));
  }
  return ember::stack(padded, batch_first ? 0 : 1);
}

PackedSequence pack_sequence(ArrayRef<Tensor> sequences, bool enforce_sorted) {
  std::vector<int64_t> lengths;
  for (const Tensor& s : sequences) lengths.push_back(s.size(0));
  return pack_padded_sequence(pad_sequence(sequences), ember::tensor(lengths), false, enforce_sorted);
}

}  // namespace rnn
}  // namespace utils
}  // namespace nn
}  // namespace ember
