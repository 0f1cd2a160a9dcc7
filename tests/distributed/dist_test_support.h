// Running ranks from the distributed tests: commands through `ember launch` (or mpirun), with a
// wall-clock limit (coreutils timeout), returning the exit status and the combined output.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace dist_test {

struct Run {
  int status = -1;        // the command's exit status
  std::string output;     // stdout and stderr
  double seconds = 0;
};

inline Run run_command(const std::string& command, int limit_seconds = 120) {
  Run r;
  auto start = std::chrono::steady_clock::now();
  std::string full = "timeout -k 5 " + std::to_string(limit_seconds) + " " + command + " 2>&1";
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
  int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

// The build's programs; $EMBER_TEST_CLI, $EMBER_TEST_WORKER and $EMBER_TEST_PLUGINS override them
// where the binaries were moved (the device machine's unpacked archive).
inline std::string from_env(const char* name, const char* built) {
  const char* v = std::getenv(name);
  return v && *v ? v : built;
}
inline std::string launcher() { return from_env("EMBER_TEST_CLI", EMBER_CLI_PATH); }
inline std::string worker() { return from_env("EMBER_TEST_WORKER", EMBER_DIST_WORKER_PATH); }
inline std::string plugin_dir() { return from_env("EMBER_TEST_PLUGINS", EMBER_PLUGIN_DIR); }

// `ember launch --nproc N worker SCENARIO ARGS` with environment assignments in front.
inline Run launch(int nproc, const std::string& scenario, const std::string& env = "", int limit_seconds = 120,
                  const std::string& launch_options = "") {
  return run_command("env " + env + " " + launcher() + " launch --nproc " + std::to_string(nproc) + " " +
                         launch_options + " " + worker() + " " + scenario,
                     limit_seconds);
}

inline int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace dist_test
