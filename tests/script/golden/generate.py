#!/usr/bin/env python3
"""Golden outputs for ember's script subsystem, produced by PyTorch (Debian's python3-torch 1.13).

Each case in cases/NAME.py is script-dialect source, then a line '# --- golden driver ---', then
Python that uses PyTorch on the source above it and records what PyTorch prints:

    record(key, text)            stores text as expected/NAME/<key>.txt
    captured(fn, *args)          the text TorchScript's print() wrote while fn ran
    error_of(fn, *args)          str() of the exception fn raised

ember's tests (tests/script/golden_test.cpp) compile the same source (the part before the
driver line, so line numbers agree) and compare. Paths in PyTorch's output are reduced to the
case's file name, as ember is given it.

    /usr/bin/python3 tests/script/golden/generate.py            # rewrite expected/
    /usr/bin/python3 tests/script/golden/generate.py --check    # compare with expected/ (ctest)
"""
import contextlib
import importlib.util
import io
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MARKER = "# --- golden driver ---"


def run_case(path):
    name = os.path.splitext(os.path.basename(path))[0]
    outputs = {}

    def normalize(text):
        # Paths as ember is given them (the file name); classes of the case module at __torch__.
        return text.replace(os.path.abspath(path), os.path.basename(path)).replace(path, os.path.basename(path))

    def record(key, text):
        outputs[key] = normalize(str(text))

    def captured(fn, *args):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            fn(*args)
        return out.getvalue()

    def error_of(fn, *args):
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - any error is the expected output
            return str(e)
        raise AssertionError("expected an error")

    # The case runs as __main__, so its classes and functions are __torch__.Name as in ember.
    spec = importlib.util.spec_from_file_location("__main__", path)
    module = importlib.util.module_from_spec(spec)
    module.record, module.captured, module.error_of = record, captured, error_of
    torch.manual_seed(0)
    saved_main = sys.modules["__main__"]
    sys.modules["__main__"] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules["__main__"] = saved_main
    return name, outputs


def main():
    check = "--check" in sys.argv
    cases = sorted(f for f in os.listdir(os.path.join(HERE, "cases")) if f.endswith(".py"))
    failures = []
    for case in cases:
        name, outputs = run_case(os.path.join(HERE, "cases", case))
        out_dir = os.path.join(HERE, "expected", name)
        if not check:
            os.makedirs(out_dir, exist_ok=True)
            for f in os.listdir(out_dir):
                os.remove(os.path.join(out_dir, f))
        for key, text in sorted(outputs.items()):
            target = os.path.join(out_dir, key + ".txt")
            if check:
                try:
                    with open(target) as f:
                        if f.read() != text:
                            failures.append(target + " differs from what PyTorch prints now")
                except FileNotFoundError:
                    failures.append(target + " is missing")
            else:
                with open(target, "w") as f:
                    f.write(text)
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("%d cases %s" % (len(cases), "match PyTorch" if check else "written"))


if __name__ == "__main__":
    main()
