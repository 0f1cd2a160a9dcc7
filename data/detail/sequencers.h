// Sequencers: how a DataLoader with workers hands out results. NoSequencer returns them as they
// come; OrderedSequencer returns them in job order (by Result::sequence_number), buffering early
// ones in a ring of max_jobs slots. Used by the loader's thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

#include "core/error.h"

namespace ember {
namespace data {
namespace detail {
namespace sequencers {

template <typename Result>
struct Sequencer {
  using ResultProducer = std::function<std::optional<Result>()>;
  virtual ~Sequencer() = default;
  virtual std::optional<Result> next(ResultProducer next_result) = 0;
};

template <typename Result>
struct NoSequencer final : public Sequencer<Result> {
  using typename Sequencer<Result>::ResultProducer;
  std::optional<Result> next(ResultProducer next_result) override { return next_result(); }
};

template <typename Result>
struct OrderedSequencer : public Sequencer<Result> {
  using typename Sequencer<Result>::ResultProducer;

  explicit OrderedSequencer(size_t max_jobs) : buffer_(max_jobs) {}

  std::optional<Result> next(ResultProducer next_result) override {
    if (!buffer_.empty()) {
      std::optional<Result>& stashed = slot(next_sequence_number_);
      if (stashed) {
        std::optional<Result> result = std::move(stashed);
        stashed.reset();
        ++next_sequence_number_;
        return result;
      }
    }
    while (std::optional<Result> result = next_result()) {
      if (result->sequence_number == next_sequence_number_) {
        ++next_sequence_number_;
        return result;
      }
      EMBER_CHECK(!buffer_.empty(), RuntimeError, "[OrderedSequencer] result ", result->sequence_number,
                  " arrived out of order, but there is no room to hold it (max_jobs is 0)");
      std::optional<Result>& target = slot(result->sequence_number);
      EMBER_INTERNAL_ASSERT(!target.has_value(), "two results share sequence slot ", result->sequence_number);
      target = std::move(result);
    }
    return std::nullopt;  // the epoch is over
  }

  std::optional<Result>& slot(size_t sequence_number) { return buffer_.at(sequence_number % buffer_.size()); }

  // The sequence number to return next (public for inspection, as libtorch's).
  size_t next_sequence_number_ = 0;
  // Results that came early, at sequence_number % max_jobs.
  std::vector<std::optional<Result>> buffer_;
};

}  // namespace sequencers
}  // namespace detail
}  // namespace data
}  // namespace ember
