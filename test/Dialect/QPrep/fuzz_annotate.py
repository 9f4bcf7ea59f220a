"""Random TOSA graphs through qprep-annotate + qprep-prepare.

Builds COUNT random functions (convs, depthwise convs with channel
multipliers, relu / relu6 clamps, add / sub / mul with tensors and scalar
constants, concat, pooling, sigmoid / exp, layout and other transposes,
flatten + linear decompositions, random location names so that runs of ops
group, f16 graphs, dynamic batch dims, ops annotated beforehand), then runs
`qprep-opt --qprep-annotate=<options> --qprep-prepare` on all of them for
several option sets, and checks:

  * qprep-opt never crashes (no signal, no stack dump, no LLVM ERROR);
  * every function either prepares, or gets one of qprep-annotate's own
    diagnostics (a per-channel weight without one channel axis); an error
    from prepare would mean qprep-annotate wrote invalid annotations;
  * some functions do get observers (the generator is not degenerate).

usage: fuzz_annotate.py SEED COUNT QPREP_OPT
"""
import random
import re
import subprocess
import sys

seed, count, qprep_opt = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = random.Random(seed)


class Gen:
    def __init__(self, ft, dyn):
        self.ft = ft
        self.dyn = dyn
        self.lines = []
        self.n = 0
        self.vals = []       # (ssa, shape) of 4-D NHWC activations
        self.names = ["a", "b", "blk.conv", "blk.relu", "fc", "x"]

    def fresh(self):
        self.n += 1
        return f"%v{self.n}"

    def ty(self, shape, dyn_ok=True):
        dims = ["?" if (i == 0 and self.dyn and dyn_ok) else str(d) for i, d in enumerate(shape)]
        return "tensor<" + "x".join(dims + [self.ft]) + ">"

    def loc(self):
        x = r.random()
        if x < 0.4:
            return ""
        return f' loc("{r.choice(self.names)}")'

    def const(self, shape, value=None):
        v = self.fresh()
        if value is None:
            value = r.choice(["0.0", "0.5", "-0.25", "1.0e+16", "3.0"])
        t = "tensor<" + "x".join([str(d) for d in shape] + [self.ft]) + ">"
        self.lines.append(f'{v} = "tosa.const"() {{values = dense<{value}> : {t}}} : () -> {t}')
        return v, t

    def zp(self):
        return self.const([1], "0.0")[0]

    def shift(self):
        v = self.fresh()
        self.lines.append(f'{v} = "tosa.const"() {{values = dense<0> : tensor<1xi8>}} : () -> tensor<1xi8>')
        return v

    def pre(self):
        if r.random() < 0.05:
            return ", qprep.inputs = [#qprep.qspec<ui8>], qprep.outputs = [#qprep.qspec<ui8>]"
        return ""

    def pick(self):
        return r.choice(self.vals)

    def emit_op(self):
        x, s = self.pick()
        N, H, W, C = s
        k = r.random()
        out = None
        if k < 0.2:
            O = r.choice([1, 2, 4])
            kh = r.choice([1, 3])
            w, wt = self.const([O, kh, kh, C])
            b, bt = self.const([O], r.choice(["0.0", "0.1"]))
            z = self.zp()
            pad = (kh - 1) // 2
            out = (N, H, W, O)
            v = self.fresh()
            self.lines.append(
                f"{v} = tosa.conv2d {x}, {w}, {b}, {z}, {z} {{acc_type = {self.ft}, dilation = array<i64: 1, 1>, "
                f"pad = array<i64: {pad}, {pad}, {pad}, {pad}>, stride = array<i64: 1, 1>{self.pre()}}} : "
                f"({self.ty(s)}, {wt}, {bt}, tensor<1x{self.ft}>, tensor<1x{self.ft}>) -> {self.ty(out)}{self.loc()}")
        elif k < 0.28:
            M = r.choice([1, 1, 2])
            w, wt = self.const([1, 1, C, M])
            b, bt = self.const([C * M], "0.1")
            z = self.zp()
            out = (N, H, W, C * M)
            v = self.fresh()
            self.lines.append(
                f"{v} = tosa.depthwise_conv2d {x}, {w}, {b}, {z}, {z} {{acc_type = {self.ft}, dilation = array<i64: 1, 1>, "
                f"pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}} : "
                f"({self.ty(s)}, {wt}, {bt}, tensor<1x{self.ft}>, tensor<1x{self.ft}>) -> {self.ty(out)}{self.loc()}")
        elif k < 0.42:
            hi = r.choice(["3.40282347e+38", "6.0"]) if self.ft == "f32" else r.choice(["65504.0", "6.0"])
            out = s
            v = self.fresh()
            self.lines.append(f"{v} = tosa.clamp {x} {{min_val = 0.0 : {self.ft}, max_val = {hi} : {self.ft}}} : "
                              f"({self.ty(s)}) -> {self.ty(s)}{self.loc()}")
        elif k < 0.56:
            op = r.choice(["tosa.add", "tosa.sub", "tosa.mul"])
            same = [vv for vv in self.vals if vv[1] == s]
            if r.random() < 0.3:
                y, yt = self.const([1, 1, 1, 1])
            else:
                y, _ = r.choice(same)
                yt = self.ty(s)
            out = s
            v = self.fresh()
            extra = f", {self.shift()}" if op == "tosa.mul" else ""
            extra_t = ", tensor<1xi8>" if op == "tosa.mul" else ""
            self.lines.append(f"{v} = {op} {x}, {y}{extra} : ({self.ty(s)}, {yt}{extra_t}) -> {self.ty(s)}{self.loc()}")
        elif k < 0.64:
            same = [vv for vv in self.vals if vv[1][:3] == s[:3]]
            ys = [r.choice(same) for _ in range(r.randint(1, 2))]
            ins = [x] + [y for y, _ in ys]
            tys = [self.ty(s)] + [self.ty(ysh) for _, ysh in ys]
            out = (N, H, W, C + sum(ysh[3] for _, ysh in ys))
            v = self.fresh()
            self.lines.append(f"{v} = tosa.concat {', '.join(ins)} {{axis = 3 : i32}} : ({', '.join(tys)}) -> {self.ty(out)}{self.loc()}")
        elif k < 0.72:
            if H % 2 == 0 and W % 2 == 0 and r.random() < 0.6:
                out = (N, H // 2, W // 2, C)
                v = self.fresh()
                self.lines.append(f"{v} = tosa.max_pool2d {x} {{kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, "
                                  f"stride = array<i64: 2, 2>}} : ({self.ty(s)}) -> {self.ty(out)}{self.loc()}")
            else:
                z = self.zp()
                out = (N, 1, 1, C)
                v = self.fresh()
                self.lines.append(f"{v} = tosa.avg_pool2d {x}, {z}, {z} {{acc_type = f32, kernel = array<i64: {H}, {W}>, "
                                  f"pad = array<i64: 0, 0, 0, 0>, stride = array<i64: {H}, {W}>}} : "
                                  f"({self.ty(s)}, tensor<1x{self.ft}>, tensor<1x{self.ft}>) -> {self.ty(out)}{self.loc()}")
        elif k < 0.8:
            op = r.choice(["tosa.sigmoid", "tosa.exp", "tosa.tanh"])
            out = s
            v = self.fresh()
            self.lines.append(f"{v} = {op} {x} : ({self.ty(s)}) -> {self.ty(s)}{self.loc()}")
        elif k < 0.9:
            # to NCHW and back (layout), or a permute of H and W
            v1 = self.fresh()
            t1 = (N, C, H, W)
            self.lines.append(f"{v1} = tosa.transpose {x} {{perms = array<i32: 0, 3, 1, 2>}} : ({self.ty(s)}) -> {self.ty(t1)}{self.loc()}")
            v = self.fresh()
            if r.random() < 0.5:
                out = s
                self.lines.append(f"{v} = tosa.transpose {v1} {{perms = array<i32: 0, 2, 3, 1>}} : ({self.ty(t1)}) -> {self.ty(out)}{self.loc()}")
            else:
                out = (N, W, H, C)
                self.lines.append(f"{v} = tosa.transpose {x} {{perms = array<i32: 0, 2, 1, 3>}} : ({self.ty(s)}) -> {self.ty(out)}{self.loc()}")
        else:
            return
        self.vals.append((v, out))

    def emit_linear(self, x, s):
        """flatten (NCHW transpose + reshape) and linear (reshape, matmul,
        bias add, reshape), the exporter's forms, possibly named."""
        N, H, W, C = s
        if self.dyn:
            return None
        K = H * W * C
        M = r.choice([1, 3])
        name = r.choice(["", ' loc("flatten")'])
        t = self.fresh()
        self.lines.append(f"{t} = tosa.transpose {x} {{perms = array<i32: 0, 3, 1, 2>}} : ({self.ty(s)}) -> {self.ty((N, C, H, W))}{name}")
        sh = self.fresh()
        self.lines.append(f"{sh} = tosa.const_shape {{values = dense<[1, 1, {K}]> : tensor<3xindex>}} : () -> !tosa.shape<3>{name}")
        f = self.fresh()
        self.lines.append(f"{f} = tosa.reshape {t}, {sh} : ({self.ty((N, C, H, W))}, !tosa.shape<3>) -> tensor<1x1x{K}x{self.ft}>{name}")
        fc = r.choice(["", ' loc("fc")'])
        w, wt = self.const([1, K, M])
        z = self.zp()
        m = self.fresh()
        self.lines.append(f"{m} = tosa.matmul {f}, {w}, {z}, {z} : (tensor<1x1x{K}x{self.ft}>, {wt}, tensor<1x{self.ft}>, tensor<1x{self.ft}>) -> tensor<1x1x{M}x{self.ft}>{fc}")
        b, bt = self.const([1, 1, M], "0.5")
        a = self.fresh()
        self.lines.append(f"{a} = tosa.add {m}, {b} : (tensor<1x1x{M}x{self.ft}>, {bt}) -> tensor<1x1x{M}x{self.ft}>{fc}")
        return a, f"tensor<1x1x{M}x{self.ft}>"

    def build(self, idx):
        H = r.choice([2, 4])
        C = r.choice([1, 3])
        s = (1, H, H, C)
        self.vals.append(("%arg0", s))
        for _ in range(r.randint(1, 12)):
            self.emit_op()
        results = [self.vals[-1]]
        rets = [(results[0][0], self.ty(results[0][1]))]
        if r.random() < 0.5:
            lin = self.emit_linear(*self.vals[-1])
            if lin:
                rets.append(lin)
        body = "\n  ".join(self.lines)
        sig = ", ".join(t for _, t in rets)
        return (f"func.func @f{idx}(%arg0: {self.ty(s)}) -> ({sig}) {{\n  {body}\n"
                f"  return {', '.join(v for v, _ in rets)} : {sig}\n}}")


chunks = []
for i in range(count):
    g = Gen(r.choice(["f32", "f32", "f32", "f16"]), r.random() < 0.15)
    chunks.append(g.build(i))
text = "\n// -----\n".join(chunks) + "\n"

OPTIONS = [
    "preset=xnnpack",
    "preset=xnnpack weights=per-tensor bias=derived",
    "preset=xnnpack mode=dynamic",
    "preset=xnnpack qat=true override=name:blk=minmax,conv2d=per-tensor exclude=name:fc",
    "preset=x86",
    "preset=x86 bias=derived reduce-range=true activations=minmax",
    "preset=x86 qat=true override=matmul=static,name:a*=none",
]
ANNOTATE_ERRORS = re.compile(r"cannot observe the weight of")
failures = 0
for opts in OPTIONS:
    p = subprocess.run([qprep_opt, "-", "--split-input-file", f"--qprep-annotate={opts}", "--qprep-prepare"],
                       input=text, capture_output=True, text=True)
    err = p.stderr
    if p.returncode < 0 or p.returncode > 1 or "Stack dump" in err or "LLVM ERROR" in err:
        print(f"CRASH with {opts}: rc={p.returncode}\n{err[:2000]}")
        failures += 1
        continue
    errors = [l for l in err.splitlines() if ": error: " in l]
    bad = [l for l in errors if not ANNOTATE_ERRORS.search(l)]
    for l in bad[:5]:
        print(f"UNEXPECTED ({opts}): {l}")
    failures += len(bad)
    observed = p.stdout.count("qprep.observe %") + p.stdout.count("qprep.fake_quantize %")
    print(f"{opts}: {count} functions, {len(errors)} annotate diagnostics, {observed} observer calls")
    if observed == 0:
        print(f"DEGENERATE ({opts}): no observer calls")
        failures += 1
print("FAILURES:", failures)
