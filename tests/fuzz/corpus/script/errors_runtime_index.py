def main():
    xs = [1, 2, 3]
    return xs[5]
