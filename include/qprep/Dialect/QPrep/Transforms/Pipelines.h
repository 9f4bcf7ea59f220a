//===- Pipelines.h - qprep pipelines ------------------------------*- C++ -*-===//

#ifndef QPREP_DIALECT_QPREP_TRANSFORMS_PIPELINES_H
#define QPREP_DIALECT_QPREP_TRANSFORMS_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace qprep {

struct PrepareOptions : public PassPipelineOptions<PrepareOptions> {
  Option<bool> isQat{*this, "is-qat",
                     llvm::cl::desc("Prepare for quantization-aware training"),
                     llvm::cl::init(false)};
  Option<bool> keepDerivedApart{
      *this, "keep-derived-apart",
      llvm::cl::desc("Keep derived specs with different sources apart when "
                     "implicit sharing would merge them"),
      llvm::cl::init(false)};
};

/// PyTorch's prepare_pt2e: collect -> resolve sharing -> insert observers.
void buildPreparePipeline(OpPassManager &pm, const PrepareOptions &options);

/// Registers `qprep-prepare` with the global pass registry.
void registerPreparePipeline();

} // namespace qprep
} // namespace mlir

#endif // QPREP_DIALECT_QPREP_TRANSFORMS_PIPELINES_H
