"""qprep.Calibrator on the bundled CNN and its .npy batches: the numbers must
be qprep-run's (same engine), the input histogram the current PyTorch
algorithm's (test/reference/histogram_ref.py) bit for bit, the constant
per-channel weights exact; bad inputs raise qprep.Error."""
import glob
import json
import os
import subprocess
import sys

import numpy as np

import qprep

src, qprep_run, tmp = sys.argv[1:4]
model = open(os.path.join(src, "examples", "small_cnn.mlir")).read()
data = os.path.join(src, "examples", "small_cnn_data")
batches = [np.load(os.path.join(data, f"batch{b}_arg0.npy")) for b in range(4)]

cal = qprep.Calibrator(model)
print("input_shapes", cal.input_shapes)
for x in batches:
    cal.run(x)
results = cal.results()
print("observers", len(results), [r["kind"] for r in results])

subprocess.run([qprep_run, os.path.join(src, "examples", "small_cnn.mlir"), "--data", data,
                "--json", tmp], check=True, capture_output=True)
ran = json.load(open(tmp))["observers"]
same = all(np.float32(a["scale"]).tolist() == np.float32(b["scale"]).tolist()
           and a["zero_point"] == b["zero_point"] for a, b in zip(results, ran))
print("same as qprep-run", same)

obs1 = results[1]
print("obs1 constant", set(obs1["min"]) == set(obs1["max"]) == {np.float32(0.05).item()})

import torch  # noqa: E402

sys.path.insert(0, os.path.join(src, "test", "reference"))
from histogram_ref import HistogramRef  # noqa: E402

torch.set_num_threads(1)
ref = HistogramRef()
for x in batches:
    ref.forward(torch.from_numpy(x))
print("obs0 histogram exact", np.array_equal(results[0]["histogram"], ref.histogram.numpy()))

# reset: nothing seen, qparams (1, 0), status 1 (uncalibrated).
cal.reset()
r0 = cal.results()[0]
print("after reset", r0["min"], r0["scale"], r0["zero_point"], r0["status"])

for bad in [lambda: cal.run(np.zeros((1, 2), np.float32)),
            lambda: cal.run(np.zeros((1, 16, 16, 3), np.float64)),
            lambda: cal.run(),
            lambda: qprep.Calibrator(model, entry="nope"),
            lambda: qprep.Calibrator("func.func @forward(%x: tensor<?xf32>) { return }")]:
    try:
        bad()
        print("no error")
    except qprep.Error as e:
        print("error:", str(e).splitlines()[0])

# A shared histogram observer is one state fed once per call site, in program
# order: @h sees x then y on every call (the reference is fed the same way;
# the order changes the result once ranges grow). Non-finite values in the
# data take the generated loops' masking path.
shared = """
qprep.observer @h = #qprep.qspec<ui8, observer = histogram(bins = 256)>
func.func @forward(%x: tensor<300xf32>, %y: tensor<300xf32>) {
  %0 = qprep.observe %x, @h : tensor<300xf32>
  %1 = qprep.observe %y, @h : tensor<300xf32>
  return
}
"""
cal = qprep.Calibrator(shared)
ref = HistogramRef(bins=256)
rng = np.random.default_rng(5)
for b in range(3):
    x = (rng.standard_normal(300) * (1 + b)).astype(np.float32)
    y = (rng.standard_normal(300) * 3 + b).astype(np.float32)
    if b == 1:  # +-inf are dropped (PyTorch), NaN skipped (PyTorch raises)
        y[[5, 7, 9]] = [np.inf, np.nan, -np.inf]
    cal.run(x, y)
    ref.forward(torch.from_numpy(x))
    ref.forward(torch.from_numpy(y))
h = cal.results()[0]
print("shared histogram in call order", np.array_equal(h["histogram"], ref.histogram.numpy()),
      np.float32(h["min"][0]) == ref.min_val.item(), np.float32(h["max"][0]) == ref.max_val.item())
rev = HistogramRef(bins=256)
rng = np.random.default_rng(5)
for b in range(3):
    x = (rng.standard_normal(300) * (1 + b)).astype(np.float32)
    y = (rng.standard_normal(300) * 3 + b).astype(np.float32)
    rev.forward(torch.from_numpy(y))
    rev.forward(torch.from_numpy(x))
print("the other order differs", not np.array_equal(h["histogram"], rev.histogram.numpy()))

# The calibrated module parses and carries the observers' qparams.
cal = qprep.Calibrator(model)
for x in batches:
    cal.run(x)
text = cal.calibrated_module()
qprep.verify(text)
print("calibrated module", text.count("scale = array<f32:"), "scales")
