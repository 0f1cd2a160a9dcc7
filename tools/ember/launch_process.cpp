// Spawning ranks and prefixing their output (see launch_process.h).
#include "tools/ember/launch_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "core/error.h"

extern char** environ;

namespace ember {
namespace cli {

void LinePrefixer::write_line(const std::string& line) {
  std::string text = prefix_ + line;
  const char* p = text.data();
  size_t n = text.size();
  while (n > 0) {
    ssize_t w = ::write(out_fd_, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // our own output is gone; nothing better to do
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void LinePrefixer::feed(const char* data, size_t n) {
  pending_.append(data, n);
  size_t start = 0;
  for (;;) {
    size_t nl = pending_.find('\n', start);
    if (nl == std::string::npos) break;
    write_line(pending_.substr(start, nl - start + 1));
    start = nl + 1;
  }
  pending_.erase(0, start);
}

void LinePrefixer::flush() {
  if (pending_.empty()) return;
  write_line(pending_ + "\n");
  pending_.clear();
}

RankProcess spawn_rank(int rank, const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  EMBER_CHECK(!argv.empty(), ValueError, "[launch] no program to run");
  int out_pipe[2], err_pipe[2];
  EMBER_CHECK(::pipe2(out_pipe, O_CLOEXEC) == 0 && ::pipe2(err_pipe, O_CLOEXEC) == 0, RuntimeError,
              "[launch] pipe failed: ", std::strerror(errno));

  // Everything the child needs is built before fork: only async-signal-safe calls after it.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& o : env) overridden = overridden || o.compare(0, name.size() + 1, name + "=") == 0;
    if (!overridden) env_strings.push_back(entry);
  }
  for (const auto& o : env) env_strings.push_back(o);
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);

  pid_t pid = ::fork();
  EMBER_CHECK(pid >= 0, RuntimeError, "[launch] fork failed: ", std::strerror(errno));
  if (pid == 0) {
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the launcher blocks signals it reads with signalfd
    ::execvpe(args[0], args.data(), envp.data());
    const char* why = std::strerror(errno);
    (void)!::write(2, "ember launch: cannot run ", 25);
    (void)!::write(2, args[0], std::strlen(args[0]));
    (void)!::write(2, ": ", 2);
    (void)!::write(2, why, std::strlen(why));
    (void)!::write(2, "\n", 1);
    ::_exit(127);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RankProcess p;
  p.rank = rank;
  p.pid = pid;
  p.stdout_fd = out_pipe[0];
  p.stderr_fd = err_pipe[0];
  p.out = LinePrefixer("[rank " + std::to_string(rank) + "] ", 1);
  p.err = LinePrefixer("[rank " + std::to_string(rank) + "] ", 2);
  return p;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    const char* abbrev = ::sigabbrev_np(sig);
    return "killed by signal " + std::to_string(sig) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
  }
  return "stopped with wait status " + std::to_string(status);
}

int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

bool failed(int status) { return !(WIFEXITED(status) && WEXITSTATUS(status) == 0); }

}  // namespace cli
}  // namespace ember
