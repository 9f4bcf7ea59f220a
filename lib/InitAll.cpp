//===- InitAll.cpp - register everything qprep provides -------------------===//

#include "qprep/InitAll.h"
#include "qprep/Conversion/Passes.h"
#include "qprep/Conversion/Pipelines.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Dialect/QPrep/Transforms/BufferizableOpInterfaceImpl.h"
#include "qprep/Dialect/QPrep/Transforms/Passes.h"
#include "qprep/Dialect/QPrep/Transforms/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"

void mlir::qprep::registerAllDialects(DialectRegistry &registry) {
  registry.insert<QPrepDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
}

void mlir::qprep::registerAllPasses() {
  registerQPrepPasses();
  registerQPrepConversionPasses();
  registerPreparePipeline();
  registerLoweringPipelines();
}
