import torch


@torch.jit.script
def myfun(x):
    y = x * x
    z = y.tanh()
    return z


@torch.jit.script
def show(x: torch.Tensor):
    print(x)
# --- golden driver ---
record("graph.myfun", myfun.graph)
record("code.myfun", myfun.code)
x = torch.tensor([[0.5, -1.0], [2.0, 0.25]])
record("output.myfun", str(myfun(x)))
record("print.myfun", captured(show, myfun(x)))
