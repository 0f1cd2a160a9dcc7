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
# --- golden driver ---
# `ember run` / `ember script` on the source above (tests/script/cli_test.cpp). Compiled from
# its text, as the command line tool compiles files.
with open(__file__) as f:
    lines = f.read().split("# --- golden driver ---")[0].split("\n")
# torch.jit.CompilationUnit rejects import lines (ember skips them); blank keeps line numbers.
cu = torch.jit.CompilationUnit("\n".join("" if l.startswith(("import", "from")) else l for l in lines))
record("print.main", captured(cu.main))
record("result.main", cu.main())
record("code.square_all", cu.square_all.code)
record("code.main", cu.main.code)
