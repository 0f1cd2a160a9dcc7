#!/usr/bin/env python3
"""Groups a `perf report --stdio --no-children --sort dso,sym` listing of the ResNet-18 benchmark
into the categories docs/PERFORMANCE.md reports (where batch-1 time goes):

  perf record -o r18.data -- build/bin/ember_bench --benchmark_filter='BM_ember_resnet18/1/' \\
      --benchmark_min_time=5
  perf report -i r18.data --stdio --no-children --sort dso,sym | python3 bench/profile_summary.py

Model construction (random initialization) and process start-up are listed apart, since the
benchmark's timed loop excludes them."""
import re
import sys

CATEGORIES = [
    ("setup: model init, start-up", lambda dso, sym: "uniform" in sym or "normal(" in sym or dso.startswith("ld-linux")
     or dso.startswith("libtorch") or dso.startswith("libc10")),
    ("oneDNN JIT code: convolutions, reorders, matmul", lambda dso, sym: dso.startswith("[JIT]")),
    ("oneDNN library code: Winograd transforms, setup", lambda dso, sym: dso.startswith("libdnnl")),
    ("OpenMP runtime: fork/join, barrier spin-waits", lambda dso, sym: dso.startswith("libgomp")),
    ("ember: weight fingerprints", lambda dso, sym: "fingerprint" in sym),
    ("ember: max pooling", lambda dso, sym: "max_pool" in sym),
    ("ember: batch norm", lambda dso, sym: "batch_norm" in sym),
    ("ember: relu, add, other pointwise", lambda dso, sym: dso.startswith("libember_cpu") and "pointwise" in sym),
    ("ember: other CPU plugin code", lambda dso, sym: dso.startswith("libember_cpu")),
    ("ember core: dispatch, allocation, autograd checks", lambda dso, sym: dso.startswith("libember")),
    ("kernel: page faults, scheduling", lambda dso, sym: dso.startswith("[kernel")),
    ("C library: malloc, memcpy", lambda dso, sym: dso.startswith("libc.so") or dso.startswith("libstdc++")),
]


def main():
    totals = {name: 0.0 for name, _ in CATEGORIES}
    other = 0.0
    line_re = re.compile(r"^\s+([0-9.]+)%\s+(\[JIT\] tid \d+|\S+)\s+\[[.k]\]\s+(.*)$")
    for line in sys.stdin:
        m = line_re.match(line)
        if not m:
            continue
        share, dso, sym = float(m.group(1)), m.group(2), m.group(3)
        for name, test in CATEGORIES:
            if test(dso, sym):
                totals[name] += share
                break
        else:
            other += share
    setup = totals[CATEGORIES[0][0]]
    print("%-52s %8s %12s" % ("category", "samples", "of timed"))
    for name, _ in CATEGORIES:
        timed = "" if name == CATEGORIES[0][0] else "%.1f%%" % (100 * totals[name] / max(1e-9, 100 - setup))
        print("%-52s %7.1f%% %12s" % (name, totals[name], timed))
    print("%-52s %7.1f%% %12s" % ("other", other, "%.1f%%" % (100 * other / max(1e-9, 100 - setup))))


if __name__ == "__main__":
    main()
