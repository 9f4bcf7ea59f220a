"""The model forward through the vector kernels and threads (docs/Forward.md):

1. a conv layer against torch 1.13's conv2d within the float32 rounding bound
   of a dot product (Higham, Accuracy and Stability of Numerical Algorithms,
   (3.5)): |computed - exact| <= gamma_n * sum |terms|, gamma_n = n u / (1 - n u),
   u = 2^-24, n = KH*KW*C + 1 terms (the bias is one). qprep and torch sum in
   different orders, so they may differ by twice that; the per-channel
   observer on the output holds each channel's min and max, which then
   differ by no more than the largest bound in the channel;
2. ResNet-18 (torchvision, seeded, 65x65 input (odd sizes: no tosa.slice, which
   histogram observers cannot observe yet), XNNPACK-style annotations
   with histogram activation observers): every observer's statistics,
   histograms and qparams identical for 1, 2, 3 and 5 threads (the kernels
   never split a reduction); the logits (a per-channel observer holds one
   logit per channel) within a few times torch's own float32 error of a
   float64 forward;
3. qprep-run --threads 1 and --threads 2 give identical JSON statistics.

usage: forward.py SRC_ROOT QPREP_RUN TMP_PREFIX
"""
import json
import os
import subprocess
import sys

import numpy as np
import torch
import torchvision

src, qprep_run, tmp = sys.argv[1:4]
sys.path.insert(0, os.path.join(src, "test", "reference"))
import tosa_models  # noqa: E402

import qprep  # noqa: E402

torch.set_num_threads(1)
U = 2.0 ** -24


def gamma(n):
    return n * U / (1 - n * U)


# 1. One conv layer: 1x13x13x24 -> 40 channels (two full vectors and a
# masked one), 3x3, stride 1, padding 1; per-channel observer on the output.
g = torch.Generator().manual_seed(0)
x = torch.randn(1, 24, 13, 13, generator=g)
w = torch.randn(40, 24, 3, 3, generator=g) / 15
b = torch.randn(40, generator=g)
text = tosa_models.conv_layer((1, 24, 13, 13), w, b, 1, 1, observe="none")
text = text.replace("stride = array", "qprep.outputs = [#qprep.qspec<i8, qscheme = per_channel_symmetric, "
                    "ch_axis = 3, observer = per_channel_minmax>], stride = array", 1)
xn = np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy())
stats = []
for threads in (1, 2):
    cal = qprep.Calibrator(text, threads=threads)
    cal.run(xn)
    r = cal.results()[-1]
    stats.append((np.array(r["min"], np.float32), np.array(r["max"], np.float32)))
print("conv threads identical", all(np.array_equal(a, b) for a, b in zip(stats[0], stats[1])))
with torch.no_grad():
    ref = torch.nn.functional.conv2d(x, w, b, padding=1)[0]
    mag = torch.nn.functional.conv2d(x.double().abs(), w.double().abs(), b.double().abs(), padding=1)[0]
n_terms = 3 * 3 * 24 + 1
bound = 2 * gamma(n_terms) * mag.reshape(40, -1).max(dim=1).values.numpy()
tmin = ref.reshape(40, -1).min(dim=1).values.numpy()
tmax = ref.reshape(40, -1).max(dim=1).values.numpy()
qmin, qmax = stats[0]
dev = np.maximum(np.abs(qmin - tmin), np.abs(qmax - tmax))
print("conv within bound", bool(np.all(dev <= bound)), "channels", len(dev))
print("conv bound used", f"{float((dev / bound).max()):.3f}" if (dev / bound).max() < 1 else "EXCEEDED")

# 2. ResNet-18 at 65x65, annotated; identical across thread counts.
torch.manual_seed(0)
model = torchvision.models.resnet18().eval()
text, folded = tosa_models.resnet(model, image=65, observe="xnnpack", act="histogram")
batches = [torch.randn(1, 3, 65, 65, generator=torch.Generator().manual_seed(s)) for s in (1, 2)]
# One compilation; the thread count is a property of the calls.
cal = qprep.Calibrator(text)
results = {}
for threads in (1, 2, 3, 5):
    cal.threads = threads
    assert cal.threads == threads
    cal.reset()
    for xb in batches:
        cal.run(np.ascontiguousarray(xb.permute(0, 2, 3, 1).numpy()))
    results[threads] = cal.results()


def same(a, b):
    keys = ("min", "max", "scale", "zero_point", "status")
    if any(a[k] != b[k] for k in keys):
        return False
    if "histogram" in a:
        return np.array_equal(a["histogram"], b["histogram"])
    return True


kinds = {}
for r in results[1]:
    kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
print("resnet observers", len(results[1]), sorted(kinds.items()))
print("resnet threads identical", all(
    len(results[t]) == len(results[1]) and all(same(a, b) for a, b in zip(results[1], results[t]))
    for t in (2, 3, 5)))
# The per-channel observer with 1000 channels holds, per logit, its min and
# max over the two batches.
obs = [r for r in results[1] if len(r["min"] or []) == 1000][-1]  # after the FC weights' observer
got = np.array([obs["min"], obs["max"]], np.float32)
with torch.no_grad():
    exact = np.stack([folded.double()(xb.double())[0].numpy() for xb in batches])
    torch32 = np.stack([model(xb)[0].numpy() for xb in batches])
want, want32 = np.stack([exact.min(0), exact.max(0)]), np.stack([torch32.min(0), torch32.max(0)])
err, terr = abs(got - want).max(), abs(want32 - want).max()
ok = bool(err <= 4 * terr + 1e-7)
print(f"resnet logits error {err:.2e}, torch float32's {terr:.2e}", file=sys.stderr)
print("resnet logits", got.shape[1], "error within 4x torch's", ok)

# 3. qprep-run --threads.
outs = []
for threads in (1, 2):
    out = f"{tmp}.{threads}.json"
    subprocess.run([qprep_run, os.path.join(src, "examples", "small_cnn.mlir"), "--data",
                    os.path.join(src, "examples", "small_cnn_data"), "--threads", str(threads),
                    "--json", out], check=True, capture_output=True)
    outs.append(json.load(open(out))["observers"])
print("qprep-run threads identical", outs[0] == outs[1])
