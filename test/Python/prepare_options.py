"""qprep.prepare(keep_derived_apart=...): two convs whose bias constants CSE
merged share one derived observer by default (PyTorch's rule), one each with
keep_derived_apart=True."""
import sys

import qprep

text = open(sys.argv[1]).read().split("// -----")[0]
cse = qprep.run_pipeline(text, "cse", allow_unregistered_dialects=True)
for apart in (False, True):
    out = qprep.prepare(cse, allow_unregistered_dialects=True, keep_derived_apart=apart)
    print("keep_derived_apart", apart, "derived observers", out.count("= #qprep.derived"))
