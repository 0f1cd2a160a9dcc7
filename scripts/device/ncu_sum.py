#!/usr/bin/env python3
"""GPU time per kernel from an Nsight Compute CSV (--metrics gpu__time_duration.sum --csv).

Usage: ncu_sum.py FILE.csv [TOP]. Prints the total, time per category (convolutions and GEMMs,
batch norm, elementwise, reductions, other) and the TOP kernels by time. When the window holds
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
    steps = sum(n for k, n in cnt.items() if "fused_sgd" in k)
    print("%d kernels, %.2f ms%s" % (len(rows), total / 1e6, ", %d optimizer launches" % steps if steps else ""))
    for label, v in cat_t.most_common():
        print("  %-12s %8.2f ms %5.1f%% %6d launches" % (label, v / 1e6, 100 * v / total, cat_n[label]))
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    for k, v in tot.most_common(top):
        print("%7.2f ms %5.1f%% %5d  %s" % (v / 1e6, 100 * v / total, cnt[k], k))


if __name__ == "__main__":
    main()
