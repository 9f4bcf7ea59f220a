"""Checks qprep-run's JSON: every observer's scale and zero point must be what
torch 1.13's own _calculate_qparams gives for the reported min/max and config;
constant weights must have the constant as min and max in every channel."""
import json
import sys

import torch
import torch.ao.quantization.observer as O

DTYPES = {"i8": torch.qint8, "ui8": torch.quint8, "i32": torch.qint32}
QSCHEMES = {"per_tensor_affine": torch.per_tensor_affine,
            "per_tensor_symmetric": torch.per_tensor_symmetric,
            "per_channel_affine": torch.per_channel_affine,
            "per_channel_symmetric": torch.per_channel_symmetric}

data = json.load(open(sys.argv[1]))
constants = {float(v) for v in sys.argv[2:]}
checked = 0
for o in data["observers"]:
    per_channel = o["qscheme"].startswith("per_channel")
    cls = O.PerChannelMinMaxObserver if per_channel else O.MinMaxObserver
    kwargs = dict(dtype=DTYPES[o["dtype"]], qscheme=QSCHEMES[o["qscheme"]], eps=o["eps"])
    if o["custom_range"]:
        kwargs.update(quant_min=o["quant_min"], quant_max=o["quant_max"])
    obs = cls(**kwargs)
    assert (obs.quant_min, obs.quant_max) == (o["quant_min"], o["quant_max"]), o["name"]
    mn = torch.tensor(o["min"], dtype=torch.float32)
    mx = torch.tensor(o["max"], dtype=torch.float32)
    scale, zp = obs._calculate_qparams(mn if per_channel else mn[0], mx if per_channel else mx[0])
    want_s = scale.reshape(-1).tolist()
    got_s = torch.tensor(o["scale"], dtype=torch.float32).tolist()
    if want_s != got_s or [int(v) for v in zp.reshape(-1).tolist()] != o["zero_point"]:
        print(f"MISMATCH {o['name']}: {got_s} {o['zero_point']} vs {want_s} {zp.tolist()}")
    if per_channel:
        values = set(torch.tensor(o["min"] + o["max"], dtype=torch.float32).tolist())
        f32_constants = set(torch.tensor(sorted(constants), dtype=torch.float32).tolist())
        if len(values) != 1 or not values <= f32_constants:
            print(f"MISMATCH {o['name']}: constant weight stats {values}")
    checked += 1
print(f"checked {checked} observers")
