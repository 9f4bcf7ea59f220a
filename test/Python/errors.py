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

# The low-level functions check their arguments (they used to compute
# garbage, with undefined NaN -> int conversions on the way).
from qprep import _qprep as q  # noqa: E402

x = np.linspace(-1, 1, 16, dtype=np.float32)
for name, call in [
        ("qscheme", lambda: q.calculate_qparams([0.0], [1.0], 7, 0, -128, 127, False, 1e-7)),
        ("dtype_kind", lambda: q.calculate_qparams([0.0], [1.0], 0, 5, -128, 127, False, 1e-7)),
        ("reversed range", lambda: q.calculate_qparams([0.0], [1.0], 0, 0, 0, -5, True, 1e-7)),
        ("range without 0", lambda: q.calculate_qparams([0.0], [1.0], 0, 1, 1, 255, True, 1e-7)),
        ("range beyond int32", lambda: q.calculate_qparams([0.0], [1.0], 0, 0, -2**40, 127, True, 1e-7)),
        ("eps < 0", lambda: q.calculate_qparams([0.0], [1.0], 0, 0, -128, 127, False, -1.0)),
        ("eps 0 in float32", lambda: q.calculate_qparams([0.0], [0.0], 0, 1, 0, 255, False, 1e-320)),
        ("eps beyond float32", lambda: q.calculate_qparams([0.0], [0.0], 0, 1, 0, 255, False, 1e300)),
        ("bins = 0", lambda: q.histogram_update(x, [], float("inf"), float("-inf"), 0)),
        ("bins = 1e9", lambda: q.histogram_update(x, [], float("inf"), float("-inf"), 10**9)),
        ("NaN state", lambda: q.histogram_update(x, [], float("nan"), 1.0, 16)),
        ("min > max state", lambda: q.histogram_update(x, [0.0] * 16, 2.0, 1.0, 16)),
        ("dst_nbins = 0", lambda: q.histogram_search(np.ones(16, np.float32), 0.0, 1.0, 0)),
        ("empty histogram", lambda: q.histogram_search(np.ones(0, np.float32), 0.0, 1.0, 256)),
        ("per-channel histogram qparams",
         lambda: q.histogram_qparams([1.0] * 16, 0.0, 1.0, 256, 2, 0, -128, 127, False, 1e-7)),
        ("ch_axis", lambda: q.minmax_update(x.reshape(4, 4), 2, 0.0, [], [])),
        ("averaging_constant", lambda: q.minmax_update(x, -1, 2.0, [], [])),
        ("averaging_constant NaN", lambda: q.minmax_update(x, -1, float("nan"), [], [])),
]:
    try:
        call()
        print("boundary", name, "accepted")
    except qprep.Error as e:
        print("boundary", name, ":", e)
# Valid calls still work: eps denormal in float32, a fresh state.
print("valid", q.calculate_qparams([-1.0], [1.0], 0, 0, -128, 127, False, 1e-45)[1],
      q.histogram_update(x, [], float("inf"), float("-inf"), 16)[1:])
