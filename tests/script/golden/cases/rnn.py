import torch


class RNN(torch.jit.ScriptModule):
    def __init__(self, W_h, U_h, W_y, b_h, b_y):
        super(RNN, self).__init__()
        self.W_h = W_h
        self.U_h = U_h
        self.W_y = W_y
        self.b_h = b_h
        self.b_y = b_y

    @torch.jit.script_method
    def forward(self, x, h):
        y = []
        for t in range(x.size(0)):
            h = torch.tanh(x[t] @ self.W_h + h @ self.U_h + self.b_h)
            y += [torch.tanh(h @ self.W_y + self.b_y)]
            if t % 10 == 0:
                print("stats: ", h.mean(), h.var())
        return torch.stack(y), h
# --- golden driver ---
def grid(*shape):
    n = 1
    for s in shape:
        n *= s
    return ((torch.arange(n, dtype=torch.float32) % 7) - 3.0).reshape(*shape) / 10


rnn = RNN(grid(3, 4), grid(4, 4), grid(4, 2), grid(4), grid(2))
record("graph.forward", rnn.graph)
record("code.forward", rnn.code)
x, h = grid(12, 3), grid(4)
record("print.forward", captured(rnn, x, h))
ys, h_last = rnn(x, h)
record("output.ys", str(ys))
record("output.h", str(h_last))
