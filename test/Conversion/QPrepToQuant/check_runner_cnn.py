"""Compares the quantized CNN's output printed by mlir-runner (stdin) with
the same model JIT-compiled by qprep.Calibrator (which
test/Python/quantized-cnn.test compares with torch 1.13) on the same input,
as integers on the output grid (printMemrefF32 prints 6 significant digits,
enough to recover them).

usage: check_runner_cnn.py QUANTIZED.mlir CALIBRATED.mlir INPUT.npy"""
import re
import sys

import numpy as np

import qprep

out = sys.stdin.read()
data = re.search(r"data =\s*(\[.*\])", out, re.S).group(1)
printed = np.array([float(v) for v in re.findall(r"[-+0-9.e]+", data)], np.float64)
quantized = open(sys.argv[1]).read()
calibrated = open(sys.argv[2]).read()
x = np.load(sys.argv[3])
m = re.search(r"qprep.observer @obs7 = .*?scale = array<f32: ([^>]*)>, zero_point = array<i64: ([^>]*)>",
              calibrated)
scale, zp = np.float32(float(m.group(1))), int(m.group(2))
(jit,) = qprep.Calibrator(quantized).forward(x)
q_printed = np.round(printed / scale).astype(np.int64) + zp
q_jit = np.round(jit.reshape(-1).astype(np.float64) / scale).astype(np.int64) + zp
print("outputs", printed.size)
print("mlir-runner == JIT", np.array_equal(q_printed, q_jit))
