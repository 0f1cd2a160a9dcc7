// `ember launch`: starts the ranks of a distributed job on this machine (torchrun's role).
//
//   ember launch --nproc N [--nnodes M --node-rank R] [--master-addr A] [--master-port P]
//                [--grace SECONDS] PROGRAM [ARGS...]
//
// Each rank gets MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// NODE_RANK and NNODES in its environment. The launcher of node 0 hosts the job's TCPStore
// (EMBER_STORE_SERVER=launcher tells rank 0 not to host one), so the store outlives any rank.
// Output lines are prefixed "[rank N] ". When a rank fails (non-zero exit or a signal), the
// others get --grace seconds (default 5) to notice and fail on their own, then SIGTERM, then
// SIGKILL 3 s later; the launcher exits with the first failed rank's status (128 + signal for a
// signal) after a message naming it. SIGINT/SIGTERM to the launcher are forwarded to the ranks.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "distributed/tcp_store.h"
#include "tools/ember/commands.h"
#include "tools/ember/launch_process.h"

namespace ember {
namespace cli {

namespace {

using Clock = std::chrono::steady_clock;

struct LaunchOptions {
  int nproc = 1;
  int nnodes = 1;
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;  // 0: the launcher picks a free one (single node only)
  double grace_seconds = 5.0;
  std::vector<std::string> program;
};

int parse_int(const std::string& option, const std::string& value, int min) {
  char* end = nullptr;
  long v = std::strtol(value.c_str(), &end, 10);
  EMBER_CHECK(!value.empty() && *end == '\0' && v >= min && v < (1 << 20), ValueError, "[launch] ", option,
              " expects an integer >= ", min, ", got '", value, "'");
  return static_cast<int>(v);
}

LaunchOptions parse_options(const std::vector<std::string>& args) {
  LaunchOptions o;
  size_t i = 0;
  auto value = [&](const std::string& name) -> std::string {
    EMBER_CHECK(i + 1 < args.size(), ValueError, "[launch] ", name, " needs a value");
    return args[++i];
  };
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.rfind("--", 0) != 0) break;  // the program starts here
    if (a == "--nproc" || a == "--nproc-per-node" || a == "--nproc_per_node") o.nproc = parse_int(a, value(a), 1);
    else if (a == "--nnodes") o.nnodes = parse_int(a, value(a), 1);
    else if (a == "--node-rank" || a == "--node_rank") o.node_rank = parse_int(a, value(a), 0);
    else if (a == "--master-addr" || a == "--master_addr") o.master_addr = value(a);
    else if (a == "--master-port" || a == "--master_port") o.master_port = parse_int(a, value(a), 0);
    else if (a == "--grace") o.grace_seconds = parse_int(a, value(a), 0);
    else EMBER_FAIL(ValueError, "[launch] unknown option '", a, "'");
  }
  o.program.assign(args.begin() + static_cast<long>(i), args.end());
  EMBER_CHECK(!o.program.empty(), ValueError, "[launch] no program given");
  EMBER_CHECK(o.node_rank < o.nnodes, ValueError, "[launch] --node-rank ", o.node_rank, " is not below --nnodes ",
              o.nnodes);
  EMBER_CHECK(o.nnodes == 1 || o.master_port > 0, ValueError,
              "[launch] with --nnodes > 1, every node needs the same --master-addr and --master-port");
  return o;
}

void signal_all(std::vector<RankProcess>& ranks, int sig) {
  for (auto& r : ranks)
    if (!r.exited) ::kill(r.pid, sig);
}

}  // namespace

int run_launch(const std::vector<std::string>& args) {
  LaunchOptions o = parse_options(args);
  const int world_size = o.nproc * o.nnodes;

  // Signals are read from a signalfd in the poll loop below. They are blocked before any thread
  // starts (the store's server), so that no other thread takes SIGCHLD.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  int sfd = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  EMBER_CHECK(sfd >= 0, RuntimeError, "[launch] signalfd failed");

  // Node 0's launcher hosts the store; it outlives every rank, so a rank's death never takes it.
  std::unique_ptr<distributed::TCPStore> store;
  int port = o.master_port;
  if (o.node_rank == 0) {
    store = std::make_unique<distributed::TCPStore>("127.0.0.1", o.master_port, true);
    port = store->port();
  }

  std::vector<RankProcess> ranks;
  for (int local = 0; local < o.nproc; ++local) {
    int rank = o.node_rank * o.nproc + local;
    std::vector<std::string> env = {
        "MASTER_ADDR=" + o.master_addr,        "MASTER_PORT=" + std::to_string(port),
        "RANK=" + std::to_string(rank),        "WORLD_SIZE=" + std::to_string(world_size),
        "LOCAL_RANK=" + std::to_string(local), "LOCAL_WORLD_SIZE=" + std::to_string(o.nproc),
        "NODE_RANK=" + std::to_string(o.node_rank), "NNODES=" + std::to_string(o.nnodes)};
    if (o.node_rank == 0) env.push_back("EMBER_STORE_SERVER=launcher");
    ranks.push_back(spawn_rank(rank, o.program, env));
  }

  const RankProcess* first_failure = nullptr;
  Clock::time_point stop_at{}, kill_at{};
  bool terminated = false, killed = false;
  int interrupted_by = 0;
  size_t running = ranks.size();

  auto begin_stopping = [&](Clock::time_point when) {
    if (stop_at == Clock::time_point{} || when < stop_at) {
      stop_at = when;
      kill_at = when + std::chrono::seconds(3);
    }
  };

  for (;;) {
    bool pipes_open = false;
    std::vector<pollfd> fds{{sfd, POLLIN, 0}};
    std::vector<std::pair<RankProcess*, bool>> owners;  // (rank, is stdout)
    for (auto& r : ranks) {
      if (r.stdout_fd >= 0) fds.push_back({r.stdout_fd, POLLIN, 0}), owners.emplace_back(&r, true);
      if (r.stderr_fd >= 0) fds.push_back({r.stderr_fd, POLLIN, 0}), owners.emplace_back(&r, false);
      pipes_open = pipes_open || r.stdout_fd >= 0 || r.stderr_fd >= 0;
    }
    if (running == 0 && !pipes_open) break;
    int timeout = -1;
    auto now = Clock::now();
    if (stop_at != Clock::time_point{}) {
      auto next = !terminated ? stop_at : kill_at;
      timeout = static_cast<int>(std::max<int64_t>(
          0, std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count() + 1));
      if (killed) timeout = -1;
    }
    ::poll(fds.data(), fds.size(), timeout);

    {
      signalfd_siginfo info;
      while (::read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        if (info.ssi_signo == SIGINT || info.ssi_signo == SIGTERM) {
          interrupted_by = static_cast<int>(info.ssi_signo);
          signal_all(ranks, interrupted_by);
          begin_stopping(Clock::now() + std::chrono::seconds(3));
          terminated = true;  // already sent; next is SIGKILL
          kill_at = Clock::now() + std::chrono::seconds(3);
        }
      }
      int status;
      pid_t pid;
      while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        for (auto& r : ranks) {
          if (r.pid != pid || r.exited) continue;
          r.exited = true;
          r.wait_status = status;
          --running;
          if (failed(status) && !first_failure && !interrupted_by) {
            first_failure = &r;
            if (store) {
              // For the survivors' messages: the launcher knows how the rank ended.
              try {
                store->set("__ember/dead/" + std::to_string(r.rank) + "/status", describe_wait_status(status));
              } catch (...) {
              }
            }
            begin_stopping(Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.grace_seconds * 1000)));
          }
        }
      }
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      auto [r, is_out] = owners[i - 1];
      int& fd = is_out ? r->stdout_fd : r->stderr_fd;
      char buf[65536];
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n > 0) {
        (is_out ? r->out : r->err).feed(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        (is_out ? r->out : r->err).flush();
        ::close(fd);
        fd = -1;
      }
    }
    now = Clock::now();
    if (stop_at != Clock::time_point{} && !terminated && now >= stop_at && running > 0) {
      signal_all(ranks, SIGTERM);
      terminated = true;
    }
    if (terminated && !killed && now >= kill_at && running > 0) {
      signal_all(ranks, SIGKILL);
      killed = true;
    }
  }
  ::close(sfd);

  if (interrupted_by) {
    std::cerr << "ember launch: interrupted by signal " << interrupted_by << "; stopped all ranks\n";
    return 128 + interrupted_by;
  }
  if (first_failure) {
    int stopped = 0;
    for (const auto& r : ranks)
      if (&r != first_failure && WIFSIGNALED(r.wait_status)) ++stopped;
    std::cerr << "ember launch: rank " << first_failure->rank << " (pid " << first_failure->pid << ") failed: "
              << describe_wait_status(first_failure->wait_status);
    if (stopped) std::cerr << "; stopped " << stopped << " other rank" << (stopped == 1 ? "" : "s");
    std::cerr << "\n";
    return exit_code_of(first_failure->wait_status);
  }
  return 0;
}

}  // namespace cli
}  // namespace ember
