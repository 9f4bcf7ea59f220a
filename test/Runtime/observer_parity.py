"""Parity of qprep's observer runtime with torch 1.13's observers.

Random observers (MinMax, MovingAverageMinMax, PerChannelMinMax,
MovingAveragePerChannelMinMax; every qscheme, qint8/quint8/qint32,
reduce_range, custom ranges, eps) are fed random batches (empty, constant,
one-signed, tiny-range, non-contiguous views) by torch and, on the very same
memory, by qprep's runtime (qprep_minmax_update, qprep_calculate_qparams).
Statistics must match bit for bit, scales to 1 ulp of float32, zero points
exactly. Prints a summary line; exits non-zero on any mismatch.
"""
import random
import sys

import numpy as np
import torch
import torch.ao.quantization.observer as O

from qprep import _qprep as q

QSCHEME = {torch.per_tensor_affine: 0, torch.per_tensor_symmetric: 1,
           torch.per_channel_affine: 2, torch.per_channel_symmetric: 3,
           torch.per_channel_affine_float_qparams: 4}


def make_observer(rng):
    kind = rng.choice(["minmax", "ma", "pc", "mapc"])
    per_channel = kind in ("pc", "mapc")
    if per_channel:
        qscheme = rng.choice([torch.per_channel_affine, torch.per_channel_symmetric,
                              torch.per_channel_affine_float_qparams])
    else:
        qscheme = rng.choice([torch.per_tensor_affine, torch.per_tensor_symmetric])
    if qscheme == torch.per_channel_affine_float_qparams:
        dtype = torch.quint8
    else:
        dtype = rng.choice([torch.qint8, torch.quint8] + ([torch.qint32] if not per_channel else []))
    kwargs = dict(dtype=dtype, qscheme=qscheme)
    kwargs["reduce_range"] = (rng.random() < 0.3 and dtype != torch.qint32
                              and not (dtype == torch.quint8 and qscheme in
                                       (torch.per_tensor_symmetric, torch.per_channel_symmetric)))
    if rng.random() < 0.3 and dtype != torch.qint32:
        if dtype == torch.qint8:
            kwargs["quant_min"], kwargs["quant_max"] = rng.choice([(-127, 127), (-64, 63), (-100, 100)])
        else:
            kwargs["quant_min"], kwargs["quant_max"] = rng.choice([(0, 127), (0, 200), (0, 15)])
    # Denormal eps values survive float32 and let scale / zero point reach
    # the extremes (a zero point past int32: PyTorch's x86 conversion).
    kwargs["eps"] = rng.choice([torch.finfo(torch.float32).eps, 2.0 ** -12, 1e-3, 1e-45, 1e-40])
    if kind in ("ma", "mapc"):
        kwargs["averaging_constant"] = rng.choice([0.01, 0.1, 0.5, 1.0])
    ch_axis = None
    if per_channel:
        ch_axis = rng.randint(0, 2)
        kwargs["ch_axis"] = ch_axis
    cls = {"minmax": O.MinMaxObserver, "ma": O.MovingAverageMinMaxObserver,
           "pc": O.PerChannelMinMaxObserver,
           "mapc": O.MovingAveragePerChannelMinMaxObserver}[kind]
    return cls(**kwargs), kind, ch_axis


def make_batch(rng, shape):
    style = rng.choice(["normal", "positive", "negative", "constant", "tiny", "wide",
                        "huge", "denormal", "zero"])
    t = torch.randn(*shape)
    if style == "positive":
        t = t.abs() + 0.5
    elif style == "negative":
        t = -t.abs() - 0.25
    elif style == "constant":
        t = torch.full(shape, rng.uniform(-3, 3))
    elif style == "tiny":
        t = t * 1e-6
    elif style == "wide":
        t = t * 1e3
    elif style == "huge":  # max - min can overflow float32
        t = t * rng.choice([1e30, 5e37])
    elif style == "denormal":
        t = t * 1e-42
    elif style == "zero":
        t = torch.zeros(shape) * rng.choice([1.0, -1.0])
    if len(shape) >= 2 and rng.random() < 0.4:
        # A non-contiguous view of the same values.
        t = t.transpose(0, 1).contiguous().transpose(0, 1)
    return t


def main():
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    torch.manual_seed(0)
    cases = int(sys.argv[2]) if len(sys.argv) > 2 else 400
    worst_ulp, bad, rejected = 0, 0, 0
    for case in range(cases):
        obs, kind, ch_axis = make_observer(rng)
        rank = rng.randint(3, 4) if ch_axis is not None else rng.randint(1, 4)
        shape = [rng.randint(1, 6) for _ in range(rank)]
        mins, maxs = [], []
        c = float(getattr(obs, "averaging_constant", 0.0)) if kind in ("ma", "mapc") else 0.0
        for _ in range(rng.randint(1, 3)):
            s = list(shape)
            if rng.random() < 0.1:
                s[rng.randrange(rank)] = 0  # empty: skipped by both
                if ch_axis is not None and s[ch_axis] == 0:
                    s = list(shape)
            x = make_batch(rng, s)
            obs(x)
            arr = x.numpy()  # shares memory and strides with x
            mins, maxs = q.minmax_update(arr, -1 if ch_axis is None else ch_axis, c, mins, maxs)
        want_min = obs.min_val.reshape(-1).tolist()
        want_max = obs.max_val.reshape(-1).tolist()
        got_min = mins if mins else [float("inf")]
        got_max = maxs if maxs else [float("-inf")]
        if ch_axis is not None and all(a == float("inf") and b == float("-inf")
                                       for a, b in zip(got_min, got_max)):
            got_min, got_max = [], []  # PyTorch keeps empty buffers
        if np.float32(want_min).tobytes() != np.float32(got_min).tobytes() or \
           np.float32(want_max).tobytes() != np.float32(got_max).tobytes():
            bad += 1
            print(f"case {case} {kind}: min/max {got_min},{got_max} != {want_min},{want_max}")
            continue
        args = (got_min, got_max, QSCHEME[obs.qscheme], 1 if obs.dtype == torch.quint8 else 0,
                obs.quant_min, obs.quant_max, bool(obs.has_customized_qrange), float(obs.eps))
        try:
            scale, zp = obs.calculate_qparams()
        except AssertionError:
            # PyTorch asserts min <= max (moving averages can cross): the
            # runtime must refuse too.
            rejected += 1
            try:
                q.calculate_qparams(*args)
                bad += 1
                print(f"case {case}: PyTorch rejects min > max, qprep does not")
            except ValueError:
                pass
            continue
        got_s, got_zp = q.calculate_qparams(*args)
        want_s = np.float32(scale.reshape(-1).numpy())
        got_s = np.float32(got_s)
        ulps = np.abs(want_s.view(np.int32).astype(np.int64) - got_s.view(np.int32).astype(np.int64))
        worst_ulp = max(worst_ulp, int(ulps.max()))
        want_zp = zp.reshape(-1).tolist()
        zp_ok = (np.float32(want_zp).tobytes() == np.float32(got_zp).tobytes()
                 if obs.qscheme == torch.per_channel_affine_float_qparams
                 else [int(v) for v in want_zp] == [int(v) for v in got_zp])
        if not got_min:  # uncalibrated: PyTorch returns one (1.0, 0)
            got_s, got_zp = got_s[:1], got_zp[:1]
            ulps = ulps[:1]
            zp_ok = [int(v) for v in want_zp] == [int(v) for v in got_zp]
        if ulps.max() > 1 or not zp_ok or len(want_s) != len(got_s):
            bad += 1
            print(f"case {case} {kind} {obs.qscheme} {obs.dtype} [{obs.quant_min},{obs.quant_max}] "
                  f"eps={float(obs.eps)}: scale {got_s.tolist()} vs {want_s.tolist()}, "
                  f"zp {got_zp} vs {want_zp}")
    print(f"cases={cases} rejected_by_both={rejected} mismatches={bad} worst_scale_ulps={worst_ulp}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
