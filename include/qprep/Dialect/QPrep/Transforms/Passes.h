//===- Passes.h - qprep passes ------------------------------------*- C++ -*-===//

#ifndef QPREP_DIALECT_QPREP_TRANSFORMS_PASSES_H
#define QPREP_DIALECT_QPREP_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace qprep {

#define GEN_PASS_DECL
#include "qprep/Dialect/QPrep/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qprep/Dialect/QPrep/Transforms/Passes.h.inc"

} // namespace qprep
} // namespace mlir

#endif // QPREP_DIALECT_QPREP_TRANSFORMS_PASSES_H
