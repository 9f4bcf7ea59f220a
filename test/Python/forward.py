"""qprep.Calibrator.forward: the JIT-compiled model's results come back as
numpy arrays (torch 1.13 is the reference for the conv); observers still
record the call; models whose results cannot be returned say why."""
import numpy as np
import torch

import qprep

MODEL = """
#act = #qprep.qspec<i8, observer = minmax>
func.func @forward(%x: tensor<1x5x6x3xf32> {qprep.output = #act}, %y: tensor<1x5x6x2xf32>)
    -> (tensor<1x5x6x2xf32>, tensor<1x5x6x2xf32>) {
  %w = "tosa.const"() {values = dense<[[[[0.5, -1.0, 0.25]]], [[[2.0, 0.0, -0.75]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b = "tosa.const"() {values = dense<[0.125, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>}
       : (tensor<1x5x6x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x6x2xf32>
  %s = tosa.add %c, %y : (tensor<1x5x6x2xf32>, tensor<1x5x6x2xf32>) -> tensor<1x5x6x2xf32>
  return %c, %s : tensor<1x5x6x2xf32>, tensor<1x5x6x2xf32>
}
"""

rng = np.random.RandomState(0)
x = rng.randn(1, 5, 6, 3).astype(np.float32)
y = rng.randn(1, 5, 6, 2).astype(np.float32)
cal = qprep.Calibrator(MODEL)
print("output_shapes", cal.output_shapes)
c, s = cal.forward(x, y)
w = torch.tensor([[0.5, -1.0, 0.25], [2.0, 0.0, -0.75]]).reshape(2, 3, 1, 1)
ref = torch.nn.functional.conv2d(torch.from_numpy(x).permute(0, 3, 1, 2), w,
                                 torch.tensor([0.125, -0.5])).permute(0, 2, 3, 1).numpy()
print("types", c.dtype, c.shape, s.shape)
print("conv matches torch", np.allclose(c, ref, rtol=1e-6, atol=1e-6))
print("add exact", np.array_equal(s, c + y))
# A Fortran-order input is copied, not misread.
c2, _ = cal.forward(np.asfortranarray(x), y)
print("fortran input", np.array_equal(c, c2))
# forward observes like run: the input observer saw both calls.
obs = cal.results()[0]
print("observed", obs["min"] == [x.min()], obs["max"] == [x.max()])

for args in [(x,), (x, y[..., :1])]:
    try:
        cal.forward(*args)
    except qprep.Error as e:
        print("error:", e)

DYNAMIC = """
func.func @forward(%x: tensor<4xf32>) -> tensor<?xf32> {
  %c = tensor.cast %x : tensor<4xf32> to tensor<?xf32>
  return %c : tensor<?xf32>
}
"""
dyn = qprep.Calibrator(DYNAMIC)
dyn.run(np.ones(4, np.float32))
print("dynamic output_shapes", dyn.output_shapes)
try:
    dyn.forward(np.ones(4, np.float32))
except qprep.Error as e:
    print("error:", e)
