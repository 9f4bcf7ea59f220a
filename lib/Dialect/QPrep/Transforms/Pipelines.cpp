//===- Pipelines.cpp - the qprep-prepare pipeline -------------------------===//

#include "qprep/Dialect/QPrep/Transforms/Pipelines.h"
#include "qprep/Dialect/QPrep/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

using namespace mlir;
using namespace mlir::qprep;

void mlir::qprep::buildPreparePipeline(OpPassManager &pm,
                                       const PrepareOptions &options) {
  pm.addPass(createCollectQSpecsPass());
  ResolveSharingPassOptions resolve;
  resolve.keepDerivedApart = options.keepDerivedApart;
  pm.addPass(createResolveSharingPass(resolve));
  InsertObserversPassOptions insert;
  insert.isQat = options.isQat;
  pm.addPass(createInsertObserversPass(insert));
}

void mlir::qprep::registerPreparePipeline() {
  PassPipelineRegistration<PrepareOptions>(
      "qprep-prepare",
      "PT2E prepare: qprep-collect-qspecs, qprep-resolve-sharing, "
      "qprep-insert-observers",
      buildPreparePipeline);
}
