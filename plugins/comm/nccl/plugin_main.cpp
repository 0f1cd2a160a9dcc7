// The nccl comm plugin: registers the "nccl" process-group backend for cuda tensors (select it
// with `collectives: {cuda: nccl}`). Builds against the ABI alone: CUDA tensors, streams and
// devices come from whichever plugin provides the "cuda" device type. No options.
#include <ember/sdk/plugin.h>
#include <ember/sdk/process_group.h>

#include "nccl_group.h"

namespace ember_nccl {

namespace {

class NcclBackend : public ember::sdk::ProcessGroupBackend {
 public:
  std::unique_ptr<ember::sdk::ProcessGroup> create(const ember::sdk::GroupSpec& spec) override {
    spec.options->expect_only({});
    return std::make_unique<NcclGroup>(spec);
  }
};

void init_nccl_plugin(ember::sdk::Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({});
  static NcclBackend backend;  // lives as long as the library (never unloaded)
  reg.process_group_backend(ember::sdk::make_process_group_backend_desc("nccl", "cuda", &backend));
}

}  // namespace

}  // namespace ember_nccl

EMBER_PLUGIN("nccl", "0.1.0", "ember", ember_nccl::init_nccl_plugin)
