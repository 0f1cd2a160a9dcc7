// See bench_support.h.
#include "bench_support.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include <ember/ember.h>

extern char** environ;

namespace ember_bench {

ThreadTeam::ThreadTeam(int count) : count_(count < 1 ? 1 : count) {
  for (int i = 1; i < count_; ++i) threads_.emplace_back([this, i] { loop(i); });
}

ThreadTeam::~ThreadTeam() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  start_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void ThreadTeam::loop(int index) {
  uint64_t seen = 0;
  for (;;) {
    const std::function<void(int, int)>* job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      job = job_;
    }
    (*job)(index, count_);
    std::lock_guard<std::mutex> lock(mutex_);
    if (--pending_ == 0) done_cv_.notify_all();
  }
}

void ThreadTeam::run(const std::function<void(int, int)>& f) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &f;
    pending_ = count_ - 1;
    ++generation_;
  }
  start_cv_.notify_all();
  f(0, count_);
  std::unique_lock<std::mutex> lock(mutex_);
  done_cv_.wait(lock, [&] { return pending_ == 0; });
}

BusyCompetitor::BusyCompetitor() {
  pid_ = fork();
  if (pid_ == 0) {
    // The child only spins: no library calls after fork in a multi-threaded parent.
    volatile uint64_t counter = 0;
    for (;;) counter = counter + 1;
  }
  if (pid_ < 0) throw std::runtime_error("fork failed");
  usleep(20000);  // let the scheduler place it before measuring
}

BusyCompetitor::~BusyCompetitor() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

ChildMemory run_memory_program(const char* program, int64_t batch) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  const std::string batch_arg = std::to_string(batch), threads_arg = std::to_string(bench_threads());
  char* child_argv[] = {const_cast<char*>(program), const_cast<char*>(batch_arg.c_str()),
                        const_cast<char*>(threads_arg.c_str()), nullptr};
  pid_t pid;
  const int rc = posix_spawn(&pid, program, &actions, nullptr, child_argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    throw std::runtime_error(std::string("cannot start ") + program);
  }
  std::string output;
  char buffer[256];
  ssize_t got;
  while ((got = read(fds[0], buffer, sizeof buffer)) > 0) output.append(buffer, static_cast<size_t>(got));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  long baseline = -1, peak = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      std::sscanf(output.c_str(), "baseline_kb=%ld peak_kb=%ld", &baseline, &peak) != 2)
    throw std::runtime_error(std::string(program) + " failed: " + output);
  return ChildMemory{baseline / 1024.0, peak / 1024.0};
}

int bench_threads() { return ember::intra_op_threads() > 0 ? ember::intra_op_threads() : 1; }

}  // namespace ember_bench
