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
# --- golden driver ---
import contextlib
import io
import warnings

# The seed's trace + script mix. foo is traced (ember traces the same operations from C++);
# bar, in the dialect above, calls the traced foo; baz, traced, calls the script function
# flip_if_negative, whose control flow the trace keeps.
def foo(x, t):
    y = x.mm(x)
    print(y)  # still works!
    return y + t


x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
t = torch.tensor([0.5, -1.0])
with contextlib.redirect_stdout(io.StringIO()):  # foo's print runs while tracing
    foo = torch.jit.trace(foo, (x, t))
record("graph.foo", foo.graph)
record("output.foo", foo(x, t))
bar_scripted = torch.jit.script(bar)
record("graph.bar", bar_scripted.graph)
record("code.bar", bar_scripted.code)
record("output.bar", bar_scripted(torch.tensor([[0.1, 0.2], [0.3, 0.4]]), torch.tensor(0.5)))


def baz_eager(x, b):
    return flip_if_negative(x.mm(x) - b) + x


baz = torch.jit.trace(baz_eager, (x, torch.tensor(20.0)))
record("graph.baz", baz.graph)
record("output.baz_small", baz(x, torch.tensor(20.0)))
record("output.baz_large", baz(x, torch.tensor(1.0)))


def warns(x):
    if x.sum() > 0:
        return x * x
    return x


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    traced_warns = torch.jit.trace(warns, (x,))
record("warning.bool", "\n".join(str(w.message) for w in caught))
record("graph.warns", traced_warns.graph)
