def pick(c: bool) -> int:
    if c:
        a = 1
    else:
        a = "one"
    return 2

def main():
    print(pick(True))
