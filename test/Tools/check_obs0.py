"""Compares the input observer's statistics in qprep-run's JSON with numpy's."""
import json
import sys

import numpy as np

expected = open(sys.argv[2]).read().split()
lo, hi = np.float32(expected[3].split("(")[-1].rstrip(")")), np.float32(expected[5].split("(")[-1].rstrip(")"))
obs0 = next(o for o in json.load(open(sys.argv[1]))["observers"] if o["name"] == "obs0")
got_lo, got_hi = np.float32(obs0["min"][0]), np.float32(obs0["max"][0])
print("obs0", "exact" if (got_lo, got_hi) == (lo, hi) else f"MISMATCH {got_lo} {got_hi} vs {lo} {hi}")
