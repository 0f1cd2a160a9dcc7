def main():
    a = 1
    a = "one"
    return a
