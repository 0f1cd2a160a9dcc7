// data::Iterator<Batch>: the input iterator of a DataLoader. begin() gives a valid iterator that
// fetches its first batch lazily (on the first *, -> or ++); end() a sentinel. A valid iterator
// equals the sentinel once the epoch is exhausted and equals only itself otherwise; copies share
// one position. Misuse (++ or * past the end, or on the sentinel) is a RuntimeError.
#pragma once

#include <cstddef>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <utility>

#include "core/error.h"

namespace ember {
namespace data {
namespace detail {

template <typename Batch>
struct ValidIterator;
template <typename Batch>
struct SentinelIterator;

template <typename Batch>
struct IteratorImpl {
  virtual ~IteratorImpl() = default;
  virtual void next() = 0;
  virtual Batch& get() = 0;
  virtual bool operator==(const IteratorImpl& other) const = 0;
  virtual bool operator==(const ValidIterator<Batch>& other) const = 0;
  virtual bool operator==(const SentinelIterator<Batch>& other) const = 0;
};

template <typename Batch>
struct ValidIterator : public IteratorImpl<Batch> {
  using BatchProducer = std::function<std::optional<Batch>()>;

  explicit ValidIterator(BatchProducer next_batch) : next_batch_(std::move(next_batch)) {}

  void next() override {
    lazy_initialize();
    EMBER_CHECK(batch_.has_value(), RuntimeError, "Attempted to increment iterator past the end");
    batch_ = next_batch_();
  }
  Batch& get() override {
    lazy_initialize();
    EMBER_CHECK(batch_.has_value(), RuntimeError, "Attempted to dereference iterator that was past the end");
    return *batch_;
  }
  bool operator==(const IteratorImpl<Batch>& other) const override { return other == *this; }
  bool operator==(const ValidIterator& other) const override { return &other == this; }
  bool operator==(const SentinelIterator<Batch>& /*other*/) const override {
    lazy_initialize();
    return !batch_.has_value();
  }

 private:
  void lazy_initialize() const {
    if (!initialized_) {
      batch_ = next_batch_();
      initialized_ = true;
    }
  }

  BatchProducer next_batch_;
  mutable std::optional<Batch> batch_;
  mutable bool initialized_ = false;
};

template <typename Batch>
struct SentinelIterator : public IteratorImpl<Batch> {
  void next() override {
    EMBER_FAIL(RuntimeError, "Incrementing the DataLoader's past-the-end iterator is not allowed");
  }
  Batch& get() override {
    EMBER_FAIL(RuntimeError, "Dereferencing the DataLoader's past-the-end iterator is not allowed");
  }
  bool operator==(const IteratorImpl<Batch>& other) const override { return other == *this; }
  bool operator==(const ValidIterator<Batch>& other) const override { return other == *this; }
  bool operator==(const SentinelIterator& /*other*/) const override { return true; }
};

}  // namespace detail

template <typename Batch>
class Iterator {
 public:
  using difference_type = std::ptrdiff_t;
  using value_type = Batch;
  using pointer = Batch*;
  using reference = Batch&;
  using iterator_category = std::input_iterator_tag;

  explicit Iterator(std::unique_ptr<detail::IteratorImpl<Batch>> impl) : impl_(std::move(impl)) {}

  Iterator& operator++() {
    impl_->next();
    return *this;
  }
  Batch& operator*() { return impl_->get(); }
  Batch* operator->() { return &impl_->get(); }
  bool operator==(const Iterator& other) const { return *impl_ == *other.impl_; }
  bool operator!=(const Iterator& other) const { return !(*this == other); }

 private:
  std::shared_ptr<detail::IteratorImpl<Batch>> impl_;
};

}  // namespace data
}  // namespace ember
