//===- Passes.td - passes that leave the qprep dialect -----*- tablegen -*-===//

#ifndef QPREP_CONVERSION_PASSES_TD
#define QPREP_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQPrepToLoopsPass : Pass<"convert-qprep-to-loops", "::mlir::ModuleOp"> {
  let summary = "Lower min/max observers on memrefs to state globals and loops";
  let description = [{
    First step of calibration (work in progress, see docs/Calibration.md):
    every `qprep.observer` of the min/max family (`minmax`,
    `moving_average_minmax`, `per_channel_minmax`,
    `moving_average_per_channel_minmax`) becomes two `memref.global`s,
    `@<obs>_min` and `@<obs>_max` (one element, or one per channel),
    initialized to +inf / -inf, which means "nothing seen yet" as in PyTorch.
    Every `qprep.observe` on a memref becomes loops that reduce the value
    (per-channel: indexed by the channel loop, no copy or transpose) and
    combine with the state in program order:

    * nothing seen yet: state = current min/max;
    * min/max: state = minimum(state, current) (NaN propagates, as torch.min);
    * moving average: state += c * (current - state);
    * an empty value changes nothing.

    Observers whose kind is not lowered yet (histogram, fake-quantize) are an
    error; placeholder, fixed and derived observers keep no statistics, so
    their observe ops just forward their operand.

    Also generated, with `llvm.emit_c_interface`: `@qprep_reset()` (all
    state back to +inf/-inf) and `@qprep_stats_<obs>()` returning the min and
    max buffers; a declaration of the same name in the module (so that other
    code can call it) gets the body. The `qprep.observer` ops are removed: the
    result has no qprep ops left. Run `one-shot-bufferize` first for tensors.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect"
  ];
}

#endif // QPREP_CONVERSION_PASSES_TD
