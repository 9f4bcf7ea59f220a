"""Random observers (dtypes, schemes, ranges, calibrations including zero,
negative, NaN, infinite and denormal scales, huge zero points, wrong sizes)
on random values (constants with NaN/inf, dynamic shapes, f16/bf16, rank 0)
through qprep-convert and qprep-lower-quant. Writes one module per
`// -----` chunk to stdout; the RUN line checks that qprep-opt never crashes
(every chunk either converts or gets a diagnostic).

usage: fuzz_convert.py SEED COUNT"""
import random
import sys

r = random.Random(int(sys.argv[1]))
count = int(sys.argv[2])

DTYPES = ["i8", "ui8", "i16", "ui16", "i32", "f16", "f32", "bf16", "f8E4M3FN"]
FLOATS = ["f32", "f16", "bf16"]
SPECIAL = ["0.0", "-1.0", "0x7F800000", "0x7FC00000", "1.0e-45", "1.0e-30",
           "3.0e38", "0.5", "0.00390625", "1.0e-10"]


def scale():
    return r.choice(SPECIAL) if r.random() < 0.3 else repr(r.uniform(1e-6, 10))


def f32_list(n):
    return ", ".join(scale() for _ in range(n))


def spec(rank):
    kind = r.random()
    dt = r.choice(DTYPES)
    if kind < 0.15:
        return f"#qprep.fixed_qspec<{r.choice(['i8', 'ui8', 'i16'])}, scale = {r.uniform(1e-4, 1):.6f}, zero_point = {r.randint(-5, 5)}>", 1, False
    per_channel = rank > 0 and r.random() < 0.4
    if per_channel:
        axis = r.randrange(rank)
        qs = r.choice(["per_channel_affine", "per_channel_symmetric"])
        return f"#qprep.qspec<{r.choice(['i8', 'ui8', 'i32'])}, qscheme = {qs}, ch_axis = {axis}>", axis, True
    obs = r.choice(["minmax", "placeholder", "histogram", "moving_average_minmax(averaging_constant = 1.0)"])
    dyn = ", dynamic" if r.random() < 0.2 and obs != "histogram" else ""
    qs = r.choice(["per_tensor_affine", "per_tensor_symmetric"])
    return f"#qprep.qspec<{dt}, qscheme = {qs}{dyn}, observer = {obs}>", None, False


def calibration(channels, float_zp=False):
    c = r.choice([channels, channels, 1, channels + 1])
    out = []
    if r.random() < 0.85:
        out.append(f"min_val = array<f32: {f32_list(c)}>, max_val = array<f32: {f32_list(c)}>")
    if r.random() < 0.85:
        zps = ", ".join(str(r.choice([0, -1, 128, r.randint(-2**40, 2**40)])) for _ in range(c))
        out.append(f"scale = array<f32: {f32_list(c)}>, zero_point = array<i64: {zps}>")
    return " {" + ", ".join(out) + "}" if out else ""


chunks = []
for i in range(count):
    rank = r.randint(0, 3)
    dims = [r.choice([1, 2, 3, 5]) for _ in range(rank)]
    ft = r.choice(FLOATS)
    s, axis, per_channel = spec(rank)
    channels = dims[axis] if per_channel else 1
    cal = "" if s.startswith("#qprep.fixed") else calibration(channels)
    static = "x".join(map(str, dims))
    t = f"tensor<{static + 'x' if rank else ''}{ft}>"
    dyn_dims = [("?" if r.random() < 0.3 else str(d)) for d in dims]
    td = f"tensor<{'x'.join(dyn_dims) + 'x' if rank else ''}{ft}>"
    n = 1
    for d in dims:
        n *= d
    vals = ", ".join(r.choice(["1.5", "-2.25", "0.0", "-0.0", "0x7F800000", "0xFF800000",
                               "0x7FC00000", "65504.0", "1.0e-8"]) for _ in range(n))
    if ft != "f32":
        vals = vals.replace("0x7F800000", "1.0").replace("0xFF800000", "-1.0").replace("0x7FC00000", "2.0")
    const = f"dense<{vals}>" if rank == 0 else f"dense<{vals if n == 1 else '[' + vals + ']'}>"
    if rank > 1 or (rank == 1 and n > 1):
        # nested list for rank > 1: use a splat to keep it simple
        const = f"dense<{r.choice(['1.5', '-0.75', '0.0'])}>"
    chunks.append(f"""qprep.observer @o = {s}{cal}
func.func @f(%x: {td}) -> ({td}, {t}) {{
  %0 = qprep.observe %x, @o : {td}
  %c = arith.constant {const} : {t}
  %1 = qprep.observe %c, @o : {t}
  return %0, %1 : {td}, {t}
}}""")
print("\n// -----\n".join(chunks))
