import torch
from typing import Dict, List, Optional, Tuple


@torch.jit.script
def loops(n: int) -> int:
    total = 0
    for i in range(n):
        if i == 5:
            break
        total += i
    j = 0
    while j < n:
        j += 3
    return total + j


@torch.jit.script
def break_continue(n: int) -> int:
    total = 0
    for i in range(n):
        if i == 7:
            break
        if i % 2 == 0:
            continue
        total += i
    return total


@torch.jit.script
def ranges(n: int) -> List[int]:
    out: List[int] = []
    for i in range(2, n, 3):
        out.append(i * i)
    return out


@torch.jit.script
def optional_add(x: torch.Tensor, bias: Optional[torch.Tensor]) -> torch.Tensor:
    y = x
    for i in range(2):
        y = torch.tanh(y * y)
    if bias is not None:
        y = y + bias
    return y


@torch.jit.script
def containers(xs: List[int]) -> Tuple[int, Dict[str, int], str]:
    d: Dict[str, int] = {}
    for x in xs:
        d["k" + str(x)] = x * 2
    first, last = xs[0], xs[-1]
    s = "first={} last={}".format(first, last)
    return len(d), d, s


@torch.jit.script
def arithmetic(a: int, b: float) -> Tuple[float, int, int, float, bool]:
    return a / 2, a // 3, -a % 4, b ** 2, a > 3 and b < 1.5


@torch.jit.script
def early_return(x: torch.Tensor, flag: bool) -> torch.Tensor:
    if flag:
        return x + 1
    y = x * 2
    return y


@torch.jit.script
def ternary(x: int) -> str:
    return "big" if x > 10 else "small"


@torch.jit.script
def indexing(x: torch.Tensor) -> torch.Tensor:
    return x[1:, 0] + x[0, :2]


@torch.jit.script
def check(x: int) -> int:
    assert x != 3, "three"
    if x < 0:
        raise ValueError("negative")
    return x


@torch.jit.script
def calls(x: torch.Tensor) -> torch.Tensor:
    return optional_add(x, None) + early_return(x, True)


@torch.jit.script
def main():
    print(loops(10), break_continue(20), ranges(12), arithmetic(7, 1.25), ternary(3))
    print(containers([1, 2, 3]))
    x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    print(indexing(x))
    print(calls(torch.tensor([0.5])))
    print(2.5, 3.0, 1e-5, 1e20, 7, True, None, "s", [1, 2], [1.0, 2.5], (1, "a"))
    print(torch.tensor([1, 2, 3]), torch.tensor(2.5), torch.zeros(2, 0))
    print(torch.tensor([[1e-3, 2.0], [300.0, 4.0]]), torch.tensor([123456789.0, 1.0]))
