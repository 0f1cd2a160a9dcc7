import torch


def helper(x, n: int):
    if n > 0:
        return x * n
    return -x


@torch.jit.script
def caller(x):
    return helper(x, 2) + helper(x, -1)
# --- golden driver ---
# Graph passes, text in and text out: each ../passes/NAME.ir names its pass on its first line;
# PyTorch parses it, runs its own pass and prints the result as pass.NAME. inline.caller is
# caller's graph after PyTorch's inlining pass.
import glob
import os

PASSES = {
    "dead_code_elimination": torch._C._jit_pass_dce,
    "constant_propagation": torch._C._jit_pass_constant_propagation,
    "common_subexpression_elimination": torch._C._jit_pass_cse,
    "constant_pooling": torch._C._jit_pass_constant_pooling,
}
for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "passes", "*.ir"))):
    with open(path) as f:
        text = f.read()
    graph = torch._C.parse_ir(text)
    PASSES[text.split("\n")[0].split(": ")[1]](graph)
    record("pass." + os.path.splitext(os.path.basename(path))[0], graph)

inlined = caller.graph.copy()
torch._C._jit_pass_inline(inlined)
record("inline.caller", inlined)
