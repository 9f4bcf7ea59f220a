//===- QPrep.td - qprep dialect umbrella -------------------*- tablegen -*-===//
//
// The one file TableGen reads for the qprep dialect: it pulls in the dialect,
// its enums, attributes and ops.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREP_TD
#define QPREP_DIALECT_QPREP_IR_QPREP_TD

include "qprep/Dialect/QPrep/IR/QPrepDialect.td"
include "qprep/Dialect/QPrep/IR/QPrepEnums.td"
include "qprep/Dialect/QPrep/IR/QPrepAttrs.td"
include "qprep/Dialect/QPrep/IR/QPrepOps.td"

#endif // QPREP_DIALECT_QPREP_IR_QPREP_TD
