import torch


def helper(x, n: int):
    if n > 0:
        return x * n
    return -x


@torch.jit.script
def caller(x):
    return helper(x, 2) + helper(x, -1)
