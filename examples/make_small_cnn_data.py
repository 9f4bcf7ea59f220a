"""Writes examples/small_cnn_data/: 4 calibration batches for
examples/small_cnn.mlir (input 1x16x16x3, float32), seeded, images-like:
a smooth gradient per channel plus noise, each batch a little brighter.
Regenerate with: /usr/bin/python3 examples/make_small_cnn_data.py"""
import os

import numpy as np

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "small_cnn_data")
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(2026)
yy, xx = np.meshgrid(np.linspace(-1, 1, 16), np.linspace(-1, 1, 16), indexing="ij")
for b in range(4):
    base = np.stack([xx, yy, xx * yy], axis=-1)[None] * (1.0 + 0.25 * b)
    x = (base + 0.3 * rng.standard_normal((1, 16, 16, 3))).astype(np.float32)
    np.save(os.path.join(out, f"batch{b}_arg0.npy"), x)
