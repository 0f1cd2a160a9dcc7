// ember::irange(end) and irange(begin, end): integer ranges for range-for loops, as c10::irange:
//
//   for (const auto i : ember::irange(t.size(0))) { ... }   // i is int64_t when size(0) is
//
// The element type is the common type of the bounds; an end below begin gives an empty range.
// Plain values; thread-safe.
#pragma once

#include <iterator>
#include <type_traits>

namespace ember {

template <typename I>
class IntegerRange {
  static_assert(std::is_integral<I>::value, "irange needs integer bounds");

 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = I;
    using difference_type = std::ptrdiff_t;
    using pointer = const I*;
    using reference = const I&;
    explicit iterator(I value) : value_(value) {}
    const I& operator*() const { return value_; }
    iterator& operator++() {
      ++value_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++value_;
      return old;
    }
    bool operator==(const iterator& o) const { return value_ == o.value_; }
    bool operator!=(const iterator& o) const { return value_ != o.value_; }

   private:
    I value_;
  };

  IntegerRange(I begin, I end) : begin_(begin), end_(end < begin ? begin : end) {}
  iterator begin() const { return iterator(begin_); }
  iterator end() const { return iterator(end_); }
  bool empty() const { return begin_ == end_; }

 private:
  I begin_;
  I end_;
};

template <typename Begin, typename End,
          typename I = std::common_type_t<std::decay_t<Begin>, std::decay_t<End>>>
IntegerRange<I> irange(Begin begin, End end) {
  return IntegerRange<I>(static_cast<I>(begin), static_cast<I>(end));
}

template <typename End>
IntegerRange<std::decay_t<End>> irange(End end) {
  using I = std::decay_t<End>;
  return IntegerRange<I>(I(0), end);
}

}  // namespace ember
