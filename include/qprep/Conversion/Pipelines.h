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
  // The model forward's vector kernels and threads (docs/Forward.md).
  Option<bool> kernels{
      *this, "kernels",
      llvm::cl::desc("Lower convolutions, matmuls, pooling and elementwise "
                     "linalg ops to vector kernels and run their parallel "
                     "loops on libQPrepRuntime's threads "
                     "(qprep-conv-filter-to-hwcf, qprep-linalg-to-kernels, "
                     "qprep-parallel-to-runtime); bit for bit the same "
                     "results as the scalar loops"),
      llvm::cl::init(true)};
  Option<int64_t> lanes{*this, "lanes",
                        llvm::cl::desc("f32 lanes per vector of the kernels "
                                       "(0: the host's, 16 with AVX-512)"),
                        llvm::cl::init(0)};
  Option<int64_t> registers{
      *this, "registers",
      llvm::cl::desc("Vector registers of the kernels (0: the host's)"),
      llvm::cl::init(0)};
  Option<bool> contract{
      *this, "contract",
      llvm::cl::desc("Kernels fuse multiply-adds into vector.fma (one "
                     "rounding instead of the ops' two)"),
      llvm::cl::init(false)};
};

/// Tensors to observer loops: qprep-lower-quant (quant.qcast/dcast with
/// PyTorch's numerics), [TOSA -> linalg/arith/tensor,]
/// [qprep-conv-filter-to-hwcf,] one-shot-bufferize (function boundaries with
/// identity layouts: the entry function takes row-major buffers),
/// convert-qprep-to-loops.
void buildLowerObserversPipeline(OpPassManager &pm,
                                 const LowerToLLVMOptions &options);

/// Loops, linalg and vector on memrefs to the LLVM dialect (buffer
/// deallocation included; with `kernels`, qprep-linalg-to-kernels and
/// qprep-parallel-to-runtime before convert-linalg-to-loops, and buffers
/// through MLIR's generic allocation functions: the lowered module then
/// calls libQPrepRuntime's qprep_rt_parallel_for and buffer cache).
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
