"""How qprep's forward was chosen: the ResNet layer (1x56x56x64, 3x3, 64 -> 64,
padding 1, bias) through each candidate, one thread, in one process on the
same data, round robin (every candidate once per round), medians over the
rounds:

* torch 1.13 conv2d (NCHW, as a torch user calls it; oneDNN underneath);
* oneDNN called directly (Debian's libdnnl 2.6, NHWC, weights reordered
  once) -- a library call from the generated code;
* OpenBLAS: im2col + cblas_sgemm -- the other library;
* a C++ register-blocked loop (bench/conv_choice.cpp), the structure
  qprep-linalg-to-kernels generates;
* qprep itself (qprep.Calibrator on the TOSA layer with a min/max observer on
  the output; padding and the observer included in its time).

Candidates whose library is not installed (libdnnl-dev, libopenblas-dev) are
skipped. Every candidate's output is checked against torch's.

usage: PYTHONPATH=build/python_packages /usr/bin/python3 bench/conv_choice.py [--rounds 15]
"""
import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "reference"))
import tosa_models  # noqa: E402
import qprep  # noqa: E402
from forward_bench import read_bandwidth  # noqa: E402


def build(tmp):
    flags, libs = [], []
    if os.path.exists("/usr/include/oneapi/dnnl/dnnl.hpp") or os.path.exists("/usr/include/dnnl.hpp"):
        flags.append("-DQPREP_WITH_DNNL")
        libs.append("-ldnnl")
    if os.path.exists("/usr/include/x86_64-linux-gnu/cblas.h") or os.path.exists("/usr/include/cblas.h"):
        flags.append("-DQPREP_WITH_OPENBLAS")
        libs.append("-lopenblas")
    so = os.path.join(tmp, "conv_choice.so")
    subprocess.run(["clang++-22", "-O3", "-march=native", "-shared", "-fPIC", *flags,
                    os.path.join(HERE, "conv_choice.cpp"), "-o", so, *libs], check=True)
    return ctypes.CDLL(so), flags


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    args = ap.parse_args()
    torch.set_num_threads(1)
    print(f"load average {os.getloadavg()[0]:.1f}", flush=True)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 64, 56, 56, generator=g)
    w = torch.randn(64, 64, 3, 3, generator=g) / 24
    b = torch.randn(64, generator=g)
    xn = np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy())     # NHWC
    wn = np.ascontiguousarray(w.permute(0, 2, 3, 1).numpy())     # OHWI
    bn = b.numpy().copy()
    y = np.empty((56, 56, 64), np.float32)
    with torch.no_grad():
        ref = torch.nn.functional.conv2d(x, w, b, padding=1)[0].permute(1, 2, 0).numpy()
    with tempfile.TemporaryDirectory() as tmp:
        bw = read_bandwidth(tmp)
        print(f"read bandwidth (512 MiB, read-only loop): median {bw[0]:.1f} GB/s "
              f"(min {bw[1]:.1f}, max {bw[2]:.1f})", flush=True)
        lib, flags = build(tmp)
        ptr = lambda a: a.ctypes.data_as(ctypes.c_void_p)  # noqa: E731
        cands = {}

        def torch_conv():
            with torch.no_grad():
                torch.nn.functional.conv2d(x, w, b, padding=1)
        cands["torch 1.13 conv2d"] = torch_conv
        for name, sym, flag in (("oneDNN direct", "dnnl_conv", "-DQPREP_WITH_DNNL"),
                                ("OpenBLAS im2col+sgemm", "openblas_conv", "-DQPREP_WITH_OPENBLAS"),
                                ("C++ register-blocked", "blocked_conv", None)):
            if flag and flag not in flags:
                print(f"{name}: library not installed, skipped")
                continue
            f = getattr(lib, sym)
            f.argtypes = [ctypes.c_void_p] * 4
            f(ptr(xn), ptr(wn), ptr(bn), ptr(y))
            err = np.abs(y - ref).max()
            assert err < 1e-3, (name, err)
            cands[name] = (lambda f=f: f(ptr(xn), ptr(wn), ptr(bn), ptr(y)))
        cal = qprep.Calibrator(tosa_models.conv_layer((1, 64, 56, 56), w, b, 1, 1), threads=1)
        cands["qprep (conv + observer)"] = lambda: cal.run(xn)
        times = {k: [] for k in cands}
        cpu = {k: [] for k in cands}
        for f in cands.values():
            f()
        for _ in range(args.rounds):
            for k, f in cands.items():
                c0, t0 = time.thread_time(), time.perf_counter()
                f()
                times[k].append(time.perf_counter() - t0)
                cpu[k].append(time.thread_time() - c0)
        t_ref = statistics.median(times["torch 1.13 conv2d"])
        c_ref = statistics.median(cpu["torch 1.13 conv2d"])
        for k in cands:
            t, c = statistics.median(times[k]), statistics.median(cpu[k])
            print(f"{k:<26} wall {t * 1e3:7.3f} ms ({t / t_ref:4.2f}x torch)   "
                  f"cpu {c * 1e3:7.3f} ms ({c / c_ref:4.2f}x torch)   "
                  f"spread {min(times[k]) * 1e3:.3f}-{max(times[k]) * 1e3:.3f} ms")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
