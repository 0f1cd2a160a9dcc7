def main():
    x = 1
    break
