//===- Passes.td - passes that leave the qprep dialect -----*- tablegen -*-===//

#ifndef QPREP_CONVERSION_PASSES_TD
#define QPREP_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQPrepToLoopsPass : Pass<"convert-qprep-to-loops", "::mlir::ModuleOp"> {
  let summary = "Lower observers on memrefs to state globals, vector loops and runtime calls";
  let description = [{
    Calibration code for a prepared, bufferized module (docs/Calibration.md).
    Every `qprep.observer` becomes state in `memref.global`s, every
    `qprep.observe` / `qprep.fake_quantize` on a memref becomes loops that
    update it in place, in program order (a shared observer is one state
    updated once per call site, as PyTorch calls one module per site):

    * min/max family (`minmax`, `moving_average_minmax`, `per_channel_minmax`,
      `moving_average_per_channel_minmax`): `@<obs>_min`, `@<obs>_max` (one
      element, or one per channel), +inf/-inf meaning "nothing seen yet".
      Contiguous values are reduced with vector<16xf32> loads into four
      independent accumulators; per channel the value is viewed as
      [outer, C, inner] (last axis: 16 channels per vector op), never copied
      or transposed; other layouts get scalar loop nests. First call sets,
      then minimum/maximum (NaN propagates, as torch.aminmax) or
      `state += c * (current - state)`; empty values change nothing.
    * `histogram`: `@<obs>_min/_max/_hist` plus scratch; generated loops find
      the finite min/max and bin with torch.histc's arithmetic into int32
      sub-histograms; the runtime (`libQPrepRuntime`, `qprep_rt_*`) merges
      (the mid-2024 PyTorch algorithm) and runs the L2 search.
    * `qprep.fake_quantize`: observe (if the observer keeps statistics), then
      quantize-dequantize in place with the current qparams (round half to
      even), as PyTorch's FakeQuantize.
    * fixed, derived and placeholder observers keep no state.

    Generated entry points, all with `llvm.emit_c_interface` (a declaration
    of the same name in the module gets the body):
    `@qprep_reset()`, `@qprep_stats_<obs>(min, max)` and
    `@qprep_histogram_<obs>(hist)` (copies into the caller's buffers), and
    `@qprep_qparams_<obs>(scale, zero_point, zero_point_f) -> i32` for every
    observer: 0 ok, 1 uncalibrated (scale 1, zero point 0), negative errors
    (-1 min > max or NaN, -2 infinite statistics, -3 placeholder). Derived
    observers multiply their sources' scales (zero point 0) or call the
    `derive = @fn` function. The `qprep.observer` ops are removed. The
    lowered module needs libQPrepRuntime at run time (mlir-runner
    `-shared-libs`, or the JIT's shared libraries).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // QPREP_CONVERSION_PASSES_TD
