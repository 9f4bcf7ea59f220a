"""Every operator qprep.torch exports, one small model each: the JIT-compiled
export must match torch 1.13's forward (max |qprep - torch| / max |torch| <=
1e-5), and the TOSA ops it is made of are printed for FileCheck (the forms of
docs/Torch.md). Most cases start with a conv so that the operator sees an
NHWC activation and its layout handling is exercised."""
import re
import sys
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import qprep.torch as qt

warnings.filterwarnings("ignore")

torch.manual_seed(0)


class Conv(nn.Module):
    """conv (NHWC in qprep) -> op."""

    def __init__(self, op, cin=4, cout=6):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.op = op

    def forward(self, x):
        return self.op(self.conv(x))


class Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, a):
        return self.fn(a)


class Fn2(Fn):
    def forward(self, a, b):
        return self.fn(a, b)


class SE(nn.Module):
    """mobilenet_v3's squeeze-excitation: a [N, C, 1, 1] scale times the activation."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 8, 3, padding=1)
        self.fc1 = nn.Conv2d(8, 4, 1)
        self.fc2 = nn.Conv2d(4, 8, 1)

    def forward(self, x):
        x = self.conv(x)
        s = F.adaptive_avg_pool2d(x, 1)
        s = F.hardsigmoid(self.fc2(F.relu(self.fc1(s))))
        return s * x


class ConvBN(nn.Module):
    def __init__(self, **kw):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 3, **kw)
        self.bn = nn.BatchNorm2d(6)
        with torch.no_grad():
            self.bn.weight.uniform_(0.5, 2.0)
            self.bn.bias.normal_()
            self.bn.running_mean.normal_()
            self.bn.running_var.uniform_(0.5, 2.0)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class BNAfterAdd(nn.Module):
    """A BatchNorm that has no conv to fold into: exported as scale and shift."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 3, padding=1)
        self.bn = ConvBN().bn

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y + y)


class Lin(nn.Module):
    def __init__(self, k, m, bias=True):
        super().__init__()
        self.fc = nn.Linear(k, m, bias=bias)

    def forward(self, x):
        return self.fc(x)


class LN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.ln = nn.LayerNorm(8)
        with torch.no_grad():
            self.ln.weight.uniform_(0.5, 2.0)
            self.ln.bias.normal_()

    def forward(self, x):
        return self.ln(self.fc(x))


class ConstMatmul(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8, 5))

    def forward(self, x):
        return torch.matmul(x, self.w)


class ViewBatch(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return y.view(y.size(0), -1)


class PermuteLN(nn.Module):
    """convnext-style: permute to channels-last, layer_norm, permute back:
    the two permutes fold into the NHWC layout (no transposes)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(4, 6, 3, padding=1)
        self.ln = nn.LayerNorm(6)

    def forward(self, x):
        y = self.conv(x).permute(0, 2, 3, 1)
        return self.conv2(self.ln(y).permute(0, 3, 1, 2)) if False else self.ln(y).permute(0, 3, 1, 2)


X = (2, 4, 9, 9)
CASES = [
    # conv2d: padding, stride (TOSA's exact division: pads trimmed / input cut), dilation, groups
    ("conv2d", nn.Conv2d(4, 6, 3, padding=1), [X]),
    ("conv2d_stride2_nobias", nn.Conv2d(4, 6, 1, stride=2, bias=False), [(2, 4, 10, 10)]),
    ("conv2d_stride2_pad", nn.Conv2d(4, 6, 3, stride=2, padding=1), [(2, 4, 10, 10)]),
    ("conv2d_dilation", nn.Conv2d(4, 6, 3, padding=2, dilation=2), [X]),
    ("conv2d_rect", nn.Conv2d(4, 6, (3, 1), stride=(2, 1), padding=(1, 0)), [X]),
    ("conv2d_same", nn.Conv2d(4, 6, 4, padding="same"), [X]),
    ("conv2d_groups", nn.Conv2d(4, 6, 3, padding=1, groups=2), [X]),
    ("conv2d_depthwise", nn.Conv2d(4, 4, 3, padding=1, groups=4), [X]),
    ("conv2d_depthwise_mult2", nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=4), [X]),
    ("conv_bn_relu_folded", ConvBN(padding=1), [X]),
    ("batch_norm_unfolded", BNAfterAdd(), [X]),
    # linear, matmul, bmm
    ("linear", Lin(8, 5), [(3, 8)]),
    ("linear_3d_nobias", Lin(8, 5, bias=False), [(2, 3, 8)]),
    ("matmul", Fn2(torch.matmul), [(3, 8), (8, 5)]),
    ("matmul_batched_2d", Fn2(torch.matmul), [(2, 3, 8), (8, 5)]),
    ("matmul_const", ConstMatmul(), [(2, 3, 8)]),
    ("bmm", Fn2(torch.bmm), [(2, 3, 8), (2, 8, 5)]),
    # activations
    ("relu", Conv(nn.ReLU()), [X]),
    ("relu6", Conv(nn.ReLU6()), [X]),
    ("hardtanh", Conv(nn.Hardtanh(-0.5, 0.25)), [X]),
    ("hardswish", Conv(nn.Hardswish()), [X]),
    ("hardsigmoid", Conv(nn.Hardsigmoid()), [X]),
    ("sigmoid", Conv(nn.Sigmoid()), [X]),
    ("silu", Conv(nn.SiLU()), [X]),
    ("tanh", Conv(nn.Tanh()), [X]),
    ("gelu", Conv(nn.GELU()), [X]),
    ("gelu_tanh", Conv(nn.GELU(approximate="tanh")), [X]),
    # add/sub/mul/div with tensors and scalars, broadcasting
    ("add", Conv(lambda y: y + y * 0.5), [X]),
    ("add_inputs", Fn2(lambda a, b: torch.add(a, b)), [X, X]),
    ("sub_scalar", Conv(lambda y: y - 1.5), [X]),
    ("rsub", Conv(lambda y: 1.0 - y), [X]),
    ("mul_scalar", Conv(lambda y: 2 * y), [X]),
    ("div_scalar", Conv(lambda y: y / 3.0), [X]),
    ("div_tensor", Fn2(lambda a, b: a / (b * b + 1.0)), [X, X]),
    ("mul_broadcast_se", SE(), [X]),
    ("add_broadcast_row", Fn2(lambda a, b: a + b), [(2, 3, 5), (5,)]),
    # cat
    ("cat_channels", Conv(lambda y: torch.cat([y, F.relu(y)], 1)), [X]),
    ("cat_dim0", Fn2(lambda a, b: torch.cat([a, b], 0)), [(2, 5), (3, 5)]),
    # pooling
    ("max_pool2d", Conv(nn.MaxPool2d(3, 2, 1)), [X]),
    ("max_pool2d_ceil", Conv(nn.MaxPool2d(3, 2, ceil_mode=True)), [(2, 4, 10, 10)]),
    ("max_pool2d_floor_cut", Conv(nn.MaxPool2d(2)), [X]),
    ("avg_pool2d", Conv(nn.AvgPool2d(2)), [(2, 4, 8, 8)]),
    ("avg_pool2d_pad_count", Conv(nn.AvgPool2d(3, 2, 1)), [X]),
    ("avg_pool2d_pad_nocount", Conv(nn.AvgPool2d(3, 2, 1, count_include_pad=False)), [X]),
    ("avg_pool2d_ceil", Conv(nn.AvgPool2d(3, 2, 1, ceil_mode=True)), [(2, 4, 10, 10)]),
    ("adaptive_avg_pool2d_1", Conv(nn.AdaptiveAvgPool2d(1)), [X]),
    ("adaptive_avg_pool2d_3", Conv(nn.AdaptiveAvgPool2d(3)), [X]),
    ("adaptive_avg_pool2d_uneven", Conv(nn.AdaptiveAvgPool2d((4, 2))), [X]),
    ("adaptive_max_pool2d_uneven", Conv(nn.AdaptiveMaxPool2d(4)), [X]),
    # shapes
    ("flatten", Conv(lambda y: torch.flatten(y, 1)), [X]),
    ("flatten_method", Conv(lambda y: y.flatten(1)), [X]),
    ("flatten_pooled", Conv(lambda y: torch.flatten(F.adaptive_avg_pool2d(y, 1), 1)), [X]),
    ("view_size", ViewBatch(), [X]),
    ("reshape", Conv(lambda y: y.reshape(2, 6, -1)), [X]),
    ("permute", Conv(lambda y: y.permute(0, 2, 3, 1).contiguous()), [X]),
    ("transpose", Conv(lambda y: y.transpose(1, 3)), [X]),
    ("permute_layer_norm", PermuteLN(), [X]),
    ("squeeze_unsqueeze", Conv(lambda y: F.adaptive_avg_pool2d(y, 1).squeeze(-1).unsqueeze(0)), [X]),
    ("getitem_slice", Conv(lambda y: y[:, 1:4]), [X]),
    # reductions, normalization
    ("mean_hw", Conv(lambda y: y.mean([2, 3])), [X]),
    ("mean_keepdim", Conv(lambda y: torch.mean(y, dim=1, keepdim=True)), [X]),
    ("softmax_channels", Conv(lambda y: F.softmax(y, dim=1)), [X]),
    ("softmax_last", Fn(lambda a: torch.softmax(a, -1)), [(2, 3, 7)]),
    ("layer_norm", LN(), [(2, 3, 8)]),
    # identities
    ("dropout", Conv(nn.Dropout(0.5)), [X]),
    ("contiguous", Conv(lambda y: y.contiguous()), [X]),
]

only = sys.argv[1:]
fails = 0
for name, model, shapes in CASES:
    if only and name not in only:
        continue
    model.eval()
    inputs = tuple(torch.randn(*s) for s in shapes)
    exported = qt.export(model, inputs)
    cal = exported.calibrator()
    outs = cal.forward(*[x.numpy() for x in inputs])
    with torch.no_grad():
        ref = model(*inputs)
    ref = ref.numpy()
    err = float(np.max(np.abs(outs[0] - ref)) / max(np.max(np.abs(ref)), 1e-30))
    ops = []
    for m in re.finditer(r'= "?(tosa\.[a-z_0-9]+)', exported.text):
        if m.group(1) not in ("tosa.const", "tosa.const_shape"):
            ops.append(m.group(1)[5:])
    ok = err <= 1e-5 and outs[0].shape == ref.shape
    fails += not ok
    print(f"{name}: {'ok' if ok else 'FAIL'} {' '.join(ops)}" + ("" if ok else f" (error {err:.3g})"))
print("failures", fails)
