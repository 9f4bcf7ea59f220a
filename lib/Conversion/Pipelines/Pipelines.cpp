//===- Pipelines.cpp - lowering a prepared model to LLVM ------------------===//
//
// Every pass is created through its C++ constructor, not parsed from a
// string: the pipeline works without the global pass registry, and a pass
// that disappears upstream is a compile error here, not a run-time one.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Pipelines.h"
#include "qprep/Conversion/ForwardPipeline.h"
#include "qprep/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::qprep;

void mlir::qprep::buildLowerObserversPipeline(
    OpPassManager &pm, const LowerToLLVMOptions &options) {
  // quant.qcast / quant.dcast (a converted model) first, with PyTorch's
  // numerics: the TOSA pipeline canonicalizes, and upstream folds
  // dcast(qcast(x)) to x.
  pm.addPass(createLowerQuantPass());
  if (options.tosa) {
    tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions());
    OpPassManager &fpm = pm.nest<func::FuncOp>();
    fpm.addPass(createTosaToArithPass());
    fpm.addPass(createTosaToTensorPass());
  }
  if (options.kernels)
    addForwardTensorPasses(pm);
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(createConvertQPrepToLoopsPass());
}

void mlir::qprep::buildFinalizeToLLVMPipeline(
    OpPassManager &pm, const LowerToLLVMOptions &options) {
  pm.addPass(createCanonicalizerPass());
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (options.kernels) {
    ForwardKernelOptions kernels = hostForwardKernelOptions();
    if (options.lanes > 0)
      kernels.lanes = options.lanes;
    if (options.registers > 0)
      kernels.registers = options.registers;
    kernels.contract = options.contract;
    addForwardMemrefPasses(pm, kernels);
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Math ops with an LLVM intrinsic become it; the rest (math.erf from
  // tosa.erf in GELU) become libm calls, which the JIT resolves.
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  // With the kernels, buffers come from libQPrepRuntime's cache of freed
  // blocks (include/qprep/Runtime/QPrepAlloc.h): no page faults per call.
  memrefToLLVM.useGenericFunctions = options.kernels;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::qprep::buildLowerToLLVMPipeline(OpPassManager &pm,
                                           const LowerToLLVMOptions &options) {
  buildLowerObserversPipeline(pm, options);
  buildFinalizeToLLVMPipeline(pm, options);
}

void mlir::qprep::registerLoweringPipelines() {
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qprep-lower-observers",
      "Lower a prepared model on tensors to observer loops on memrefs: "
      "[TOSA to linalg,] one-shot-bufferize, convert-qprep-to-loops",
      buildLowerObserversPipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qprep-finalize-to-llvm",
      "Lower loops, linalg and vector on memrefs to the LLVM dialect",
      buildFinalizeToLLVMPipeline);
  PassPipelineRegistration<LowerToLLVMOptions>(
      "qprep-lower-to-llvm",
      "Lower a prepared model on tensors to the LLVM dialect (for the JIT or "
      "mlir-runner): qprep-lower-observers, then qprep-finalize-to-llvm",
      buildLowerToLLVMPipeline);
}
