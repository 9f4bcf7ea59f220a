//===- QPrepDialect.h - qprep dialect -----------------------------*- C++ -*-===//
//
// The qprep dialect: PT2E-style quantization preparation.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPDIALECT_H
#define QPREP_DIALECT_QPREP_IR_QPREPDIALECT_H

#include "mlir/IR/Dialect.h"

#include "qprep/Dialect/QPrep/IR/QPrepDialect.h.inc"

#endif // QPREP_DIALECT_QPREP_IR_QPREPDIALECT_H
