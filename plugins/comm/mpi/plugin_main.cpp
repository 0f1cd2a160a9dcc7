// The mpi comm plugin: registers the "mpi" process-group backend for cpu tensors, over the MPI
// library the plugin was built against (Debian's OpenMPI). Ranks come from MPI (world_info), so a
// job runs as `mpirun -np N PROGRAM` with `collectives: {cpu: mpi}` and needs no MASTER_ADDR.
// No options.
#include <ember/sdk/plugin.h>
#include <ember/sdk/process_group.h>

#include "mpi_group.h"
#include "mpi_runtime.h"

namespace ember_mpi {

namespace {

class MpiBackend : public ember::sdk::ProcessGroupBackend {
 public:
  std::unique_ptr<ember::sdk::ProcessGroup> create(const ember::sdk::GroupSpec& spec) override {
    spec.options->expect_only({});
    return std::make_unique<MpiGroup>(spec);
  }
  bool has_world_info() const override { return true; }
  void world_info(int32_t* rank, int32_t* world_size) override {
    *rank = ember_mpi::world_rank();
    *world_size = ember_mpi::world_size();
  }
};

void init_mpi_plugin(ember::sdk::Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({});
  static MpiBackend backend;  // lives as long as the library (never unloaded)
  reg.process_group_backend(ember::sdk::make_process_group_backend_desc("mpi", "cpu", &backend));
}

}  // namespace

}  // namespace ember_mpi

EMBER_PLUGIN("mpi", "0.1.0", "ember", ember_mpi::init_mpi_plugin)
