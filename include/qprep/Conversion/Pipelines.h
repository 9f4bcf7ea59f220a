//===- Pipelines.h - lowering a prepared model to LLVM ----------*- C++ -*-===//
//
// The lowering that turns a prepared model (observers on tensors, in TOSA,
// linalg, arith, tensor) into the LLVM dialect, ready for the JIT or
// mlir-runner. Written once here and used by the Calibrator, qprep-opt
// (`--qprep-lower-to-llvm`) and the lit tests.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_CONVERSION_PIPELINES_H
#define QPREP_CONVERSION_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace qprep {

struct LowerToLLVMOptions : public PassPipelineOptions<LowerToLLVMOptions> {
  Option<bool> tosa{*this, "tosa",
                    llvm::cl::desc("Lower TOSA to linalg, arith and tensor "
                                   "first (a no-op for modules without TOSA)"),
                    llvm::cl::init(true)};
};

/// Tensors to observer loops: qprep-lower-quant (quant.qcast/dcast with
/// PyTorch's numerics), [TOSA -> linalg/arith/tensor,]
/// one-shot-bufferize (function boundaries with identity layouts: the entry
/// function takes row-major buffers), convert-qprep-to-loops.
void buildLowerObserversPipeline(OpPassManager &pm,
                                 const LowerToLLVMOptions &options);

/// Loops, linalg and vector on memrefs to the LLVM dialect (buffer
/// deallocation included).
void buildFinalizeToLLVMPipeline(OpPassManager &pm,
                                 const LowerToLLVMOptions &options);

/// buildLowerObserversPipeline, then buildFinalizeToLLVMPipeline.
void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Registers `qprep-lower-observers`, `qprep-finalize-to-llvm` and
/// `qprep-lower-to-llvm` with the global pass registry.
void registerLoweringPipelines();

} // namespace qprep
} // namespace mlir

#endif // QPREP_CONVERSION_PIPELINES_H
