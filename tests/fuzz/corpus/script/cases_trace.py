import torch


def bar(x, w):
    y = torch.ones(2, 2)
    for t in x:
        y = foo(y, t)
    return y * w


@torch.jit.script
def flip_if_negative(x):
    if bool(x.sum() < 0):
        return -x
    return x
