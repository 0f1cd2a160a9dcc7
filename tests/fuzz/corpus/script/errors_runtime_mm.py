def inner(a, b):
    return a.mm(b)

def outer(a, b):
    c = a + 1
    return inner(c, b)

def main():
    return outer(torch.ones(2, 3), torch.ones(2, 3))
