"""Writes two 4x3 batches (the second in Fortran order), runs nothing itself;
with --check, compares qprep-run's per-column min/max with numpy's."""
import json
import os
import sys

import numpy as np

d = sys.argv[1]
a = np.arange(12, dtype=np.float32).reshape(4, 3) - 5.0
b = np.asfortranarray(np.array([[9, -9, 0], [1, 2, 3], [4, 5, 6], [-1, -2, -3]], np.float32))
if len(sys.argv) == 2:
    os.makedirs(d, exist_ok=True)
    np.save(os.path.join(d, "batch0_arg0.npy"), a)
    np.save(os.path.join(d, "batch1_arg0.npy"), b)
    sys.exit(0)
obs = json.load(open(sys.argv[2]))["observers"][0]
want_min = np.minimum(a.min(axis=0), b.min(axis=0)).tolist()
want_max = np.maximum(a.max(axis=0), b.max(axis=0)).tolist()
ok = obs["min"] == want_min and obs["max"] == want_max
print("per-channel", "exact" if ok else f"MISMATCH {obs['min']} {obs['max']} vs {want_min} {want_max}")
