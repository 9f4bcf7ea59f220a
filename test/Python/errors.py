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

# The model never writes the caller's arrays (a fake_quantize on an argument
# works on a copy), so read-only arrays are read in place.
fq = """
qprep.observer @o = #qprep.qspec<ui8>
func.func @forward(%a: tensor<4xf32>) {
  %0 = qprep.fake_quantize %a, @o : tensor<4xf32>
  return
}
"""
cal = qprep.Calibrator(fq)
a = np.array([0.1234, 1.1, 2.7, -0.3], np.float32)
before = a.copy()
cal.run(a)
print("input unchanged", np.array_equal(a, before))
np.save(f"{sys.argv[2]}.npy", before)
ro = np.load(f"{sys.argv[2]}.npy", mmap_mode="r")
cal.run(ro)
cal.run(np.broadcast_to(np.float32(5.0), (4,)))
r = cal.results()[0]
print("read-only arrays", ro.flags.writeable, r["min"], r["max"])

try:
    qprep.Calibrator(open(f"{inputs}/huge_shape.mlir").read())
except qprep.Error as e:
    print("huge:", e)
