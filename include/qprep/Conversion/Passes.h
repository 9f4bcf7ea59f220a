//===- Passes.h - passes that leave the qprep dialect -------------*- C++ -*-===//

#ifndef QPREP_CONVERSION_PASSES_H
#define QPREP_CONVERSION_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace arith { class ArithDialect; }
namespace cf { class ControlFlowDialect; }
namespace func { class FuncDialect; }
namespace linalg { class LinalgDialect; }
namespace memref { class MemRefDialect; }
namespace scf { class SCFDialect; }
namespace math { class MathDialect; }
namespace quant { class QuantDialect; }
namespace tensor { class TensorDialect; }
namespace vector { class VectorDialect; }

namespace qprep {
#define GEN_PASS_DECL
#include "qprep/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

#endif // QPREP_CONVERSION_PASSES_H
