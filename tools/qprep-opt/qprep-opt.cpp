//===- qprep-opt.cpp - qprep optimizer driver -----------------------------===//
//
// mlir-opt with the qprep dialect and passes: every upstream dialect and pass
// is registered too, so that qprep passes can be mixed with the usual
// lowering pipelines on models written in tosa, linalg, arith or tensor.
//
//===----------------------------------------------------------------------===//

#include "qprep/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllPasses();
  mlir::qprep::registerAllDialects(registry);
  mlir::qprep::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qprep optimizer driver: PT2E-style quantization prepare\n",
      registry));
}
