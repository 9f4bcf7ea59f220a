"""The generated (JIT-compiled) min/max observer loops against torch 1.13's
observers, through qprep.Calibrator: random ranks, shapes (sizes around the
vector width, so bulk loops, scalar tails and channel tails all run), channel
axes (first, middle, last), per-tensor / per-channel, plain / moving average,
dtypes and qschemes, several batches, sometimes a NaN. Statistics must match
bit for bit (NaN where torch has NaN), scales to 1 ulp, zero points exactly;
with NaN statistics qprep must report an error (torch asserts).

usage: jit_observer_parity.py SEED CASES"""
import sys

import numpy as np
import torch
import torch.ao.quantization.observer as O

import qprep

sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/test/reference")
from numerics import ulps  # noqa: E402

TORCH_QSCHEME = {"per_tensor_affine": torch.per_tensor_affine,
                 "per_tensor_symmetric": torch.per_tensor_symmetric,
                 "per_channel_affine": torch.per_channel_affine,
                 "per_channel_symmetric": torch.per_channel_symmetric}


def main():
    seed, cases = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    torch.set_num_threads(1)
    bad = worst = 0
    for case in range(cases):
        rank = int(rng.integers(1, 5))
        shape = [int(rng.choice([1, 2, 3, 7, 15, 16, 17, 33, 64, 70])) for _ in range(rank)]
        per_channel = rank >= 2 and rng.random() < 0.6  # torch needs rank >= 2
        moving = rng.random() < 0.4
        c = float(rng.choice([0.01, 0.25, 0.5]))
        dtype = str(rng.choice(["i8", "ui8"]))
        if per_channel:
            axis = int(rng.choice([0, rank - 1, rank // 2]))
            qscheme = str(rng.choice(["per_channel_affine", "per_channel_symmetric"]))
            kind = "moving_average_per_channel_minmax" if moving else "per_channel_minmax"
            extra = f", ch_axis = {axis}"
        else:
            qscheme = str(rng.choice(["per_tensor_affine", "per_tensor_symmetric"]))
            kind = "moving_average_minmax" if moving else "minmax"
            extra = ""
        obs_args = f"averaging_constant = {c}" if moving else ""
        spec = (f"#qprep.qspec<{dtype}, qscheme = {qscheme}{extra}, "
                f"observer = {kind}({obs_args})>").replace("()", "")
        ty = "tensor<" + "x".join(map(str, shape)) + "xf32>"
        model = (f"qprep.observer @o = {spec}\n"
                 f"func.func @forward(%x: {ty}) {{\n"
                 f"  %0 = qprep.observe %x, @o : {ty}\n  return\n}}\n")
        cls = {(False, False): O.MinMaxObserver, (False, True): O.MovingAverageMinMaxObserver,
               (True, False): O.PerChannelMinMaxObserver,
               (True, True): O.MovingAveragePerChannelMinMaxObserver}[(per_channel, moving)]
        kw = dict(dtype=torch.qint8 if dtype == "i8" else torch.quint8,
                  qscheme=TORCH_QSCHEME[qscheme])
        if moving:
            kw["averaging_constant"] = c
        if per_channel:
            kw["ch_axis"] = axis
        ref = cls(**kw)
        cal = qprep.Calibrator(model)
        has_nan = False
        for b in range(int(rng.integers(1, 4))):
            x = (rng.standard_normal(shape) * rng.uniform(0.1, 5) + rng.normal()).astype(np.float32)
            if rng.random() < 0.05:
                x.reshape(-1)[int(rng.integers(0, x.size))] = np.nan
                has_nan = True
            cal.run(x)
            ref(torch.from_numpy(x.copy()))
        r = cal.results()[0]
        want_min = ref.min_val.reshape(-1).numpy()
        want_max = ref.max_val.reshape(-1).numpy()
        got_min, got_max = np.float32(r["min"]), np.float32(r["max"])

        def same(a, b):
            return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))
        if not (same(got_min, want_min) and same(got_max, want_max)):
            print(f"case {case}: {spec} {shape}: stats {got_min[:4]} {got_max[:4]} vs "
                  f"{want_min[:4]} {want_max[:4]}")
            bad += 1
            continue
        if has_nan and (np.isnan(want_min).any() or np.isnan(want_max).any()):
            if r["status"] != -1:
                print(f"case {case}: NaN statistics but status {r['status']}")
                bad += 1
            continue
        scale, zp = ref.calculate_qparams()
        u = ulps(r["scale"], scale.reshape(-1).numpy())
        worst = max(worst, u)
        if u > 1 or list(r["zero_point"]) != [int(v) for v in zp.reshape(-1).tolist()]:
            print(f"case {case}: {spec} {shape}: qparams differ")
            bad += 1
    print(f"cases={cases} mismatches={bad} worst_scale_ulps={worst}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
