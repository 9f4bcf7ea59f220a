"""Calibration speed: qprep's JIT'd observer loops against torch 1.13 observers
(one thread) and a hand-written C++ -O3 loop, on the same 64 MiB of float32,
all measured in this run. Prints ratios; asserts nothing.

usage: /usr/bin/python3 bench/calib_bench.py BUILD_DIR [--repeat N] [--mib 64]

* per-tensor minmax: qprep vs torch MinMaxObserver and vs the C++ loop
  (targets: >= 1.5x torch, >= 0.8x C++);
* per-channel minmax, ch_axis 0 and the last axis (64 channels):
  vs torch PerChannelMinMaxObserver (target >= 10x);
* histogram update: vs torch 1.13's HistogramObserver.forward and vs the
  Python reference of the current algorithm (target >= 5x torch);
* histogram qparams search: the runtime's qprep_histogram_search vs the
  Python _non_linear_param_search (target >= 20x).

qprep's time is the best of N calls of the JIT-compiled model (qprep-run
--repeat, timing from its JSON: the call only, no file reading); torch's and
the C++ loop's are the best of N as well.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torch.ao.quantization.observer as O

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "reference"))
from histogram_ref import HistogramRef  # noqa: E402

# The model only observes its input: returning the input would make
# bufferization clone 64 MiB per call (ownership-based deallocation), which is
# not the observer's cost.
MODEL = """qprep.observer @obs0 = {spec}
func.func @forward(%x: tensor<{shape}xf32>) {{
  %0 = qprep.observe %x, @obs0 : tensor<{shape}xf32>
  return
}}
"""


def best_of(n, fn):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def qprep_time(build, tmp, name, spec, x, repeat):
    shape = "x".join(str(d) for d in x.shape)
    model = os.path.join(tmp, f"{name}.mlir")
    with open(model, "w") as f:
        f.write(MODEL.format(spec=spec, shape=shape))
    data = os.path.join(tmp, f"{name}.data")
    os.makedirs(data, exist_ok=True)
    np.save(os.path.join(data, "batch0_arg0.npy"), x)
    out = os.path.join(tmp, f"{name}.json")
    subprocess.run([os.path.join(build, "bin", "qprep-run"), model, "--data", data,
                    "--repeat", str(repeat), "--json", out],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = json.load(open(out))
    return result["timing"]["best_seconds"], result["observers"][0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--mib", type=int, default=64)
    args = ap.parse_args()
    torch.set_num_threads(1)
    n = args.mib * 1024 * 1024 // 4
    gb = n * 4 / 1e9
    rng = np.random.default_rng(0)
    rows = []

    def report(what, ours, ref_name, ref, target):
        ratio = ref / ours
        rows.append((what, ref_name, ratio, target))
        print(f"{what:<34} qprep {gb / ours:7.2f} GB/s  {ref_name:<28} {gb / ref:7.2f} GB/s"
              f"  ratio {ratio:6.2f}x  (target >= {target}x)", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        x = rng.standard_normal(n).astype(np.float32).reshape(4096, n // 4096)

        # C++ -O3 reference loop.
        exe = os.path.join(tmp, "minmax_ref")
        subprocess.run(["clang++-22", "-O3", "-march=native", "-ffast-math",
                        os.path.join(HERE, "minmax_ref.cpp"), "-o", exe], check=True)
        raw = os.path.join(tmp, "x.raw")
        x.tofile(raw)
        cpp = subprocess.run([exe, raw, "0", str(args.repeat)], check=True,
                             capture_output=True, text=True).stdout.split()
        cpp_t = float(cpp[0])

        t, obs = qprep_time(args.build, tmp, "pt", "#qprep.qspec<i8>", x, args.repeat)
        assert np.float32(obs["min"][0]) == x.min() and np.float32(obs["max"][0]) == x.max()
        tx = torch.from_numpy(x)
        mm = O.MinMaxObserver()
        torch_t = best_of(args.repeat, lambda: mm(tx))
        report("per-tensor minmax", t, "torch MinMaxObserver", torch_t, 1.5)
        report("per-tensor minmax", t, "C++ -O3 loop", cpp_t, 0.8)

        for axis, shape in ((0, (64, n // 64)), (1, (n // 64, 64))):
            xc = np.ascontiguousarray(x.reshape(shape))
            spec = f"#qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = {axis}>"
            t, obs = qprep_time(args.build, tmp, f"pc{axis}", spec, xc, args.repeat)
            want = xc.min(axis=1 - axis)
            assert np.array_equal(np.array(obs["min"], np.float32), want)
            pc = O.PerChannelMinMaxObserver(ch_axis=axis, qscheme=torch.per_channel_symmetric)
            txc = torch.from_numpy(xc)
            torch_t = best_of(args.repeat, lambda: pc(txc))
            report(f"per-channel minmax, ch_axis {'last' if axis else 0}", t,
                   "torch PerChannelMinMax", torch_t, 10)

        t, obs = qprep_time(args.build, tmp, "hist", "#qprep.qspec<ui8, observer = histogram>",
                            x, args.repeat)
        ho = O.HistogramObserver()
        torch_t = best_of(args.repeat, lambda: ho(tx))
        report("histogram update", t, "torch 1.13 HistogramObserver", torch_t, 5)
        ref = HistogramRef()
        ref_t = best_of(max(1, args.repeat // 3), lambda: ref.forward(tx))
        report("histogram update", t, "Python ref (current algo)", ref_t, 5)

        # The search on a calibrated state (the histogram of x).
        from qprep import _qprep as q
        h, mn, mx = q.histogram_update(x, [], float("inf"), float("-inf"))
        h = np.asarray(h, dtype=np.float32)  # numpy in, no list conversion
        ref = HistogramRef()
        ref.forward(tx)
        py_t = best_of(1, ref.search)
        ours = best_of(args.repeat, lambda: q.histogram_search(h, mn, mx, 256))
        lo, hi = ref.search()
        assert q.histogram_search(h, mn, mx, 256) == (lo.item(), hi.item())
        ratio = py_t / ours
        rows.append(("histogram qparams search", "Python search", ratio, 20))
        print(f"{'histogram qparams search':<34} qprep {ours * 1e3:8.3f} ms    "
              f"{'Python _non_linear_param_search':<28} {py_t * 1e3:8.1f} ms   "
              f"ratio {ratio:6.1f}x  (target >= 20x)")
    missed = [r for r in rows if r[2] < r[3]]
    print("all targets met" if not missed else
          "targets missed: " + "; ".join(f"{w} vs {n} {r:.2f}x < {t}x" for w, n, r, t in missed))


if __name__ == "__main__":
    main()
