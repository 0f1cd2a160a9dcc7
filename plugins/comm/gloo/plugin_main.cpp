// The gloo comm plugin: registers the "gloo" process-group backend for cpu tensors.
//
// Options (the `collectives` entry's `options:` in the configuration):
//   threads: worker threads per group (default 2)
//   iface:   network interface to use (default: $GLOO_SOCKET_IFNAME, else by host name)
//   hostname: address to listen on (default: 127.0.0.1 when MASTER_ADDR is a loopback address,
//             else this machine's host name)
#include <gloo/transport/tcp/device.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <ember/sdk/plugin.h>
#include <ember/sdk/process_group.h>

#include "gloo_group.h"

namespace ember_gloo {

namespace {

std::string default_hostname() {
  const char* master = std::getenv("MASTER_ADDR");
  std::string m = master ? master : "";
  if (m.empty() || m == "localhost" || m.rfind("127.", 0) == 0 || m == "::1") return "127.0.0.1";
  char name[256] = {0};
  if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "127.0.0.1";
  return name;
}

// Blocks SIGPIPE in the calling thread while it lives, so that the threads created meanwhile
// (gloo's transport loop, the group's workers) inherit the block. gloo writes to its TCP pairs
// with writev, and a write to a peer that died raises SIGPIPE, whose default action kills the
// whole process: a surviving rank must instead see EPIPE and report the dead rank (the fault
// tests caught a survivor killed this way). Python, and so PyTorch, ignores SIGPIPE process-wide;
// a plugin must not change the application's disposition, so only gloo's own threads block it.
class SigpipeBlockedForNewThreads {
 public:
  SigpipeBlockedForNewThreads() {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    active_ = ::pthread_sigmask(SIG_BLOCK, &block, &previous_) == 0;
  }
  ~SigpipeBlockedForNewThreads() {
    if (active_) ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  SigpipeBlockedForNewThreads(const SigpipeBlockedForNewThreads&) = delete;
  SigpipeBlockedForNewThreads& operator=(const SigpipeBlockedForNewThreads&) = delete;

 private:
  sigset_t previous_;
  bool active_ = false;
};

class GlooBackend : public ember::sdk::ProcessGroupBackend {
 public:
  std::unique_ptr<ember::sdk::ProcessGroup> create(const ember::sdk::GroupSpec& spec) override {
    const ember::sdk::Options& o = *spec.options;
    o.expect_only({"threads", "iface", "hostname"});
    const int threads = static_cast<int>(o.get<int64_t>("threads", 2));
    if (threads < 1 || threads > 64)
      throw ember::sdk::ValueError(ember::sdk::detail::concat("option 'threads' must be in [1, 64], got ", threads));
    gloo::transport::tcp::attr attr;
    const char* env_iface = std::getenv("GLOO_SOCKET_IFNAME");
    attr.iface = o.get<std::string>("iface", env_iface ? env_iface : "");
    if (attr.iface.empty()) attr.hostname = o.get<std::string>("hostname", default_hostname());
    SigpipeBlockedForNewThreads no_sigpipe;  // for the device's loop thread and the group's workers
    std::shared_ptr<gloo::transport::Device> device;
    try {
      device = gloo::transport::tcp::CreateDevice(attr);
    } catch (const std::exception& e) {
      throw ember::sdk::Error(EMBER_ERROR_DISTRIBUTED,
                              ember::sdk::detail::concat("cannot open a gloo TCP device on ",
                                                         attr.iface.empty() ? attr.hostname : attr.iface, ": ", e.what()));
    }
    return std::make_unique<GlooGroup>(spec, device, threads);
  }
};

void init_gloo_plugin(ember::sdk::Registrar& reg, const ember::sdk::Options& options) {
  options.expect_only({});
  static GlooBackend backend;  // lives as long as the library (never unloaded)
  reg.process_group_backend(ember::sdk::make_process_group_backend_desc("gloo", "cpu", &backend));
}

}  // namespace

}  // namespace ember_gloo

EMBER_PLUGIN("gloo", "0.1.0", "ember", ember_gloo::init_gloo_plugin)
