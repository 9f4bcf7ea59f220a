"""qprep.Calibrator.quantized_module(): the calibrated module through
qprep-convert, as MLIR text; a Calibrator on it runs the quantized model.
Observers that cannot be converted raise qprep.Error naming them."""
import re

import numpy as np
import torch

import qprep

MODEL = """
#act = #qprep.qspec<ui8, observer = minmax>
#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>
func.func @forward(%x: tensor<4x3xf32> {qprep.output = #act}) -> tensor<4x2xf32> {
  %w = "tosa.const"() {values = dense<[[[0.5, -1.0, 0.25], [2.0, 0.0, -0.75]]]> : tensor<1x2x3xf32>} : () -> tensor<1x2x3xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %shape = tosa.const_shape {values = dense<[1, 4, 3]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %x3 = tosa.reshape %x, %shape : (tensor<4x3xf32>, !tosa.shape<3>) -> tensor<1x4x3xf32>
  %perms = "tosa.const"() {values = dense<[0, 2, 1]> : tensor<3xi32>} : () -> tensor<3xi32>
  %wt = tosa.transpose %w {perms = array<i32: 0, 2, 1>} : (tensor<1x2x3xf32>) -> tensor<1x3x2xf32>
  %y = tosa.matmul %x3, %wt, %zp, %zp {qprep.inputs = [#act, #wt]}
       : (tensor<1x4x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x2xf32>
  %s2 = tosa.const_shape {values = dense<[4, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %y, %s2 : (tensor<1x4x2xf32>, !tosa.shape<2>) -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}
"""

rng = np.random.RandomState(0)
cal = qprep.Calibrator(MODEL)
cal.run(rng.randn(4, 3).astype(np.float32))
folded = cal.quantized_module()
unfolded = cal.quantized_module(fold_quantize=False)
print("folded", folded.count("quant.qcast"), folded.count("quant.scast"))
print("unfolded", unfolded.count("quant.qcast"), unfolded.count("quant.scast"))
print("u8 input", "!quant.uniform<u8:f32" in folded)
# The quantized model runs; folding changes nothing numerically.
x = rng.randn(4, 3).astype(np.float32)
(a,) = qprep.Calibrator(folded).forward(x)
(b,) = qprep.Calibrator(unfolded).forward(x)
print("fold-invariant", np.array_equal(a, b))
# torch 1.13 on the same qparams: input, matmul input edge, weight.
obs = {o["name"]: o for o in cal.results()}
fq = lambda t, o: torch.fake_quantize_per_tensor_affine(  # noqa: E731
    t, o["scale"][0], o["zero_point"][0], o["quant_min"], o["quant_max"])
w = torch.tensor([[0.5, -1.0, 0.25], [2.0, 0.0, -0.75]]).t().reshape(1, 3, 2)
wq = torch.fake_quantize_per_channel_affine(
    w, torch.tensor(obs["obs2"]["scale"]),
    torch.tensor(obs["obs2"]["zero_point"], dtype=torch.int32), 0, -127, 127)
ref = torch.matmul(fq(fq(torch.from_numpy(x), obs["obs0"]).reshape(1, 4, 3),
                      obs["obs1"]), wq).reshape(4, 2).numpy()
print("matches torch", np.array_equal(a, ref))

BAD = MODEL.replace("#act = #qprep.qspec<ui8, observer = minmax>",
                    "#act = #qprep.qspec<ui8, observer = placeholder>")
bad = qprep.Calibrator(BAD)
bad.run(x)
try:
    bad.quantized_module()
except qprep.Error as e:
    print("error:", str(e).replace("\n", " | "))

# QAT: observers built with fake_quant are qprep.fake_quantize ops; they
# convert like observers, and once their statistics stop moving the
# converted model computes what the fake-quantized model computes.
QAT = MODEL.replace("observer = minmax>", "observer = minmax(fake_quant)>").replace(
    "ch_axis = 0>", "ch_axis = 0, observer = per_channel_minmax(fake_quant)>")
prepared = qprep.prepare(QAT, is_qat=True)
print("qat fake_quantize ops", prepared.count("qprep.fake_quantize"))
qat = qprep.Calibrator(prepared)
batch = rng.randn(4, 3).astype(np.float32)
qat.run(batch)
(trained,) = qat.forward(batch)  # same data: the min/max do not move
quantized_qat = qat.quantized_module()
print("qat converted", "qprep.fake_quantize" not in quantized_qat,
      quantized_qat.count("quant.qcast"))
(converted,) = qprep.Calibrator(quantized_qat).forward(batch)
print("qat matches fake-quantized model", np.array_equal(trained, converted))

# debug_info=True keeps the locations (each q/dq pair has its observer
# call's): a module parsed from a named source maps back to it.
named = qprep.Calibrator(MODEL.replace('-> tensor<1x4x2xf32>\n  %s2',
                                       '-> tensor<1x4x2xf32> loc("fc")\n  %s2'))
named.run(batch)
text = named.quantized_module(debug_info=True)
alias = re.search(r'^(#loc\d*) = loc\("fc"\)$', text, re.M).group(1)
print("qcast located at fc", bool(re.search(r'quant\.qcast .* loc\(' + alias + r'\)$',
                                            text, re.M)))
