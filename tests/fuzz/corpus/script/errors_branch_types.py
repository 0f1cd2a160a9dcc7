def pick(c: bool):
    if c:
        a = 1
    else:
        a = "one"
    return a

def main():
    return pick(True)
