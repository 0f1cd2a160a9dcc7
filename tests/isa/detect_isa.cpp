// Prints the vector instruction sets of the CPU plugin (plugins/cpu/vec/isa.h) that this machine
// supports, one per line; run at configure time by tests/isa/tests.cmake.
#include <cstdio>

int main() {
#if defined(__x86_64__) && defined(__GNUC__)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma"))
    std::puts("avx512");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) std::puts("avx2");
#endif
  std::puts("scalar");
  return 0;
}
