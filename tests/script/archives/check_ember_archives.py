#!/usr/bin/env python3
"""PyTorch (Debian's python3-torch 1.13) loads the archives ember saved and computes ember's outputs.

    check_ember_archives.py DIR

DIR holds NAME.pt and NAME.expected.txt pairs written by ember_script_tests
(ArchiveForPyTorch.WritesArchivesAndOutputs): each archive is loaded with torch.jit.load, run on
the inputs of its expected file, compared with ember's outputs (within 1e-5), saved again by
PyTorch and loaded again. Exit status 1 on any difference.
"""
import glob
import io
import os
import sys

import torch


def read_expected(path):
    pairs = []
    with open(path) as f:
        lines = f.read().splitlines()
    for i in range(0, len(lines), 2):
        tensors = []
        for line in lines[i:i + 2]:
            head, values = line.split(":", 1)
            shape = [int(s) for s in head.split()[1].split("x")] if head.split()[1] else []
            tensors.append(torch.tensor([float(v) for v in values.split()], dtype=torch.float32).reshape(shape))
        pairs.append(tuple(tensors))
    return pairs


def main():
    directory = sys.argv[1]
    archives = sorted(glob.glob(os.path.join(directory, "*.pt")))
    if not archives:
        print("no archives in", directory)
        return 1
    failures = 0
    for path in archives:
        name = os.path.splitext(os.path.basename(path))[0]
        module = torch.jit.load(path)
        buffer = io.BytesIO()
        torch.jit.save(module, buffer)
        buffer.seek(0)
        for m, how in ((module, "loaded"), (torch.jit.load(buffer), "re-saved by PyTorch")):
            for x, want in read_expected(os.path.join(directory, name + ".expected.txt")):
                got = m(x)
                if got.shape != want.shape or not torch.allclose(got, want, rtol=0, atol=1e-5):
                    print("MISMATCH", name, how, "\n", got, "\n", want)
                    failures += 1
        print("ok", name, [n for n, _ in module.named_parameters()][:3])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
