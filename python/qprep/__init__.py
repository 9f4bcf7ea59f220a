"""qprep: PyTorch PT2E-style quantization prepare as MLIR passes.

Modules are exchanged as MLIR text (or anything that prints to it), so qprep
works beside torch-mlir, IREE or upstream MLIR Python packages without sharing
their in-memory objects.

    import qprep
    prepared = qprep.prepare(open("model.mlir").read())
    qprep.run_pipeline(text, "qprep-collect-qspecs,qprep-resolve-sharing")

    cal = qprep.Calibrator(open("model.mlir").read())   # prepare, lower, JIT
    for batch in batches:                                # numpy float32 arrays
        cal.run(batch)
    for obs in cal.results():                            # dicts: name, kind,
        print(obs["name"], obs["scale"], obs["zero_point"])  # min, max, ...

Every function raises qprep.Error (a ValueError) with the diagnostics, file
locations included, when the module does not parse, verify or prepare.
"""

from ._qprep import Calibrator, Error, run_pipeline

__all__ = ["Calibrator", "Error", "prepare", "run_pipeline", "verify"]


def prepare(module: str, is_qat: bool = False,
            allow_unregistered_dialects: bool = False,
            keep_derived_apart: bool = False) -> str:
    """PyTorch's prepare_pt2e: the qprep-prepare pipeline on MLIR text.

    keep_derived_apart: derived specs with different sources on one value
    (a bias constant merged by CSE) get their own observers instead of
    PyTorch's one shared observer (docs/Sharing.md)."""
    pipeline = "qprep-prepare{is-qat=%s keep-derived-apart=%s}" % (
        "true" if is_qat else "false", "true" if keep_derived_apart else "false")
    return run_pipeline(module, pipeline, allow_unregistered_dialects)


def verify(module: str, allow_unregistered_dialects: bool = False) -> str:
    """Parses and verifies MLIR text (annotations included); returns it printed."""
    return run_pipeline(module, "", allow_unregistered_dialects)
