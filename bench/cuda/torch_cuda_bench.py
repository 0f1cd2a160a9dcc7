#!/usr/bin/env python3
"""PyTorch's side of ember's GPU benchmarks (bench/cuda/cuda_bench.cpp): the same workloads, timed
the same way (CUDA events around each iteration, after warm-up), written as JSON lines
{"name", "ms", plus rates}. TF32 is off for matmul and cuDNN (ember's default; PyTorch's own
default enables it for cuDNN), cudnn.benchmark off (ember's default).

Usage: torch_cuda_bench.py [--out FILE] [--reps N] [--resnet-only]
"""
import argparse
import json
import statistics
import sys

import torch
import torch.nn.functional as F


def timed(fn, reps, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        s = torch.cuda.Event(enable_timing=True)
        e = torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="-")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--resnet-only", action="store_true", help="only the ResNet-50 rows")
    args = ap.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = False
    dev = torch.device("cuda")
    results = []

    def record(name, ms, **rates):
        r = {"name": name, "ms": ms}
        r.update(rates)
        results.append(r)
        print(json.dumps(r), flush=True)

    if not args.resnet_only:
        big = 256 << 20
        a = torch.rand(big, device=dev)
        b = torch.rand(big, device=dev)
        ms = timed(lambda: a + b, args.reps)
        record("add", ms, gbps=3 * 4 * big / ms / 1e6)
        for name, f in (("exp", torch.exp), ("tanh", torch.tanh), ("gelu", F.gelu)):
            ms = timed(lambda: f(a), args.reps)
            record(name, ms, gbps=2 * 4 * big / ms / 1e6)
        ms = timed(lambda: a.sum(), args.reps)
        record("sum", ms, gbps=4 * big / ms / 1e6)
        del a, b
        x = torch.randn(4096, 4096, device=dev)
        ms = timed(lambda: x.softmax(-1), args.reps)
        record("softmax", ms, gbps=2 * 4 * 4096 * 4096 / ms / 1e6)
        for dt, name in ((torch.float32, "matmul_float32"), (torch.bfloat16, "matmul_bfloat16")):
            m1 = torch.randn(8192, 8192, device=dev, dtype=dt)
            m2 = torch.randn(8192, 8192, device=dev, dtype=dt)
            ms = timed(lambda: m1 @ m2, 20)  # as ember's fixed count (cuda_bench.cpp)
            record(name, ms, tflops=2 * 8192 ** 3 / ms / 1e9)
            del m1, m2
    torch.cuda.empty_cache()

    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.resnet50().to(dev)
    model.eval()
    with torch.no_grad():
        for batch in (1, 64):
            inp = torch.randn(batch, 3, 224, 224, device=dev)
            ms = timed(lambda: model(inp), args.reps)
            record(f"resnet50_forward_b{batch}", ms, img_per_s=batch / ms * 1e3)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    inp = torch.randn(64, 3, 224, 224, device=dev)
    tgt = torch.randint(0, 1000, (64,), device=dev)

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(inp), tgt)
        loss.backward()
        opt.step()

    step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    ms = timed(step, args.reps, warmup=2)
    record("resnet50_train_b64", ms, img_per_s=64 / ms * 1e3,
           peak_mib=torch.cuda.max_memory_allocated() / 2 ** 20)

    def step_bf16():
        opt.zero_grad()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            loss = F.cross_entropy(model(inp), tgt)
        loss.backward()
        opt.step()

    step_bf16()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    ms = timed(step_bf16, args.reps, warmup=2)
    record("resnet50_train_b64_autocast_bf16", ms, img_per_s=64 / ms * 1e3,
           peak_mib=torch.cuda.max_memory_allocated() / 2 ** 20)

    # The same float32 step with cuDNN's algorithms timed per shape (ember: set_cudnn_benchmark).
    torch.backends.cudnn.benchmark = True
    step()
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    ms = timed(step, args.reps, warmup=2)
    record("resnet50_train_b64_cudnn_benchmark", ms, img_per_s=64 / ms * 1e3,
           peak_mib=torch.cuda.max_memory_allocated() / 2 ** 20)
    torch.backends.cudnn.benchmark = False

    if args.out != "-":
        with open(args.out, "w") as f:
            for r in results:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    sys.exit(main())
