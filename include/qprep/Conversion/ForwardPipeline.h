//===- ForwardPipeline.h - the model forward's kernels and threads -*- C++ -*-===//
//
// The passes that make a model's forward fast (docs/Forward.md), as pipeline
// pieces for the lowering to LLVM:
//
//   on tensors, before bufferization:   qprep-conv-filter-to-hwcf
//   on memrefs, before linalg-to-loops: qprep-linalg-to-kernels,
//                                       qprep-parallel-to-runtime
//
// The lowered module then calls libQPrepRuntime's qprep_rt_parallel_for.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_CONVERSION_FORWARDPIPELINE_H
#define QPREP_CONVERSION_FORWARDPIPELINE_H

#include <cstdint>

namespace mlir {
class OpPassManager;

namespace qprep {

/// Vector shape of the kernels (qprep-linalg-to-kernels options).
struct ForwardKernelOptions {
  int64_t lanes = 16;
  int64_t registers = 32;
  int64_t parallelThreshold = 32768;
  /// One vector.fma per multiply-add instead of the ops' mulf + addf.
  bool contract = false;
};

/// The options for the machine this process runs on (the JIT's target):
/// 16 lanes and 32 registers with AVX-512, 8 and 16 with AVX, else 4 and 16.
ForwardKernelOptions hostForwardKernelOptions();

/// Adds qprep-conv-filter-to-hwcf (on tensors, before bufferization).
void addForwardTensorPasses(OpPassManager &pm);

/// Adds qprep-linalg-to-kernels (on every func.func) and
/// qprep-parallel-to-runtime (on memrefs, before convert-linalg-to-loops;
/// `pm` is anchored on the module).
void addForwardMemrefPasses(OpPassManager &pm,
                            const ForwardKernelOptions &options);

} // namespace qprep
} // namespace mlir

#endif // QPREP_CONVERSION_FORWARDPIPELINE_H
