def main():
    xs: List[int] = []
    xs.append("a")
    return xs
