"""TOSA modules of real networks' shapes, generated from torch modules, for the
forward benchmarks and tests (not an exporter: it knows the few layer kinds of
torchvision's ResNets).

* `conv_layer(x_shape, weight, bias, stride, padding)`: one tosa.conv2d as
  torch.nn.functional.conv2d computes it (NCHW torch weights, NHWC TOSA).
* `resnet(model)`: a torchvision ResNet (BasicBlock or Bottleneck) in eval
  mode, batch norms folded into the convolutions (as every inference exporter
  does), as one TOSA function on an NHWC image.

Weights are `dense_resource` blobs, so a 45 MB network parses quickly.
`observe` says which values get observers:
  "output"   a per-channel min/max observer on the result (ch_axis = last):
             each channel holds one logit, so its min and max ARE the logits,
             which is how tests read the forward's output back;
  "xnnpack"  what PyTorch's XNNPACKQuantizer annotates: int8 activations at
             every conv/add/linear input and output, per-channel symmetric
             weights, derived biases; relu and pooling share their input's
             observer. `act` picks the activation observer (minmax or
             histogram).

usage: /usr/bin/python3 test/reference/tosa_models.py resnet18 out.mlir
"""
import numpy as np
import torch

F32_MAX = "3.40282347e+38"


def fold_bn(conv, bn):
    """conv (no bias) followed by eval-mode bn, as one conv's weight and bias:
    w * gamma / sqrt(var + eps), beta - mean * gamma / sqrt(var + eps)."""
    w = conv.weight.detach().double()
    scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.double() + bn.eps)
    wf = (w * scale.reshape(-1, 1, 1, 1)).float()
    b = conv.bias.detach().double() if conv.bias is not None else torch.zeros(w.shape[0]).double()
    bf = (bn.bias.detach().double() + (b - bn.running_mean.double()) * scale).float()
    return wf, bf


def folded_resnet(model):
    """A copy of `model` with every bn folded into its conv (bn -> identity):
    the float32 reference for the generated module's exact arithmetic."""
    import copy
    m = copy.deepcopy(model).eval()

    def fold(conv, bn):
        wf, bf = fold_bn(conv, bn)
        conv.weight.data = wf
        conv.bias = torch.nn.Parameter(bf)
    fold(m.conv1, m.bn1)
    m.bn1 = torch.nn.Identity()
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        for blk in layer:
            for i in (1, 2, 3):
                if hasattr(blk, f"conv{i}"):
                    fold(getattr(blk, f"conv{i}"), getattr(blk, f"bn{i}"))
                    setattr(blk, f"bn{i}", torch.nn.Identity())
            if blk.downsample is not None:
                fold(blk.downsample[0], blk.downsample[1])
                blk.downsample = torch.nn.Sequential(blk.downsample[0])
    return m


def shape_str(shape):
    return "x".join(str(d) for d in shape) + "xf32"


class Emitter:
    def __init__(self, observe="output", act="minmax"):
        self.lines, self.blobs, self.n = [], {}, 0
        self.observe, self.act = observe, act

    def fresh(self):
        self.n += 1
        return f"%v{self.n}"

    def const(self, array):
        array = np.ascontiguousarray(array, dtype=np.float32)
        name = f"blob{len(self.blobs)}"
        # Resource blobs: 4-byte alignment word, then the little-endian data.
        self.blobs[name] = "0x04000000" + array.tobytes().hex()
        v = self.fresh()
        t = f"tensor<{shape_str(array.shape)}>"
        self.lines.append(f'{v} = "tosa.const"() {{values = dense_resource<{name}> : {t}}} : () -> {t}')
        return v, list(array.shape)

    def zero(self):
        if not hasattr(self, "_zp"):
            self._zp = self.fresh()
            self.lines.append(f'{self._zp} = "tosa.const"() {{values = dense<0.0> : tensor<1xf32>}} : () -> tensor<1xf32>')
        return self._zp

    def attrs(self, attrs, kind):
        """The op's attribute dictionary: `attrs` plus the annotations of the
        XNNPACKQuantizer's rules for this kind of op."""
        attrs = list(attrs)
        if self.observe == "xnnpack":
            attrs += {
                "conv": ["qprep.inputs = [#act, #wt, #bias]", "qprep.outputs = [#act]"],
                "matmul": ["qprep.inputs = [#act, #wt_t]", "qprep.outputs = [#act]"],
                "add": ["qprep.inputs = [#act, #act]", "qprep.outputs = [#act]"],
                "shared": ["qprep.inputs = [#qprep.shared<operand 0>]",
                           "qprep.outputs = [#qprep.shared<operand 0>]"],
            }.get(kind, [])
        return " {" + ", ".join(attrs) + "}" if attrs else ""

    def op(self, head, attrs, types, out_shape, kind=""):
        """Appends `%v = head {attrs} : types`."""
        v = self.fresh()
        self.lines.append(f"{v} = {head}{self.attrs(attrs, kind)} : {types}")
        return v, out_shape

    def conv(self, x, w_oihw, b, stride, pad):
        (xv, xs) = x
        w = w_oihw.detach().numpy().transpose(0, 2, 3, 1)  # OIHW -> OHWI
        o, kh, kw, c = w.shape
        # TOSA wants (in - 1 + pads - (k - 1)) divisible by the stride; torch
        # floors. Trim the bottom/right padding (never read by torch) and, if
        # that is not enough, slice rows/columns torch never reads.
        n, h, wd, _ = xs
        oh = (h + 2 * pad - kh) // stride + 1
        ow = (wd + 2 * pad - kw) // stride + 1
        need_h = (oh - 1) * stride + kh  # padded rows read
        need_w = (ow - 1) * stride + kw
        pb, pr = need_h - h - pad, need_w - wd - pad
        if pb < 0 or pr < 0:
            sh, sw = h + min(pb, 0), wd + min(pr, 0)
            xv, xs = self.slice(x, [0, 0, 0, 0], [n, sh, sw, c])
            pb, pr = max(pb, 0), max(pr, 0)
        wv, _ = self.const(w)
        bv, _ = self.const(b.detach().numpy())
        zp = self.zero()
        out = [n, oh, ow, o]
        return self.op(
            f"tosa.conv2d {xv}, {wv}, {bv}, {zp}, {zp}",
            ["acc_type = f32", "dilation = array<i64: 1, 1>",
             f"pad = array<i64: {pad}, {pb}, {pad}, {pr}>", f"stride = array<i64: {stride}, {stride}>"],
            f"(tensor<{shape_str(xs)}>, tensor<{shape_str(w.shape)}>, tensor<{o}xf32>, "
            f"tensor<1xf32>, tensor<1xf32>) -> tensor<{shape_str(out)}>", out, "conv")

    def shape_const(self, values):
        v = self.fresh()
        vals = ", ".join(str(d) for d in values)
        self.lines.append(f"{v} = tosa.const_shape {{values = dense<[{vals}]> : "
                          f"tensor<{len(values)}xindex>}} : () -> !tosa.shape<{len(values)}>")
        return v

    def slice(self, x, start, size):
        xv, xs = x
        s0, s1 = self.shape_const(start), self.shape_const(size)
        return self.op(f"tosa.slice {xv}, {s0}, {s1}", [],
                       f"(tensor<{shape_str(xs)}>, !tosa.shape<4>, !tosa.shape<4>) -> "
                       f"tensor<{shape_str(size)}>", size)

    def relu(self, x):
        xv, xs = x
        return self.op(f"tosa.clamp {xv}", ["min_val = 0.0 : f32", f"max_val = {F32_MAX} : f32"],
                       f"(tensor<{shape_str(xs)}>) -> tensor<{shape_str(xs)}>", xs, "shared")

    def add(self, x, y, attrs=(), kind="add"):
        return self.op(f"tosa.add {x[0]}, {y[0]}", attrs,
                       f"(tensor<{shape_str(x[1])}>, tensor<{shape_str(y[1])}>) -> "
                       f"tensor<{shape_str(x[1])}>", x[1], kind)

    def maxpool(self, x, k, stride, pad):
        xv, xs = x
        n, h, w, c = xs
        oh, ow = (h + 2 * pad - k) // stride + 1, (w + 2 * pad - k) // stride + 1
        pb, pr = (oh - 1) * stride + k - h - pad, (ow - 1) * stride + k - w - pad
        out = [n, oh, ow, c]
        return self.op(f"tosa.max_pool2d {xv}",
                       [f"kernel = array<i64: {k}, {k}>", f"pad = array<i64: {pad}, {pb}, {pad}, {pr}>",
                        f"stride = array<i64: {stride}, {stride}>"],
                       f"(tensor<{shape_str(xs)}>) -> tensor<{shape_str(out)}>", out, "shared")

    def global_avgpool(self, x):
        xv, xs = x
        n, h, w, c = xs
        zp = self.zero()
        out = [n, 1, 1, c]
        return self.op(f"tosa.avg_pool2d {xv}, {zp}, {zp}",
                       ["acc_type = f32", f"kernel = array<i64: {h}, {w}>", "pad = array<i64: 0, 0, 0, 0>",
                        "stride = array<i64: 1, 1>"],
                       f"(tensor<{shape_str(xs)}>, tensor<1xf32>, tensor<1xf32>) -> "
                       f"tensor<{shape_str(out)}>", out, "shared")

    def reshape(self, x, shape):
        s = self.shape_const(shape)
        return self.op(f"tosa.reshape {x[0]}, {s}", [],
                       f"(tensor<{shape_str(x[1])}>, !tosa.shape<{len(shape)}>) -> "
                       f"tensor<{shape_str(shape)}>", shape, "shared")

    def linear(self, x, weight, bias, last=False):
        """x: [1, M, K]; torch weight [N, K] -> tosa.matmul with [1, K, N], then + bias."""
        xv, xs = x
        wt, _ = self.const(weight.detach().numpy().T[None])
        zp = self.zero()
        n = weight.shape[0]
        out = [1, xs[1], n]
        mm = self.op(f"tosa.matmul {xv}, {wt}, {zp}, {zp}", [],
                     f"(tensor<{shape_str(xs)}>, tensor<1x{xs[2]}x{n}xf32>, tensor<1xf32>, "
                     f"tensor<1xf32>) -> tensor<{shape_str(out)}>", out, "matmul")
        bv, _ = self.const(bias.detach().numpy().reshape(1, 1, n))
        b = (bv, [1, 1, n])
        if last and self.observe in ("output", "xnnpack"):
            # One logit per channel: the observer's per-channel min/max are the logits.
            attrs = ["qprep.outputs = [#qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 2, "
                     "observer = per_channel_minmax>]"]
            if self.observe == "xnnpack":
                attrs.insert(0, "qprep.inputs = [#act, #act]")
            return self.add(mm, b, attrs, kind="")
        return self.add(mm, b, kind="")

    def module(self, args, result, name="forward"):
        head = ""
        if self.observe == "xnnpack":
            obs = ("histogram(eps = 0.000244140625)" if self.act == "histogram"
                   else "minmax(eps = 0.000244140625)")
            head = (f"#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, "
                    f"qscheme = per_tensor_affine, observer = {obs}>\n"
                    "#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, "
                    "ch_axis = 0, observer = per_channel_minmax(eps = 0.000244140625)>\n"
                    "#wt_t = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, "
                    "ch_axis = 2, observer = per_channel_minmax(eps = 0.000244140625)>\n"
                    "#bias = #qprep.derived<i32, from = [edge 0, edge 1], quant_min = -2147483648, "
                    "quant_max = 2147483647, qscheme = per_channel_symmetric, ch_axis = 0>\n")
        sig = ", ".join(f"%{a}: tensor<{shape_str(s)}>" for a, s in args)
        body = "\n    ".join(self.lines)
        blobs = ",\n      ".join(f"{k}: \"{v}\"" for k, v in self.blobs.items())
        res = f"{{-# dialect_resources: {{ builtin: {{\n      {blobs}\n  }} }} #-}}\n" if self.blobs else ""
        return (f"{head}module {{\n  func.func @{name}({sig}) -> tensor<{shape_str(result[1])}> {{\n"
                f"    {body}\n    return {result[0]} : tensor<{shape_str(result[1])}>\n  }}\n}}\n{res}")


def conv_layer(x_shape_nchw, weight, bias, stride=1, padding=1, observe="output"):
    """One tosa.conv2d with torch's conv2d semantics; `observe="output"` puts a
    min/max observer on the result (so that the forward cannot be dead code)."""
    e = Emitter(observe="none")
    n, c, h, w = x_shape_nchw
    x = ("%x", [n, h, w, c])
    y = e.conv(x, weight, bias, stride, padding)
    if observe == "output":
        e.lines[-1] = e.lines[-1].replace(
            "stride = array", "qprep.outputs = [#qprep.qspec<i8>], stride = array", 1)
    return e.module([("x", [n, h, w, c])], y)


def resnet(model, image=224, observe="output", act="minmax"):
    """A torchvision ResNet in eval mode as TOSA (NHWC input 1 x image x image x 3)."""
    m = folded_resnet(model)
    e = Emitter(observe=observe, act=act)
    x = ("%x", [1, image, image, 3])
    y = e.relu(e.conv(x, m.conv1.weight, m.conv1.bias, 2, 3))
    y = e.maxpool(y, 3, 2, 1)
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        for blk in layer:
            idn = y
            convs = [getattr(blk, f"conv{i}") for i in (1, 2, 3) if hasattr(blk, f"conv{i}")]
            for i, conv in enumerate(convs):
                y = e.conv(y, conv.weight, conv.bias, conv.stride[0], conv.padding[0])
                if i + 1 < len(convs):
                    y = e.relu(y)
            if blk.downsample is not None:
                d = blk.downsample[0]
                idn = e.conv(idn, d.weight, d.bias, d.stride[0], d.padding[0])
            y = e.relu(e.add(y, idn))
    y = e.global_avgpool(y)
    c = y[1][3]
    y = e.reshape(y, [1, 1, c])
    y = e.linear(y, m.fc.weight, m.fc.bias, last=True)
    return e.module([("x", [1, image, image, 3])], y), m


if __name__ == "__main__":
    import sys
    import torchvision
    torch.manual_seed(0)
    name, out = sys.argv[1], sys.argv[2]
    text, _ = resnet(getattr(torchvision.models, name)().eval())
    open(out, "w").write(text)
