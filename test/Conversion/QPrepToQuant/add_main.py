"""Appends to a quantized model (MLIR text on stdin) a @main that calls
@forward on the .npy inputs given as arguments (as dense constants) and
prints every result with printMemrefF32, for mlir-runner."""
import re
import sys

import numpy as np

text = sys.stdin.read()
sig = re.search(r"func\.func @forward\((.*?)\) -> \(?(.*?)\)? \{", text)
arg_types = re.findall(r"tensor<[^>]*>", sig.group(1))
res_types = re.findall(r"tensor<[^>]*>", sig.group(2))
lines = ["  func.func private @printMemrefF32(memref<*xf32>)", "  func.func @main() {"]
args = []
for i, (path, t) in enumerate(zip(sys.argv[1:], arg_types)):
    a = np.load(path)
    body = np.array2string(a, separator=", ", threshold=10**9, floatmode="unique",
                           max_line_width=10**9)
    lines.append(f"    %a{i} = arith.constant dense<{body}> : {t}")
    args.append(f"%a{i}")
rs = ", ".join(f"%r{i}" for i in range(len(res_types)))
lines.append(f"    {rs} = call @forward({', '.join(args)}) : ({', '.join(arg_types)}) -> "
             f"({', '.join(res_types)})")
for i, t in enumerate(res_types):
    mt = t.replace("tensor<", "memref<")
    lines.append(f"    %m{i} = bufferization.to_buffer %r{i} : {t} to {mt}")
    lines.append(f"    %u{i} = memref.cast %m{i} : {mt} to memref<*xf32>")
    lines.append(f"    call @printMemrefF32(%u{i}) : (memref<*xf32>) -> ()")
lines += ["    return", "  }"]
end = text.rstrip().rfind("}")
print(text[:end] + "\n".join(lines) + "\n}")
