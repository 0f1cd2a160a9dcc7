#!/usr/bin/env python3
"""Compares ember_dist_bench's output with torch_dist_bench.py's (the same line format):

  compare_dist_bench.py EMBER_LOG TORCH_LOG [--min-ratio R]
  compare_dist_bench.py EMBER_LOG1,EMBER_LOG2,... TORCH_LOG1,TORCH_LOG2,...   (rounds: medians)

all_reduce lines: bus bandwidth per size and ember / PyTorch (>= R passes); ddp lines: step time
per model and overlap setting, PyTorch / ember (>= 1.0: ember is as fast or faster), and ember's
own gain from overlap (time without / time with). Prints a table; exits 0.
"""
import argparse
import re


def parse(path):
    rows = {}
    for line in open(path, errors="replace"):
        line = re.sub(r"^\[rank \d+\] ", "", line.strip())
        fields = dict(kv.split("=", 1) for kv in line.split()[1:] if "=" in kv)
        if line.startswith("allreduce "):
            rows[("allreduce", int(fields["bytes"]))] = float(fields["busbw_GBps"])
        elif line.startswith("ddp "):
            rows[("ddp", fields["model"], int(fields["ranks"]), int(fields["overlap"]))] = float(fields["step_ms"])
    return rows


def parse_rounds(paths):
    """Several logs of the same measurement (comma-separated): the median of each row."""
    runs = [parse(p) for p in paths.split(",") if p]
    keys = set().union(*runs) if runs else set()
    out = {}
    for k in keys:
        vals = sorted(r[k] for r in runs if k in r)
        n = len(vals)
        out[k] = vals[n // 2] if n % 2 else 0.5 * (vals[n // 2 - 1] + vals[n // 2])
    return out, len(runs)


def size_text(n):
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:g} {unit}"
    return f"{n} B"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ember")
    p.add_argument("torch")
    p.add_argument("--min-ratio", type=float, default=1.0)
    a = p.parse_args()
    (ember, ember_rounds), (torch, torch_rounds) = parse_rounds(a.ember), parse_rounds(a.torch)
    if ember_rounds > 1 or torch_rounds > 1:
        print(f"medians of {ember_rounds} ember and {torch_rounds} PyTorch rounds")
    sizes = sorted(k[1] for k in ember if k[0] == "allreduce")
    if sizes:
        print(f"all_reduce bus bandwidth (GB/s), ember vs PyTorch, pass at >= {a.min_ratio:g}x")
        print(f"{'size':>10} {'ember':>10} {'pytorch':>10} {'ratio':>7}")
        for s in sizes:
            e, t = ember[("allreduce", s)], torch.get(("allreduce", s))
            ratio = e / t if t else float("nan")
            verdict = "" if t is None else ("ok" if ratio >= a.min_ratio else "BELOW")
            print(f"{size_text(s):>10} {e:10.3f} {t if t is not None else float('nan'):10.3f} {ratio:7.2f} {verdict}")
    ddp = sorted(k for k in ember if k[0] == "ddp")
    if ddp:
        print("DDP step time (ms), ember vs PyTorch (ratio = PyTorch / ember; >= 1.0: ember as fast or faster)")
        for k in ddp:
            e, t = ember[k], torch.get(k)
            label = f"{k[1]} x{k[2]} {'overlap' if k[3] else 'one bucket after backward'}"
            ratio = t / e if t else float("nan")
            print(f"  {label:44} ember {e:9.2f}  pytorch {t if t is not None else float('nan'):9.2f}  ratio {ratio:5.2f}")
        for model, ranks in sorted({(k[1], k[2]) for k in ddp}):
            on, off = ember.get(("ddp", model, ranks, 1)), ember.get(("ddp", model, ranks, 0))
            if on and off:
                print(f"  ember overlap gain, {model} x{ranks}: {off:.2f} ms without / {on:.2f} ms with = {off / on:.2f}x")


if __name__ == "__main__":
    main()
