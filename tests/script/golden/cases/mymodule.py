import torch


class MyModule(torch.jit.ScriptModule):
    def __init__(self, N, M):
        super(MyModule, self).__init__()
        self.weight = torch.nn.Parameter(torch.rand(N, M))

    @torch.jit.script_method
    def forward(self, input):
        if bool(input.sum() > 0):
            output = self.weight.mv(input)
        else:
            output = self.weight + input
        return output


@torch.jit.script
def show(x: torch.Tensor):
    print(x)
# --- golden driver ---
ms = MyModule(3, 4)
with torch.no_grad():
    ms.weight.copy_(torch.arange(12, dtype=torch.float32).reshape(3, 4) / 10)
record("graph.forward", ms.graph)
record("code.forward", ms.code)
positive = torch.tensor([1.0, 2.0, 3.0, 4.0])
negative = torch.tensor([-1.0, -2.0, -3.0, -4.0])
record("output.positive", str(ms(positive).detach()))
record("output.negative", str(ms(negative).detach()))
record("print.positive", captured(show, ms(positive).detach()))
record("print.negative", captured(show, ms(negative).detach()))
record("error.runtime", error_of(ms, torch.ones(111)))
