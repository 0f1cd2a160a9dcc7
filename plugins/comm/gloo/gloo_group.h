// GlooGroup: one ember process group on a gloo context (TCP transport, full mesh).
//
// Collectives run on `threads` worker threads (option, default 2 as PyTorch's ProcessGroupGloo)
// in the order they were started; each carries its own tag, so two may be in flight at once.
// Send and recv are posted at start and completed by the waiter (gloo's unbound buffers).
// After a network failure gloo's context is in an unknown state (gloo's docs/errors.md): the
// group closes every connection, so that peers fail fast too, and refuses later operations.
//
// Ownership: the group owns the context and the workers; running tasks share the State, so a
// group destroyed after an abort leaves stuck workers to finish by their deadlines.
// Thread-safety: start is called by one thread at a time (the host serializes it); abort and
// the works may be used from any thread.
#pragma once

#include <gloo/context.h>
#include <gloo/transport/device.h>

#include <memory>
#include <mutex>
#include <string>

#include <ember/sdk/process_group.h>

namespace ember_gloo {

class GlooGroup : public ember::sdk::ProcessGroup {
 public:
  GlooGroup(const ember::sdk::GroupSpec& spec, std::shared_ptr<gloo::transport::Device> device, int threads);
  ~GlooGroup() override;

  std::shared_ptr<ember::sdk::Work> start(const ember_collective_desc& desc) override;

  struct State {
    std::shared_ptr<gloo::Context> context;
    std::mutex mutex;
    std::string failure;  // set by the first failed operation: the group is unusable after it
    // Closes every connection (peers then fail fast).
    void close_connections();
  };

 protected:
  void on_abort(const std::string& reason) override;

 private:
  std::shared_ptr<ember::sdk::Work> start_p2p(const ember_collective_desc& desc, const std::string& what);
  std::shared_ptr<State> state_;
  std::unique_ptr<ember::sdk::WorkQueue> queue_;
};

}  // namespace ember_gloo
