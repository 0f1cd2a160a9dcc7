// ThreadCachedAllocation<T>: class-level operator new/delete that recycle T-sized blocks through a
// per-thread free list. Eager code creates and destroys a TensorImpl and a StorageImpl for every
// op result; recycling them avoids two general-purpose malloc/free pairs per op.
//
// Thread-safe: each thread has its own list; a block freed on another thread joins that thread's
// list. Lists are bounded and their blocks return to the heap when the thread exits.
#pragma once

#include <cstddef>
#include <new>

#include "core/export.h"

namespace ember {

template <typename T, size_t kMaxCached = 256>
struct ThreadCachedAllocation {
  static void* operator new(size_t n) {
    FreeList& list = free_list();
    if (n == sizeof(T) && list.count > 0) {
      Block* b = list.head;
      list.head = b->next;
      --list.count;
      return b;
    }
    return ::operator new(n);
  }
  static void operator delete(void* p, size_t n) {
    if (p == nullptr) return;
    FreeList& list = free_list();
    if (n == sizeof(T) && list.count < kMaxCached) {
      Block* b = static_cast<Block*>(p);
      b->next = list.head;
      list.head = b;
      ++list.count;
      return;
    }
    ::operator delete(p);
  }

 private:
  struct Block {
    Block* next;
  };
  struct FreeList {
    Block* head = nullptr;
    size_t count = 0;
    ~FreeList() {
      while (head) {
        Block* next = head->next;
        ::operator delete(head);
        head = next;
      }
    }
  };
  static FreeList& free_list() {
    static thread_local FreeList list EMBER_TLS_FAST;
    return list;
  }
};

}  // namespace ember
