"""End to end on the bundled CNN: calibrate with qprep, convert
(qprep-convert), lower (qprep-lower-quant + the TOSA/linalg pipeline), JIT,
and compare the quantized model's outputs with torch 1.13 running the same
network with the same qparams: activations through
torch.fake_quantize_per_tensor_affine, weights through
torch.fake_quantize_per_channel_affine (range [-127, 127]), biases through
torch.quantize_per_channel(..., torch.qint32).dequantize().

Two weight sets: the example's own constants, and seeded random weights and
biases (so that every channel has its own scale). The two sides differ only
in float accumulation order inside the convolutions and the matmul; a
difference of one ulp can move a value across a rounding boundary of the
next quantization, which then shows as whole quantization steps. Prints the
measured differences in units of the output scale.

usage: quantized_cnn.py EXAMPLE_DIR
"""
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

import qprep

root = sys.argv[1]
text = open(os.path.join(root, "small_cnn.mlir")).read()
# Also return the pooled activations (after their q/dq), so that 256
# intermediate values per call are compared, not only the 10 outputs.
text = text.replace("-> tensor<1x1x10xf32> {",
                    "-> (tensor<1x1x10xf32>, tensor<1x4x4x16xf32>) {")
text = text.replace("return %y : tensor<1x1x10xf32>",
                    "return %y, %p : tensor<1x1x10xf32>, tensor<1x4x4x16xf32>")
assert text.count("tensor<1x4x4x16xf32>) {") == 1
batches = [np.load(os.path.join(root, "small_cnn_data", f"batch{b}_arg0.npy"))
           for b in range(4)]


def constants(model):
    """The example's tosa.const weights, in order: w1, b1, w2, b2, fc."""
    found = re.findall(r'values = dense<(.*?)> : tensor<([0-9x]+)xf32>', model)
    out = []
    for value, shape in found[:5]:
        dims = [int(d) for d in shape.split("x")]
        out.append(np.full(dims, np.float32(float(value)), np.float32))
    return out


def with_weights(model, arrays):
    """The model with its five weight constants replaced by `arrays`."""
    it = iter(arrays)

    def repl(m):
        a = next(it, None)
        if a is None:
            return m.group(0)
        body = np.array2string(a, separator=", ", threshold=10**9,
                               floatmode="unique", max_line_width=10**9)
        return f"values = dense<{body}> : tensor<{m.group(2)}xf32>"
    return re.sub(r'values = dense<(.*?)> : tensor<([0-9x]+)xf32>', repl,
                  model, count=5)


def torch_reference(x, w, obs):
    """The quantized CNN in torch 1.13 with qprep's qparams."""
    def act(t, o):
        return torch.fake_quantize_per_tensor_affine(
            t, o["scale"][0], o["zero_point"][0], o["quant_min"], o["quant_max"])

    def weight(t, o, axis):
        return torch.fake_quantize_per_channel_affine(
            t, torch.tensor(o["scale"], dtype=torch.float32),
            torch.tensor(o["zero_point"], dtype=torch.int32), axis,
            o["quant_min"], o["quant_max"])

    def bias(t, o):
        return torch.quantize_per_channel(
            t, torch.tensor(o["scale"], dtype=torch.float32).double(),
            torch.tensor(o["zero_point"]), 0, torch.qint32).dequantize()

    nchw = lambda t: t.permute(0, 3, 1, 2)  # noqa: E731
    nhwc = lambda t: t.permute(0, 2, 3, 1)  # noqa: E731
    w1, b1, w2, b2, fc = (torch.from_numpy(a) for a in w)
    a = act(torch.from_numpy(x), obs["obs0"])
    c1 = nhwc(F.conv2d(nchw(a), nchw(weight(w1, obs["obs1"], 0)),
                       bias(b1, obs["obs2"]), padding=1))
    c1 = act(c1, obs["obs3"])
    r1 = act(torch.clamp(c1, 0.0, 6.0), obs["obs3"])
    c2 = nhwc(F.conv2d(nchw(r1), nchw(weight(w2, obs["obs4"], 0)),
                       bias(b2, obs["obs5"]), padding=1))
    c2 = act(c2, obs["obs3"])
    cat = act(torch.cat([r1, c2], dim=3), obs["obs3"])
    p = act(nhwc(F.max_pool2d(nchw(cat), 4, 4)), obs["obs3"])
    flat = act(p.reshape(1, 1, 256), obs["obs3"])
    y = torch.matmul(flat, weight(fc, obs["obs6"], 2))
    return act(y, obs["obs7"]).numpy(), p.numpy()


def check(name, model, weights):
    cal = qprep.Calibrator(model)
    for x in batches:
        cal.run(x)
    obs = {o["name"]: o for o in cal.results()}
    # The observer layout this reference mirrors (docs/QPrep.md).
    assert obs["obs2"]["derived_from"] == ["obs0", "obs1"]
    assert obs["obs5"]["derived_from"] == ["obs3", "obs4"]
    assert [obs[f"obs{i}"]["kind"] for i in (1, 4, 6)] == ["per_channel_minmax"] * 3
    quantized = cal.quantized_module()
    assert "quant.qcast" in quantized and "qprep.observe" not in quantized
    model_q = qprep.Calibrator(quantized)
    step = obs["obs7"]["scale"][0]
    steps = [step, obs["obs3"]["scale"][0]]
    worst, differing, total = [0.0, 0.0], [0, 0], [0, 0]
    for x in batches + inputs:
        got = model_q.forward(x)
        want = torch_reference(x, weights, obs)
        for k in range(2):
            d = np.abs(got[k].astype(np.float64) - want[k]) / steps[k]
            worst[k] = max(worst[k], float(d.max()))
            differing[k] += int((got[k] != want[k]).sum())
            total[k] += got[k].size
            # Values sit on their grid: differences are whole steps.
            assert np.allclose(d, np.round(d), atol=1e-3), d
    for k, what in enumerate(["outputs", "pooled activations"]):
        print(f"{name}: {differing[k]} of {total[k]} {what} differ, "
              f"max {worst[k]:.0f} step(s)")
        # Measured here: none differ. Another CPU's torch convolution may sum
        # in another order; allow a rare single step, nothing more.
        if worst[k] > 1 or differing[k] > total[k] // 100:
            print(f"{name}: MISMATCH in {what}")
    # The float model's outputs, for scale: quantization error vs float.
    flt = cal.forward(batches[0])[0]
    got = model_q.forward(batches[0])[0]
    print(f"{name}: quantized vs float max {np.abs(got - flt).max() / step:.1f} steps")
    return differing, worst


# Beyond the calibration batches: seeded inputs, some outside the
# calibrated range (saturating).
inputs = [(np.random.default_rng(100 + i).standard_normal((1, 16, 16, 3)) *
           (1.0 + i % 3)).astype(np.float32) for i in range(60)]
example = constants(text)
check("example weights", text, example)
rng = np.random.default_rng(12)
shapes = [a.shape for a in example]
random_w = [(rng.standard_normal(s) * (0.5 if len(s) == 1 else 0.2)).astype(np.float32)
            for s in shapes]
check("random weights", with_weights(text, random_w), random_w)
