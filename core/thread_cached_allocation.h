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
    if (n == sizeof(T) && list.count < kMaxCached && !list.thread_exiting) {
      if (!list.cleanup_registered) register_cleanup(list);
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
  // Trivially destructible and constant-initialized, so every access is one initial-exec TLS
  // load: a thread_local with a destructor is reached through a guard that costs a
  // __tls_get_addr call per access (four per 1-element op). The blocks go back to the heap from
  // Cleanup, registered when the thread caches its first block.
  struct FreeList {
    Block* head;
    size_t count;
    bool cleanup_registered;
    bool thread_exiting;  // after Cleanup ran: frees during later thread-exit destructors go to the heap
  };
  struct Cleanup {
    ~Cleanup() {
      FreeList& list = free_list();
      while (list.head) {
        Block* next = list.head->next;
        ::operator delete(list.head);
        list.head = next;
      }
      list.count = 0;
      list.thread_exiting = true;
    }
  };
  static FreeList& free_list() {
    static thread_local FreeList list EMBER_TLS_FAST = {nullptr, 0, false, false};
    return list;
  }
  static void register_cleanup(FreeList& list) {
    static thread_local Cleanup cleanup;  // constructed (its destructor registered) on first pass
    (void)cleanup;
    list.cleanup_registered = true;
  }
};

}  // namespace ember
