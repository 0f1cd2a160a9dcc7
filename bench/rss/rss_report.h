// Shared by the peak-memory programs: VmRSS / VmHWM of this process from /proc/self/status, and
// the one line the benchmark (bench_support.cpp run_memory_program) parses.
#pragma once

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace ember_bench {

inline long status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(in, line))
    if (line.compare(0, n, key) == 0 && line[n] == ':') return std::stol(line.substr(n + 1));
  return -1;
}

inline void print_memory(long baseline_kb) {
  std::printf("baseline_kb=%ld peak_kb=%ld\n", baseline_kb, status_kb("VmHWM"));
}

}  // namespace ember_bench
