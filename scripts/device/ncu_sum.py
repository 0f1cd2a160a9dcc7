#!/usr/bin/env python3
"""GPU time per kernel from an Nsight Compute CSV (--metrics gpu__time_duration.sum --csv).

Usage: ncu_sum.py FILE.csv [TOP]. Prints the total, time per category (convolutions and GEMMs,
batch norm, elementwise, reductions, other), the one-block launches (grid (1, 1, 1): per-scalar
or per-channel bookkeeping, whose count matters more than their size), the steady-state period
(the shortest shift after which the kernel sequence repeats) and the TOP kernels by time. When the window holds
ember's multi-tensor SGD launches, also the number of optimizer steps it spans, so that windows of
different lengths compare per step."""
import collections
import csv
import io
import sys

CATEGORIES = [
    ("conv/gemm", ("xmma", "cutlass", "conv", "dgrad", "wgrad", "fprop", "gemm", "sm90", "implicit")),
    ("batch norm", ("bn_", "batch_norm", "batchnorm")),
    ("optimizer", ("fused_sgd", "sgd", "adam", "multi_tensor")),
    ("reduction", ("reduce", "softmax", "nll", "loss")),
    ("elementwise", ("elementwise", "e_contig", "e_strided", "e_", "vectorized", "unrolled", "copy")),
]


def category(name):
    low = name.lower()
    for label, keys in CATEGORIES:
        if any(k in low for k in keys):
            return label
    return "other"


def main():
    text = open(sys.argv[1]).read()
    text = text[text.index('"ID"'):]
    rows = list(csv.DictReader(io.StringIO(text)))
    scale = {"ns": 1, "nsecond": 1, "usecond": 1e3, "us": 1e3, "msecond": 1e6, "ms": 1e6}
    tot, cnt = collections.Counter(), collections.Counter()
    cat_t, cat_n = collections.Counter(), collections.Counter()
    for r in rows:
        v = float(r["Metric Value"].replace(",", "")) * scale.get(r["Metric Unit"], 1)
        name = r["Kernel Name"][:110]
        tot[name] += v
        cnt[name] += 1
        cat_t[category(name)] += v
        cat_n[category(name)] += 1
    total = sum(tot.values())
    tiny = [r for r in rows if r.get("Grid Size", "").replace(" ", "") == "(1,1,1)"]
    tiny_t = sum(float(r["Metric Value"].replace(",", "")) * scale.get(r["Metric Unit"], 1) for r in tiny)
    steps = sum(n for k, n in cnt.items() if "fused_sgd" in k)
    print("%d kernels, %.2f ms%s" % (len(rows), total / 1e6, ", %d optimizer launches" % steps if steps else ""))
    for label, v in cat_t.most_common():
        print("  %-12s %8.2f ms %5.1f%% %6d launches" % (label, v / 1e6, 100 * v / total, cat_n[label]))
    print("  %-12s %8.2f ms %5.1f%% %6d launches" % ("one-block", tiny_t / 1e6, 100 * tiny_t / max(total, 1), len(tiny)))
    names = [(r["Kernel Name"], r.get("Grid Size", "")) for r in rows]
    for p in range(50, len(names) - 199):  # at least 200 kernels of overlap
        same = sum(1 for i in range(len(names) - p) if names[i] == names[i + p])
        if same >= 0.9 * (len(names) - p):
            step_t = sum(float(r["Metric Value"].replace(",", "")) * scale.get(r["Metric Unit"], 1) for r in rows[:p])
            print("  period: %d kernels, %.2f ms of kernel time" % (p, step_t / 1e6))
            break
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    for k, v in tot.most_common(top):
        print("%7.2f ms %5.1f%% %5d  %s" % (v / 1e6, 100 * v / total, cnt[k], k))


if __name__ == "__main__":
    main()
