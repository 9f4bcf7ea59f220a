#!/usr/bin/env python3
"""Benchmark: qspec collection + sharing resolution on large generated graphs.

For each size N (ops), builds a CNN-like graph (conv -> relu blocks with
residual adds, periodic concats, derived biases, XNNPACK-style sharing),
writes it as annotated MLIR, and measures in the same run:
  * qprep: the qprep-collect-qspecs and qprep-resolve-sharing pass times
    (from --mlir-timing; parsing is reported apart);
  * PyTorch: its own grouping code (the seed prepare.py's
    _get_edge_or_node_to_qspec + _get_edge_or_node_to_group_id +
    _get_obs_or_fq_map, see test/reference/pt2e_reference.py) on a torch.fx
    graph of the same shape, when the seed is available.
Prints times, the speed-up over PyTorch, and how time grows with N against
linear and n log n. Targets (issue 3): < 1 s at 100k ops, growth no worse
than n log n. Nothing is asserted: machines are noisy; read the ratios.

Usage: sharing_bench.py QPREP_OPT [--sizes 10000,30000,100000] [--repeat 3]
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "test", "reference"))

ACT = "#qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 0.000244140625)>"
WT = "#qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>"
BIAS = "#qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_channel_symmetric, ch_axis = 0>"
SH = "#qprep.shared<edge 0>"
T = "tensor<8x8xf32>"


def blocks(n_ops):
    """Yields (kind, operand indices) ops; values are numbered by op index."""
    ops = []
    cur = -1  # function argument
    prev_block = -1
    while len(ops) < n_ops:
        w = len(ops); ops.append(("weight", []))
        b = len(ops); ops.append(("weight", []))
        conv = len(ops); ops.append(("conv", [cur, w, b]))
        relu = len(ops); ops.append(("relu", [conv]))
        cur = relu
        if prev_block >= 0 and len(ops) % 3 == 0:
            add = len(ops); ops.append(("add", [cur, prev_block]))
            cur = add
        if len(ops) % 16 < 4 and prev_block >= 0:
            cat = len(ops); ops.append(("cat", [cur, prev_block]))
            cur = cat
        prev_block = cur
    return ops


def to_mlir(ops):
    lines = [f"#act = {ACT}", f"#wt = {WT}", f"#bias = {BIAS}",
             f"func.func @model(%x: {T} {{qprep.output = #act}}) {{"]
    name = lambda i: "%x" if i < 0 else f"%v{i}"
    for i, (kind, args) in enumerate(ops):
        a = ", ".join(name(j) for j in args)
        types = ", ".join([T] * len(args))
        if kind == "weight":
            attrs = ""
        elif kind == "conv":
            attrs = " {qprep.inputs = [#act, #wt, #bias], qprep.outputs = [#act]}"
        elif kind == "relu":
            attrs = f" {{qprep.inputs = [#act], qprep.outputs = [{SH}]}}"
        elif kind == "add":
            attrs = " {qprep.inputs = [#act, #act], qprep.outputs = [#act]}"
        else:  # cat
            attrs = f" {{qprep.inputs = [#act, {SH}], qprep.outputs = [{SH}]}}"
        lines.append(f'  %v{i} = "t.{kind}"({a}){attrs} : ({types}) -> {T}')
    lines.append("  return\n}")
    return "\n".join(lines)


def time_qprep(opt, path, repeat):
    best = {}
    for _ in range(repeat):
        proc = subprocess.run(
            [opt, path, "-allow-unregistered-dialect", "--mlir-timing",
             "--qprep-collect-qspecs", "--qprep-resolve-sharing", "-o", os.devnull],
            capture_output=True, text=True, check=True)
        for key, pat in [("parse", r"([\d.]+) \(\s*[\d.]+%\)\s+Parser"),
                         ("collect", r"([\d.]+) \(\s*[\d.]+%\)\s+CollectQSpecsPass"),
                         ("resolve", r"([\d.]+) \(\s*[\d.]+%\)\s+ResolveSharingPass")]:
            m = re.search(pat, proc.stderr)
            if m:
                best[key] = min(best.get(key, 1e9), float(m.group(1)))
    return best


def time_pytorch(ops, repeat):
    try:
        import torch
        import torch.fx
        import pt2e_reference as ref
        ns = ref.load_seed()
    except Exception as e:  # no torch or no seed: no reference
        return None, str(e)
    act = ref.QuantizationSpec(torch.int8, "histogram", -128, 127, torch.per_tensor_affine)
    wt = ref.QuantizationSpec(torch.int8, "per_channel_minmax", -127, 127,
                              torch.per_channel_symmetric, 0)
    g = torch.fx.Graph()
    x = g.placeholder("x")
    x.meta["quantization_annotation"] = ref.QuantizationAnnotation(output_qspec=act)
    nodes = []
    val = lambda i: x if i < 0 else nodes[i]
    for i, (kind, args) in enumerate(ops):
        # Unique names: torch 1.13's FX makes repeated names unique in
        # quadratic time.
        n = g.create_node("call_function", torch.add,
                          tuple(val(j) for j in args), name=f"v{i}")
        nodes.append(n)
        A = ref.QuantizationAnnotation
        if kind == "conv":
            a, w, b = (val(j) for j in args)
            bias = ref.DerivedQuantizationSpec([(a, n), (w, n)], None, torch.int32,
                                               qscheme=torch.per_channel_symmetric, ch_axis=0)
            n.meta["quantization_annotation"] = A({a: act, w: wt, b: bias}, act)
        elif kind == "relu":
            a = val(args[0])
            sh = ref.SharedQuantizationSpec((a, n))
            n.meta["quantization_annotation"] = A({a: act}, sh)
        elif kind == "add":
            a, b = (val(j) for j in args)
            n.meta["quantization_annotation"] = A({a: act, b: act}, act)
        elif kind == "cat":
            a, b = (val(j) for j in args)
            sh = ref.SharedQuantizationSpec((a, n))
            n.meta["quantization_annotation"] = A({a: act, b: sh}, sh)
    best = 1e9
    model = type("M", (), {"graph": g})()
    sys.setrecursionlimit(100000)
    for _ in range(repeat):
        t0 = time.perf_counter()
        qspecs = ns["_get_edge_or_node_to_qspec"](model)
        ns["_current_qspec_map"] = qspecs
        groups = ns["_get_edge_or_node_to_group_id"](qspecs)
        ns["_get_obs_or_fq_map"](groups, qspecs, False)
        best = min(best, time.perf_counter() - t0)
    return best, None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("qprep_opt")
    p.add_argument("--sizes", default="10000,30000,100000")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            ops = blocks(n)
            path = os.path.join(d, f"g{n}.mlir")
            with open(path, "w") as f:
                f.write(to_mlir(ops))
            q = time_qprep(args.qprep_opt, path, args.repeat)
            pt, why = time_pytorch(ops, args.repeat)
            rows.append((len(ops), q, pt))
            qt = q.get("collect", 0) + q.get("resolve", 0)
            line = (f"ops={len(ops):7d}  parse={q.get('parse', 0):.3f}s  "
                    f"collect={q.get('collect', 0):.3f}s  resolve={q.get('resolve', 0):.3f}s  "
                    f"collect+resolve={qt:.3f}s")
            if pt is not None:
                line += f"  pytorch_grouping={pt:.3f}s  speedup={pt / qt:.1f}x"
            else:
                line += f"  (no PyTorch reference: {why})"
            print(line, flush=True)
    (n0, q0, _), (n1, q1, _) = rows[0], rows[-1]
    t0 = q0["collect"] + q0["resolve"]
    t1 = q1["collect"] + q1["resolve"]
    print(f"growth {n0} -> {n1} ops: time x{t1 / t0:.2f}; linear x{n1 / n0:.2f}; "
          f"n log n x{n1 * math.log(n1) / (n0 * math.log(n0)):.2f}")
    print(f"target at {n1} ops: collect+resolve {t1:.3f}s (< 1 s)")


if __name__ == "__main__":
    main()
