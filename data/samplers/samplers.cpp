#include "data/samplers/samplers.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/error.h"
#include "generated/functions.h"

namespace ember {
namespace data {
namespace samplers {

namespace {

Tensor index_tensor(size_t value) { return ember::full({}, Scalar(static_cast<int64_t>(value)), TensorOptions(kInt64)); }

size_t read_index(serialize::InputArchive& archive, const std::string& key) {
  Tensor t;
  archive.read(key, t, /*is_buffer=*/true);
  EMBER_CHECK(t.numel() == 1, ValueError, "[sampler load] '", key, "' must hold one value, got ", t.numel());
  int64_t v = t.item<int64_t>();
  EMBER_CHECK(v >= 0, ValueError, "[sampler load] '", key, "' is negative (", v, ")");
  return static_cast<size_t>(v);
}

// [begin, begin + min(batch_size, end - begin)) as indices, or nullopt when begin == end.
std::optional<std::vector<size_t>> take_range(size_t& position, size_t end, size_t batch_size) {
  if (position >= end) return std::nullopt;
  size_t n = std::min(batch_size, end - position);
  std::vector<size_t> out(n);
  std::iota(out.begin(), out.end(), position);
  position += n;
  return out;
}

}  // namespace

// ---- SequentialSampler --------------------------------------------------------------------------

void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<size_t>> SequentialSampler::next(size_t batch_size) {
  return take_range(index_, size_, batch_size);
}

void SequentialSampler::save(serialize::OutputArchive& archive) const {
  archive.write("index", index_tensor(index_), /*is_buffer=*/true);
}

void SequentialSampler::load(serialize::InputArchive& archive) { index_ = read_index(archive, "index"); }

// ---- RandomSampler ------------------------------------------------------------------------------

RandomSampler::RandomSampler(int64_t size, ScalarType /*index_dtype*/) {
  EMBER_CHECK(size >= 0, ValueError, "[RandomSampler] size must be non-negative, got ", size);
  reset(static_cast<size_t>(size));
}

void RandomSampler::reset(std::optional<size_t> new_size) {
  indices_.resize(new_size.value_or(indices_.size()));
  std::iota(indices_.begin(), indices_.end(), size_t{0});
  // Seeded from ember's default generator, so that manual_seed fixes the order.
  Tensor seed = ember::randint(int64_t{1} << 31, {2});
  std::seed_seq seq{static_cast<uint32_t>(seed[0].item<int64_t>()), static_cast<uint32_t>(seed[1].item<int64_t>())};
  std::mt19937_64 engine(seq);
  std::shuffle(indices_.begin(), indices_.end(), engine);
  index_ = 0;
}

std::optional<std::vector<size_t>> RandomSampler::next(size_t batch_size) {
  if (index_ >= indices_.size()) return std::nullopt;
  size_t n = std::min(batch_size, indices_.size() - index_);
  std::vector<size_t> out(indices_.begin() + static_cast<std::ptrdiff_t>(index_),
                          indices_.begin() + static_cast<std::ptrdiff_t>(index_ + n));
  index_ += n;
  return out;
}

void RandomSampler::save(serialize::OutputArchive& archive) const {
  archive.write("index", index_tensor(index_), /*is_buffer=*/true);
  Tensor indices = ember::empty({static_cast<int64_t>(indices_.size())}, TensorOptions(kInt64));
  for (size_t i = 0; i < indices_.size(); ++i) static_cast<int64_t*>(indices.data_ptr())[i] = static_cast<int64_t>(indices_[i]);
  archive.write("indices", indices, /*is_buffer=*/true);
}

void RandomSampler::load(serialize::InputArchive& archive) {
  Tensor indices;
  archive.read("indices", indices, /*is_buffer=*/true);
  size_t index = read_index(archive, "index");
  indices = indices.to(kInt64).contiguous();
  EMBER_CHECK(indices.dim() == 1 && index <= static_cast<size_t>(indices.numel()), ValueError,
              "[RandomSampler load] the saved position ", index, " is outside the saved ", indices.numel(), " indices");
  const int64_t* p = static_cast<const int64_t*>(indices.data_ptr());
  indices_.assign(p, p + indices.numel());
  index_ = index;
}

// ---- distributed samplers -----------------------------------------------------------------------

DistributedSampler::DistributedSampler(size_t size, size_t num_replicas, size_t rank, bool allow_duplicates)
    : size_(size), num_replicas_(num_replicas), rank_(rank), allow_duplicates_(allow_duplicates) {
  EMBER_CHECK(num_replicas > 0, ValueError, "[DistributedSampler] num_replicas must be positive");
  EMBER_CHECK(rank < num_replicas, ValueError, "[DistributedSampler] rank ", rank, " is out of range for ", num_replicas,
              " replicas");
}

size_t DistributedSampler::local_sample_count() const {
  return allow_duplicates_ ? (size_ + num_replicas_ - 1) / num_replicas_ : size_ / num_replicas_;
}

DistributedRandomSampler::DistributedRandomSampler(size_t size, size_t num_replicas, size_t rank,
                                                   bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  reset(size_);
}

void DistributedRandomSampler::populate_indices() {
  size_t local = local_sample_count();
  size_t sample_count = num_replicas_ == 1 ? size_ : local * num_replicas_;
  all_indices_.resize(sample_count);
  std::iota(all_indices_.begin(), all_indices_.end(), size_t{0});
  for (size_t i = size_; i < sample_count; ++i) all_indices_[i] = i - size_;  // duplicates fill the last shares
  begin_index_ = rank_ * local;
  end_index_ = begin_index_ + local;
  sample_index_ = begin_index_;
}

void DistributedRandomSampler::reset(std::optional<size_t> new_size) {
  size_ = new_size.value_or(size_);
  populate_indices();
  std::mt19937 engine(static_cast<std::mt19937::result_type>(epoch_));  // the same on every replica
  std::shuffle(all_indices_.begin(), all_indices_.end(), engine);
  sample_index_ = begin_index_;
}

std::optional<std::vector<size_t>> DistributedRandomSampler::next(size_t batch_size) {
  if (sample_index_ >= end_index_) return std::nullopt;
  size_t end = std::min(sample_index_ + batch_size, end_index_);
  std::vector<size_t> out(all_indices_.begin() + static_cast<std::ptrdiff_t>(sample_index_),
                          all_indices_.begin() + static_cast<std::ptrdiff_t>(end));
  sample_index_ = end;
  return out;
}

void DistributedRandomSampler::save(serialize::OutputArchive& archive) const {
  archive.write("sample_index", index_tensor(sample_index_), /*is_buffer=*/true);
  archive.write("epoch", index_tensor(epoch_), /*is_buffer=*/true);
}

void DistributedRandomSampler::load(serialize::InputArchive& archive) {
  size_t sample_index = read_index(archive, "sample_index");
  epoch_ = read_index(archive, "epoch");
  reset(size_);  // the permutation of the loaded epoch
  EMBER_CHECK(sample_index >= begin_index_ && sample_index <= end_index_, ValueError,
              "[DistributedRandomSampler load] the saved position ", sample_index, " is outside this replica's [",
              begin_index_, ", ", end_index_, ")");
  sample_index_ = sample_index;
}

DistributedSequentialSampler::DistributedSequentialSampler(size_t size, size_t num_replicas, size_t rank,
                                                           bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  populate_indices();
}

void DistributedSequentialSampler::populate_indices() {
  size_t local = local_sample_count();
  begin_index_ = rank_ * local;
  end_index_ = begin_index_ + local;
  sample_index_ = begin_index_;
}

void DistributedSequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  populate_indices();
}

std::optional<std::vector<size_t>> DistributedSequentialSampler::next(size_t batch_size) {
  std::optional<std::vector<size_t>> out = take_range(sample_index_, end_index_, batch_size);
  if (out && size_ > 0)
    for (size_t& index : *out) index %= size_;  // positions past the end wrap to the first examples
  return out;
}

void DistributedSequentialSampler::save(serialize::OutputArchive& archive) const {
  archive.write("sample_index", index_tensor(sample_index_), /*is_buffer=*/true);
}

void DistributedSequentialSampler::load(serialize::InputArchive& archive) {
  size_t sample_index = read_index(archive, "sample_index");
  EMBER_CHECK(sample_index >= begin_index_ && sample_index <= end_index_, ValueError,
              "[DistributedSequentialSampler load] the saved position ", sample_index, " is outside this replica's [",
              begin_index_, ", ", end_index_, ")");
  sample_index_ = sample_index;
}

// ---- StreamSampler ------------------------------------------------------------------------------

void StreamSampler::reset(std::optional<size_t> new_size) {
  if (new_size) epoch_size_ = *new_size;
  examples_retrieved_so_far_ = 0;
}

std::optional<BatchSize> StreamSampler::next(size_t batch_size) {
  if (examples_retrieved_so_far_ >= epoch_size_) return std::nullopt;
  size_t n = std::min(batch_size, epoch_size_ - examples_retrieved_so_far_);
  examples_retrieved_so_far_ += n;
  return BatchSize(n);
}

void StreamSampler::save(serialize::OutputArchive& archive) const {
  archive.write("examples_retrieved_so_far", index_tensor(examples_retrieved_so_far_), /*is_buffer=*/true);
}

void StreamSampler::load(serialize::InputArchive& archive) {
  examples_retrieved_so_far_ = read_index(archive, "examples_retrieved_so_far");
}

}  // namespace samplers
}  // namespace data
}  // namespace ember
