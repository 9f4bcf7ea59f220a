"""The model forward: qprep's JIT-compiled forward against torch 1.13 eager, in
one process, on the same data, interleaved (qprep, torch, qprep, torch, ...),
medians of the pairs. Prints ratios; asserts nothing.

usage: PYTHONPATH=build/python_packages /usr/bin/python3 bench/forward_bench.py
           [--pairs 15] [--threads 1,2] [--layers] [--skip-resnet]

* conv layer: TOSA conv2d 1x56x56x64, 3x3, 64 -> 64, padding 1, bias, with a
  min/max observer on its output (qprep.Calibrator; the observer keeps the
  forward from being dead code) vs torch.nn.functional.conv2d (NCHW, as a
  torch user calls it) followed by a MinMaxObserver; target: qprep within
  1.5x of torch on one thread.
* ResNet-18: torchvision's resnet18 (seeded weights, eval) as TOSA
  (test/reference/tosa_models.py: batch norms folded, NHWC, a per-channel observer on
  the logits) vs torch eager on the unfolded model; target: within 2x of
  torch eager. Also on 2 threads (torch.set_num_threads(2)).
* --layers: every distinct conv shape of ResNet-18, qprep vs torch conv2d,
  one thread.
* --exported resnet18,mobilenet_v2: torchvision models through qprep.torch's
  exporter (NCHW input, torch's BN fuser), qprep's forward() (which returns
  the outputs) vs torch eager on the same model.
* on more than one thread, also qprep on N threads against qprep on one
  (interleaved on the same compiled model): the threads' speed-up.

Each side's time is wall time around one call (median over the pairs); on
one thread also the calling thread's CPU time (time.thread_time), which a
busy machine disturbs less. The read bandwidth of the machine is measured
in the same run (bench/readbw.c, a read-only loop over 512 MiB) with its
spread, to say how quiet the machine was.
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
import torch.ao.quantization.observer as O
import torchvision

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "test", "reference"))
import tosa_models  # noqa: E402
import qprep  # noqa: E402


def read_bandwidth(tmp, mib=512, reps=7):
    lib = os.path.join(tmp, "readbw.so")
    subprocess.run(["clang-22", "-O3", "-march=native", "-ffast-math", "-shared", "-fPIC",
                    os.path.join(HERE, "readbw.c"), "-o", lib], check=True)
    f = ctypes.CDLL(lib).qprep_bench_read
    f.restype = ctypes.c_float
    f.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    x = np.ones(mib * 1024 * 1024 // 4, np.float32)
    f(x.ctypes.data, x.size)
    rates = []
    for _ in range(reps):
        t = time.perf_counter()
        f(x.ctypes.data, x.size)
        rates.append(x.nbytes / (time.perf_counter() - t) / 1e9)
    return statistics.median(rates), min(rates), max(rates)


def interleaved(fa, fb, pairs, cpu=False):
    """Median wall (and thread CPU) seconds of fa and fb, called alternately,
    plus the median of the per-pair ratios a/b."""
    fa(), fb()  # warm
    wa, wb, ca, cb, ratios = [], [], [], [], []
    for _ in range(pairs):
        for f, w, c in ((fa, wa, ca), (fb, wb, cb)):
            c0, t0 = time.thread_time(), time.perf_counter()
            f()
            w.append(time.perf_counter() - t0)
            c.append(time.thread_time() - c0)
        ratios.append(wa[-1] / wb[-1])
    med = statistics.median
    out = {"a": med(wa), "b": med(wb), "ratio": med(ratios),
           "spread_a": (min(wa), max(wa)), "spread_b": (min(wb), max(wb))}
    if cpu:
        out.update(cpu_a=med(ca), cpu_b=med(cb), cpu_ratio=med(ca) / med(cb))
    return out


def report(name, r, target, threads, names=("qprep", "torch")):
    a, b = names
    line = f"{name:<34} threads {threads}  {a} {r['a'] * 1e3:8.3f} ms  {b} {r['b'] * 1e3:8.3f} ms"
    if b == "torch":
        line += f"  qprep/torch {r['ratio']:5.2f}x (wall, median of pairs)"
    else:
        line += f"  speed-up {1 / r['ratio']:5.2f}x (wall, median of pairs)"
    if "cpu_a" in r:
        line += f"  cpu {r['cpu_a'] * 1e3:7.3f} / {r['cpu_b'] * 1e3:7.3f} ms = {r['cpu_ratio']:4.2f}x"
    if target:
        line += f"  target <= {target}x"
    print(line, flush=True)
    print(f"{'':<34}   spread {a} {r['spread_a'][0] * 1e3:.3f}-{r['spread_a'][1] * 1e3:.3f} ms, "
          f"{b} {r['spread_b'][0] * 1e3:.3f}-{r['spread_b'][1] * 1e3:.3f} ms", flush=True)


def conv_case(n, c, h, w, o, k, stride, pad, threads, pairs, name, target=None):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, c, h, w, generator=g)
    wt = torch.randn(o, c, k, k, generator=g) / (c * k * k) ** 0.5
    b = torch.randn(o, generator=g)
    text = tosa_models.conv_layer((n, c, h, w), wt, b, stride, pad)
    cal = qprep.Calibrator(text, threads=threads)
    xn = np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy())  # the same values, NHWC
    obs = O.MinMaxObserver()
    torch.set_num_threads(threads)

    def ours():
        cal.run(xn)

    def theirs():
        with torch.no_grad():
            obs(torch.nn.functional.conv2d(x, wt, b, stride=stride, padding=pad))
    r = interleaved(ours, theirs, pairs, cpu=threads == 1)
    report(name, r, target, threads)
    if threads > 1:
        # qprep on `threads` against qprep on one thread, interleaved.
        def one():
            cal.threads = 1
            cal.run(xn)

        def many():
            cal.threads = threads
            cal.run(xn)
        report(name, interleaved(many, one, pairs), None, threads,
               (f"qprep {threads} threads", "1 thread"))
        cal.threads = threads
    # Same statistics, to the forward's rounding (docs/Forward.md).
    mine = cal.results()[-1]
    scale = float(obs.max_val.abs().max())
    err = max(abs(mine["min"][0] - float(obs.min_val)), abs(mine["max"][0] - float(obs.max_val)))
    assert err <= 1e-4 * scale, (name, mine["min"], mine["max"], obs.min_val, obs.max_val)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=15)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--layers", action="store_true")
    ap.add_argument("--skip-resnet", action="store_true")
    ap.add_argument("--exported", default="resnet18,mobilenet_v2",
                    help="torchvision models to export with qprep.torch (comma list, '' for none)")
    args = ap.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    print(f"torch {torch.__version__}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f} at start", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        bw = read_bandwidth(tmp)
    print(f"read bandwidth (512 MiB, read-only loop): median {bw[0]:.1f} GB/s "
          f"(min {bw[1]:.1f}, max {bw[2]:.1f}) before", flush=True)

    for t in threads:
        conv_case(1, 64, 56, 56, 64, 3, 1, 1, t, args.pairs,
                  "conv 1x56x56x64 3x3 64->64", 1.5 if t == 1 else None)

    if args.layers:
        for (c, h, o, k, s, p) in [(3, 224, 64, 7, 2, 3), (64, 56, 64, 3, 1, 1),
                                   (64, 56, 128, 3, 2, 1), (64, 56, 128, 1, 2, 0),
                                   (128, 28, 128, 3, 1, 1), (128, 28, 256, 3, 2, 1),
                                   (256, 14, 256, 3, 1, 1), (256, 14, 512, 3, 2, 1),
                                   (512, 7, 512, 3, 1, 1)]:
            conv_case(1, c, h, h, o, k, s, p, 1, args.pairs,
                      f"conv {h}x{h}x{c} {k}x{k}/{s} {c}->{o}")

    if not args.skip_resnet:
        torch.manual_seed(0)
        model = torchvision.models.resnet18().eval()
        text, folded = tosa_models.resnet(model)
        t0 = time.perf_counter()
        cal = qprep.Calibrator(text)
        print(f"ResNet-18: parse + prepare + lower + JIT {time.perf_counter() - t0:.2f} s", flush=True)
        x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
        xn = np.ascontiguousarray(x.permute(0, 2, 3, 1).numpy())
        for t in threads:
            cal.threads = t
            torch.set_num_threads(t)

            def ours():
                cal.run(xn)

            def theirs():
                with torch.no_grad():
                    model(x)
            r = interleaved(ours, theirs, args.pairs, cpu=t == 1)
            report("ResNet-18 forward", r, 2 if t == 1 else None, t)
            if t > 1:
                def one():
                    cal.threads = 1
                    cal.run(xn)

                def many(t=t):
                    cal.threads = t
                    cal.run(xn)
                report("ResNet-18 forward", interleaved(many, one, args.pairs), None, t,
                       (f"qprep {t} threads", "1 thread"))
        logits = np.array(cal.results()[-1]["min"], np.float32)
        with torch.no_grad():
            ref = model(x)[0].numpy()
            exact = folded.double()(x.double())[0].numpy()
        print(f"{'':<34}   logits: max |qprep - float64| {abs(logits - exact).max():.2e}, "
              f"max |torch - float64| {abs(ref - exact).max():.2e}, max |logit| {abs(exact).max():.2f}")

    for name in [m for m in args.exported.split(",") if m]:
        exported_case(name, threads, args.pairs)

    with tempfile.TemporaryDirectory() as tmp:
        bw = read_bandwidth(tmp)
    print(f"read bandwidth (512 MiB, read-only loop): median {bw[0]:.1f} GB/s "
          f"(min {bw[1]:.1f}, max {bw[2]:.1f}) after; load average {os.getloadavg()[0]:.1f}")


def exported_case(name, threads, pairs):
    """A torchvision model through qprep.torch's exporter (NCHW input, batch
    norms folded by torch's fuser), qprep's forward() (which returns the
    outputs) against torch eager on the same model."""
    import qprep.torch as qt
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)().eval()
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(1))
    t0 = time.perf_counter()
    exported = qt.export(model, (x,))
    t1 = time.perf_counter()
    cal = exported.calibrator()
    print(f"{name} (qprep.torch export): export {t1 - t0:.2f} s, lower + JIT "
          f"{time.perf_counter() - t1:.2f} s", flush=True)
    xn = x.numpy()
    for t in threads:
        cal.threads = t
        torch.set_num_threads(t)

        def ours():
            cal.forward(xn)

        def theirs():
            with torch.no_grad():
                model(x)
        report(f"{name} (exported) forward", interleaved(ours, theirs, pairs, cpu=t == 1),
               2 if t == 1 else None, t)
    (out,) = cal.forward(xn)
    with torch.no_grad():
        ref = model(x).numpy()
        exact = model.double()(x.double()).numpy()
    print(f"{'':<34}   outputs: max |qprep - float64| {abs(out - exact).max():.2e}, "
          f"max |torch - float64| {abs(ref - exact).max():.2e}, max |output| {abs(exact).max():.3g}")


if __name__ == "__main__":
    main()
