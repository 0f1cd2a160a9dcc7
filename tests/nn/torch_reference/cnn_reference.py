#!/usr/bin/env python3
"""Reference values for tests/nn/torch_parity_test.cpp, computed by PyTorch (Debian's
python3-torch 1.13).

Builds a small CNN from a fixed seed, makes a fixed synthetic batch, and trains a few steps with
each optimizer. Writes, in a plain text format that the C++ test reads:

  tensor <name> <dim> <size...> <values...>      one tensor per line (float32 printed with %.9g,
  scalar <name> <value>                           which round-trips exactly)

names: init.<param or buffer>, data.x, data.y, <optim>.loss.<step>, <optim>.final.<param or buffer>

Usage: cnn_reference.py OUTPUT_FILE
"""
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

STEPS = 4


def make_model():
    torch.manual_seed(1234)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1, bias=False),  # BatchNorm follows: a bias would get only rounding noise
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(8, 3),
    )


def make_data():
    g = torch.Generator().manual_seed(99)
    x = torch.randn(6, 1, 8, 8, generator=g)
    y = torch.tensor([0, 1, 2, 1, 0, 2])
    return x, y


def optimizers():
    return {
        "sgd": lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3, nesterov=True),
        "adamw": lambda p: torch.optim.AdamW(p, lr=0.01, betas=(0.9, 0.99), weight_decay=0.05),
    }


def write_tensor(out, name, t):
    t = t.detach().to(torch.float64) if t.is_floating_point() else t.detach()
    values = " ".join(("%.9g" % v) if isinstance(v, float) else str(v) for v in t.reshape(-1).tolist())
    sizes = " ".join(str(s) for s in t.shape)
    out.write("tensor %s %d %s %s\n" % (name, t.dim(), sizes, values))


def main():
    with open(sys.argv[1], "w") as out:
        model = make_model()
        for name, t in model.state_dict().items():
            write_tensor(out, "init." + name, t)
        x, y = make_data()
        write_tensor(out, "data.x", x)
        write_tensor(out, "data.y", y)
        for opt_name, make_opt in optimizers().items():
            model = make_model()
            model.train()
            opt = make_opt(model.parameters())
            for step in range(STEPS):
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
                loss.backward()
                opt.step()
                out.write("scalar %s.loss.%d %.9g\n" % (opt_name, step, loss.item()))
            for name, t in model.state_dict().items():
                write_tensor(out, "%s.final.%s" % (opt_name, name), t)


if __name__ == "__main__":
    main()
