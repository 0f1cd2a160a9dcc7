// Child processes for `ember launch`: spawning a rank with its environment, and forwarding its
// output line by line with a "[rank N] " prefix.
//
// Ownership: a RankProcess owns its pipes; the launcher owns the RankProcesses.
// Thread-safety: used by the launcher's single thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace ember {
namespace cli {

// Collects bytes from a pipe and writes complete lines, prefixed, to an output descriptor.
class LinePrefixer {
 public:
  LinePrefixer(std::string prefix, int out_fd) : prefix_(std::move(prefix)), out_fd_(out_fd) {}
  void feed(const char* data, size_t n);
  void flush();  // the last line, when the pipe closed without a newline

 private:
  void write_line(const std::string& line);
  std::string prefix_;
  int out_fd_;
  std::string pending_;
};

struct RankProcess {
  int rank = 0;
  pid_t pid = -1;
  int stdout_fd = -1;  // read ends; -1 once closed
  int stderr_fd = -1;
  LinePrefixer out{"", 1};
  LinePrefixer err{"", 2};
  bool exited = false;
  int wait_status = 0;  // from waitpid
};

// Starts argv with the current environment plus `env` (NAME=value entries override), its stdout
// and stderr going to pipes. Throws ember::RuntimeError when fork or pipe fails; a program that
// cannot be executed exits with status 127 after saying why on its stderr.
RankProcess spawn_rank(int rank, const std::vector<std::string>& argv, const std::vector<std::string>& env);

// "exited with status 3", "killed by signal 9 (SIGKILL)".
std::string describe_wait_status(int status);
// The launcher's own exit code for a rank's wait status: its exit status, or 128 + signal.
int exit_code_of(int status);
bool failed(int status);

}  // namespace cli
}  // namespace ember
