"""torch.fx GraphModule -> MLIR (TOSA on tensors).

The contract of the emitted forms is docs/Torch.md ("TOSA forms"): NHWC
activations between conv-like ops with transposes only at layout boundaries,
weights as `tosa.const` (dense_resource blobs), and every op located by a
NameLoc named after its fx node, wrapping the model's source line.
"""
import math
import operator
import os
import re

import numpy as np
import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F

import qprep
from . import _mlir
from .trace import IDENTITY_FUNCTIONS, IDENTITY_METHODS, ExportError, _module_call, trace

__all__ = ["export", "ExportedModule", "ExportError"]

NHWC = (0, 2, 3, 1)


def _ident(rank):
    return tuple(range(rank))


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return tuple(inv)


class Val:
    """A tensor value in the module. `shape` is torch's (logical) shape;
    physical dimension i of the MLIR value holds logical dimension perm[i]."""

    __slots__ = ("ssa", "shape", "perm", "src")

    def __init__(self, ssa, shape, perm=None, src=None):
        self.ssa = ssa
        self.shape = tuple(int(d) for d in shape)
        self.perm = tuple(perm) if perm is not None else _ident(len(self.shape))
        self.src = src            # the fx node whose value this is (edges)

    @property
    def phys(self):
        return tuple(self.shape[p] for p in self.perm)

    @property
    def type(self):
        return _mlir.tensor_type(self.phys)

    @property
    def rank(self):
        return len(self.shape)


class Const:
    """A tensor that does not depend on the model's inputs (a parameter, a
    buffer, or something computed from them): written as tosa.const."""

    __slots__ = ("value", "src")

    def __init__(self, value, src=None):
        self.value = value
        self.src = src

    @property
    def shape(self):
        return tuple(self.value.shape)


_TORCH_DIR = os.path.dirname(torch.__file__) + os.sep
_FRAME = re.compile(r'  File "([^"]*)", line (\d+), in [^\n]*\n(?:    ([^\n]*)\n)?')


def _source(node):
    """(file, line, code) of the model line that created `node` (the first
    frame of the recorded stack outside torch itself), or None."""
    if node.op in ("placeholder", "output", "get_attr"):
        return None
    st = getattr(node, "stack_trace", None) or node.meta.get("stack_trace")
    if not st:
        return None
    for m in _FRAME.finditer(st):
        if not m.group(1).startswith(_TORCH_DIR):
            return m.group(1), int(m.group(2)), (m.group(3) or "").strip()
    return None


def _describe_target(node):
    t = node.target
    if node.op == "call_method":
        return f"call_method {t}"
    if node.op == "call_module":
        return f"call_module {t}"
    if node.op == "call_function":
        mod = getattr(t, "__module__", None) or ""
        name = getattr(t, "__name__", None) or repr(t)
        if mod in ("_operator", "operator"):
            mod = "operator"
        elif mod == "torch._C._nn":
            mod = "torch.nn.functional"
        elif mod.startswith("torch._C") or not mod:
            mod = "torch"
        return f"call_function {mod}.{name}"
    return f"{node.op} {t}"


def _error_at(node, reason):
    """`file:line: cannot export node 'name' (target): reason` and the source
    line, the way a compiler reports an error."""
    src = _source(node)
    msg = f"cannot export node '{node.name}' ({_describe_target(node)})"
    if node.meta.get("qprep_module"):
        msg += f" [module {node.meta['qprep_module']}: {node.meta.get('qprep_module_type', '?')}]"
    msg += f": {reason}"
    if src:
        msg = f"{src[0]}:{src[1]}: {msg}"
        if src[2]:
            msg += f"\n    {src[2]}"
    return msg


def _pair(v, n=2):
    if isinstance(v, (list, tuple)):
        if len(v) == 1:
            return tuple(int(v[0]) for _ in range(n))
        return tuple(int(x) for x in v)
    return tuple(int(v) for _ in range(n))


def _bind(args, kwargs, names, defaults):
    """Positional + keyword arguments of a call, by the function's parameter
    names; `defaults` gives values for the missing ones."""
    out = dict(defaults)
    for name, value in zip(names, args):
        out[name] = value
    for k, v in kwargs.items():
        out[k] = v
    return out


class _Unsupported(Exception):
    pass


def unsupported(msg):
    raise _Unsupported(msg)


class _Exporter:
    def __init__(self, gm, example_inputs, func_name):
        self.gm = gm
        self.func_name = func_name
        self.inputs = list(example_inputs)
        self.ops = []
        self.res = _mlir.Resources()
        self.counter = 0
        self.locs = {}            # node -> loc alias
        self.loc_lines = []
        self.node_ops = {}        # node -> [Op]
        self.edges = {}           # (consumer node, producer node) -> (Op, operand index)
        self.env = {}             # node -> Val | Const | python value
        self.values = {}          # node -> concrete value from the example run
        self.args = []            # (ssa, type, loc, node) of @forward's arguments
        self.cur = None

    # --- emission ---------------------------------------------------------------------------
    def loc(self, node):
        if node not in self.locs:
            alias = f"loc{len(self.locs)}"
            src = _source(node)
            inner = ""
            if src:
                inner = f"({_mlir.mlir_string(src[0])}:{src[1]}:0)"
            self.loc_lines.append(f"#{alias} = loc({_mlir.mlir_string(node.name)}{inner})")
            self.locs[node] = alias
        return self.locs[node]

    def fresh(self):
        self.counter += 1
        return str(self.counter - 1)

    def emit(self, name, operands, result_phys, props=(), generic=False, result_perm=None,
             result_shape=None):
        """Appends an op of the current node; returns its result as a Val.
        Operands are Vals (edges from other nodes are recorded) or
        (ssa, type) pairs of values made inside this node."""
        ssas, types = [], []
        for k, v in enumerate(operands):
            if isinstance(v, Val):
                ssas.append(v.ssa)
                types.append(v.type)
            else:
                ssas.append(v[0])
                types.append(v[1])
        ssa = self.fresh()
        rtype = result_phys if isinstance(result_phys, str) else _mlir.tensor_type(result_phys)
        op = _mlir.Op(ssa, name, ssas, types, rtype, list(props), self.loc(self.cur), self.cur, generic)
        self.ops.append(op)
        self.node_ops.setdefault(self.cur, []).append(op)
        for k, v in enumerate(operands):
            if isinstance(v, Val) and v.src is not None and v.src is not self.cur:
                self.edges.setdefault((self.cur, v.src), (op, k))
        if isinstance(result_phys, str):
            return ssa
        if result_shape is None:
            return Val(ssa, result_phys, src=self.cur)
        return Val(ssa, result_shape, result_perm, src=self.cur)

    def const(self, array, src=None, hint=None):
        """A float32 tosa.const of this (physical) array."""
        array = np.ascontiguousarray(np.asarray(array, dtype=np.float32))
        attr = _mlir.dense_elements(array, self.res, hint or (src.name if src is not None else self.cur.name))
        v = self.emit("tosa.const", [], array.shape, [f"values = {attr}"], generic=True)
        v.src = src
        return v

    def shape_const(self, values):
        values = [int(x) for x in values]
        n = len(values)
        body = ", ".join(str(x) for x in values)
        if n and all(x == values[0] for x in values):
            body = str(values[0])
        elif n:
            body = f"[{body}]"
        attr = f"values = dense<{body}> : tensor<{n}xindex>"
        ssa = self.emit("tosa.const_shape", [], f"!tosa.shape<{n}>", [attr])
        return (ssa, f"!tosa.shape<{n}>")

    def zero_point(self):
        return self.const(np.zeros([1], np.float32))

    # --- layouts ----------------------------------------------------------------------------
    def to_perm(self, v, perm):
        """v in physical order `perm`; transposes (or reshapes, when only
        size-1 dimensions move) as needed. The op belongs to the current node."""
        perm = tuple(perm)
        if v.perm == perm:
            return v
        phys_perm = [v.perm.index(p) for p in perm]
        shape = tuple(v.shape[p] for p in perm)
        moved = [d for d in v.perm if v.shape[d] != 1] == [d for d in perm if v.shape[d] != 1]
        if moved:
            r = self.emit("tosa.reshape", [v, self.shape_const(shape)], shape)
        else:
            r = self.emit("tosa.transpose", [v], shape,
                          ["perms = array<i32: " + ", ".join(str(p) for p in phys_perm) + ">"])
        return Val(r.ssa, v.shape, perm, src=self.cur)

    def rowmajor(self, v):
        """A value whose elements are in torch's row-major order (its physical
        shape may differ from torch's by size-1 dimensions)."""
        if [d for d in v.perm if v.shape[d] != 1] == [d for d in range(v.rank) if v.shape[d] != 1]:
            return v
        return self.to_perm(v, _ident(v.rank))

    def reshape(self, v, shape):
        """torch's reshape/view of v (any layout) to `shape`, identity layout."""
        shape = tuple(int(d) for d in shape)
        src = self.rowmajor(v)
        if src.phys == shape:
            return Val(src.ssa, shape, src=src.src)
        return self.emit("tosa.reshape", [src, self.shape_const(shape)], shape)

    def operand(self, x, perm, shape):
        """x (Val, Const or Python number) as an operand of an elementwise op
        of logical `shape` in physical order `perm`: same rank, broadcastable."""
        rank = len(shape)
        if isinstance(x, Val):
            if x.rank < rank:
                x = self.reshape(x, (1,) * (rank - x.rank) + x.shape)
            return self.to_perm(x, perm)
        if isinstance(x, Const):
            value = x.value.detach().to(torch.float32).numpy()
            src = x.src
        elif isinstance(x, (bool, int, float)):
            value = np.array(x, dtype=np.float32)
            src = None
        else:
            unsupported(f"operand of type {type(x).__name__}")
        value = value.reshape((1,) * (rank - value.ndim) + value.shape)
        return self.const(np.transpose(value, perm), src=src)

    # --- the graph --------------------------------------------------------------------------
    def run_example(self):
        """Runs the model once on the example inputs: static shapes, and the
        values of everything that does not depend on the inputs."""
        values = self.values

        class Recorder(torch.fx.Interpreter):
            def run_node(self, n):
                r = super().run_node(n)
                values[n] = r
                return r

        with torch.no_grad():
            Recorder(self.gm).run(*self.inputs)
        dynamic = {}
        for node in self.gm.graph.nodes:
            deps = node.all_input_nodes
            dynamic[node] = node.op == "placeholder" or any(dynamic[d] for d in deps)
        self.dynamic = dynamic

    def export(self):
        graph = self.gm.graph
        placeholders = [n for n in graph.nodes if n.op == "placeholder"]
        if len(placeholders) != len(self.inputs):
            raise ExportError(f"the model takes {len(placeholders)} input(s) "
                              f"({', '.join(n.name for n in placeholders)}), "
                              f"{len(self.inputs)} example inputs were given")
        for n, x in zip(placeholders, self.inputs):
            if not isinstance(x, torch.Tensor) or x.dtype != torch.float32:
                raise ExportError(f"example input for '{n.name}' must be a float32 tensor, got "
                                  + (str(x.dtype) if isinstance(x, torch.Tensor) else type(x).__name__))
        try:
            self.run_example()
        except Exception as e:  # the model itself failed on the example inputs
            raise ExportError(f"running the model on the example inputs failed: {e}") from e
        results = None
        for node in graph.nodes:
            self.cur = node
            try:
                if node.op == "output":
                    self.output_node = node
                    results = self.output(node)
                else:
                    self.visit(node)
            except _Unsupported as e:
                raise ExportError(_error_at(node, str(e))) from None
        return results

    def resolve(self, a):
        return torch.fx.node.map_arg(a, lambda n: self.env[n])

    def visit(self, node):
        value = self.values.get(node)
        if node.op == "placeholder":
            self.placeholder(node, value)
            return
        if node.op == "get_attr":
            if isinstance(value, torch.Tensor):
                self.env[node] = Const(value, node)
            else:
                self.env[node] = value
            return
        has_tensor = [False]

        def check(x):
            if isinstance(x, torch.Tensor):
                has_tensor[0] = True
            return x
        torch.fx.node.map_aggregate(value, check)
        if not has_tensor[0]:
            # Shapes, sizes, flags: Python values, static from the example run.
            self.env[node] = value
            return
        if not self.dynamic[node]:
            if isinstance(value, torch.Tensor):
                self.env[node] = Const(value, node)
                return
        if not isinstance(value, torch.Tensor):
            unsupported("it returns " + type(value).__name__ + " of tensors; only single tensors are exported")
        if value.dtype != torch.float32:
            unsupported(f"it computes a {value.dtype} tensor from the inputs; qprep.torch exports float32 "
                        "computations")
        args = self.resolve(node.args)
        kwargs = self.resolve(node.kwargs)
        if node.op == "call_module":
            mod = self.gm.get_submodule(node.target)
            call = None
            if len(args) == 1 and not kwargs:
                call = _module_call(mod, args[0], lambda name, m=mod: Const(getattr(m, name), None))
            if call is None:
                unsupported(f"module {type(mod).__name__} is not supported" +
                            (" (call it with one tensor argument)" if len(args) != 1 or kwargs else ""))
            fn, args, kwargs = call
            if fn is None:
                result = args[0]
            else:
                result = self.call_function(fn, args, kwargs, node)
        elif node.op == "call_function":
            result = self.call_function(node.target, args, kwargs, node)
        elif node.op == "call_method":
            result = self.call_method(node.target, args, kwargs, node)
        else:
            unsupported(f"op kind {node.op}")
        if isinstance(result, Val):
            want = tuple(value.shape)
            if result.shape != want:
                raise AssertionError(_error_at(node, f"internal error: shape {result.shape}, torch's {want}"))
        self.env[node] = result

    def placeholder(self, node, value):
        ssa = f"arg{len(self.args)}"
        shape = tuple(value.shape)
        self.args.append((ssa, _mlir.tensor_type(shape), self.loc(node), node))
        v = Val(ssa, shape, src=node)
        # A 4-D input read by a conv or pool goes to NHWC right away.
        if len(shape) == 4 and any(_wants_nhwc(u, self.gm) for u in node.users):
            v = self.to_perm(v, NHWC)
            v.src = node
        self.env[node] = v

    def output(self, node):
        flat = []

        def collect(x):
            if isinstance(x, torch.fx.Node):
                flat.append(x)
            return x
        torch.fx.node.map_aggregate(node.args[0], collect)
        results = []
        for n in flat:
            v = self.env[n]
            if isinstance(v, Const):
                v = self.const(v.value.detach().to(torch.float32).numpy(), src=n)
            if not isinstance(v, Val):
                unsupported(f"output '{n.name}' is not a tensor ({type(v).__name__})")
            results.append(self.to_perm(v, _ident(v.rank)))
        return results

    def render(self, results):
        self.cur = self.output_node
        out_loc = self.loc(self.output_node)
        lines = list(self.loc_lines)
        lines.append("module {")
        args = ", ".join(f"%{ssa}: {t} loc(#{loc})" for ssa, t, loc, _ in self.args)
        rtypes = [r.type for r in results]
        rt = rtypes[0] if len(rtypes) == 1 else "(" + ", ".join(rtypes) + ")"
        lines.append(f"  func.func @{self.func_name}({args}) -> {rt} {{")
        for op in self.ops:
            lines.append("    " + op.render())
        lines.append("    return " + ", ".join("%" + r.ssa for r in results) + " : " +
                     ", ".join(rtypes) + f" loc(#{out_loc})")
        lines.append("  }")
        lines.append("}")
        out = ["\n".join(lines) + "\n"]
        self.res.render(out)
        return "".join(out)

    # --- dispatch ---------------------------------------------------------------------------
    def call_function(self, fn, args, kwargs, node):
        handler = _FUNCTIONS.get(fn)
        if handler is None:
            unsupported("this function is not supported")
        return handler(self, args, kwargs)

    def call_method(self, name, args, kwargs, node):
        handler = _METHODS.get(name)
        if handler is None:
            unsupported(f"tensor method '{name}' is not supported")
        return handler(self, args, kwargs)

    def val(self, x, what="input"):
        if isinstance(x, Val):
            return x
        if isinstance(x, Const):
            return self.const(x.value.detach().to(torch.float32).numpy(), src=x.src)
        unsupported(f"{what} is not a tensor")

    def out_shape(self):
        return tuple(self.values[self.cur].shape)


def _wants_nhwc(node, gm):
    if node.op == "call_module":
        mod = gm.get_submodule(node.target)
        return isinstance(mod, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d,
                                nn.AdaptiveMaxPool2d, nn.BatchNorm2d))
    return node.op == "call_function" and node.target in (
        F.conv2d, torch.conv2d, F.max_pool2d, F.avg_pool2d, F.adaptive_avg_pool2d,
        F.adaptive_max_pool2d, F.batch_norm)


# --- handlers -------------------------------------------------------------------------------
def _unary_clamp(lo, hi):
    def h(ex, args, kwargs, lo=lo, hi=hi):
        x = ex.val(args[0])
        return ex.emit("tosa.clamp", [x], x.phys,
                       [f"min_val = {_mlir.f32_literal(lo)} : f32", f"max_val = {_mlir.f32_literal(hi)} : f32"],
                       result_perm=x.perm, result_shape=x.shape)
    return h


def _unary(name):
    def h(ex, args, kwargs):
        x = ex.val(args[0])
        return ex.emit(name, [x], x.phys, result_perm=x.perm, result_shape=x.shape)
    return h


def _like(ex, r, x):
    return Val(r.ssa, x.shape, x.perm, src=r.src)


def _h_hardtanh(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "min_val", "max_val", "inplace"], {"min_val": -1.0, "max_val": 1.0})
    return _unary_clamp(a["min_val"], a["max_val"])(ex, [a["input"]], {})


def _shift(ex):
    v = ex.emit("tosa.const", [], "tensor<1xi8>", ["values = dense<0> : tensor<1xi8>"], generic=True)
    return (v, "tensor<1xi8>")


def _scalar(ex, value, like):
    return ex.const(np.full([1] * like.rank, value, np.float32))


def _elementwise(ex, name, a, b):
    """a (op) b with torch broadcasting, in the layout of the tensor operand
    (NHWC stays NHWC); Python numbers and constants become constants."""
    shape = ex.out_shape()
    rank = len(shape)
    vals = [x for x in (a, b) if isinstance(x, Val)]
    perm = _ident(rank)
    for v in vals:
        if v.rank == rank and v.perm != _ident(rank):
            perm = v.perm
            break
    x = ex.operand(a, perm, shape)
    y = ex.operand(b, perm, shape)
    phys = tuple(shape[p] for p in perm)
    operands = [x, y] + ([_shift(ex)] if name == "tosa.mul" else [])
    return ex.emit(name, operands, phys, result_perm=perm, result_shape=shape)


def _h_add(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "other", "alpha"], {"alpha": 1})
    other = a["other"]
    if a["alpha"] != 1:
        if isinstance(other, (int, float)):
            other = other * a["alpha"]
        else:
            unsupported("add with alpha != 1")
    return _elementwise(ex, "tosa.add", a["input"], other)


def _h_sub(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "other", "alpha"], {"alpha": 1})
    if a["alpha"] != 1:
        unsupported("sub with alpha != 1")
    return _elementwise(ex, "tosa.sub", a["input"], a["other"])


def _h_rsub(ex, args, kwargs):
    return _elementwise(ex, "tosa.sub", args[1], args[0])


def _h_mul(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "other"], {})
    return _elementwise(ex, "tosa.mul", a["input"], a["other"])


def _h_div(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "other", "rounding_mode"], {"rounding_mode": None})
    if a["rounding_mode"] is not None:
        unsupported("div with a rounding mode")
    x, y = a["input"], a["other"]
    if isinstance(y, (int, float)):
        return _elementwise(ex, "tosa.mul", x, float(np.float32(1.0) / np.float32(y)))
    if isinstance(y, Const):
        return _elementwise(ex, "tosa.mul", x, Const(1.0 / y.value.to(torch.float32), y.src))
    if isinstance(x, (int, float)):
        unsupported("a number divided by a tensor")
    y = ex.val(y)
    r = ex.emit("tosa.reciprocal", [y], y.phys, result_perm=y.perm, result_shape=y.shape)
    return _elementwise(ex, "tosa.mul", x, r)


def _h_hardswish(ex, args, kwargs):
    # torch: x * min(max(x + 3, 0), 6) / 6
    x = ex.val(args[0])
    t = ex.emit("tosa.add", [x, _scalar(ex, 3.0, x)], x.phys)
    t = ex.emit("tosa.clamp", [t], x.phys, ["min_val = 0.0 : f32", "max_val = 6.0 : f32"])
    t = ex.emit("tosa.mul", [x, t, _shift(ex)], x.phys)
    t = ex.emit("tosa.mul", [t, _scalar(ex, 1.0 / 6.0, x), _shift(ex)], x.phys)
    return _like(ex, t, x)


def _h_hardsigmoid(ex, args, kwargs):
    # torch: min(max(x + 3, 0), 6) / 6
    x = ex.val(args[0])
    t = ex.emit("tosa.add", [x, _scalar(ex, 3.0, x)], x.phys)
    t = ex.emit("tosa.clamp", [t], x.phys, ["min_val = 0.0 : f32", "max_val = 6.0 : f32"])
    t = ex.emit("tosa.mul", [t, _scalar(ex, 1.0 / 6.0, x), _shift(ex)], x.phys)
    return _like(ex, t, x)


def _h_silu(ex, args, kwargs):
    x = ex.val(args[0])
    s = ex.emit("tosa.sigmoid", [x], x.phys)
    return _like(ex, ex.emit("tosa.mul", [x, s, _shift(ex)], x.phys), x)


def _h_gelu(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "approximate"], {"approximate": "none"})
    x = ex.val(a["input"])
    if a["approximate"] == "tanh":
        # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        x3 = ex.emit("tosa.mul", [x, x, _shift(ex)], x.phys)
        x3 = ex.emit("tosa.mul", [x3, x, _shift(ex)], x.phys)
        t = ex.emit("tosa.mul", [x3, _scalar(ex, 0.044715, x), _shift(ex)], x.phys)
        t = ex.emit("tosa.add", [x, t], x.phys)
        t = ex.emit("tosa.mul", [t, _scalar(ex, math.sqrt(2.0 / math.pi), x), _shift(ex)], x.phys)
        t = ex.emit("tosa.tanh", [t], x.phys)
    elif a["approximate"] == "none":
        # 0.5 x (1 + erf(x / sqrt(2)))
        t = ex.emit("tosa.mul", [x, _scalar(ex, 1.0 / math.sqrt(2.0), x), _shift(ex)], x.phys)
        t = ex.emit("tosa.erf", [t], x.phys)
    else:
        unsupported(f"gelu approximate={a['approximate']!r}")
    t = ex.emit("tosa.add", [t, _scalar(ex, 1.0, x)], x.phys)
    t = ex.emit("tosa.mul", [x, t, _shift(ex)], x.phys)
    t = ex.emit("tosa.mul", [t, _scalar(ex, 0.5, x), _shift(ex)], x.phys)
    return _like(ex, t, x)


def _weight(ex, w, what):
    if not isinstance(w, Const):
        unsupported(f"the {what} is computed from the inputs; only constant {what}s are exported")
    return w


def _conv_fit(size, k, s, d, lo, hi):
    """Paddings (lo, hi') and rows to cut so that TOSA's exact division holds
    with torch's floor: (size - cut - 1 + lo + hi' - (k - 1) d) % s == 0."""
    r = (size - 1 + lo + hi - (k - 1) * d) % s
    take = min(hi, r)
    return hi - take, r - take


def _h_conv2d(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "weight", "bias", "stride", "padding", "dilation", "groups"],
              {"bias": None, "stride": 1, "padding": 0, "dilation": 1, "groups": 1})
    x = ex.val(a["input"])
    if x.rank != 4:
        unsupported(f"conv2d of a rank-{x.rank} input (only batched NCHW inputs are exported)")
    w = _weight(ex, a["weight"], "weight")
    wt = w.value.detach().to(torch.float32)
    O, Ig, KH, KW = wt.shape
    N, C, H, W = x.shape
    sh, sw = _pair(a["stride"])
    dh, dw = _pair(a["dilation"])
    groups = int(a["groups"])
    padding = a["padding"]
    if isinstance(padding, str):
        if padding == "valid":
            pads = (0, 0, 0, 0)
        elif padding == "same":
            th, tw = dh * (KH - 1), dw * (KW - 1)
            pads = (th // 2, th - th // 2, tw // 2, tw - tw // 2)
        else:
            unsupported(f"padding={padding!r}")
    else:
        ph, pw = _pair(padding)
        pads = (ph, ph, pw, pw)
    bias = a["bias"]
    if bias is None:
        b = np.zeros([O], np.float32)
        bsrc = None
    else:
        b = _weight(ex, bias, "bias").value.detach().to(torch.float32).numpy()
        bsrc = bias.src
    pb, cut_h = _conv_fit(H, KH, sh, dh, pads[0], pads[1])
    pr, cut_w = _conv_fit(W, KW, sw, dw, pads[2], pads[3])
    pad = (pads[0], pb, pads[2], pr)
    x = ex.to_perm(x, NHWC)
    if cut_h or cut_w:
        # Rows/columns no window reaches (torch floors the output size; TOSA
        # wants exact division): cut them off, as torch-mlir does.
        size = (N, H - cut_h, W - cut_w, C)
        x = ex.emit("tosa.slice", [x, ex.shape_const([0, 0, 0, 0]), ex.shape_const(size)], size)
    OH, OW = ex.out_shape()[2:]
    props = ["acc_type = f32", f"dilation = array<i64: {dh}, {dw}>",
             "pad = array<i64: " + ", ".join(str(p) for p in pad) + ">",
             f"stride = array<i64: {sh}, {sw}>"]
    out_phys = (N, OH, OW, O)
    if groups == 1:
        wv = ex.const(wt.permute(0, 2, 3, 1).numpy(), src=w.src)              # OHWI
        bv = ex.const(b, src=bsrc)
        zp = ex.zero_point()
        r = ex.emit("tosa.conv2d", [x, wv, bv, zp, zp], out_phys, props)
    elif groups == C and Ig == 1:
        M = O // C
        wv = ex.const(wt.reshape(C, M, KH, KW).permute(2, 3, 0, 1).numpy(), src=w.src)   # [KH, KW, C, M]
        bv = ex.const(b, src=bsrc)
        zp = ex.zero_point()
        r = ex.emit("tosa.depthwise_conv2d", [x, wv, bv, zp, zp], out_phys, props)
    else:
        # One conv per group on a channel slice, concatenated.
        cg, og = C // groups, O // groups
        xin = x
        parts = []
        for g in range(groups):
            size = (x.phys[0], x.phys[1], x.phys[2], cg)
            xs = ex.emit("tosa.slice", [xin, ex.shape_const([0, 0, 0, g * cg]), ex.shape_const(size)], size)
            wv = ex.const(wt[g * og:(g + 1) * og].permute(0, 2, 3, 1).numpy(), src=w.src)
            bv = ex.const(b[g * og:(g + 1) * og], src=bsrc)
            zp = ex.zero_point()
            parts.append(ex.emit("tosa.conv2d", [xs, wv, bv, zp, zp], (N, OH, OW, og), props))
        r = ex.emit("tosa.concat", parts, out_phys, ["axis = 3 : i32"])
    return Val(r.ssa, (N, O, OH, OW), NHWC, src=ex.cur)


def _h_linear(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "weight", "bias"], {"bias": None})
    x = ex.val(a["input"])
    w = a["weight"]
    out_shape = ex.out_shape()
    K = x.shape[-1]
    N = int(np.prod(x.shape[:-1], dtype=np.int64))
    M = out_shape[-1]
    x3 = ex.reshape(x, (1, N, K))
    if isinstance(w, Const):
        wv = ex.const(w.value.detach().to(torch.float32).t().reshape(1, K, M).numpy(), src=w.src)
    else:
        wv = ex.reshape(ex.val(w), (1, M, K))
        wv = ex.emit("tosa.transpose", [wv], (1, K, M), ["perms = array<i32: 0, 2, 1>"])
    zp = ex.zero_point()
    r = ex.emit("tosa.matmul", [x3, wv, zp, zp], (1, N, M))
    if a["bias"] is not None:
        bias = a["bias"]
        if isinstance(bias, Const):
            bv = ex.const(bias.value.detach().to(torch.float32).reshape(1, 1, M).numpy(), src=bias.src)
        else:
            bv = ex.reshape(ex.val(bias), (1, 1, M))
        r = ex.emit("tosa.add", [r, bv], (1, N, M))
    if tuple(out_shape) == (1, N, M):
        return r
    return ex.emit("tosa.reshape", [r, ex.shape_const(out_shape)], out_shape)


def _h_matmul(ex, args, kwargs):
    a, b = args[0], args[1]
    va, vb = ex.val(a, "left operand"), ex.val(b, "right operand")
    out = ex.out_shape()
    if va.rank == 1 or vb.rank == 1:
        unsupported("matmul with a 1-D operand")
    M, K = va.shape[-2:]
    N = vb.shape[-1]
    ba, bb = va.shape[:-2], vb.shape[:-2]
    if vb.rank == 2:
        B = int(np.prod(ba, dtype=np.int64))
        x = ex.reshape(va, (1, B * M, K))
        y = ex.reshape(vb, (1, K, N))
        res = (1, B * M, N)
    elif ba == bb:
        B = int(np.prod(ba, dtype=np.int64))
        x = ex.reshape(va, (B, M, K))
        y = ex.reshape(vb, (B, K, N))
        res = (B, M, N)
    else:
        unsupported(f"matmul broadcasting batch dimensions {list(ba)} and {list(bb)}")
    zp = ex.zero_point()
    r = ex.emit("tosa.matmul", [x, y, zp, zp], res)
    if res == out:
        return r
    return ex.emit("tosa.reshape", [r, ex.shape_const(out)], out)


def _h_cat(ex, args, kwargs):
    a = _bind(args, kwargs, ["tensors", "dim"], {"dim": 0})
    tensors = list(a["tensors"])
    shape = ex.out_shape()
    rank = len(shape)
    dim = a["dim"] % rank
    perm = _ident(rank)
    for t in tensors:
        if isinstance(t, Val) and t.perm != perm:
            perm = t.perm
            break
    vals = []
    for t in tensors:
        if isinstance(t, Val):
            vals.append(ex.to_perm(t, perm))
        elif isinstance(t, Const):
            vals.append(ex.const(np.transpose(t.value.detach().to(torch.float32).numpy(), perm), src=t.src))
        else:
            unsupported("cat of a non-tensor")
    vals = [v for v in vals if v.shape[dim] != 0] or vals[:1]
    if len(vals) == 1:
        return ex.emit("tosa.identity", vals, vals[0].phys, result_perm=perm, result_shape=shape)
    axis = perm.index(dim)
    return ex.emit("tosa.concat", vals, tuple(shape[p] for p in perm), [f"axis = {axis} : i32"],
                   result_perm=perm, result_shape=shape)


def _pool_fit(size, k, s, p, ceil_mode):
    """(pad_lo, pad_hi, cut) for a 2-D pool along one axis, torch's output
    size (pytorch pooling_output_shape) with TOSA's exact division."""
    if ceil_mode:
        out = -(-(size + 2 * p - k) // s) + 1
        if (out - 1) * s >= size + p:
            out -= 1
    else:
        out = (size + 2 * p - k) // s + 1
    hi = (out - 1) * s + k - size - p
    cut = 0
    if hi < 0:
        cut, hi = -hi, 0
    return p, hi, cut, out


def _pool(ex, kind, x, kernel, stride, padding, ceil_mode, count_include_pad=False):
    x = ex.val(x)
    if x.rank != 4:
        unsupported(f"2-D pooling of a rank-{x.rank} input (only batched NCHW inputs are exported)")
    kh, kw = _pair(kernel)
    sh, sw = _pair(stride) if stride not in (None, [], ()) else (kh, kw)
    ph, pw = _pair(padding)
    N, C, H, W = x.shape
    plo_h, phi_h, cut_h, OH = _pool_fit(H, kh, sh, ph, ceil_mode)
    plo_w, phi_w, cut_w, OW = _pool_fit(W, kw, sw, pw, ceil_mode)
    x = ex.to_perm(x, NHWC)
    if cut_h or cut_w:
        size = (N, H - cut_h, W - cut_w, C)
        x = ex.emit("tosa.slice", [x, ex.shape_const([0, 0, 0, 0]), ex.shape_const(size)], size)
    correction = None
    if kind == "avg" and count_include_pad and (ph or pw):
        # torch divides by the window size clipped to the zero-padded input
        # (pytorch AvgPool2d: (hend - hstart) * (wend - wstart), hend <=
        # H + pad); TOSA by the number of elements inside the input. The
        # ratio is a constant per output position.
        def counts(size, k, s, p, out):
            inside, padded = [], []
            for i in range(out):
                lo = i * s - p
                hi = min(lo + k, size + p)
                padded.append(hi - lo)
                inside.append(min(hi, size) - max(lo, 0))
            return np.array(inside, np.float64), np.array(padded, np.float64)
        ih, dh_ = counts(H - cut_h, kh, sh, ph, OH)
        iw, dw_ = counts(W - cut_w, kw, sw, pw, OW)
        correction = (np.outer(ih, iw) / np.outer(dh_, dw_)).astype(np.float32).reshape(1, OH, OW, 1)
    pad = (plo_h, phi_h, plo_w, phi_w)
    if max(pad[0], pad[1]) >= kh or max(pad[2], pad[3]) >= kw:
        unsupported(f"pooling padding {list(pad)} not smaller than the kernel {[kh, kw]}")
    props = [f"kernel = array<i64: {kh}, {kw}>", "pad = array<i64: " + ", ".join(str(p) for p in pad) + ">",
             f"stride = array<i64: {sh}, {sw}>"]
    if kind == "max":
        r = ex.emit("tosa.max_pool2d", [x], (N, OH, OW, C), props)
    else:
        zp = ex.zero_point()
        r = ex.emit("tosa.avg_pool2d", [x, zp, zp], (N, OH, OW, C), ["acc_type = f32"] + props)
        if correction is not None and not np.all(correction == 1.0):
            r = ex.emit("tosa.mul", [r, ex.const(correction), _shift(ex)], (N, OH, OW, C))
    return Val(r.ssa, (N, C, OH, OW), NHWC, src=ex.cur)


def _h_max_pool2d(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "kernel_size", "stride", "padding", "dilation", "ceil_mode",
                             "return_indices"],
              {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False, "return_indices": False})
    if _pair(a["dilation"]) != (1, 1):
        unsupported("max_pool2d with dilation")
    if a["return_indices"]:
        unsupported("max_pool2d with return_indices")
    return _pool(ex, "max", a["input"], a["kernel_size"], a["stride"], a["padding"], a["ceil_mode"])


def _h_avg_pool2d(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "kernel_size", "stride", "padding", "ceil_mode", "count_include_pad",
                             "divisor_override"],
              {"stride": None, "padding": 0, "ceil_mode": False, "count_include_pad": True,
               "divisor_override": None})
    if a["divisor_override"] is not None:
        unsupported("avg_pool2d with divisor_override")
    return _pool(ex, "avg", a["input"], a["kernel_size"], a["stride"], a["padding"], a["ceil_mode"],
                 a["count_include_pad"])


def _adaptive(kind):
    def h(ex, args, kwargs):
        a = _bind(args, kwargs, ["input", "output_size", "return_indices"], {"return_indices": False})
        if a.get("return_indices"):
            unsupported("adaptive max pooling with return_indices")
        x = ex.val(a["input"])
        if x.rank != 4:
            unsupported(f"adaptive 2-D pooling of a rank-{x.rank} input")
        N, C, H, W = x.shape
        OH, OW = ex.out_shape()[2:]
        if H % OH == 0 and W % OW == 0:
            return _pool(ex, kind, x, (H // OH, W // OW), (H // OH, W // OW), 0, False)
        # torch's windows: [floor(i H / OH), ceil((i + 1) H / OH)); one pool
        # per output cell on a slice, then concats (one node name for all).
        x = ex.to_perm(x, NHWC)
        rows = []
        for i in range(OH):
            h0, h1 = (i * H) // OH, -(-((i + 1) * H) // OH)
            cells = []
            for j in range(OW):
                w0, w1 = (j * W) // OW, -(-((j + 1) * W) // OW)
                size = (N, h1 - h0, w1 - w0, C)
                s = ex.emit("tosa.slice", [x, ex.shape_const([0, h0, w0, 0]), ex.shape_const(size)], size)
                s = Val(s.ssa, (N, C, h1 - h0, w1 - w0), NHWC, src=ex.cur)
                cells.append(_pool(ex, kind, s, (h1 - h0, w1 - w0), 1, 0, False))
            rows.append(cells[0] if len(cells) == 1 else
                        ex.emit("tosa.concat", cells, (N, 1, OW, C), ["axis = 2 : i32"]))
        r = rows[0] if len(rows) == 1 else ex.emit("tosa.concat", rows, (N, OH, OW, C), ["axis = 1 : i32"])
        return Val(r.ssa, (N, C, OH, OW), NHWC, src=ex.cur)
    return h


def _h_flatten(ex, args, kwargs):
    return ex.reshape(ex.val(args[0]), ex.out_shape())


def _h_reshape(ex, args, kwargs):
    return ex.reshape(ex.val(args[0]), ex.out_shape())


def _permuted(ex, x, dims):
    """x.permute(dims): relabels the layout (no op); a transpose is emitted
    only where a consumer needs torch's order."""
    x = ex.val(x)
    dims = [d % x.rank for d in dims]
    # new logical i = old logical dims[i]; physical j holds old logical perm[j]
    inv = _inverse(dims)
    perm = tuple(inv[p] for p in x.perm)
    return Val(x.ssa, tuple(x.shape[d] for d in dims), perm, src=x.src)


def _h_permute(ex, args, kwargs):
    dims = args[1:] if len(args) > 2 or isinstance(args[1], int) else args[1]
    if "dims" in kwargs:
        dims = kwargs["dims"]
    return _permuted(ex, args[0], list(dims))


def _h_transpose(ex, args, kwargs):
    x = ex.val(args[0])
    d0, d1 = args[1] % x.rank, args[2] % x.rank
    dims = list(range(x.rank))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return _permuted(ex, x, dims)


def _h_t(ex, args, kwargs):
    x = ex.val(args[0])
    return x if x.rank < 2 else _permuted(ex, x, [1, 0])


def _identity(ex, args, kwargs):
    return ex.val(args[0])


def _reduce_sum(ex, x, dims):
    """tosa.reduce_sum over logical dims (keeping them, size 1)."""
    r = x
    shape = list(x.shape)
    for d in sorted(dims):
        shape[d] = 1
        phys = tuple(shape[p] for p in x.perm)
        r = ex.emit("tosa.reduce_sum", [r], phys, [f"axis = {x.perm.index(d)} : i32"])
    return Val(r.ssa, shape, x.perm, src=ex.cur)


def _squeeze_dims(ex, v, dims):
    """Drops size-1 logical dims; keeps the physical order of the rest."""
    keep = [d for d in range(v.rank) if d not in dims]
    phys_keep = [p for p in v.perm if p not in dims]
    new_index = {d: i for i, d in enumerate(keep)}
    perm = tuple(new_index[p] for p in phys_keep)
    shape = tuple(v.shape[d] for d in keep)
    phys = tuple(shape[p] for p in perm)
    r = ex.emit("tosa.reshape", [v, ex.shape_const(phys)], phys)
    return Val(r.ssa, shape, perm, src=ex.cur)


def _h_mean(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "dim", "keepdim", "dtype"], {"dim": None, "keepdim": False, "dtype": None})
    x = ex.val(a["input"])
    dims = a["dim"]
    if dims is None:
        dims = list(range(x.rank))
    elif isinstance(dims, int):
        dims = [dims]
    dims = sorted({d % x.rank for d in dims})
    count = int(np.prod([x.shape[d] for d in dims], dtype=np.int64))
    s = _reduce_sum(ex, x, dims)
    m = ex.emit("tosa.mul", [s, _scalar(ex, 1.0 / count, s), _shift(ex)], s.phys)
    m = Val(m.ssa, s.shape, s.perm, src=ex.cur)
    if a["keepdim"]:
        return m
    return _squeeze_dims(ex, m, dims)


def _h_softmax(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "dim", "_stacklevel", "dtype"], {"dim": None, "dtype": None})
    x = ex.val(a["input"])
    if a["dim"] is None:
        unsupported("softmax without dim")
    d = a["dim"] % x.rank
    axis = x.perm.index(d)
    red = list(x.phys)
    red[axis] = 1
    mx = ex.emit("tosa.reduce_max", [x], tuple(red), [f"axis = {axis} : i32"])
    t = ex.emit("tosa.sub", [x, mx], x.phys)
    e = ex.emit("tosa.exp", [t], x.phys)
    s = ex.emit("tosa.reduce_sum", [e], tuple(red), [f"axis = {axis} : i32"])
    rs = ex.emit("tosa.reciprocal", [s], tuple(red))
    return _like(ex, ex.emit("tosa.mul", [e, rs, _shift(ex)], x.phys), x)


def _h_layer_norm(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "normalized_shape", "weight", "bias", "eps"],
              {"weight": None, "bias": None, "eps": 1e-5})
    x = ex.val(a["input"])
    ns = tuple(a["normalized_shape"]) if isinstance(a["normalized_shape"], (list, tuple)) else (
        a["normalized_shape"],)
    dims = list(range(x.rank - len(ns), x.rank))
    n = int(np.prod(ns, dtype=np.int64))
    s = _reduce_sum(ex, x, dims)
    mean = ex.emit("tosa.mul", [s, _scalar(ex, 1.0 / n, s), _shift(ex)], s.phys)
    xc = ex.emit("tosa.sub", [x, mean], x.phys)
    sq = ex.emit("tosa.mul", [xc, xc, _shift(ex)], x.phys)
    v = _reduce_sum(ex, Val(sq.ssa, x.shape, x.perm, src=ex.cur), dims)
    var = ex.emit("tosa.mul", [v, _scalar(ex, 1.0 / n, v), _shift(ex)], v.phys)
    var = ex.emit("tosa.add", [var, _scalar(ex, a["eps"], v)], v.phys)
    rstd = ex.emit("tosa.rsqrt", [var], v.phys)
    y = ex.emit("tosa.mul", [xc, rstd, _shift(ex)], x.phys)
    y = Val(y.ssa, x.shape, x.perm, src=ex.cur)

    def affine(name, p):
        c = p.value.detach().to(torch.float32).numpy()
        c = c.reshape((1,) * (x.rank - c.ndim) + c.shape)
        cv = ex.const(np.transpose(c, x.perm), src=p.src)
        operands = [y, cv] + ([_shift(ex)] if name == "tosa.mul" else [])
        return Val(ex.emit(name, operands, x.phys).ssa, x.shape, x.perm, src=ex.cur)
    if a["weight"] is not None:
        y = affine("tosa.mul", _weight(ex, a["weight"], "layer_norm weight"))
    if a["bias"] is not None:
        y = affine("tosa.add", _weight(ex, a["bias"], "layer_norm bias"))
    return y


def _h_batch_norm(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "running_mean", "running_var", "weight", "bias", "training", "momentum",
                             "eps"],
              {"weight": None, "bias": None, "training": False, "momentum": 0.1, "eps": 1e-5})
    if a["training"]:
        unsupported("batch_norm in training mode (call model.eval())")
    x = ex.val(a["input"])
    mean = _weight(ex, a["running_mean"], "running mean").value.detach().float()
    var = _weight(ex, a["running_var"], "running variance").value.detach().float()
    C = mean.numel()
    w = a["weight"].value.detach().float() if a["weight"] is not None else torch.ones(C)
    b = a["bias"].value.detach().float() if a["bias"] is not None else torch.zeros(C)
    # ATen's batch_norm_cpu inference: alpha = w / sqrt(var + eps), beta = b - mean * alpha
    alpha = w / torch.sqrt(var + a["eps"])
    beta = b - mean * alpha
    shape = [1] * x.rank
    shape[1] = C
    al = ex.const(np.transpose(alpha.reshape(shape).numpy(), x.perm))
    be = ex.const(np.transpose(beta.reshape(shape).numpy(), x.perm))
    y = ex.emit("tosa.mul", [x, al, _shift(ex)], x.phys)
    return _like(ex, ex.emit("tosa.add", [y, be], x.phys), x)


def _h_squeeze(ex, args, kwargs):
    x = ex.val(args[0])
    out = ex.out_shape()
    dims = [d for d in range(x.rank) if x.shape[d] == 1]
    if len(args) > 1 or "dim" in kwargs:
        d = (args[1] if len(args) > 1 else kwargs["dim"]) % x.rank
        dims = [d] if x.shape[d] == 1 else []
    if not dims:
        return x
    r = _squeeze_dims(ex, x, dims)
    assert r.shape == out
    return r


def _h_unsqueeze(ex, args, kwargs):
    return ex.reshape(ex.val(args[0]), ex.out_shape())


def _h_dropout(ex, args, kwargs):
    a = _bind(args, kwargs, ["input", "p", "training", "inplace"], {"p": 0.5, "training": True})
    if a["training"]:
        unsupported("dropout in training mode (call model.eval())")
    return ex.val(a["input"])


def _h_to(ex, args, kwargs):
    x = ex.val(args[0])
    return x   # the value is float32 (checked for every node)


def _h_getitem(ex, args, kwargs):
    x, idx = args
    x = ex.val(x)
    if not isinstance(idx, tuple):
        idx = (idx,)
    if any(i is Ellipsis for i in idx):
        k = idx.index(Ellipsis)
        fill = x.rank - (len(idx) - 1 - sum(1 for i in idx if i is None))
        idx = idx[:k] + (slice(None),) * fill + idx[k + 1:]
    starts, sizes, drop = [], [], []
    d = 0
    for i in idx:
        if i is None:
            continue
        n = x.shape[d]
        if isinstance(i, int):
            i = i % n
            starts.append(i)
            sizes.append(1)
            drop.append(d)
        elif isinstance(i, slice):
            st, sp, step = i.indices(n)
            if step != 1:
                unsupported("slicing with a step")
            starts.append(st)
            sizes.append(max(sp - st, 0))
        else:
            unsupported(f"indexing with {type(i).__name__}")
        d += 1
    while d < x.rank:
        starts.append(0)
        sizes.append(x.shape[d])
        d += 1
    if starts != [0] * x.rank or sizes != list(x.shape):
        ps = [starts[p] for p in x.perm]
        pz = [sizes[p] for p in x.perm]
        r = ex.emit("tosa.slice", [x, ex.shape_const(ps), ex.shape_const(pz)], tuple(pz))
        x = Val(r.ssa, sizes, x.perm, src=ex.cur)
    out = ex.out_shape()
    if x.shape == out:
        return x
    return ex.reshape(x, out)


_CLAMP_RELU = _unary_clamp(0.0, _mlir.F32_MAX)

_FUNCTIONS = {
    F.conv2d: _h_conv2d, torch.conv2d: _h_conv2d,
    F.linear: _h_linear,
    F.relu: _CLAMP_RELU, torch.relu: _CLAMP_RELU, torch.relu_: _CLAMP_RELU, F.relu_: _CLAMP_RELU,
    F.relu6: _unary_clamp(0.0, 6.0),
    F.hardtanh: _h_hardtanh, F.hardtanh_: _h_hardtanh,
    F.hardswish: _h_hardswish, F.hardsigmoid: _h_hardsigmoid,
    torch.sigmoid: _unary("tosa.sigmoid"), F.sigmoid: _unary("tosa.sigmoid"),
    torch.tanh: _unary("tosa.tanh"), F.tanh: _unary("tosa.tanh"),
    torch.exp: _unary("tosa.exp"), torch.abs: _unary("tosa.abs"),
    F.silu: _h_silu, F.gelu: _h_gelu,
    operator.add: _h_add, torch.add: _h_add, operator.iadd: _h_add,
    operator.sub: _h_sub, torch.sub: _h_sub, operator.isub: _h_sub,
    operator.mul: _h_mul, torch.mul: _h_mul, operator.imul: _h_mul,
    operator.truediv: _h_div, torch.div: _h_div, operator.itruediv: _h_div,
    torch.cat: _h_cat, torch.concat: _h_cat,
    F.max_pool2d: _h_max_pool2d, torch.max_pool2d: _h_max_pool2d,
    F.avg_pool2d: _h_avg_pool2d,
    F.adaptive_avg_pool2d: _adaptive("avg"), F.adaptive_max_pool2d: _adaptive("max"),
    torch.flatten: _h_flatten, torch.reshape: _h_reshape,
    torch.permute: _h_permute, torch.transpose: _h_transpose, torch.t: _h_t,
    torch.mean: _h_mean,
    F.softmax: _h_softmax, torch.softmax: _h_softmax,
    F.layer_norm: _h_layer_norm, F.batch_norm: _h_batch_norm,
    torch.matmul: _h_matmul, operator.matmul: _h_matmul, torch.bmm: _h_matmul,
    torch.squeeze: _h_squeeze, torch.unsqueeze: _h_unsqueeze,
    operator.getitem: _h_getitem,
}
for _f in IDENTITY_FUNCTIONS:
    _FUNCTIONS[_f] = _h_dropout

_METHODS = {
    "relu": _CLAMP_RELU, "relu_": _CLAMP_RELU,
    "sigmoid": _unary("tosa.sigmoid"), "tanh": _unary("tosa.tanh"), "exp": _unary("tosa.exp"),
    "add": _h_add, "add_": _h_add, "sub": _h_sub, "sub_": _h_sub, "mul": _h_mul, "mul_": _h_mul,
    "div": _h_div, "div_": _h_div, "rsub": _h_rsub,
    "view": _h_reshape, "reshape": _h_reshape, "flatten": _h_flatten,
    "permute": _h_permute, "transpose": _h_transpose, "t": _h_t,
    "mean": _h_mean, "softmax": _h_softmax,
    "matmul": _h_matmul, "bmm": _h_matmul,
    "squeeze": _h_squeeze, "unsqueeze": _h_unsqueeze,
    "float": _h_to, "to": _h_to,
}
for _m in IDENTITY_METHODS:
    _METHODS[_m] = _identity


class ExportedModule:
    """The result of qprep.torch.export.

    text            the MLIR module (str(exported) too)
    graph_module    the torch.fx GraphModule that was exported (BatchNorm folded)
    input_names     placeholder names, in argument order
    ops_of(name)    the exported ops' MLIR op names for an fx node name
    """

    def __init__(self, text, gm, exporter, func_name):
        self.text = text
        self.graph_module = gm
        self.func_name = func_name
        self.input_names = [a[3].name for a in exporter.args]
        self._ops = {n.name: [op.name for op in ops] for n, ops in exporter.node_ops.items()}
        self.num_blobs = len(exporter.res.blobs)

    def __str__(self):
        return self.text

    def ops_of(self, node_name):
        return list(self._ops.get(node_name, []))

    def save(self, path):
        with open(path, "w") as f:
            f.write(self.text)

    def calibrator(self):
        """A qprep.Calibrator of this module (prepare if annotated, lower, JIT)."""
        return qprep.Calibrator(self.text, self.func_name)


def export(model, example_inputs, func_name="forward"):
    """Exports a torch model to MLIR (TOSA on tensors).

    model           an eval-mode nn.Module (traced with qprep.torch.trace:
                    BatchNorm folded, modules functional) or a torch.fx
                    GraphModule (exported as is)
    example_inputs  a tuple of float32 tensors: the static shapes of @forward

    Raises ExportError naming the node, its target and the source line of
    anything that cannot be exported."""
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    if not isinstance(model, torch.fx.GraphModule):
        model = trace(model)
    if model.training:
        raise ExportError("qprep.torch exports inference graphs: call .eval() on the model first")
    ex = _Exporter(model, example_inputs, func_name)
    results = ex.export()
    text = ex.render(results)
    return ExportedModule(text, model, ex, func_name)
