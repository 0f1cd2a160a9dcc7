// Internal: the process's distributed state (the default group's world): rank, size, the root
// store, the lifeline to the store's server, the first death any lifeline reported, and the live
// groups (so a death aborts them all). And GroupFailureExplainer, which uses it to word errors.
//
// Thread-safety: every member function locks; the lifeline's thread calls record_death.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "distributed/backend_group.h"
#include "distributed/store.h"
#include "distributed/tcp_store.h"

namespace ember {
namespace distributed {

class ProcessGroup;

namespace detail {

class World {
 public:
  static World& get();

  // The first death wins; every registered group is aborted with it.
  void record_death(int rank, const std::string& reason);
  // Waits up to timeout for a death; returns whether one was recorded (and what it was).
  bool death(Milliseconds timeout, int* rank, std::string* reason);
  bool has_lifeline();

  void add_group(ProcessGroup* group);
  void remove_group(ProcessGroup* group);

  std::mutex mutex;
  bool initialized = false;
  int rank = 0;
  int world_size = 1;
  std::shared_ptr<Store> store;                   // the root store (null for MPI-only jobs)
  std::unique_ptr<StoreLifeline> lifeline;
  TCPStore* hosted_store = nullptr;               // set when this process runs the store's server
  std::shared_ptr<ProcessGroup> default_group;
  int next_group_id = 1;
  std::vector<std::pair<std::string, std::string>> backends;  // of the default group
  Milliseconds timeout{1800000};
  DebugLevel debug = DebugLevel::Off;

 private:
  std::mutex death_mutex_;
  // Held while record_death aborts the groups, and by remove_group: a group being destroyed
  // waits until an abort that may be running on it has returned.
  std::mutex aborting_mutex_;
  std::condition_variable death_cv_;
  bool dead_ = false;
  int dead_rank_ = -1;
  std::string dead_reason_;
  std::set<ProcessGroup*> groups_;
};

class GroupFailureExplainer : public FailureExplainer {
 public:
  GroupFailureExplainer(std::string group, int rank, std::vector<int32_t> global_ranks, std::shared_ptr<Store> store)
      : group_(std::move(group)), rank_(rank), global_ranks_(std::move(global_ranks)), store_(std::move(store)) {}
  std::exception_ptr explain(const OpInfo& op, int32_t code, const std::string& message) override;

 private:
  // Timeouts: asks the other ranks (through the store) what they were doing at op.
  std::string compare_with_peers(const OpInfo& op);
  std::string group_;
  int rank_;
  std::vector<int32_t> global_ranks_;
  std::shared_ptr<Store> store_;
};

}  // namespace detail
}  // namespace distributed
}  // namespace ember
