//===- QPrepToLoops.h - observers to state globals and loops ----*- C++ -*-===//
//
// The pieces of convert-qprep-to-loops, for pipelines that lower observers
// inside a conversion of their own:
//
//   1. materializeObserverState: every qprep.observer gets its state globals
//      and generated functions, and carries them as `qprep.layout`;
//   2. populateQPrepToLoopsPatterns: qprep.observe / qprep.fake_quantize on
//      memrefs become loops over the state their observer's layout names;
//   3. finalizeObserverLayouts: the observers leave the module, which lists
//      their public layouts in `qprep.observer_layouts`.
//
// Everything between the steps is in the IR (docs/Calibration.md).
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_CONVERSION_QPREPTOLOOPS_QPREPTOLOOPS_H
#define QPREP_CONVERSION_QPREPTOLOOPS_QPREPTOLOOPS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class RewritePatternSet;
namespace qprep {
class ObserverAnalysis;

/// Step 1. Checks what the lowering supports (memref operands, histogram
/// layouts, fake-quantize on observers with qparams, derive functions),
/// places every observer's state in the state arenas, creates the generated
/// entry points (qprep_reset, qprep_update_qparams, qprep_qparams,
/// qprep_stats, qprep_histogram; names in qprep/Runtime/CalibrationABI.h),
/// and sets each observer's `qprep.layout`.
/// Emits diagnostics and fails on unsupported input.
LogicalResult materializeObserverState(ModuleOp module,
                                       const ObserverAnalysis &analysis);

/// Step 2. Lowers qprep.observe and qprep.fake_quantize on memrefs whose
/// observer carries a `qprep.layout` into loops that update its state in
/// place (and, for fake_quantize, quantize-dequantize the value).
void populateQPrepToLoopsPatterns(RewritePatternSet &patterns);

/// Step 3. Moves every observer's public layout to the module attribute
/// `qprep.observer_layouts` and erases the qprep.observer ops.
void finalizeObserverLayouts(ModuleOp module);

/// An observer's entry in `qprep.observer_layouts`: what a driver needs to
/// read it after lowering through the generated readers
/// (qprep/Runtime/CalibrationABI.h), which take `index`.
struct ObserverFunctions {
  std::string observer;
  int64_t index = 0;
  int64_t channels = 1;
  int64_t bins = 0;
  bool hasStats = false, hasHistogram = false;
};

/// Reads `qprep.observer_layouts` of a lowered module (at any stage down to
/// the LLVM dialect); fails when it is missing or malformed.
FailureOr<SmallVector<ObserverFunctions>> readObserverLayouts(ModuleOp module);

} // namespace qprep
} // namespace mlir

#endif // QPREP_CONVERSION_QPREPTOLOOPS_QPREPTOLOOPS_H
