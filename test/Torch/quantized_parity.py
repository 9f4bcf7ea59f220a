"""Quantized torchvision model, end to end (docs/Convert.md, "End to end"): export (qprep.torch), annotate
(qprep-annotate, XNNPACK preset), calibrate (qprep.Calibrator), convert
(quantized_module), lower and JIT the quantized model; compare its outputs
with torch 1.13 running the exported fx graph (BatchNorm folded, the same
weights) with the same qparams at the same places: every q/dq pair of the
converted module is mapped back to the fx edge it sits on through the
exporter's locations (fx node names), and applied there with
torch.fake_quantize_per_tensor_affine (activations) and
fake_quantize_per_channel_affine (weights, output-channel axis, folded at
compile time by qprep).

The two sides differ only in float rounding inside the float ops (convolution
and pooling summation order); a one-ulp difference that crosses a rounding
boundary of the next quantization shows as whole quantization steps
downstream. To tell rounding from a real difference, the same quantized
network also runs in float64 between the quantization points (fake-quantized
in float32, as the exact reference): qprep's deviation from it is compared
with torch float32's own. MODEL "tiny" is a small conv/pool/add/linear
network on which all three agree exactly (the mapping is checked there).

usage: quantized_parity.py MODEL SIZE QPREP_OPT"""
import copy
import re
import subprocess
import sys
import tempfile
import warnings

import numpy as np
import torch

import qprep
import qprep.torch as qt
from qprep.torch.testing import sample_batches, torchvision_model

warnings.filterwarnings("ignore")
name, size, qprep_opt = sys.argv[1], int(sys.argv[2]), sys.argv[3]
shape = (2, 3, size, size)
if name == "tiny":
    class Tiny(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = torch.nn.Conv2d(3, 8, 3, padding=1)
            self.c2 = torch.nn.Conv2d(8, 8, 3, padding=1)
            self.fc = torch.nn.Linear(8, 10)
        def forward(self, x):
            y = torch.relu(self.c1(x))
            y = torch.nn.functional.max_pool2d(y, 2)
            z = torch.relu(self.c2(y) + y)
            z = torch.nn.functional.adaptive_avg_pool2d(z, 1)
            return self.fc(torch.flatten(z, 1))
    torch.manual_seed(0)
    model = Tiny().eval()
else:
    model = torchvision_model(name, shape)
calibration = sample_batches(4, shape, seed=11)
tests = sample_batches(4, shape, seed=12)
exported = qt.export(model, (calibration[0],))


def opt(text, *args):
    with tempfile.NamedTemporaryFile("w", suffix=".mlir") as f:
        f.write(text)
        f.flush()
        return subprocess.run([qprep_opt, f.name, *args], check=True,
                              capture_output=True, text=True).stdout


# Annotate, keeping the locations (fx node names).
annotated = opt(exported.text, "--qprep-annotate=preset=xnnpack", "--mlir-print-debuginfo")
cal = qprep.Calibrator(annotated)
for x in calibration:
    cal.run(x.numpy())
quantized = cal.quantized_module(debug_info=True)
model_q = qprep.Calibrator(quantized)

# ---- the converted module, generic form, with locations -------------------
generic = opt(quantized, "--mlir-print-op-generic", "--mlir-print-debuginfo",
              "--mlir-elide-elementsattrs-if-larger=16")
locs = {}
for m in re.finditer(r'^#(loc\d*) = loc\((.*)\)$', generic, re.M):
    n = re.match(r'"([^"]*)"(.?)', m.group(2))
    # NameLoc "name"(...) or "name"; a FileLineColLoc "file":line:col has none.
    locs[m.group(1)] = n.group(1) if n and n.group(2) != ":" else None


def loc_ref(t):
    if t.startswith("#"):
        return locs.get(t[1:])
    n = re.match(r'"([^"]*)"(.?)', t)
    return n.group(1) if n and n.group(2) != ":" else None


defs = {}     # ssa -> (op name, operands, result type, loc name)
ops = []      # (results, op name, operands, result type text, loc name)
arg_names = {}
for m in re.finditer(r'\^bb0\((.*)\):', generic):
    for a in re.finditer(r'(%arg\d+): [^,]*? loc\((#loc\d*|"[^"]*")\)', m.group(1)):
        arg_names[a.group(1)] = loc_ref(a.group(2))
op_re = re.compile(r'^\s*(?:(%[\w]+)(?::(\d+))? = )?"([\w.]+)"\((.*?)\)(.*) loc\((#loc\d*|"[^"]*")\)$')
for line in generic.splitlines():
    m = op_re.match(line)
    if not m:
        continue
    res, nres, opname, operands, rest, loc = m.groups()
    operands = [o.strip() for o in operands.split(",") if o.strip()]
    lname = loc_ref(loc)
    rtype = rest.rsplit("->", 1)[-1].strip() if "->" in rest else ""
    entry = (opname, operands, rtype, lname)
    if res:
        defs[res] = entry
        if nres:
            for k in range(int(nres)):
                defs[f"{res}#{k}"] = entry
    ops.append((res, opname, operands, rtype, lname))

QT = re.compile(r'!quant\.uniform<(\w+)(?:<(-?\d+):(-?\d+)>)?:f32(?::(\d+))?, (\{[^}]*\}|[^>]*)>')
BOUNDS = {"i8": (-128, 127), "u8": (0, 255), "i16": (-32768, 32767), "u16": (0, 65535),
          "i32": (-2**31, 2**31 - 1)}


def parse_qtype(t):
    m = QT.search(t)
    storage, lo, hi, axis, params = m.groups()
    qmin, qmax = (int(lo), int(hi)) if lo is not None else BOUNDS[storage]
    scales, zps = [], []
    for p in params.strip("{}").split(","):
        s, _, z = p.strip().partition(":")
        scales.append(np.float32(float(s)))
        zps.append(int(z) if z else 0)
    return dict(qmin=qmin, qmax=qmax, axis=None if axis is None else int(axis),
                scales=scales, zps=zps)


def trace(v, consumer):
    """The chain of q/dq pairs on operand v of an op of node `consumer`, and
    where the value comes from: ("node", name) or ("const", None)."""
    chain = []
    while True:
        if v.startswith("%arg"):
            return chain, ("node", arg_names[v])
        d = defs.get(v)
        if d is None:
            return chain, None
        opname, operands, rtype, lname = d
        if opname == "quant.dcast":
            src = defs[operands[0]]
            seen.add(operands[0])
            chain.insert(0, parse_qtype(src[2]))
            if src[0] == "quant.qcast":
                v = src[1][0]
                continue
            return chain, ("const", None)  # quant.scast of a folded constant
        if lname == consumer:
            return chain, ("inner", None)
        # A placeholder's layout transpose carries the placeholder's name:
        # look through it (the observer sits on the placeholder itself).
        if opname in ("tosa.transpose", "tosa.reshape") and lname in arg_names.values():
            v = operands[0]
            continue
        return chain, ("node", lname)


seen = set()  # quantized values (qcast / scast results) reached
edges = {}    # (consumer, producer) -> chain
weights = {}  # (consumer, torch arg index) -> chain
for res, opname, operands, rtype, lname in ops:
    if opname.startswith("quant.") or lname is None:
        continue
    for k, v in enumerate(operands):
        chain, src = trace(v, lname)
        if not chain or src is None:
            continue
        if src[0] == "node":
            key = (lname, src[1])
            if key in edges and edges[key] != chain:
                print("MISMATCH: two chains on edge", key)
            edges[key] = chain
        elif src[0] == "const":
            # conv: weight operand 1, bias 2; linear: matmul rhs = weight,
            # the bias add's constant = bias.
            idx = {"tosa.conv2d": {1: 1, 2: 2}, "tosa.depthwise_conv2d": {1: 1, 2: 2},
                   "tosa.matmul": {1: 1}, "tosa.add": {1: 2}}.get(opname, {}).get(k)
            if idx is None:
                print("MISMATCH: unmapped constant", lname, opname, k)
                continue
            weights[(lname, idx)] = chain
print("mapped", sum(len(c) for c in edges.values()), "activation q/dq on", len(edges),
      "edges,", len(weights), "quantized weights")
pairs = [r for r, o, *_ in ops if o in ("quant.qcast", "quant.scast")]
print("q/dq pairs in the module", len(pairs), "not mapped to a torch edge",
      len([p for p in pairs if p not in seen]))


def fq(t, q):
    """Fake-quantizes in float32 (the value is rounded to float32 first when
    the reference runs in float64) and returns the input's dtype."""
    dtype = t.dtype
    t = t.float()
    if q["axis"] is None:
        r = torch.fake_quantize_per_tensor_affine(
            t, float(q["scales"][0]), q["zps"][0], q["qmin"], q["qmax"])
    else:
        # Weights: the output channel is torch's axis 0 (OHWI,
        # [KH, KW, C, M] and [1, K, M] all order channels as torch's dim 0).
        r = torch.fake_quantize_per_channel_affine(
            t, torch.tensor(q["scales"], dtype=torch.float32),
            torch.tensor(q["zps"], dtype=torch.int32), 0, q["qmin"], q["qmax"])
    return r.to(dtype)


gm = exported.graph_module


class Quantized(torch.fx.Interpreter):
    def run_node(self, n):
        args, kwargs = self.fetch_args_kwargs_from_env(n)
        args = list(args)
        for i, a in enumerate(n.args):
            if isinstance(a, torch.fx.Node):
                for q in edges.get((n.name, a.name), []):
                    args[i] = fq(args[i], q)
                for q in weights.get((n.name, i), []):
                    args[i] = fq(args[i], q)
        if n.op == "output":
            out = args[0]
            for a in (n.args[0] if isinstance(n.args[0], (tuple, list)) else [n.args[0]]):
                for q in edges.get(("output", a.name), []):
                    out = fq(out, q)
            return out
        return getattr(self, n.op)(n.target, tuple(args), kwargs)


# The same quantized network in float64 between the quantization points:
# how far any float32 implementation is from the exact one.
gm64 = copy.deepcopy(gm).double()
out_chain = [c for (m, p), c in edges.items() if m == "output"]
step = float(out_chain[0][-1]["scales"][0])


def steps(a, b):
    """Differences in whole output steps (outputs sit on the output grid)."""
    d = np.round(np.abs(a.astype(np.float64) - b.astype(np.float64)) / step)
    return int((d > 0).sum()), float(d.max())


stats = {"qprep vs torch": [0, 0.0], "qprep vs float64": [0, 0.0],
         "torch vs float64": [0, 0.0]}
total, rel = 0, []
for x in tests:
    (got,) = model_q.forward(x.numpy())
    with torch.no_grad():
        want = Quantized(gm).run(x).numpy()
        exact = Quantized(gm64).run(x.double()).float().numpy()
        flt = model(x).numpy()
    for key, (a, b) in {"qprep vs torch": (got, want), "qprep vs float64": (got, exact),
                        "torch vs float64": (want, exact)}.items():
        n, worst = steps(a, b)
        stats[key][0] += n
        stats[key][1] = max(stats[key][1], worst)
    total += got.size
    rel.append(float(np.linalg.norm(got - flt) / np.linalg.norm(flt)))
for key, (n, worst) in stats.items():
    print(f"{name}: {key}: {n} of {total} outputs differ, max {worst:.0f} step(s)")
print(f"{name}: quantized vs float model: relative L2 error {max(rel):.3g}")
# The bound: qprep's worst deviation, from torch float32 and from the exact
# reference, is within one output step of torch float32's own worst
# deviation from the exact reference.
t_worst = stats["torch vs float64"][1]
print(f"{name}: within one step of torch float32's own deviation:",
      stats["qprep vs torch"][1] <= t_worst + 1 and
      stats["qprep vs float64"][1] <= t_worst + 1)
