def f(x: int, y: int) -> int:
    return x + y

def main():
    return f(1)
