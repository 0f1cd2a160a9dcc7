// World and GroupFailureExplainer (see world.h).
#include "distributed/world.h"

#include "core/error.h"
#include "distributed/process_group.h"
#include "distributed/tcp_store_server.h"

namespace ember {
namespace distributed {
namespace detail {

namespace {
// Failure explanation must fit in the 2 s the issue allows after an operation's deadline.
constexpr Milliseconds kDeathGrace{500};
constexpr Milliseconds kPeerReportBudget{1300};
}  // namespace

World& World::get() {
  static World* world = new World();  // leaked: lifeline threads may outlive static destruction
  return *world;
}

void World::record_death(int rank, const std::string& reason) {
  std::set<ProcessGroup*> groups;
  {
    std::lock_guard<std::mutex> lock(death_mutex_);
    if (dead_) return;
    dead_ = true;
    dead_rank_ = rank;
    dead_reason_ = reason;
    groups = groups_;
  }
  death_cv_.notify_all();
  // No group can be destroyed while aborting_mutex_ is held (remove_group takes it), so the
  // groups alive now stay alive through their abort. death_mutex_ is not held: an abort may
  // complete works whose callbacks ask death().
  std::lock_guard<std::mutex> aborting(aborting_mutex_);
  {
    std::lock_guard<std::mutex> lock(death_mutex_);
    groups = groups_;
  }
  for (ProcessGroup* g : groups) g->abort(reason);
}

bool World::death(Milliseconds timeout, int* rank, std::string* reason) {
  std::unique_lock<std::mutex> lock(death_mutex_);
  death_cv_.wait_for(lock, timeout, [&] { return dead_; });
  if (!dead_) return false;
  *rank = dead_rank_;
  *reason = dead_reason_;
  return true;
}

bool World::has_lifeline() {
  std::lock_guard<std::mutex> lock(mutex);
  return lifeline != nullptr;
}

void World::add_group(ProcessGroup* group) {
  std::lock_guard<std::mutex> lock(death_mutex_);
  groups_.insert(group);
}

void World::remove_group(ProcessGroup* group) {
  std::lock_guard<std::mutex> aborting(aborting_mutex_);
  std::lock_guard<std::mutex> lock(death_mutex_);
  groups_.erase(group);
}

std::exception_ptr GroupFailureExplainer::explain(const OpInfo& op, int32_t code, const std::string& message) {
  World& world = World::get();
  int dead = -1;
  std::string reason;
  const int me = rank_ < static_cast<int>(global_ranks_.size()) ? global_ranks_[rank_] : rank_;
  if (world.death(world.has_lifeline() ? kDeathGrace : Milliseconds(0), &dead, &reason)) {
    std::string how;
    std::shared_ptr<Store> root;
    {
      std::lock_guard<std::mutex> lock(world.mutex);
      root = world.store;
    }
    if (root && dead >= 0) {
      try {
        how = root->get_string(std::string(kDeadKey) + "/" + std::to_string(dead) + "/status", Milliseconds(200));
      } catch (...) {
        // No launcher, or it has not reaped the rank yet: the lifeline's reason stands.
      }
    }
    return std::make_exception_ptr(DistributedError(
        "[" + op.name + "] " + op.describe() + " failed on rank " + std::to_string(me) + ": " + reason +
        (how.empty() ? "" : " (the launcher saw rank " + std::to_string(dead) + " " + how + ")") +
        " [backend: " + message + "]"));
  }
  if (code == EMBER_ERROR_TIMEOUT && op.collective && store_) {
    std::string peers = compare_with_peers(op);
    if (!peers.empty())
      return std::make_exception_ptr(TimeoutError("[" + op.name + "] " + op.describe() + " timed out on rank " +
                                                  std::to_string(me) + ": " + peers + " [backend: " + message + "]"));
  }
  // A peer closed its connections without dying (it failed first, reported, and left): what it
  // reported tells whether the ranks disagreed.
  if (code == EMBER_ERROR_DISTRIBUTED && op.collective && store_) {
    std::string peers = compare_with_peers(op);
    if (peers.rfind("ranks called different", 0) == 0)
      return std::make_exception_ptr(DistributedError("[" + op.name + "] " + op.describe() + " failed on rank " +
                                                      std::to_string(me) + ": " + peers + " [backend: " + message + "]"));
  }
  return nullptr;
}

std::string GroupFailureExplainer::compare_with_peers(const OpInfo& op) {
  const std::string prefix = "desync/" + std::to_string(op.sequence_number) + "/";
  const int size = static_cast<int>(global_ranks_.size());
  std::vector<std::string> seen(static_cast<size_t>(size));
  try {
    store_->set(prefix + std::to_string(rank_), op.fingerprint());
  } catch (...) {
    return "";  // the store is gone too; nothing to compare
  }
  auto deadline = std::chrono::steady_clock::now() + kPeerReportBudget;
  bool differ = false;
  std::vector<int> missing;
  for (int r = 0; r < size; ++r) {
    auto left = std::chrono::duration_cast<Milliseconds>(deadline - std::chrono::steady_clock::now());
    try {
      seen[static_cast<size_t>(r)] = store_->get_string(prefix + std::to_string(r), std::max(left, Milliseconds(1)));
      differ = differ || seen[static_cast<size_t>(r)] != op.fingerprint();
    } catch (...) {
      missing.push_back(r);
    }
  }
  auto global = [&](int r) { return std::to_string(r < size ? global_ranks_[static_cast<size_t>(r)] : r); };
  std::string out;
  if (differ) {
    out = "ranks called different collectives or sizes at collective #" + std::to_string(op.sequence_number) + ":";
    for (int r = 0; r < size; ++r)
      if (!seen[static_cast<size_t>(r)].empty()) out += " rank " + global(r) + ": " + seen[static_cast<size_t>(r)] + ";";
  }
  if (!missing.empty()) {
    out += out.empty() ? "" : " ";
    out += "rank";
    out += missing.size() > 1 ? "s" : "";
    for (size_t i = 0; i < missing.size(); ++i) out += (i ? ", " : " ") + global(missing[i]);
    out += missing.size() > 1 ? " have" : " has";
    out += " not reached collective #" + std::to_string(op.sequence_number) +
           " (stuck in an earlier operation, computing, or calling a different number of collectives)";
  }
  if (out.empty()) out = "every rank reached it with the same arguments; the peers or the network are too slow for the timeout";
  return out;
}

}  // namespace detail
}  // namespace distributed
}  // namespace ember
