"""Checks qprep-run's JSON against torch 1.13 and the histogram reference.

* min/max observers: scale and zero point must be what torch 1.13's own
  _calculate_qparams gives for the reported min/max and config;
* histogram observers: what test/reference/histogram_ref.py (the current
  PyTorch algorithm) computes from the reported histogram, min and max;
* derived observers: the float32 product of their sources' scales, zero 0;
* per-channel weights that are constants (argv[2:]) must have the constant as
  min and max in every channel.
"""
import json
import sys

import torch
import torch.ao.quantization.observer as O

sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/test/reference")
from histogram_ref import HistogramRef  # noqa: E402

DTYPES = {"i8": torch.qint8, "ui8": torch.quint8, "i32": torch.qint32}
QSCHEMES = {"per_tensor_affine": torch.per_tensor_affine,
            "per_tensor_symmetric": torch.per_tensor_symmetric,
            "per_channel_affine": torch.per_channel_affine,
            "per_channel_symmetric": torch.per_channel_symmetric}

data = json.load(open(sys.argv[1]))
by_name = {o["name"]: o for o in data["observers"]}
constants = {float(v) for v in sys.argv[2:]}
checked = 0
for o in data["observers"]:
    got_s = torch.tensor(o["scale"], dtype=torch.float32).tolist()
    if o["kind"] == "derived":
        want = torch.ones(len(o["scale"]), dtype=torch.float32)
        want = None
        for src in o["derived_from"]:
            s = torch.tensor(by_name[src]["scale"], dtype=torch.float32)
            want = s if want is None else want * s
        want_s = torch.broadcast_to(want, (len(got_s),)).tolist()
        if got_s != want_s or any(o["zero_point"]):
            print(f"MISMATCH {o['name']}: {got_s} {o['zero_point']} vs {want_s}")
        checked += 1
        continue
    per_channel = o["qscheme"].startswith("per_channel")
    cls = O.PerChannelMinMaxObserver if per_channel else O.MinMaxObserver
    kwargs = dict(dtype=DTYPES[o["dtype"]], qscheme=QSCHEMES[o["qscheme"]], eps=o["eps"])
    if o["custom_range"]:
        kwargs.update(quant_min=o["quant_min"], quant_max=o["quant_max"])
    obs = cls(**kwargs)
    assert (obs.quant_min, obs.quant_max) == (o["quant_min"], o["quant_max"]), o["name"]
    mn = torch.tensor(o["min"], dtype=torch.float32)
    mx = torch.tensor(o["max"], dtype=torch.float32)
    if o["kind"] == "histogram":
        ref = HistogramRef(bins=len(o["histogram"]), dst_nbins=256)
        ref.histogram = torch.tensor(o["histogram"], dtype=torch.float32)
        ref.min_val, ref.max_val = mn[0], mx[0]
        scale, zp = ref.calculate_qparams(obs)
    else:
        scale, zp = obs._calculate_qparams(mn if per_channel else mn[0], mx if per_channel else mx[0])
    want_s = scale.reshape(-1).tolist()
    if want_s != got_s or [int(v) for v in zp.reshape(-1).tolist()] != o["zero_point"]:
        print(f"MISMATCH {o['name']}: {got_s} {o['zero_point']} vs {want_s} {zp.tolist()}")
    if per_channel:
        values = set(torch.tensor(o["min"] + o["max"], dtype=torch.float32).tolist())
        f32_constants = set(torch.tensor(sorted(constants), dtype=torch.float32).tolist())
        if len(values) != 1 or not values <= f32_constants:
            print(f"MISMATCH {o['name']}: constant weight stats {values}")
    checked += 1
print(f"checked {checked} observers")
