"""Parity of qprep's HistogramObserver with the current PyTorch algorithm.

torch 1.13's own HistogramObserver is the older algorithm, so the reference
is test/reference/histogram_ref.py: the mid-2024 algorithm (with the ao#2418
combine fix) written in Python on torch 1.13 ops (histc, linspace, bucketize,
bincount, cumsum, div(floor)). Random observers are fed random sequences of
batches (normal, shifted, constant, growing and shrinking ranges, single
elements, +-inf and NaN values, large offsets) through qprep's runtime
(qprep_histogram_update / _search / _qparams, the same functions the lowered
code calls). Histogram counts and min/max must match bit for bit, the search
result exactly, scales to 1 ulp, zero points exactly.

usage: histogram_parity.py SEED CASES
"""
import sys

import numpy as np
import torch
import torch.ao.quantization.observer as O

sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/test/reference")
from histogram_ref import HistogramRef  # noqa: E402
from numerics import ulps  # noqa: E402
from qprep import _qprep as q  # noqa: E402

QSCHEME = {torch.per_tensor_affine: 0, torch.per_tensor_symmetric: 1}


def batch(rng, kind, scale, offset):
    n = int(rng.choice([1, 2, 7, 100, 1000, 5000]))
    if kind == "const":
        x = np.full(n, offset, dtype=np.float32)
    elif kind == "uniform":
        x = rng.uniform(-scale, scale, n) + offset
    elif kind == "lognormal":
        x = rng.lognormal(0, scale / 5 + 0.1, n) + offset
    else:
        x = rng.normal(0, scale, n) + offset
    x = x.astype(np.float32)
    if rng.random() < 0.1:  # non-finite values: dropped (inf) / skipped (NaN)
        idx = rng.integers(0, n, max(1, n // 50))
        x[idx] = rng.choice([np.inf, -np.inf, np.nan], len(idx))
    return x


def main():
    seed, cases = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    torch.set_num_threads(1)
    mismatches = worst = 0
    for case in range(cases):
        bins = int(rng.choice([2048, 2048, 256, 100]))
        dtype = rng.choice([torch.quint8, torch.qint8])
        qscheme = rng.choice(list(QSCHEME))
        reduce_range = bool(rng.random() < 0.3) and not (
            dtype == torch.quint8 and qscheme == torch.per_tensor_symmetric)
        eps = float(rng.choice([torch.finfo(torch.float32).eps, 2.0 ** -12]))
        custom = rng.random() < 0.3
        kw = dict(dtype=dtype, qscheme=qscheme, reduce_range=reduce_range, eps=eps)
        if custom:
            kw.update(quant_min=0 if dtype == torch.quint8 else -64,
                      quant_max=127 if dtype == torch.quint8 else 63)
        qobs = O.MinMaxObserver(**kw)
        ref = HistogramRef(bins=bins, dst_nbins=256)
        hist, mn, mx = [], float("inf"), float("-inf")
        scale, offset = float(rng.uniform(0.01, 20)), float(rng.normal() * 5)
        if rng.random() < 0.1:
            offset = float(rng.choice([1e4, -3e5, 3e7, -1e9]))
        for b in range(int(rng.integers(1, 6))):
            kind = rng.choice(["normal", "uniform", "lognormal", "const"],
                              p=[0.5, 0.2, 0.15, 0.15])
            if rng.random() < 0.3:  # ranges grow, shrink, shift
                scale *= float(rng.choice([0.5, 2.0, 1.0]))
                offset += float(rng.normal())
            x = batch(rng, kind, scale, offset)
            ref.forward(torch.from_numpy(x))
            hist, mn, mx = q.histogram_update(x, hist, mn, mx, bins)
        got = np.asarray(hist if hist else np.zeros(bins), dtype=np.float32)
        want = ref.histogram.numpy()
        if not (np.array_equal(got, want) and mn == ref.min_val.item()
                and mx == ref.max_val.item()):
            bad = np.nonzero(got != want)[0]
            print(f"case {case}: state differs: bins {bad[:5]} min {mn} vs "
                  f"{ref.min_val.item()} max {mx} vs {ref.max_val.item()}")
            mismatches += 1
            continue
        r_scale, r_zp = ref.calculate_qparams(qobs)
        if mn == float("inf"):
            s, z = 1.0, 0
        else:
            lo, hi = ref.search()
            if q.histogram_search(hist, mn, mx, 256) != (lo.item(), hi.item()):
                print(f"case {case}: search differs")
                mismatches += 1
                continue
            s, z = q.histogram_qparams(hist, mn, mx, 256, QSCHEME[qscheme],
                                       1 if dtype == torch.quint8 else 0,
                                       qobs.quant_min, qobs.quant_max,
                                       qobs.has_customized_qrange, eps)
        u = ulps(s, r_scale.item())
        worst = max(worst, u)
        if u > 1 or z != int(r_zp.item()):
            print(f"case {case}: qparams ({s}, {z}) vs ({r_scale.item()}, {r_zp.item()})")
            mismatches += 1
    print(f"cases={cases} mismatches={mismatches} worst_scale_ulps={worst}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
