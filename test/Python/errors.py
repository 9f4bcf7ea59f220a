"""Errors at run time and at the Python boundary raise qprep.Error and leave
the interpreter and the Calibrator usable."""
import sys

import numpy as np

import qprep

inputs = sys.argv[1]

# A per-channel observer meets a value with 4 channels where its state has 3:
# PyTorch raises a shape error at that observer. The observers before it in
# the call recorded the call; it and the ones after did not.
cal = qprep.Calibrator(open(f"{inputs}/channel_mismatch.mlir").read())
a = np.arange(6, dtype=np.float32).reshape(2, 3)
b = np.full((2, 4), 9.0, np.float32)
try:
    cal.run(a, b)
    print("no error")
except qprep.Error as e:
    print("mismatch:", e)
for r in cal.results():
    print("after mismatch", r["name"], r["min"], r["max"], r["status"])
try:
    cal.run(a, b)
except qprep.Error as e:
    print("again:", e)
cal.reset()
print("after reset", [r["status"] for r in cal.results()])
