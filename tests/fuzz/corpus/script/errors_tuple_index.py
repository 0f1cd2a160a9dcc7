def main():
    t = (1, "a")
    i = 1
    return t[i]
