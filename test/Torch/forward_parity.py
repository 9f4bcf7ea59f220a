"""Forward parity of an exported torchvision model: qprep.torch.export, the
JIT-compiled module (qprep.Calibrator.forward) against torch 1.13's forward on
the same inputs. BatchNorm state is randomized and re-estimated first
(qprep.torch.testing) so that the network is not degenerate and folding is
not a no-op.

Bound (docs/Torch.md, "Forward parity"): the relative error
||qprep - ref||_2 / ||ref||_2 <= 1e-5, with the exact answer as the reference:
torch's forward in float64 (the original model, BatchNorm unfolded, same
inputs). The errors against torch's float32 forward, and torch's own float32
error, are printed too: two float32 forwards that round differently differ by
about their own errors combined, and on mobilenet_v2 torch's float32 error
alone is ~7e-6, so qprep-vs-torch-float32 lands near 1e-5 there whatever
qprep does."""
import copy
import sys
import warnings

import numpy as np
import torch

import qprep.torch as qt
from qprep.torch.testing import sample_batches, torchvision_model

warnings.filterwarnings("ignore")
name, size = sys.argv[1], int(sys.argv[2])
shape = (2, 3, size, size)
model = torchvision_model(name, shape)
x = sample_batches(1, shape, seed=7)[0]
exported = qt.export(model, (x,))
print("blobs", exported.num_blobs, "MB", round(len(exported.text) / 2**20, 1))
cal = exported.calibrator()
(y,) = cal.forward(x.numpy())
with torch.no_grad():
    ref = model(x).numpy()
    ref64 = copy.deepcopy(model).double()(x.double()).numpy()
l2 = float(np.linalg.norm(y - ref) / np.linalg.norm(ref))
elem = float(np.max(np.abs(y - ref)) / np.max(np.abs(ref)))
ours64 = float(np.max(np.abs(y - ref64)))
torch64 = float(np.max(np.abs(ref - ref64)))
l2_64 = float(np.linalg.norm(y - ref64) / np.linalg.norm(ref64))
torch_l2_64 = float(np.linalg.norm(ref - ref64) / np.linalg.norm(ref64))
print(name, "shape", list(y.shape))
print("relative error vs torch float32 %.3g (element-wise %.3g)" % (l2, elem))
print("relative error vs float64: qprep %.3g, torch %.3g" % (l2_64, torch_l2_64))
print("max error vs float64: qprep %.3g, torch %.3g" % (ours64, torch64))
print("relative error within 1e-5", l2_64 <= 1e-5)
# Not degenerate: the two samples of the batch give different outputs, and
# BatchNorm statistics are not the defaults (so folding changes the weights).
print("depends on input", bool(np.max(np.abs(ref[0] - ref[1])) > 1e-3 * np.max(np.abs(ref))))
bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
print("batchnorm state randomized", len(bns) == 0 or all(
    float((m.running_var - 1).abs().max()) > 1e-2 for m in bns))
