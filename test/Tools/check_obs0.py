"""Compares the input observer's state in qprep-run's JSON with references
computed from the same .npy batches: numpy's min/max for a min/max observer;
for a histogram observer, test/reference/histogram_ref.py (the current PyTorch
algorithm on torch 1.13 ops) fed the batches in order — counts bit for bit.

usage: check_obs0.py RESULT.json EXPECTED.txt [DATA_DIR]"""
import glob
import json
import os
import sys

import numpy as np

expected = open(sys.argv[2]).read().split()
lo, hi = np.float32(expected[3].split("(")[-1].rstrip(")")), np.float32(expected[5].split("(")[-1].rstrip(")"))
obs0 = next(o for o in json.load(open(sys.argv[1]))["observers"] if o["name"] == "obs0")
got_lo, got_hi = np.float32(obs0["min"][0]), np.float32(obs0["max"][0])
print("obs0", "exact" if (got_lo, got_hi) == (lo, hi) else f"MISMATCH {got_lo} {got_hi} vs {lo} {hi}")
if obs0["kind"] == "histogram":
    import torch
    sys.path.insert(0, __file__.rsplit("/", 3)[0] + "/test/reference")
    from histogram_ref import HistogramRef
    torch.set_num_threads(1)
    ref = HistogramRef(bins=len(obs0["histogram"]))
    files = sorted(glob.glob(os.path.join(sys.argv[3], "batch*_arg0.npy")),
                   key=lambda f: int(os.path.basename(f)[5:].split("_")[0]))
    for f in files:
        ref.forward(torch.from_numpy(np.ascontiguousarray(np.load(f))))
    got = np.array(obs0["histogram"], dtype=np.float32)
    same = np.array_equal(got, ref.histogram.numpy())
    print("obs0 histogram", f"exact over {len(files)} batches" if same else
          f"MISMATCH in bins {np.nonzero(got != ref.histogram.numpy())[0][:8]}")
