#!/usr/bin/env python3
"""Prints the criterion medians under TARGET/criterion as markdown tables (one per group),
with each method's ratio to the group's reference (`generated`, `minimize` or the first).

    python3 benches/criterion_tables.py [TARGET_DIR]   # default: $CARGO_TARGET_DIR or target
"""
import json
import os
import sys
from collections import defaultdict

target = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("CARGO_TARGET_DIR", "target")
root = os.path.join(target, "criterion")


def fmt(ns):
    if ns < 1e3:
        return f"{ns:.1f} ns"
    if ns < 1e6:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns / 1e6:.2f} ms"


groups = defaultdict(dict)  # group -> {(method, param): median_ns}
for dirpath, _, files in os.walk(root):
    if "estimates.json" in files and os.path.basename(dirpath) == "new":
        with open(os.path.join(dirpath, "benchmark.json")) as f:
            bench = json.load(f)
        with open(os.path.join(dirpath, "estimates.json")) as f:
            median = json.load(f)["median"]["point_estimate"]
        method = bench["function_id"]
        param = bench.get("value_str") or ""
        groups[bench["group_id"]][(method, param)] = median

for group in sorted(groups):
    results = groups[group]
    params = sorted({p for _, p in results}, key=lambda p: (len(p), p))
    methods = []
    for m, _ in sorted(results):
        if m not in methods:
            methods.append(m)
    reference = next((r for r in ("generated", "minimize") if r in methods), methods[0])
    methods.sort(key=lambda m: (m != reference, m))
    print(f"\n#### {group}\n")
    head = [f"n = {p}" if p else "median" for p in params]
    print("| method | " + " | ".join(f"{h} | ÷ {reference}" for h in head) + " |")
    print("| --- | " + " | ".join("---: | ---:" for _ in head) + " |")
    for m in methods:
        cells = []
        for p in params:
            t, r = results.get((m, p)), results.get((reference, p))
            if t is None:
                cells += ["–", "–"]
            else:
                cells += [fmt(t), f"{t / r:.2f}" if r else "–"]
        print(f"| {m} | " + " | ".join(cells) + " |")
