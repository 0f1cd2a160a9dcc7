#!/usr/bin/env python3
"""Keeps the include graph pointing one way: core <- dispatcher <- ops <- autograd <- registry.

Each source file belongs to a layer by its directory; a file may include headers of its own layer
and of the layers below it, never above. Plugins see only the SDK (ember/...) and their own
files. Generated headers belong to the layer whose code they describe: generated/tensor_methods.h
is the method list of core's Tensor (declarations only, implemented in ops); the rest of
generated/ is ops, and autograd_kernels_*.cpp is autograd.

Usage: check_layers.py SOURCE_ROOT [GENERATED_DIR]   (exit 1 and one line per violation)
"""
import os
import re
import sys

ORDER = ["core", "dispatcher", "ops", "autograd", "registry"]
RANK = {name: i for i, name in enumerate(ORDER)}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of_header(path):
    top = path.split("/", 1)[0]
    if top == "generated":
        return "core" if path == "generated/tensor_methods.h" else "ops"
    return top if top in RANK else None


def layer_of_source(rel):
    top = rel.split("/", 1)[0]
    return top if top in RANK else None


def sources(root):
    for layer in ORDER:
        for dirpath, _, files in os.walk(os.path.join(root, layer)):
            for f in files:
                if f.endswith((".h", ".cpp")):
                    full = os.path.join(dirpath, f)
                    yield full, os.path.relpath(full, root), layer


def generated_sources(gen_dir):
    d = os.path.join(gen_dir, "generated")
    if not os.path.isdir(d):
        return
    for f in sorted(os.listdir(d)):
        rel = "generated/" + f
        if f.startswith("autograd_kernels"):
            layer = "autograd"
        elif rel == "generated/tensor_methods.h":
            layer = "core"
        else:
            layer = "ops"
        yield os.path.join(d, f), rel, layer


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    root = sys.argv[1]
    files = list(sources(root))
    if len(sys.argv) > 2:
        files += list(generated_sources(sys.argv[2]))
    problems = []
    for full, rel, layer in files:
        with open(full, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for inc in INCLUDE.findall(text):
            target = layer_of_header(inc)
            if target is not None and RANK[target] > RANK[layer]:
                problems.append(f"{rel}: layer '{layer}' includes \"{inc}\" of the higher layer '{target}'")
    plugins = os.path.join(root, "plugins")
    for dirpath, _, fs in os.walk(plugins):
        for f in fs:
            if not f.endswith((".h", ".cpp", ".cu")):
                continue
            full = os.path.join(dirpath, f)
            with open(full, encoding="utf-8", errors="replace") as fh:
                for inc in INCLUDE.findall(fh.read()):
                    if layer_of_header(inc) is not None:
                        problems.append(f"{os.path.relpath(full, root)}: a plugin includes the core's \"{inc}\" "
                                        "(plugins see only the SDK, ember/...)")
    for p in problems:
        print(p)
    if problems:
        print(f"check_layers: {len(problems)} include(s) point up the layer order {' <- '.join(ORDER)}")
        return 1
    print(f"check_layers: {len(files)} files, include graph points one way ({' <- '.join(ORDER)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
