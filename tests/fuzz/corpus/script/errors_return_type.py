def f(x: int) -> str:
    return x + 1

def main():
    return f(1)
