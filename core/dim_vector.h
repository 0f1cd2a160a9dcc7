// DimVector: sizes or strides of a tensor. Keeps up to kInlineDims values inline so that
// creating a tensor of ordinary rank costs no heap allocation for its shape.
// Value type; not thread-safe for concurrent mutation (like std::vector).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>

#include "core/array_ref.h"

namespace ember {

class DimVector {
 public:
  static constexpr size_t kInlineDims = 6;

  DimVector() = default;
  explicit DimVector(size_t n, int64_t value = 0) { assign(n, value); }
  DimVector(IntArrayRef values) { assign(values); }  // NOLINT
  DimVector(std::initializer_list<int64_t> il) { assign(IntArrayRef(il)); }
  DimVector(const DimVector& o) { assign(o.ref()); }
  DimVector& operator=(const DimVector& o) {
    if (this != &o) assign(o.ref());
    return *this;
  }
  DimVector(DimVector&& o) noexcept { *this = std::move(o); }
  DimVector& operator=(DimVector&& o) noexcept {
    if (this == &o) return *this;
    if (o.heap_) {
      heap_ = std::move(o.heap_);
      capacity_ = o.capacity_;
      size_ = o.size_;
    } else {
      assign(o.ref());
    }
    o.size_ = 0;
    o.capacity_ = kInlineDims;
    return *this;
  }

  void assign(IntArrayRef values) {
    resize_uninitialized(values.size());
    if (values.size()) std::memmove(data(), values.data(), values.size() * sizeof(int64_t));
  }
  void assign(size_t n, int64_t value) {
    resize_uninitialized(n);
    for (size_t i = 0; i < n; ++i) data()[i] = value;
  }
  void resize(size_t n, int64_t value = 0) {
    size_t old = size_;
    reserve(n);
    for (size_t i = old; i < n; ++i) data()[i] = value;
    size_ = n;
  }
  void push_back(int64_t v) {
    reserve(size_ + 1);
    data()[size_++] = v;
  }
  void insert(size_t pos, int64_t v) {
    reserve(size_ + 1);
    int64_t* d = data();
    std::memmove(d + pos + 1, d + pos, (size_ - pos) * sizeof(int64_t));
    d[pos] = v;
    ++size_;
  }
  void erase(size_t pos) {
    int64_t* d = data();
    std::memmove(d + pos, d + pos + 1, (size_ - pos - 1) * sizeof(int64_t));
    --size_;
  }
  void pop_back() { --size_; }
  void clear() { size_ = 0; }

  int64_t* data() { return heap_ ? heap_.get() : inline_; }
  const int64_t* data() const { return heap_ ? heap_.get() : inline_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  int64_t& operator[](size_t i) { return data()[i]; }
  int64_t operator[](size_t i) const { return data()[i]; }
  int64_t& back() { return data()[size_ - 1]; }
  int64_t* begin() { return data(); }
  int64_t* end() { return data() + size_; }
  const int64_t* begin() const { return data(); }
  const int64_t* end() const { return data() + size_; }
  IntArrayRef ref() const { return IntArrayRef(data(), size_); }
  operator IntArrayRef() const { return ref(); }  // NOLINT
  std::vector<int64_t> vec() const { return std::vector<int64_t>(begin(), end()); }

 private:
  void reserve(size_t n) {
    if (n <= capacity_) return;
    size_t cap = n < 2 * capacity_ ? 2 * capacity_ : n;
    std::unique_ptr<int64_t[]> bigger(new int64_t[cap]);
    if (size_) std::memcpy(bigger.get(), data(), size_ * sizeof(int64_t));
    heap_ = std::move(bigger);
    capacity_ = cap;
  }
  void resize_uninitialized(size_t n) {
    if (n > capacity_) {
      size_ = 0;
      reserve(n);
    }
    size_ = n;
  }

  size_t size_ = 0;
  size_t capacity_ = kInlineDims;
  std::unique_ptr<int64_t[]> heap_;
  int64_t inline_[kInlineDims];
};

}  // namespace ember
