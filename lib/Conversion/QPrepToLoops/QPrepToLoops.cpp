//===- QPrepToLoops.cpp - observers to state globals and vector loops -----===//
//
// convert-qprep-to-loops: the three steps of QPrepToLoops.h in one pass.
// Observer state lives in memref globals so that every call site of a shared
// observer updates one state, in program order (PyTorch calls one stateful
// module once per call site); the observe ops become loops over it
// (ObserveLoops.cpp); the generated entry points and the #qprep.layout that
// names them are built in ObserverState.cpp.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Passes.h"
#include "qprep/Conversion/QPrepToLoops/QPrepToLoops.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_CONVERTQPREPTOLOOPSPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

namespace {
struct ConvertQPrepToLoopsPass
    : public qprep::impl::ConvertQPrepToLoopsPassBase<ConvertQPrepToLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ObserverAnalysis> analysis = ObserverAnalysis::build(module);
    if (failed(analysis) || failed(materializeObserverState(module, *analysis)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateQPrepToLoopsPatterns(patterns);
    walkAndApplyPatterns(module, std::move(patterns));
    // Every observe op had a memref operand and a materialized observer
    // (checked above), so none is left.
    finalizeObserverLayouts(module);
  }
};
} // namespace
