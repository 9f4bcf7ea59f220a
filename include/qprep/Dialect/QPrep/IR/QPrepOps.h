//===- QPrepOps.h - qprep ops -------------------------------------*- C++ -*-===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPOPS_H
#define QPREP_DIALECT_QPREP_IR_QPREPOPS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"

#define GET_OP_CLASSES
#include "qprep/Dialect/QPrep/IR/QPrepOps.h.inc"

#endif // QPREP_DIALECT_QPREP_IR_QPREPOPS_H
