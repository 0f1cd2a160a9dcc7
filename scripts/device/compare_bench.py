#!/usr/bin/env python3
"""Side-by-side table of ember's GPU benchmarks (Google Benchmark JSON from ember_cuda_bench) and
PyTorch's (JSON lines from torch_cuda_bench.py and libtorch_cuda_bench.cpp).
Ratio: ember's time / PyTorch's (below 1 is faster); throughput targets come from issue 9.
Usage: compare_bench.py EMBER_JSON TORCH_JSON [LIBTORCH_JSON]"""
import json
import re
import os
import sys

NAMES = {
    "BM_Add": "add", "BM_Exp": "exp", "BM_Tanh": "tanh", "BM_Gelu": "gelu", "BM_Sum": "sum",
    "BM_Softmax": "softmax", "BM_MatmulFloat32": "matmul_float32", "BM_MatmulBFloat16": "matmul_bfloat16",
    "BM_ResNet50Forward/1": "resnet50_forward_b1", "BM_ResNet50Forward/64": "resnet50_forward_b64",
    "BM_ResNet50TrainStep": "resnet50_train_b64", "BM_SmallOpHostCost": "host_small_op",
    "BM_ResNet50TrainStepCudnnBenchmark": "resnet50_train_b64_cudnn_benchmark",
    "BM_ResNet50TrainStepAutocastBF16": "resnet50_train_b64_autocast_bf16",
}
# Target: ember time <= target * PyTorch time (from the throughput and time bounds).
TARGET = {"add": 1 / 0.97, "exp": 1 / 0.97, "tanh": 1 / 0.97, "gelu": 1 / 0.97, "sum": 1 / 0.97, "softmax": 1.0,
          "matmul_float32": 1 / 0.97, "matmul_bfloat16": 1 / 0.97, "resnet50_forward_b1": 1.05,
          "resnet50_forward_b64": 1.05, "resnet50_train_b64": 1.05, "resnet50_train_b64_autocast_bf16": 1.05,
          "host_small_op": 0.5}
UNIT = {"ms": 1.0, "us": 1e-3, "ns": 1e-6}


def ember_results(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        data = json.load(f)
    for b in data.get("benchmarks", []):
        name = re.sub(r"/(manual_time|real_time|iterations:\d+|repeats:\d+)", "", b["name"])
        agg = b.get("aggregate_name")
        if agg and agg != "median":
            continue
        name = name.replace("_median", "")
        key = NAMES.get(name)
        if key is None or b.get("error_occurred"):
            continue
        r = {"ms": b["real_time"] * UNIT[b.get("time_unit", "ms")]}
        if "peak_MiB" in b:
            r["peak_mib"] = b["peak_MiB"]
        out[key] = r
    return out


def torch_results(path):
    out = {}
    if not path or not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                out[r["name"]] = r
    return out


def main():
    ember = ember_results(sys.argv[1])
    torch = torch_results(sys.argv[2])
    torch.update(torch_results(sys.argv[3] if len(sys.argv) > 3 else None))
    print(f"{'benchmark':36} {'ember ms':>10} {'torch ms':>10} {'ratio':>7} {'target':>7}  ok   peak MiB e/t")
    for key in list(dict.fromkeys(list(NAMES.values()) + list(torch.keys()))):
        e, t = ember.get(key), torch.get(key)
        if e is None and t is None:
            continue
        em = f"{e['ms']:.4f}" if e else "-"
        tm = f"{t['ms']:.4f}" if t else "-"
        ratio = e["ms"] / t["ms"] if e and t else None
        target = TARGET.get(key)
        ok = "" if ratio is None or target is None else ("yes" if ratio <= target else "NO")
        peak = ""
        if (e and "peak_mib" in e) or (t and "peak_mib" in t):
            peak = f"{e.get('peak_mib', 0) if e else 0:.0f}/{t.get('peak_mib', 0) if t else 0:.0f}"
        print(f"{key:36} {em:>10} {tm:>10} {ratio if ratio is None else round(ratio, 3)!s:>7} "
              f"{'' if target is None else round(target, 3)!s:>7}  {ok:4} {peak}")


if __name__ == "__main__":
    main()
