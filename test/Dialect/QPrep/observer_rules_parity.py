"""PyTorch's observer constructor checks, rule by rule, against torch 1.13.

Each case builds the torch 1.13 observer (or FakeQuantize around it) and
verifies the qprep spec that stands for it. PyTorch "rejects" when the
constructor raises, or, for rules PyTorch only enforces on the first call
(bins = 0), when a forward on a small tensor raises. Both must agree, except
for the deviations listed in DEVIATIONS, each with its reason (they are also
in docs/QPrep.md); the test fails if a deviation disappears or a new one
appears. Rules torch 1.13 does not have (is_dynamic checks, float8 and
16-bit dtypes) are torchao's and are tested in observer-rules.mlir.
"""
import warnings

import torch
import torch.ao.quantization.fake_quantize as FQ
import torch.ao.quantization.observer as O

import qprep

warnings.filterwarnings("ignore")
q8, u8, q32 = torch.qint8, torch.quint8, torch.qint32
pt, ps = torch.per_tensor_affine, torch.per_tensor_symmetric
pc, pcs = torch.per_channel_affine, torch.per_channel_symmetric

CASES = [
    # (rule, torch constructor, qprep spec)
    ("minmax: per-tensor qscheme only", lambda: O.MinMaxObserver(qscheme=pc),
     "#qprep.qspec<ui8, qscheme = per_channel_affine, ch_axis = 0, observer = minmax>"),
    ("moving_average_minmax: per-tensor qscheme only",
     lambda: O.MovingAverageMinMaxObserver(qscheme=pcs),
     "#qprep.qspec<ui8, qscheme = per_channel_symmetric, ch_axis = 0, observer = moving_average_minmax>"),
    ("histogram: per-tensor qscheme only", lambda: O.HistogramObserver(qscheme=pc),
     "#qprep.qspec<ui8, qscheme = per_channel_affine, ch_axis = 0, observer = histogram>"),
    ("per_channel_minmax: per-channel qscheme only", lambda: O.PerChannelMinMaxObserver(qscheme=pt),
     "#qprep.qspec<ui8, qscheme = per_tensor_affine, observer = per_channel_minmax>"),
    ("moving_average_per_channel_minmax: per-channel qscheme only",
     lambda: O.MovingAveragePerChannelMinMaxObserver(qscheme=ps),
     "#qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = moving_average_per_channel_minmax>"),
    ("uniform observers: no float dtype (minmax, f32)", lambda: O.MinMaxObserver(dtype=torch.float32),
     "#qprep.qspec<f32, observer = minmax>"),
    ("uniform observers: no float dtype (moving average, f16)",
     lambda: O.MovingAverageMinMaxObserver(dtype=torch.float16),
     "#qprep.qspec<f16, observer = moving_average_minmax>"),
    ("uniform observers: no float dtype (histogram, f32)", lambda: O.HistogramObserver(dtype=torch.float32),
     "#qprep.qspec<f32, observer = histogram>"),
    ("uniform observers: no float dtype (per channel, f32)",
     lambda: O.PerChannelMinMaxObserver(dtype=torch.float32),
     "#qprep.qspec<f32, qscheme = per_channel_affine, ch_axis = 0>"),
    ("placeholder: float dtypes", lambda: O.PlaceholderObserver(dtype=torch.float16),
     "#qprep.qspec<f16, observer = placeholder>"),
    ("custom range must include 0 (minmax)",
     lambda: O.MinMaxObserver(dtype=u8, quant_min=1, quant_max=255),
     "#qprep.qspec<ui8, quant_min = 1, quant_max = 255>"),
    ("custom range must include 0 (histogram)",
     lambda: O.HistogramObserver(dtype=q8, quant_min=-10, quant_max=-1),
     "#qprep.qspec<i8, quant_min = -10, quant_max = -1, observer = histogram>"),
    ("custom range: quant_min < quant_max",
     lambda: O.PerChannelMinMaxObserver(dtype=q8, quant_min=0, quant_max=0),
     "#qprep.qspec<i8, quant_min = 0, quant_max = 0, qscheme = per_channel_affine, ch_axis = 0>"),
    ("custom range: reversed", lambda: O.MinMaxObserver(dtype=q8, quant_min=0, quant_max=-5),
     "#qprep.qspec<i8, quant_min = 0, quant_max = -5>"),
    ("qint8: custom range of at most 256 values",
     lambda: O.MinMaxObserver(dtype=q8, quant_min=-200, quant_max=100),
     "#qprep.qspec<i8, quant_min = -200, quant_max = 100>"),
    ("qint8: 256 values outside the dtype", lambda: O.MinMaxObserver(dtype=q8, quant_min=0, quant_max=255),
     "#qprep.qspec<i8, quant_min = 0, quant_max = 255>"),
    ("quint8: range beyond the dtype", lambda: O.MinMaxObserver(dtype=u8, quant_min=0, quant_max=256),
     "#qprep.qspec<ui8, quant_min = 0, quant_max = 256>"),
    ("qint32: full custom range", lambda: O.MinMaxObserver(dtype=q32, quant_min=-2**31, quant_max=2**31 - 1),
     "#qprep.qspec<i32, quant_min = -2147483648, quant_max = 2147483647>"),
    ("int16 dtype", lambda: O.MinMaxObserver(dtype=torch.int16), "#qprep.qspec<i16>"),
    ("custom range: a lone bound", lambda: O.MinMaxObserver(dtype=q8, quant_min=-100),
     "#qprep.qspec<i8, quant_min = -100>"),
    ("reduce_range, symmetric quint8: minmax",
     lambda: O.MinMaxObserver(dtype=u8, qscheme=ps, reduce_range=True),
     "#qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = minmax(reduce_range)>"),
    ("reduce_range, symmetric quint8: moving_average_minmax",
     lambda: O.MovingAverageMinMaxObserver(dtype=u8, qscheme=ps, reduce_range=True),
     "#qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = moving_average_minmax(reduce_range)>"),
    ("reduce_range, symmetric quint8: per_channel_minmax",
     lambda: O.PerChannelMinMaxObserver(dtype=u8, qscheme=pcs, reduce_range=True),
     "#qprep.qspec<ui8, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(reduce_range)>"),
    ("reduce_range, symmetric quint8: moving_average_per_channel_minmax",
     lambda: O.MovingAveragePerChannelMinMaxObserver(dtype=u8, qscheme=pcs, reduce_range=True),
     "#qprep.qspec<ui8, qscheme = per_channel_symmetric, ch_axis = 0, "
     "observer = moving_average_per_channel_minmax(reduce_range)>"),
    ("reduce_range, symmetric quint8: histogram accepts",
     lambda: O.HistogramObserver(dtype=u8, qscheme=ps, reduce_range=True),
     "#qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = histogram(reduce_range)>"),
    ("reduce_range, symmetric qint8: accepted",
     lambda: O.PerChannelMinMaxObserver(dtype=q8, qscheme=pcs, reduce_range=True),
     "#qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(reduce_range)>"),
    ("placeholder: no reduce_range", lambda: O.PlaceholderObserver(dtype=u8, reduce_range=True),
     "#qprep.qspec<ui8, observer = placeholder(reduce_range)>"),
    ("histogram: bins = 0 (raises on the first batch)", lambda: O.HistogramObserver(bins=0),
     "#qprep.qspec<ui8, observer = histogram(bins = 0)>"),
    ("histogram: negative bins", lambda: O.HistogramObserver(bins=-1),
     "#qprep.qspec<ui8, observer = histogram(bins = -1)>"),
    ("eps = 0", lambda: O.MinMaxObserver(eps=0.0), "#qprep.qspec<ui8, observer = minmax(eps = 0.0)>"),
    ("eps < 0", lambda: O.MinMaxObserver(eps=-1.0), "#qprep.qspec<ui8, observer = minmax(eps = -1.0)>"),
    ("eps 0 in float32", lambda: O.HistogramObserver(eps=1e-320),
     "#qprep.qspec<ui8, observer = histogram(eps = 1.0e-320)>"),
    ("eps denormal in float32", lambda: O.MinMaxObserver(eps=1e-45),
     "#qprep.qspec<ui8, observer = minmax(eps = 1.0e-45)>"),
    ("averaging_constant above 1", lambda: O.MovingAverageMinMaxObserver(averaging_constant=1.5),
     "#qprep.qspec<ui8, observer = moving_average_minmax(averaging_constant = 1.5)>"),
    ("averaging_constant 0", lambda: O.MovingAverageMinMaxObserver(averaging_constant=0.0),
     "#qprep.qspec<ui8, observer = moving_average_minmax(averaging_constant = 0.0)>"),
    ("per-channel: negative ch_axis", lambda: O.PerChannelMinMaxObserver(ch_axis=-1),
     "#qprep.qspec<ui8, qscheme = per_channel_affine, ch_axis = -1>"),
    ("fake_quant: custom range within torch.iinfo(dtype)",
     lambda: FQ.FakeQuantize(observer=O.MinMaxObserver, quant_min=-200, quant_max=100, dtype=q8),
     "#qprep.qspec<i8, quant_min = -200, quant_max = 100, observer = minmax(fake_quant)>"),
    ("fake_quant: per-channel observer accepted",
     lambda: FQ.FakeQuantize(observer=O.MovingAveragePerChannelMinMaxObserver, quant_min=-127,
                             quant_max=127, dtype=q8, qscheme=pcs),
     "#qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, "
     "observer = moving_average_per_channel_minmax(fake_quant)>"),
    ("fixed: scale 0", lambda: O.FixedQParamsObserver(scale=0.0, zero_point=0),
     "#qprep.fixed_qspec<ui8, scale = 0.0, zero_point = 0>"),
    ("fixed: zero point outside the range", lambda: O.FixedQParamsObserver(scale=1.0, zero_point=300),
     "#qprep.fixed_qspec<ui8, scale = 1.0, zero_point = 300>"),
    ("fixed: per-channel qscheme", lambda: O.FixedQParamsObserver(scale=1.0, zero_point=0, qscheme=pc),
     "#qprep.fixed_qspec<ui8, scale = 1.0, zero_point = 0, qscheme = per_channel_affine>"),
    ("fixed QAT: per-channel qscheme",
     lambda: FQ.FixedQParamsFakeQuantize(
         observer=O.FixedQParamsObserver.with_args(scale=1.0, zero_point=0, qscheme=pc)),
     "#qprep.fixed_qspec<ui8, scale = 1.0, zero_point = 0, qscheme = per_channel_affine>"),
]

# Where qprep deliberately differs from torch 1.13 (docs/QPrep.md).
DEVIATIONS = {
    "qint8: 256 values outside the dtype":
        "qprep: a range must fit its dtype (q/dq would wrap around; FakeQuantize checks it too)",
    "quint8: range beyond the dtype":
        "qprep: a range must fit its dtype",
    "qint32: full custom range":
        "torchao allows 2**32 values (torch 1.13 allowed 2**31): qprep follows torchao",
    "int16 dtype": "torchao accepts int16/uint16/float8 (_ALLOWED_DTYPES; torch 1.13 did not): qprep follows torchao",
    "custom range: a lone bound":
        "PyTorch silently ignores a lone quant_min/quant_max; qprep says so",
    "eps = 0": "qprep: eps must be positive (scale 0 gives NaN zero points)",
    "eps < 0": "qprep: eps must be positive",
    "eps 0 in float32": "qprep: eps must survive float32 (PyTorch keeps it as a float32 tensor)",
    "averaging_constant above 1": "qprep: averaging_constant in (0, 1]",
    "averaging_constant 0": "qprep: averaging_constant in (0, 1]",
    "per-channel: negative ch_axis":
        "torchao's QuantizationSpec raises for ch_axis < 0 (torch 1.13 had no QuantizationSpec)",
    "fixed: scale 0": "qprep: a fixed scale must be positive and finite in float32",
    "fixed: zero point outside the range": "qprep: a fixed zero point must lie in the range",
    "fixed: per-channel qscheme":
        "qprep refuses it for PTQ too (FixedQParamsFakeQuantize raises for QAT; PTQ fails at convert)",
}


def torch_rejects(ctor):
    try:
        obs = ctor()
    except Exception:
        return True
    try:
        if isinstance(obs, O.HistogramObserver):
            obs(torch.randn(8))
    except Exception:
        return True
    return False


def qprep_rejects(spec):
    try:
        qprep.verify(f"func.func private @f() attributes {{t.a = {spec}}}",
                     allow_unregistered_dialects=True)
    except qprep.Error:
        return True
    return False


seen_deviations = set()
bad = 0
for rule, ctor, spec in CASES:
    t, q = torch_rejects(ctor), qprep_rejects(spec)
    word = {True: "rejects", False: "accepts"}
    if t == q:
        print(f"same   {rule}: both {word[t]}")
    elif rule in DEVIATIONS:
        seen_deviations.add(rule)
        print(f"differ {rule}: torch 1.13 {word[t]}, qprep {word[q]} ({DEVIATIONS[rule]})")
    else:
        bad += 1
        print(f"MISMATCH {rule}: torch 1.13 {word[t]}, qprep {word[q]}")
for rule in sorted(set(DEVIATIONS) - seen_deviations):
    bad += 1
    print(f"MISMATCH documented deviation no longer differs: {rule}")
print(f"rules={len(CASES)} deviations={len(seen_deviations)} mismatches={bad}")
