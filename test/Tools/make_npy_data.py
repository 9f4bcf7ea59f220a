"""Writes calibration batches for the small CNN (input 1x16x16x3) and prints
the expected min/max of the input observer, computed by numpy."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(3)
batches = [rng.standard_normal((1, 16, 16, 3)).astype(np.float32) * s for s in (1.0, 2.5, 0.5)]
for b, x in enumerate(batches):
    if b == 1:
        x = np.asfortranarray(x)  # column-major on disk
    np.save(os.path.join(out, f"batch{b}_arg0.npy"), x)
lo = min(float(x.min()) for x in batches)
hi = max(float(x.max()) for x in batches)
print(f"expected obs0 min {np.float32(lo)!r} max {np.float32(hi)!r}")

bad = sys.argv[2]
os.makedirs(os.path.join(bad, "shape"), exist_ok=True)
np.save(os.path.join(bad, "shape", "batch0_arg0.npy"), np.zeros((1, 16, 3), np.float32))
os.makedirs(os.path.join(bad, "dtype"), exist_ok=True)
np.save(os.path.join(bad, "dtype", "batch0_arg0.npy"), np.zeros((1, 16, 16, 3), np.float64))
os.makedirs(os.path.join(bad, "empty"), exist_ok=True)
os.makedirs(os.path.join(bad, "garbage"), exist_ok=True)
with open(os.path.join(bad, "garbage", "batch0_arg0.npy"), "w") as f:
    f.write("not numpy")
