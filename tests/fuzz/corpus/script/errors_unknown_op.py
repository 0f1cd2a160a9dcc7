def main():
    x = torch.ones(2)
    return torch.frobnicate(x)
