"""qprep-lower-quant against torch 1.13, bit for bit, on random tensors.

For each configuration a module `qcast -> dcast` (plus the stored integers,
returned as two float32 halves) is lowered by qprep-lower-quant inside the
Calibrator's pipeline, JIT-compiled and run; the references are
torch.quantize_per_tensor / quantize_per_channel (+ int_repr, dequantize)
for i8, u8 and i32 over their full range, and for every storage type and
range torch.fake_quantize_per_tensor_affine / fake_quantize_per_channel_affine
(quantize-dequantize) and the decomposed formula of PyTorch's convert_pt2e
(torch.clamp(torch.round(x * (1.0 / scale)) + zp, qmin, qmax)).

Inputs mix normal values, exact ties (k + 0.5 after scaling), values far
outside the range, +-0, NaN and +-inf. Non-finite and huge inputs follow the
documented policy (docs/Convert.md): NaN -> qmin (as torch 1.13), +-inf and
|x / scale| >= 2^62 saturate (torch 1.13's kernels give qmin there, an int64
conversion artifact); those are counted and checked against the policy.

Also: dynamic quantization (qprep-convert's run-time choose_qparams) against
MinMaxObserver + fake_quantize_per_tensor_affine, and weights quantized at
compile time against torch.quantize_per_channel(...).dequantize().
"""
import sys

import numpy as np
import torch

import qprep

rng = np.random.default_rng(1234)
failures = []


def fmt(v):
    return np.format_float_scientific(np.float64(v), unique=True)


# storage name in !quant.uniform, bits, signed, torch quantized dtype
STORAGE = {
    "i8": (8, True, torch.qint8),
    "u8": (8, False, torch.quint8),
    "i16": (16, True, None),
    "u16": (16, False, None),
    "i32": (32, True, torch.qint32),
}


def full_range(storage):
    bits, signed, _ = STORAGE[storage]
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def qtype(storage, qmin, qmax, scales, zps, axis):
    lo, hi = full_range(storage)
    rng_s = "" if (qmin, qmax) == (lo, hi) else f"<{qmin}:{qmax}>"
    if axis is None:
        return f"!quant.uniform<{storage}{rng_s}:f32, {fmt(scales[0])}:{zps[0]}>"
    pairs = ", ".join(f"{fmt(s)}:{z}" for s, z in zip(scales, zps))
    return f"!quant.uniform<{storage}{rng_s}:f32:{axis}, {{{pairs}}}>"


def module(shape, qt, storage):
    bits, signed, _ = STORAGE[storage]
    t = "x".join(map(str, shape)) + "x"
    rank = len(shape)
    dims = ", ".join(f"d{i}" for i in range(rank))
    ext = "arith.extsi" if signed else "arith.extui"
    return f"""
#id = affine_map<({dims}) -> ({dims})>
func.func @forward(%x: tensor<{t}f32>) -> (tensor<{t}f32>, tensor<{t}f32>, tensor<{t}f32>) {{
  %q = quant.qcast %x : tensor<{t}f32> to tensor<{t}{qt}>
  %d = quant.dcast %q : tensor<{t}{qt}> to tensor<{t}f32>
  %i = quant.scast %q : tensor<{t}{qt}> to tensor<{t}i{bits}>
  %e = tensor.empty() : tensor<{t}f32>
  %hl:2 = linalg.generic {{indexing_maps = [#id, #id, #id],
      iterator_types = [{", ".join(['"parallel"'] * rank)}]}}
      ins(%i : tensor<{t}i{bits}>) outs(%e, %e : tensor<{t}f32>, tensor<{t}f32>) {{
  ^bb0(%v: i{bits}, %o0: f32, %o1: f32):
    %w = {ext} %v : i{bits} to i64
    %c16 = arith.constant 16 : i64
    %m = arith.constant 65535 : i64
    %h = arith.shrsi %w, %c16 : i64
    %l = arith.andi %w, %m : i64
    %hf = arith.sitofp %h : i64 to f32
    %lf = arith.sitofp %l : i64 to f32
    linalg.yield %hf, %lf : f32, f32
  }} -> (tensor<{t}f32>, tensor<{t}f32>)
  return %d, %hl#0, %hl#1 : tensor<{t}f32>, tensor<{t}f32>, tensor<{t}f32>
}}
"""


def inputs(shape, scales, zps, axis, qmin, qmax):
    """Normal values spread over ~1.5x the range, exact ties, values at and
    beyond the bounds, +-0, NaN, +-inf and huge values."""
    n = int(np.prod(shape))
    bshape = [1] * len(shape)
    if axis is not None:
        bshape[axis] = shape[axis]
    s = np.broadcast_to(np.asarray(scales, np.float32).reshape(bshape), shape)
    z = np.broadcast_to(np.asarray(zps, np.float64).reshape(bshape), shape)
    span = float(qmax - qmin)
    q = rng.uniform(qmin - 0.25 * span, qmax + 0.25 * span, shape) - z
    x = (q * s).astype(np.float32)
    flat = x.reshape(-1)
    sf, zf = s.reshape(-1), z.reshape(-1)
    k = n // 3  # exact ties when 1 / scale is exact: (k + 0.5) * scale
    idx = rng.choice(n, k, replace=False)
    inv = np.float32(1) / sf[idx]
    ties = (rng.integers(-300, 300, k) + 0.5).astype(np.float32)
    flat[idx] = (ties / inv).astype(np.float32)
    special = np.array([0.0, -0.0, np.nan, np.inf, -np.inf, 1e30, -1e30,
                        3.4e38, -3.4e38], np.float32)
    m = min(n, len(special))
    idx = rng.choice(n, m, replace=False)
    flat[idx] = special[:m]
    # Bounds: qmax + 0.5 and qmin - 0.5 after scaling (ties at the edges).
    if n > 12:
        j = rng.choice(n, 2, replace=False)
        flat[j[0]] = np.float32((qmax + 0.5 - zf[j[0]]) * sf[j[0]])
        flat[j[1]] = np.float32((qmin - 0.5 - zf[j[1]]) * sf[j[1]])
    return x


def policy_mask(x, scales, axis, shape):
    """Elements where the policy (saturation) is checked instead of torch:
    +-inf and |x * inv_scale| >= 2^62."""
    bshape = [1] * len(shape)
    if axis is not None:
        bshape[axis] = shape[axis]
    inv = (np.float32(1) / np.asarray(scales, np.float32)).reshape(bshape)
    with np.errstate(all="ignore"):
        v = (x * inv).astype(np.float32)
    return np.isinf(x) | (np.abs(v) >= 2.0 ** 62)


def decomposed(x, scales, zps, axis, qmin, qmax):
    """convert_pt2e's quantize (torch/ao/quantization/fx/_decomposed.py) on
    torch 1.13 ops, in float32; returned as float (no int conversion)."""
    t = torch.from_numpy(x)
    if axis is None:
        return torch.clamp(torch.round(t * (1.0 / float(scales[0]))) + zps[0],
                           qmin, qmax).numpy()
    shape = [1] * t.dim()
    shape[axis] = -1
    s = torch.tensor(scales, dtype=torch.float32).reshape(shape)
    z = torch.tensor(zps).reshape(shape)
    return torch.clamp(torch.round(t * (1.0 / s)) + z, qmin, qmax).numpy()


def same_bits(a, b):
    a = np.ascontiguousarray(a, np.float32)
    b = np.ascontiguousarray(b, np.float32)
    return (a.view(np.int32) == b.view(np.int32)) | (np.isnan(a) & np.isnan(b))


counts = {"configs": 0, "elements": 0, "ties": 0, "aten": 0, "fake": 0,
          "decomposed": 0, "policy": 0, "wrap": 0}


def run_config(storage, shape, axis, custom):
    bits, signed, tdtype = STORAGE[storage]
    lo, hi = full_range(storage)
    qmin, qmax = lo, hi
    if custom:  # a narrower range, holding 0
        qmin = int(rng.integers(lo, min(lo + (hi - lo) // 4, 0) + 1))
        qmax = int(rng.integers(max(hi - (hi - lo) // 4, 0), hi + 1))
    channels = shape[axis] if axis is not None else 1
    # Power-of-two scales (exact ties) for half the configs.
    if rng.random() < 0.5:
        scales = [np.float32(2.0 ** rng.integers(-12, 2)) for _ in range(channels)]
    else:
        scales = [np.float32(np.exp(rng.uniform(-9, 1))) for _ in range(channels)]
    if storage == "i32":
        zps = [int(rng.integers(-1000, 1000)) for _ in range(channels)]
    else:
        zps = [int(rng.integers(qmin, qmax + 1)) for _ in range(channels)]
    qt = qtype(storage, qmin, qmax, scales, zps, axis)
    x = inputs(shape, scales, zps, axis, qmin, qmax)
    cal = qprep.Calibrator(module(shape, qt, storage))
    d, h, low = cal.forward(x)
    q = h.astype(np.int64) * 65536 + low.astype(np.int64)
    name = f"{storage} {qmin}..{qmax} shape {shape} axis {axis}"
    pol = policy_mask(x, scales, axis, shape)
    ok = ~pol
    counts["configs"] += 1
    counts["elements"] += x.size
    counts["policy"] += int(pol.sum())

    bshape = [1] * len(shape)
    if axis is not None:
        bshape[axis] = shape[axis]
    s_b = np.asarray(scales, np.float32).reshape(bshape)
    z_b = np.asarray(zps, np.int64).reshape(bshape)
    with np.errstate(all="ignore"):
        counts["ties"] += int((np.abs(np.float32(x * (np.float32(1) / s_b)) % 1) == 0.5).sum())

    # Policy: saturate; finite results dequantize from the stored integer.
    # (bounds float32(qmin / qmax) as PyTorch's clamp, kept in the range)
    lo_b = min(max(int(np.float32(qmin)), qmin), qmax)
    hi_b = min(max(int(np.float32(qmax)), qmin), qmax)
    want_sat = np.where(np.isnan(x), lo_b, np.where(x > 0, hi_b, lo_b))
    if not np.array_equal(q[pol], np.broadcast_to(want_sat, shape)[pol]):
        failures.append(f"{name}: saturation policy")
    deq = ((q - z_b).astype(np.float32) * s_b).astype(np.float32)
    if not same_bits(d, deq).all():
        failures.append(f"{name}: dcast is not float32(q - zp) * scale")

    # The decomposed formula (float result before the int conversion). Its
    # float clamp rounds a 32-bit bound to float32 (2^31 - 1 -> 2^31, which
    # .to(int32) cannot hold); qprep clamps again in integers.
    fin = ok & ~np.isnan(x)
    ref = np.clip(np.where(fin, decomposed(x, scales, zps, axis, qmin, qmax), 0)
                  .astype(np.int64), qmin, qmax)
    if not np.array_equal(q[fin], ref[fin]):
        failures.append(f"{name}: differs from the decomposed quantize")
    counts["decomposed"] += int(fin.sum())
    if (q[np.isnan(x)] != lo_b).any():
        failures.append(f"{name}: NaN is not the lower bound")

    # fake_quantize_* (any range): quantize-dequantize, bit for bit.
    t = torch.from_numpy(x)
    if axis is None:
        fq = torch.fake_quantize_per_tensor_affine(t, float(scales[0]), zps[0], qmin, qmax)
    else:
        fq = torch.fake_quantize_per_channel_affine(
            t, torch.tensor(scales, dtype=torch.float32),
            torch.tensor(zps, dtype=torch.int32), axis, qmin, qmax)
    fq = fq.numpy()
    if bits < 32:  # fake_quantize's dequantize is float((q - zp)) * scale
        if not same_bits(d[ok], fq[ok]).all():
            bad = np.argwhere(~same_bits(d, fq) & ok)[:3]
            failures.append(f"{name}: differs from fake_quantize at {bad.tolist()}")
        counts["fake"] += int(ok.sum())

    # ATen quantized tensors: full range only (they have no custom range).
    if tdtype is not None and (qmin, qmax) == (lo, hi):
        if axis is None:
            qt_ = torch.quantize_per_tensor(t, float(scales[0]), zps[0], tdtype)
        else:
            qt_ = torch.quantize_per_channel(
                t, torch.tensor(scales, dtype=torch.float32).double(),
                torch.tensor(zps), axis, tdtype)
        ints = qt_.int_repr().numpy().astype(np.int64)
        if not np.array_equal(q[ok], ints[ok]):
            bad = np.argwhere((q != ints) & ok)[:3]
            failures.append(f"{name}: differs from torch quantize at {bad.tolist()}")
        # torch 1.13's qint32 dequantize subtracts the zero point in int32
        # and wraps when q - zp overflows; qprep subtracts in int64.
        wraps = (q - z_b < -(1 << 31)) | (q - z_b >= (1 << 31))
        counts["wrap"] += int((ok & wraps).sum())
        dq_ok = ok & ~wraps
        if not same_bits(d[dq_ok], qt_.dequantize().numpy()[dq_ok]).all():
            failures.append(f"{name}: differs from torch dequantize")
        counts["aten"] += int(ok.sum())


shapes = [[1], [7], [33], [4, 17], [3, 5, 9], [2, 3, 4, 5], [8, 3, 3, 3]]
for storage in STORAGE:
    for custom in (False, True):
        for shape in shapes:
            axis = None if rng.random() < 0.4 else int(rng.integers(0, len(shape)))
            run_config(storage, shape, axis, custom)

print(f"checked {counts['configs']} configurations, {counts['elements']} elements, "
      f"{counts['ties']} exact ties")
print(f"bit-exact: {counts['aten']} vs torch.quantize_per_tensor/channel + dequantize, "
      f"{counts['fake']} vs fake_quantize_*, {counts['decomposed']} vs the decomposed formula")
print(f"saturation policy: {counts['policy']} +-inf / huge elements")
print(f"qint32 q - zp overflows (torch 1.13 wraps): {counts['wrap']} elements")

# Dynamic quantization: qprep-convert's run-time choose_qparams.
DTYPES = {"i8": (torch.qint8, -128, 127), "ui8": (torch.quint8, 0, 255)}
dyn = 0
for trial in range(12):
    dtype = ["i8", "ui8"][trial % 2]
    sym = trial % 4 >= 2
    eps = [1.1920928955078125e-07, 2.0 ** -12][trial % 3 == 0]
    shape = [int(v) for v in rng.integers(1, 9, int(rng.integers(1, 4)))]
    t = "x".join(map(str, shape)) + "x"
    qs = "per_tensor_symmetric" if sym else "per_tensor_affine"
    text = f"""
qprep.observer @d = #qprep.qspec<{dtype}, qscheme = {qs}, dynamic, observer = placeholder(eps = {eps!r})>
func.func @forward(%x: tensor<{t}f32>) -> tensor<{t}f32> {{
  %0 = qprep.observe %x, @d : tensor<{t}f32>
  return %0 : tensor<{t}f32>
}}"""
    model = qprep.Calibrator(qprep.run_pipeline(text, "qprep-convert"))
    for k in range(3):
        x = (rng.standard_normal(shape) * rng.uniform(0.01, 10) +
             rng.uniform(-3, 3) * (k == 1)).astype(np.float32)
        if k == 2:
            x = np.abs(x)  # all positive: zero point at qmin (affine)
        (got,) = model.forward(x)
        tdtype, qmin, qmax = DTYPES[dtype]
        obs = torch.ao.quantization.MinMaxObserver(
            dtype=tdtype, qscheme=torch.per_tensor_symmetric if sym else torch.per_tensor_affine,
            eps=eps)
        obs(torch.from_numpy(x))
        scale, zp = obs.calculate_qparams()
        want = torch.fake_quantize_per_tensor_affine(
            torch.from_numpy(x), float(scale), int(zp), qmin, qmax).numpy()
        if not same_bits(got, want).all():
            failures.append(f"dynamic {dtype} {qs} {shape}: differs from MinMaxObserver + fake_quantize")
        dyn += x.size
print(f"dynamic: {dyn} elements bit-exact vs MinMaxObserver + fake_quantize_per_tensor_affine")

# Weights quantized at compile time (qprep-convert's fold) vs
# torch.quantize_per_channel(...).dequantize().
folded = 0
for trial in range(6):
    storage, tdtype = [("i8", torch.qint8), ("ui8", torch.quint8), ("i32", torch.qint32)][trial % 3]
    shape = [int(v) for v in rng.integers(1, 7, 4)]
    axis = int(rng.integers(0, 4))
    c = shape[axis]
    w = (rng.standard_normal(shape) * 0.3).astype(np.float32)
    scales = [np.float32(v) for v in np.exp(rng.uniform(-9, -3, c))]
    lo, hi = {"i8": (-128, 127), "ui8": (0, 255), "i32": (-1000, 1000)}[storage]
    zps = [int(v) for v in rng.integers(lo, hi + 1, c)]
    t = "x".join(map(str, shape)) + "x"
    body = np.array2string(w, separator=", ", threshold=10**9, floatmode="unique",
                           max_line_width=10**9)
    sc = ", ".join(fmt(s) for s in scales)
    zp = ", ".join(map(str, zps))
    text = f"""
qprep.observer @w = #qprep.qspec<{storage}, qscheme = per_channel_affine, ch_axis = {axis}> {{
  min_val = array<f32: {", ".join(["-1.0"] * c)}>, max_val = array<f32: {", ".join(["1.0"] * c)}>,
  scale = array<f32: {sc}>, zero_point = array<i64: {zp}>}}
func.func @forward(%x: tensor<1xf32>) -> tensor<{t}f32> {{
  %c = arith.constant dense<{body}> : tensor<{t}f32>
  %0 = qprep.observe %c, @w : tensor<{t}f32>
  return %0 : tensor<{t}f32>
}}"""
    converted = qprep.run_pipeline(text, "qprep-convert")
    assert "quant.qcast" not in converted and f"tensor<{t}f32>}}" not in converted
    (got,) = qprep.Calibrator(converted).forward(np.zeros(1, np.float32))
    want = torch.quantize_per_channel(
        torch.from_numpy(w), torch.tensor(scales, dtype=torch.float32).double(),
        torch.tensor(zps), axis, tdtype).dequantize().numpy()
    if not same_bits(got, want).all():
        failures.append(f"folded {storage} {shape} axis {axis}: differs from torch")
    folded += w.size
print(f"folded weights: {folded} elements bit-exact vs torch.quantize_per_channel + dequantize")

for f in failures:
    print("MISMATCH", f)
sys.exit(1 if failures else 0)
