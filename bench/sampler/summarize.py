#!/usr/bin/env python3
"""Folds the stacks libember_sampler.so wrote (see sampler.cpp) into tables: time by library,
self time and inclusive time by function (addr2line names; '<lib>' where a library has no
symbols). Usage: summarize.py STACKS [--top N] [--under SUBSTRING] [--libs DIR]
--under keeps only the samples whose stack holds a function whose name contains SUBSTRING;
--libs DIR: a library missing at its recorded path, or stripped there (stacks from the device
machine), is looked up by file name under DIR (e.g. the build folder that was packed)."""
import collections
import os
import subprocess
import sys


def local_copies(root):
    found = {}
    for base, _, files in os.walk(root):
        for f in files:
            found.setdefault(f, os.path.join(base, f))
    return found


def symbolize(places, copies):
    by_lib = collections.defaultdict(list)
    for p in places:
        lib, _, off = p.rpartition("+")
        by_lib[lib].append(off)
    names = {}
    for lib, offs in by_lib.items():
        short = "<" + os.path.basename(lib) + ">"
        result = []
        path = copies.get(os.path.basename(lib), lib)
        if lib != "?" and os.path.exists(path):
            try:
                out = subprocess.run(["addr2line", "-f", "-C", "-e", path] + offs, capture_output=True, text=True,
                                     timeout=300).stdout.splitlines()
                result = out[0::2]
            except (OSError, subprocess.SubprocessError):
                result = []
        for i, off in enumerate(offs):
            name = result[i] if i < len(result) and result[i] != "??" else short
            if name != short and len(name) > 150:
                name = name[:150] + "..."
            names[lib + "+" + off] = (name, short)
    return names


def main():
    args = sys.argv[1:]
    top = 40
    under = None
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if "--under" in args:
        i = args.index("--under")
        under = args[i + 1]
        del args[i:i + 2]
    copies = {}
    if "--libs" in args:
        i = args.index("--libs")
        copies = local_copies(args[i + 1])
        del args[i:i + 2]
    stacks = []
    header = ""
    with open(args[0]) as f:
        for line in f:
            if line.startswith("#"):
                header = line.strip()
                continue
            count, _, stack = line.rstrip("\n").partition(" ")
            stacks.append((int(count), stack.split(";") if stack else []))
    names = symbolize({p for _, s in stacks for p in s}, copies)
    total = 0
    self_t, incl_t, lib_t = collections.Counter(), collections.Counter(), collections.Counter()
    for count, frames in stacks:
        funcs = [names[p][0] for p in frames]
        if under and not any(under in fn for fn in funcs):
            continue
        total += count
        if frames:
            self_t[funcs[0]] += count
            lib_t[names[frames[0]][1]] += count
        for fn in set(funcs):
            incl_t[fn] += count
    print(header, "| shown:", total, "samples" + (" under " + under if under else ""))
    for title, table in (("self time by library", lib_t), ("self time by function", self_t),
                         ("inclusive time by function", incl_t)):
        print("\n##", title)
        for name, count in table.most_common(top):
            print("%6.2f%% %7d  %s" % (100.0 * count / max(total, 1), count, name))


if __name__ == "__main__":
    main()
