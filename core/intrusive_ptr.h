// Intrusive reference counting: objects derive from RefCounted and are held by IntrusivePtr<T>.
// The count lives in the object, so a handle is one pointer and a copy is one atomic increment.
// Counting is thread-safe; the pointed-to object's own thread-safety is the object's business.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace ember {

class RefCounted {
 public:
  RefCounted() = default;
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;
  virtual ~RefCounted() = default;

  void retain() const { refcount_.fetch_add(1, std::memory_order_relaxed); }
  // Returns true when this was the last reference (the caller then deletes).
  bool release() const { return refcount_.fetch_sub(1, std::memory_order_acq_rel) == 1; }
  uint32_t use_count() const { return refcount_.load(std::memory_order_relaxed); }

 private:
  mutable std::atomic<uint32_t> refcount_{0};
};

template <typename T>
class IntrusivePtr {
 public:
  IntrusivePtr() = default;
  IntrusivePtr(std::nullptr_t) {}  // NOLINT
  // Takes a new reference to p (p may be null).
  explicit IntrusivePtr(T* p) : ptr_(p) {
    if (ptr_) ptr_->retain();
  }
  IntrusivePtr(const IntrusivePtr& o) : ptr_(o.ptr_) {
    if (ptr_) ptr_->retain();
  }
  IntrusivePtr(IntrusivePtr&& o) noexcept : ptr_(o.ptr_) { o.ptr_ = nullptr; }
  template <typename U>
  IntrusivePtr(const IntrusivePtr<U>& o) : IntrusivePtr(static_cast<T*>(o.get())) {}  // NOLINT
  ~IntrusivePtr() { reset(); }

  IntrusivePtr& operator=(const IntrusivePtr& o) {
    IntrusivePtr(o).swap(*this);
    return *this;
  }
  IntrusivePtr& operator=(IntrusivePtr&& o) noexcept {
    IntrusivePtr(std::move(o)).swap(*this);
    return *this;
  }
  void swap(IntrusivePtr& o) noexcept { std::swap(ptr_, o.ptr_); }
  void reset() {
    if (ptr_ && ptr_->release()) delete ptr_;
    ptr_ = nullptr;
  }

  T* get() const { return ptr_; }
  T* operator->() const { return ptr_; }
  T& operator*() const { return *ptr_; }
  explicit operator bool() const { return ptr_ != nullptr; }
  bool operator==(const IntrusivePtr& o) const { return ptr_ == o.ptr_; }
  bool operator!=(const IntrusivePtr& o) const { return ptr_ != o.ptr_; }
  uint32_t use_count() const { return ptr_ ? ptr_->use_count() : 0; }

 private:
  T* ptr_ = nullptr;
};

template <typename T, typename... Args>
IntrusivePtr<T> make_intrusive(Args&&... args) {
  return IntrusivePtr<T>(new T(std::forward<Args>(args)...));
}

}  // namespace ember
