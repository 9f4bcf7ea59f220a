#!/usr/bin/env python3
"""Benchmark: the whole qprep-prepare pipeline against PyTorch's prepare_fx.

For each size N (ops), the CNN-like graph of sharing_bench.py is prepared by
  * qprep: `qprep-opt --qprep-prepare` (collect + resolve + insert pass times
    from --mlir-timing; parsing apart);
  * PyTorch: Debian's torch 1.13 `prepare_fx` with the default fbgemm
    QConfigMapping on a torch.fx GraphModule of the same shape (1x1 Conv2d
    modules, relu, add, cat), one thread, for sizes up to --torch-max-ops
    (prepare_fx takes minutes at 10k ops here; beyond that only qprep is
    measured).
Prints times, the speed-up where both ran, and the growth of qprep's time
against linear. Target (issue 4): the pipeline under 2 s at 100k ops, near
linear growth. Nothing is asserted.

Usage: prepare_bench.py QPREP_OPT [--sizes 3000,10000,30000,100000] [--torch-max-ops 10001]
"""

import argparse
import math
import operator
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
import sharing_bench as sb


def time_qprep(opt, path, repeat):
    best = {}
    pats = {"parse": r"([\d.]+) \(\s*[\d.]+%\)\s+Parser",
            "collect": r"([\d.]+) \(\s*[\d.]+%\)\s+CollectQSpecsPass",
            "resolve": r"([\d.]+) \(\s*[\d.]+%\)\s+ResolveSharingPass",
            "insert": r"([\d.]+) \(\s*[\d.]+%\)\s+InsertObserversPass"}
    for _ in range(repeat):
        proc = subprocess.run(
            [opt, path, "-allow-unregistered-dialect", "--mlir-timing",
             "--qprep-prepare", "-o", os.devnull],
            capture_output=True, text=True, check=True)
        for key, pat in pats.items():
            m = re.search(pat, proc.stderr)
            if m:
                best[key] = min(best.get(key, 1e9), float(m.group(1)))
    return best


def time_prepare_fx(ops):
    import torch
    import torch.fx
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import prepare_fx

    torch.set_num_threads(1)
    root = torch.nn.Module()
    g = torch.fx.Graph()
    x = g.placeholder("x")
    nodes = []
    val = lambda i: x if i < 0 else nodes[i]
    nconv = 0
    for i, (kind, args) in enumerate(ops):
        if kind == "weight":
            nodes.append(None)  # folded into the conv module
            continue
        if kind == "conv":
            name = f"conv{nconv}"
            nconv += 1
            root.add_module(name, torch.nn.Conv2d(8, 8, 1))
            n = g.create_node("call_module", name, (val(args[0]),), name=f"v{i}")
        elif kind == "relu":
            n = g.create_node("call_function", torch.relu, (val(args[0]),), name=f"v{i}")
        elif kind == "add":
            n = g.create_node("call_function", operator.add,
                              (val(args[0]), val(args[1])), name=f"v{i}")
        else:
            n = g.create_node("call_function", torch.cat,
                              ([val(args[0]), val(args[1])],), {"dim": 1}, name=f"v{i}")
        nodes.append(n)
    g.output(nodes[-1])
    gm = torch.fx.GraphModule(root, g)
    example = (torch.randn(1, 8, 4, 4),)
    t0 = time.perf_counter()
    prepare_fx(gm, get_default_qconfig_mapping("fbgemm"), example)
    return time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qprep_opt")
    p.add_argument("--sizes", default="3000,10000,30000,100000")
    p.add_argument("--torch-max-ops", type=int, default=10001)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in [int(s) for s in args.sizes.split(",")]:
            ops = sb.blocks(n)
            path = os.path.join(d, f"g{n}.mlir")
            with open(path, "w") as f:
                f.write(sb.to_mlir(ops))
            q = time_qprep(args.qprep_opt, path, args.repeat)
            total = q["collect"] + q["resolve"] + q["insert"]
            line = (f"ops={len(ops):7d}  parse={q['parse']:.3f}s  collect={q['collect']:.3f}s  "
                    f"resolve={q['resolve']:.3f}s  insert={q['insert']:.3f}s  prepare={total:.3f}s")
            if len(ops) <= args.torch_max_ops:
                try:
                    pt = time_prepare_fx(ops)
                    line += f"  torch_prepare_fx={pt:.2f}s  speedup={pt / total:.0f}x"
                except Exception as e:  # no torch: no reference
                    line += f"  (no PyTorch reference: {e})"
            print(line, flush=True)
            rows.append((len(ops), total))
    (n0, t0), (n1, t1) = rows[0], rows[-1]
    print(f"growth {n0} -> {n1} ops: time x{t1 / t0:.2f}; linear x{n1 / n0:.2f}; "
          f"n log n x{n1 * math.log(n1) / (n0 * math.log(n0)):.2f}")
    print(f"target at {n1} ops: prepare {t1:.3f}s (< 2 s)")


if __name__ == "__main__":
    main()
