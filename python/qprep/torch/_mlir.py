"""MLIR text for the torch.fx exporter: types, float literals, blobs, ops.

The exporter builds a list of op records and renders them at the end, so that
annotations (qprep.inputs / qprep.outputs / qprep.id) can be attached to ops
after the whole graph is known. Ops are written in the custom assembly forms
MLIR 22 prints for TOSA (`tosa.add %a, %b : (t, t) -> t`), constants in the
generic form with `dense_resource` blobs for anything that is not a splat.
"""
import struct

import numpy as np

# Constants with at most this many elements are written inline (dense<[...]>);
# larger ones go to the module's dialect_resources section as blobs.
INLINE_LIMIT = 4

F32_MAX = float(np.finfo(np.float32).max)


def tensor_type(shape, elem="f32"):
    if len(shape) == 0:
        return f"tensor<{elem}>"
    return "tensor<" + "x".join(str(int(d)) for d in shape) + f"x{elem}>"


def f32_literal(v):
    """A float32 value as an MLIR float literal that parses to the same bits:
    a short decimal when one round-trips exactly, else the hex bit pattern."""
    v = np.float32(v)
    if np.isfinite(v):
        s = repr(float(v))
        if "e" not in s and "n" not in s and float(np.float32(float(s))) == float(v):
            return s if "." in s else s + ".0"
    return "0x%08X" % struct.unpack("<I", v.tobytes())[0]


def mlir_string(s):
    """A string literal in MLIR syntax."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif 32 <= o < 127:
            out.append(ch)
        else:
            out.extend("\\%02X" % b for b in ch.encode("utf-8"))
    return '"' + "".join(out) + '"'


def blob_hex(array):
    """The textual form of a builtin dense_resource blob: a little-endian
    uint32 alignment followed by the raw little-endian bytes, in hex."""
    data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    return "0x" + struct.pack("<I", data.dtype.itemsize).hex().upper() + data.tobytes().hex().upper()


def dense_elements(array, resources, hint):
    """The elements attribute of a float32 constant (inline or a blob)."""
    array = np.ascontiguousarray(array, dtype=np.float32)
    t = tensor_type(array.shape)
    flat = array.reshape(-1)
    if flat.size > 0 and np.all(flat.view(np.uint32) == flat[:1].view(np.uint32)[0]):
        return f"dense<{f32_literal(flat[0])}> : {t}"
    if flat.size <= INLINE_LIMIT:
        def nest(a):
            if a.ndim == 0:
                return f32_literal(a)
            return "[" + ", ".join(nest(x) for x in a) + "]"
        return f"dense<{nest(array)}> : {t}"
    return f"dense_resource<{resources.add(array, hint)}> : {t}"


class Resources:
    """Blobs of the module's `{-# dialect_resources: {builtin: ...} #-}`."""

    def __init__(self):
        self.blobs = {}

    def add(self, array, hint):
        base = "".join(c if c.isalnum() or c == "_" else "_" for c in hint) or "blob"
        if not (base[0].isalpha() or base[0] == "_"):
            base = "_" + base
        name, k = base, 1
        while name in self.blobs:
            name = f"{base}_{k}"
            k += 1
        self.blobs[name] = array
        return name

    def render(self, out):
        if not self.blobs:
            return
        out.append("{-#\n  dialect_resources: {\n    builtin: {\n")
        items = list(self.blobs.items())
        for i, (name, array) in enumerate(items):
            out.append(f'      {name}: "{blob_hex(array)}"' + ("," if i + 1 < len(items) else "") + "\n")
        out.append("    }\n  }\n#-}\n")


class Op:
    """One operation: `%result = name operands {attrs} : (types) -> type loc`."""

    __slots__ = ("result", "name", "operands", "operand_types", "result_type",
                 "props", "attrs", "loc", "generic", "node")

    def __init__(self, result, name, operands, operand_types, result_type, props,
                 loc, node, generic=False):
        self.result = result
        self.name = name
        self.operands = operands
        self.operand_types = operand_types
        self.result_type = result_type
        self.props = props          # list of "key = value" strings (inherent)
        self.attrs = {}             # discardable attributes, key -> text
        self.loc = loc
        self.generic = generic
        self.node = node            # the fx node this op belongs to

    def render(self):
        extra = [f"{k} = {v}" for k, v in self.attrs.items()]
        if self.generic:
            props = " <{" + ", ".join(self.props) + "}>" if self.props else ""
            attrs = " {" + ", ".join(extra) + "}" if extra else ""
            head = f'%{self.result} = "{self.name}"(' + ", ".join("%" + o for o in self.operands) + ")"
            return (f"{head}{props}{attrs} : (" + ", ".join(self.operand_types) +
                    f") -> {self.result_type} loc(#{self.loc})")
        all_attrs = self.props + extra
        attrs = " {" + ", ".join(all_attrs) + "}" if all_attrs else ""
        ops = " " + ", ".join("%" + o for o in self.operands) if self.operands else ""
        return (f"%{self.result} = {self.name}{ops}{attrs} : (" + ", ".join(self.operand_types) +
                f") -> {self.result_type} loc(#{self.loc})")
