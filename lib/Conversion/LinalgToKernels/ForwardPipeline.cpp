//===- ForwardPipeline.cpp - the model forward's kernels and threads ------===//

#include "qprep/Conversion/ForwardPipeline.h"
#include "qprep/Conversion/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::qprep;

ForwardKernelOptions mlir::qprep::hostForwardKernelOptions() {
  ForwardKernelOptions options;
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f")) {
    options.lanes = 16;
    options.registers = 32;
  } else if (features.lookup("avx")) {
    options.lanes = 8;
    options.registers = 16;
  } else {
    options.lanes = 4;
    options.registers = 16;
  }
  return options;
}

void mlir::qprep::addForwardTensorPasses(OpPassManager &pm) {
  pm.addPass(createConvFilterToHwcfPass());
}

void mlir::qprep::addForwardMemrefPasses(OpPassManager &pm,
                                         const ForwardKernelOptions &options) {
  LinalgToKernelsPassOptions kernels;
  kernels.lanes = options.lanes;
  kernels.registers = options.registers;
  kernels.parallelThreshold = options.parallelThreshold;
  kernels.contract = options.contract;
  pm.addNestedPass<func::FuncOp>(createLinalgToKernelsPass(kernels));
  pm.addPass(createParallelToRuntimePass());
}
