"""The module qprep-run --emit-calibrated writes must carry, on every observer,
exactly the min/max/scale/zero_point of its JSON report (float32 values)."""
import json
import re
import sys

import numpy as np

ir = open(sys.argv[1]).read()
report = {o["name"]: o for o in json.load(open(sys.argv[2]))["observers"]}
checked = 0
for name, attrs in re.findall(r"qprep\.observer @(\w+) = [^{\n]*\{([^}]*)\}", ir):
    o = report[name]
    for key in ("min_val", "max_val", "scale", "zero_point"):
        m = re.search(key + r" = array<(f32|i64): ([^>]*)>", attrs)
        want = o[key.replace("_val", "")]
        if m is None:
            if want is not None:
                print(f"MISMATCH {name}: no {key}")
            continue
        got = [float(v) for v in m.group(2).split(",")]
        if m.group(1) == "f32":
            same = np.array_equal(np.float32(got), np.float32(want))
        else:
            same = [int(v) for v in got] == want
        if not same:
            print(f"MISMATCH {name}.{key}: {got} vs {want}")
    checked += 1
print(f"checked {checked} observers")
