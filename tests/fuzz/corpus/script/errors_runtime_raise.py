def check(n: int) -> int:
    if n > 2:
        raise ValueError("n too big: " + str(n))
    return n

def main():
    for i in range(5):
        check(i)
