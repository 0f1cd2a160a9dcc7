import torch


@torch.jit.script
def myfun(x):
    y = x * x
    z = y.tanh()
    return z


@torch.jit.script
def show(x: torch.Tensor):
    print(x)
