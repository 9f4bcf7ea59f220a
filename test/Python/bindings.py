"""The Python bindings: prepare, run_pipeline, verify, and errors."""
import sys

import qprep

example = open(sys.argv[1]).read()

# prepare == qprep-opt --qprep-prepare
out = qprep.prepare(example)
print("observers", out.count("qprep.observer @"))
print("observes", out.count("qprep.observe %"))

# QAT through the option.
fixed = """
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = "t.sigmoid"(%x) {qprep.outputs = [#qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
"""
print("qat", "qprep.fake_quantize" in qprep.prepare(fixed, is_qat=True,
                                                    allow_unregistered_dialects=True))
print("ptq", "qprep.fake_quantize" in qprep.prepare(fixed, allow_unregistered_dialects=True))

# A partial pipeline.
resolved = qprep.run_pipeline(example, "qprep-collect-qspecs,qprep-resolve-sharing")
print("resolved", "qprep.observe %" in resolved, resolved.count("qprep.observer @"))

# Errors carry the diagnostics.
for text, kwargs in [
    ("func.func @f() attributes {t.a = #qprep.qspec<i8, quant_min = 1, quant_max = 2>}", {}),
    (fixed, {}),  # unregistered dialect not allowed
    (example.replace('qprep.id = "conv2"', 'qprep.id = "conv1"'), {}),
]:
    try:
        qprep.prepare(text, **kwargs)
        print("no error")
    except qprep.Error as e:
        print("error:", str(e).splitlines()[0 if "could not parse" not in str(e) else 1])
try:
    qprep.run_pipeline(example, "no-such-pass")
except ValueError as e:
    print("pipeline error:", str(e).splitlines()[0])
