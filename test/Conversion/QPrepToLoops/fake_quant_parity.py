"""fake_quantize lowered by convert-qprep-to-loops, run by mlir-runner, against
torch 1.13's FakeQuantize modules (observer, then fake_quantize_per_tensor /
per_channel_affine) on the same batches, bit for bit.

Each case is a module with the batches as memref globals; @main copies each
batch into a fresh buffer, fake-quantizes it in place, and prints the output's
float32 bit patterns (printMemrefI32), so nothing is lost in printing. Data
include values exactly halfway between quantization steps (round half to even
decides them), values far outside the range (clamped), and zeros.

usage: fake_quant_parity.py QPREP_OPT MLIR_RUNNER RUNNER_LIBS"""
import subprocess
import sys

import numpy as np
import torch
import torch.ao.quantization as Q
import torch.ao.quantization.observer as O

QPREP_OPT, RUNNER, LIBS = sys.argv[1:4]
PIPELINE = ["--qprep-lower-to-llvm"]


def dense(a):
    return "dense<[" + ", ".join(np.format_float_scientific(v, unique=True) if np.isfinite(v)
                                 else ("0x7F800000" if v > 0 else "0xFF800000")
                                 for v in a.reshape(-1)) + "]>"


def run_case(name, spec, shape, batches, make_fq):
    ty = "memref<" + "x".join(map(str, shape)) + "xf32>"
    n = int(np.prod(shape))
    lines = [f"qprep.observer @o = {spec}",
             "func.func private @printMemrefI32(memref<*xi32>)"]
    for b, x in enumerate(batches):
        # 1-D globals (dense literal), viewed with the model's shape.
        lines.append(f'memref.global "private" constant @x{b} : memref<{n}xf32> = {dense(x)}')
    lines.append(f"func.func @model(%x: {ty}) -> {ty} {{")
    lines.append(f"  %0 = qprep.fake_quantize %x, @o : {ty}")
    lines.append(f"  return %0 : {ty}")
    lines.append("}")
    lines.append("func.func @main() {")
    lines.append("  %c0 = arith.constant 0 : index")
    lines.append("  %c1 = arith.constant 1 : index")
    lines.append(f"  %cn = arith.constant {n} : index")
    for b in range(len(batches)):
        lines += [f"  %g{b} = memref.get_global @x{b} : memref<{n}xf32>",
                  f"  %f{b} = memref.alloc() : memref<{n}xf32>",
                  f"  memref.copy %g{b}, %f{b} : memref<{n}xf32> to memref<{n}xf32>",
                  f"  %v{b} = memref.expand_shape %f{b} [[{', '.join(str(i) for i in range(len(shape)))}]] "
                  f"output_shape [{', '.join(map(str, shape))}] : memref<{n}xf32> into {ty}",
                  f"  %y{b} = call @model(%v{b}) : ({ty}) -> {ty}",
                  f"  %bits{b} = memref.alloc() : memref<{n}xi32>",
                  f"  scf.for %i = %c0 to %cn step %c1 {{",
                  f"    %e = memref.load %f{b}[%i] : memref<{n}xf32>",
                  f"    %c = arith.bitcast %e : f32 to i32",
                  f"    memref.store %c, %bits{b}[%i] : memref<{n}xi32>",
                  f"  }}",
                  f"  %u{b} = memref.cast %bits{b} : memref<{n}xi32> to memref<*xi32>",
                  f"  call @printMemrefI32(%u{b}) : (memref<*xi32>) -> ()"]
    lines += ["  return", "}"]
    lowered = subprocess.run([QPREP_OPT, "-"] + PIPELINE, input="\n".join(lines), text=True,
                             capture_output=True)
    if lowered.returncode:
        print(f"case {name}: lowering failed\n{lowered.stderr}")
        return 1
    out = subprocess.run([RUNNER, "-e", "main", "-entry-point-result=void",
                          "-shared-libs=" + LIBS], input=lowered.stdout, text=True,
                         capture_output=True)
    if out.returncode:
        print(f"case {name}: mlir-runner failed\n{out.stderr}")
        return 1
    got = [np.array(eval(line.strip().replace("[", "[").rstrip(",")), dtype=np.int64)
           .astype(np.uint32).view(np.float32) for line in out.stdout.splitlines()
           if line.startswith("[")]
    fq = make_fq()
    bad = 0
    for b, x in enumerate(batches):
        want = fq(torch.from_numpy(x.reshape(shape).copy())).numpy().reshape(-1)
        g = got[b].reshape(-1)
        diff = ~((g.view(np.uint32) == want.view(np.uint32)) | (np.isnan(g) & np.isnan(want)))
        if diff.any():
            i = np.nonzero(diff)[0][:3]
            print(f"case {name} batch {b}: {diff.sum()} differ, e.g. x={x.reshape(-1)[i]} "
                  f"got {g[i]} want {want[i]}")
            bad += 1
    print(f"case {name}: {len(batches)} batches, {n} values each, "
          f"{'exact' if not bad else 'MISMATCH'}")
    return bad


def batches_for(rng, shape, k=3):
    out = []
    for b in range(k):
        x = (rng.standard_normal(shape) * (1 + b)).astype(np.float32)
        flat = x.reshape(-1)
        flat[:4] = [0.0, -0.0, 30.0, -30.0]  # zeros; far outside the range
        out.append(x)
    return out


def halfway(x, scale, zp):
    """Puts values exactly halfway between steps (x * (1/scale) = k + 0.5)."""
    flat = x.reshape(-1)
    inv = np.float32(1.0) / np.float32(scale)
    for j in range(4, 12):
        k = j - 8
        flat[j] = np.float32((k + 0.5) / inv)
    return x


def main():
    rng = np.random.default_rng(0)
    bad = 0
    # Per-tensor affine, int8, min/max observer (state grows over batches).
    bad += run_case(
        "per_tensor_affine_i8", "#qprep.qspec<i8, observer = minmax(fake_quant)>", (4, 50),
        batches_for(rng, (4, 50)),
        lambda: Q.FakeQuantize(observer=O.MinMaxObserver, quant_min=-128, quant_max=127,
                               dtype=torch.qint8, qscheme=torch.per_tensor_affine))
    # uint8 with reduce_range and a moving average.
    bad += run_case(
        "moving_average_ui8_reduce_range",
        "#qprep.qspec<ui8, observer = moving_average_minmax(averaging_constant = 0.25, reduce_range, fake_quant)>",
        (200,), batches_for(rng, (200,)),
        lambda: Q.FakeQuantize(observer=O.MovingAverageMinMaxObserver, averaging_constant=0.25,
                               reduce_range=True, dtype=torch.quint8,
                               qscheme=torch.per_tensor_affine))
    # Per-channel symmetric int8 on axis 1.
    bad += run_case(
        "per_channel_symmetric_axis1",
        "#qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 1, observer = per_channel_minmax(fake_quant)>",
        (10, 6, 5), batches_for(rng, (10, 6, 5)),
        lambda: Q.FakeQuantize(observer=O.PerChannelMinMaxObserver, quant_min=-128,
                               quant_max=127, dtype=torch.qint8,
                               qscheme=torch.per_channel_symmetric, ch_axis=1))
    # Fixed qparams (sigmoid-like, 1/256 and zp 0), with halfway values.
    xs = [halfway(x, 1 / 256, 0) for x in batches_for(rng, (120,), 2)]
    for x in xs:
        x[12:40] = rng.uniform(0, 1, 28).astype(np.float32)
    bad += run_case(
        "fixed_1_256", "#qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0, quant_min = 0, quant_max = 255>",
        (120,), xs,
        lambda: Q.FixedQParamsFakeQuantize(observer=O.FixedQParamsObserver.with_args(
            scale=1.0 / 256.0, zero_point=0, dtype=torch.quint8, quant_min=0, quant_max=255)))
    print("mismatches", bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
