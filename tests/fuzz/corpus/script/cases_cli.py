import torch
from typing import List


def square_all(xs: List[int]) -> List[int]:
    return [x * x for x in xs]


def main():
    x = torch.ones(2, 2) * 3
    print("sum:", x.sum(), square_all([1, 2, 3]))
    for i in range(3):
        if i % 2 == 1:
            print("odd", i, i / 2)
    return 7
