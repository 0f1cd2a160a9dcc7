// libember_sampler.so: a sampling CPU profiler for machines without perf (the GPU device machine
// has no perf, gdb or strace). LD_PRELOAD it and set EMBER_SAMPLER_OUT=<file>: every millisecond
// of process CPU time (ITIMER_PROF) the running thread records its call stack; at exit the stacks
// are written one per line as "count lib+0xoffset;lib+0xoffset;..." (innermost first), which
// bench/sampler/summarize.py symbolizes with addr2line and folds into self / inclusive tables.
//
// EMBER_SAMPLER_CLOCK=wall samples the main thread every millisecond of wall time instead,
// running or blocked (a helper thread signals it): for host-bound GPU programs, and for
// machines whose kernel does not deliver ITIMER_PROF's signal (the device machine's gave none).
// EMBER_SAMPLER_START_MS delays sampling (to skip start-up). Thread-safety: the signal handler
// only claims a slot with an atomic counter and unwinds into it; everything else runs in the
// destructor after the timer is stopped. Samples beyond kMaxSamples are counted, not kept.
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kMaxFrames = 40;
constexpr size_t kMaxSamples = 1 << 17;

struct Sample {
  int depth;
  void* frames[kMaxFrames];
};

Sample* g_samples = nullptr;
std::atomic<size_t> g_next{0};
std::atomic<bool> g_on{false};
std::atomic<bool> g_stop{false};
std::atomic<size_t> g_signals_sent{0};
const char* g_out = nullptr;
bool g_wall = false;
std::thread* g_ticker = nullptr;

void on_prof(int, siginfo_t*, void*) {
  if (!g_on.load(std::memory_order_relaxed)) return;
  const size_t i = g_next.fetch_add(1, std::memory_order_relaxed);
  if (i >= kMaxSamples) return;
  const int saved = errno;
  g_samples[i].depth = backtrace(g_samples[i].frames, kMaxFrames);
  errno = saved;
}

void set_timer(long usec) {
  itimerval t{};
  t.it_interval.tv_usec = usec;
  t.it_value.tv_usec = usec;
  setitimer(ITIMER_PROF, &t, nullptr);
}

// "lib+0xoffset" of a return address (the call site: one byte before it).
std::string place(void* address, bool innermost) {
  const auto pc = reinterpret_cast<uintptr_t>(address) - (innermost ? 0 : 1);
  Dl_info info{};
  char buffer[600];
  if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_fname) {
    std::snprintf(buffer, sizeof buffer, "%s+0x%lx", info.dli_fname,
                  static_cast<unsigned long>(pc - reinterpret_cast<uintptr_t>(info.dli_fbase)));
  } else {
    std::snprintf(buffer, sizeof buffer, "?+0x%lx", static_cast<unsigned long>(pc));
  }
  return buffer;
}

__attribute__((constructor)) void start() {
  g_out = std::getenv("EMBER_SAMPLER_OUT");
  if (!g_out) return;
  g_samples = static_cast<Sample*>(std::calloc(kMaxSamples, sizeof(Sample)));
  if (!g_samples) return;
  void* warm[4];
  backtrace(warm, 4);  // loads libgcc's unwinder outside the handler
  struct sigaction sa{};
  sa.sa_sigaction = on_prof;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGPROF, &sa, nullptr);
  const char* delay = std::getenv("EMBER_SAMPLER_START_MS");
  const long start_ms = delay ? std::atol(delay) : 0;
  g_on = start_ms == 0;
  const char* clock = std::getenv("EMBER_SAMPLER_CLOCK");
  g_wall = clock && std::string(clock) == "wall";
  if (g_wall) {
    const pthread_t main_thread = pthread_self();
    g_ticker = new std::thread([main_thread] {
      while (!g_stop.load()) {
        timespec ms{0, 1000000};
        nanosleep(&ms, nullptr);
        if (g_on.load()) {
          pthread_kill(main_thread, SIGPROF);
          g_signals_sent.fetch_add(1);
        }
      }
    });
  } else {
    set_timer(1000);
  }
  if (start_ms > 0) {
    // The first samples are dropped until the delay passes (measured in process CPU time is not
    // what the user means; wall time is).
    static timeval begin;
    gettimeofday(&begin, nullptr);
    struct sigaction alarm{};
    alarm.sa_handler = [](int) { g_on = true; };
    sigemptyset(&alarm.sa_mask);
    sigaction(SIGALRM, &alarm, nullptr);
    itimerval t{};
    t.it_value.tv_sec = start_ms / 1000;
    t.it_value.tv_usec = (start_ms % 1000) * 1000;
    setitimer(ITIMER_REAL, &t, nullptr);
  }
}

__attribute__((destructor)) void finish() {
  if (!g_out || !g_samples) return;
  g_on = false;
  if (g_wall) {
    g_stop = true;
    g_ticker->join();
  } else {
    set_timer(0);
  }
  const size_t taken = g_next.load();
  // A process that took no sample (a wrapper such as `timeout` that inherited LD_PRELOAD and
  // exits after the program it ran) must not overwrite the program's stacks.
  if (taken == 0) return;
  const size_t kept = taken < kMaxSamples ? taken : kMaxSamples;
  std::map<std::string, size_t> stacks;
  for (size_t i = 0; i < kept; ++i) {
    const Sample& s = g_samples[i];
    // Frames 0-1 are this handler and the signal trampoline; frame 2 is the interrupted pc.
    std::string line;
    for (int f = 2; f < s.depth; ++f) {
      if (!line.empty()) line += ';';
      line += place(s.frames[f], f == 2);
    }
    ++stacks[line];
  }
  FILE* out = std::fopen(g_out, "w");
  if (!out) return;
  std::fprintf(out, "# samples %zu kept %zu period_us 1000 clock %s signals_sent %zu\n", taken, kept,
               g_wall ? "wall" : "cpu", g_signals_sent.load());
  for (const auto& [stack, count] : stacks) std::fprintf(out, "%zu %s\n", count, stack.c_str());
  std::fclose(out);
}

}  // namespace
