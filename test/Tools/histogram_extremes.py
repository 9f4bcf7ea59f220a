"""qprep-run's generated histogram loops on data of extreme magnitude, against
the independent reference (test/reference/histogram_ref.py: the current
PyTorch algorithm on torch 1.13's own histc).

Above 2^24, v - 1 and v + 1 round back to v in float32, so torch.histc's
widened range [v - 1, v + 1] collapses to a point and its bin position is
0 / 0: PyTorch converts that NaN to int64 (undefined in C++; on x86 the
index wraps to bin 0). Ranges wider than float32 (-1e38 .. 1e38) overflow the
position product. qprep must not crash there, must clamp every index, and
must give the reference's counts, min/max and qparams bit for bit.

At exactly 2^24, v + 1 rounds to v (ties to even) but v - 1 does not: the
range is [2^24 - 1, 2^24], the value is its upper edge and goes to the last
bin. torch 1.13's own HistogramObserver (whose first batch is a plain
torch.histc too) says the same; a range widened to the next float above 2^24
instead would put it in bin bins // 3 (682 of 2048), which PyTorch never does.

usage: histogram_extremes.py QPREP_RUN WORKDIR
"""
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torch.ao.quantization.observer as O

sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/test/reference")
from histogram_ref import HistogramRef  # noqa: E402

torch.set_num_threads(1)
qprep_run, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)
rng = np.random.default_rng(9)
f32 = np.float32


def full(v, n=25):
    return np.full(n, v, f32)


CASES = {
    "const_3e7": [full(3e7)],
    "const_neg3e7": [full(-3e7)],
    "const_1e9": [full(1e9)],
    "const_2p24": [full(2.0 ** 24)],
    "const_2p24_plus": [full(2.0 ** 24 + 2)],
    "const_max": [full(np.finfo(f32).max)],
    "const_3e7_twice": [full(3e7), full(3e7)],
    "const_3e7_then_wider": [full(3e7), (rng.normal(size=40) * 1e7 + 3e7).astype(f32)],
    "wider_then_const": [(rng.normal(size=40) * 1e7).astype(f32), full(3e7)],
    "huge_range": [np.array([-1e38, -5e37, 0.0, 5e37, 9e37, 1e38], f32)],
    "full_range": [np.array([-3e38, 0.0, 3e38, 1.0], f32)],
    "one_to_huge": [np.array([1.0, 1.5, 2.0, 1e38], f32), np.array([3e38], f32)],
    "rebin_past_float_max": [np.array([-3e38, -1e38, 0.0, 5.0], f32), full(3e38, 4)],
    "tiny_then_huge": [(rng.normal(size=64) * 1e-30).astype(f32), full(-2e38, 3)],
}


def model(bins, n):
    return (f"func.func @forward(%x: tensor<{n}xf32> {{qprep.output = #qprep.qspec<ui8, "
            f"observer = histogram(bins = {bins})>}}) {{\n  return\n}}\n")


bad = 0
for bins in (256, 2048):
    for name, batches in CASES.items():
        n = len(batches[0])
        batches = [np.resize(b, n).astype(f32) for b in batches]
        d = os.path.join(work, f"{name}_{bins}")
        os.makedirs(d, exist_ok=True)
        for i, b in enumerate(batches):
            np.save(os.path.join(d, f"batch{i}_arg0.npy"), b)
        mlir = os.path.join(d, "model.mlir")
        open(mlir, "w").write(model(bins, n))
        out = os.path.join(d, "out.json")
        r = subprocess.run([qprep_run, mlir, "--data", d, "--json", out],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            print(f"MISMATCH {name} bins={bins}: qprep-run failed ({r.returncode}): {r.stderr[-300:]}")
            bad += 1
            continue
        o = json.load(open(out))["observers"][0]
        got = np.array(o["histogram"], f32)
        ref = HistogramRef(bins=bins)
        try:
            for b in batches:
                ref.forward(torch.from_numpy(b))
        except RuntimeError as e:
            # Above 2^53, v - 1 == v even in double: torch.histc raises. qprep
            # bins it as every other collapsed range: all in bin 0.
            want = np.zeros(bins, f32)
            want[0] = n
            ok = np.array_equal(got, want) and f32(o["min"][0]) == f32(o["max"][0]) == batches[0][0]
            print(f"{name} bins={bins}: reference raises ({e}); qprep "
                  + ("bin 0" if ok else f"MISMATCH {np.nonzero(got)[0][:6]}"))
            bad += not ok
            continue
        qobs = O.MinMaxObserver(dtype=torch.quint8)
        ok = (np.array_equal(got, ref.histogram.numpy())
              and f32(o["min"][0]) == ref.min_val.item() and f32(o["max"][0]) == ref.max_val.item())
        try:
            scale, zp = ref.calculate_qparams(qobs)
            ok = ok and f32(o["scale"][0]) == scale.item() and o["zero_point"] == [int(zp.item())]
        except AssertionError as e:
            # The search over a range wider than float32 gives NaN/inf:
            # PyTorch asserts, qprep reports an error status.
            scale, zp = f"assert: {e}", None
            ok = ok and o["status"] < 0 and o["scale"] is None
        if not ok:
            bad += 1
            print(f"MISMATCH {name} bins={bins}: bins {np.nonzero(got)[0][:6]} vs "
                  f"{np.nonzero(ref.histogram.numpy())[0][:6]}, scale {o['scale']} {o['zero_point']} "
                  f"vs {scale} {zp}")
        if name == "const_2p24":
            torch_obs = O.HistogramObserver(bins=bins)
            torch_obs(torch.from_numpy(batches[0]))
            print(f"2^24 with {bins} bins: qprep bin {int(np.nonzero(got)[0][0])}, reference bin "
                  f"{int(torch.nonzero(ref.histogram)[0])}, torch 1.13 HistogramObserver bin "
                  f"{int(torch.nonzero(torch_obs.histogram)[0])}")
print(f"checked {2 * len(CASES)} cases, {bad} mismatches")
