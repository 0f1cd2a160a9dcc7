#!/usr/bin/env python3
"""PyTorch's side of ember_dist_bench (same measurements, same output lines), one process per
rank through torch.multiprocessing:

  python3 torch_dist_bench.py --nproc 2 --backend gloo allreduce 1024 268435456
  python3 torch_dist_bench.py --nproc 2 --backend nccl allreduce 1024 1073741824
  python3 torch_dist_bench.py --nproc 2 --backend gloo ddp cnn 32 20
  python3 torch_dist_bench.py --nproc 2 --backend nccl ddp resnet50 64 20

Bus bandwidth is NCCL's: bytes * 2 (n - 1) / n / time. DDP runs with PyTorch's defaults (25 MiB
buckets, overlap), then with one bucket for the whole model (bucket_cap_mb=10000), as ember's
overlap=False.
"""
import argparse
import os
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F


def sync(t):
    if t.is_cuda:
        torch.cuda.synchronize(t.device)


def allreduce(rank, world, device, lo, hi):
    size = lo
    while size <= hi:
        t = torch.ones(size // 4, device=device)
        iterations = 50 if size <= (1 << 20) else 10 if size <= (16 << 20) else 4
        for _ in range(3):
            dist.all_reduce(t)
        sync(t)
        dist.barrier()
        start = time.perf_counter()
        for _ in range(iterations):
            dist.all_reduce(t)
        sync(t)
        seconds = (time.perf_counter() - start) / iterations
        busbw = size * 2.0 * (world - 1) / world / seconds / 1e9
        if rank == 0:
            print(f"allreduce bytes={size} time_us={seconds * 1e6:.1f} busbw_GBps={busbw:.3f}", flush=True)
        size *= 4


def demo_cnn():
    return nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, 10))


def ddp(rank, world, device, model_name, batch, steps):
    if model_name == "cnn":
        model, shape = demo_cnn(), (batch, 1, 28, 28)
    else:
        import torchvision
        model, shape = torchvision.models.resnet50(), (batch, 3, 224, 224)
    model = model.to(device)
    for overlap in (True, False):
        kwargs = {} if overlap else {"bucket_cap_mb": 10000}
        if device.type == "cuda":
            kwargs["device_ids"] = [device.index]
        net = nn.parallel.DistributedDataParallel(model, **kwargs)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
        x = torch.randn(*shape, device=device)
        y = torch.zeros(batch, dtype=torch.long, device=device)

        def step():
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()

        for _ in range(3):
            step()
        sync(x)
        start = time.perf_counter()
        for _ in range(steps):
            step()
        sync(x)
        ms = (time.perf_counter() - start) * 1e3 / steps
        if rank == 0:
            print(f"ddp model={model_name} batch_per_rank={batch} ranks={world} overlap={int(overlap)} step_ms={ms:.3f}",
                  flush=True)


def run(rank, args, port):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(max(1, (os.cpu_count() or 2) // args.nproc))
    dist.init_process_group(args.backend, rank=rank, world_size=args.nproc)
    device = torch.device(f"cuda:{rank}") if args.backend == "nccl" else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    if args.what == "allreduce":
        allreduce(rank, args.nproc, device, int(args.rest[0]), int(args.rest[1]))
    else:
        ddp(rank, args.nproc, device, args.rest[0], int(args.rest[1]), int(args.rest[2]))
    dist.destroy_process_group()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--nproc", type=int, default=2)
    p.add_argument("--backend", default="gloo")
    p.add_argument("what", choices=["allreduce", "ddp"])
    p.add_argument("rest", nargs="*")
    a = p.parse_args()
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free_port = s.getsockname()[1]
    mp.spawn(run, args=(a, free_port), nprocs=a.nproc)
