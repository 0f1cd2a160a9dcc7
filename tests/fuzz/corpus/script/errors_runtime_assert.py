def main():
    xs = [1, 2, 3]
    assert len(xs) == 2, "expected two items"
