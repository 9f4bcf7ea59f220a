//===- QPrepToQuant.h - convert: the pass and its pipeline -------*- C++ -*-===//

#ifndef QPREP_CONVERSION_QPREPTOQUANT_QPREPTOQUANT_H
#define QPREP_CONVERSION_QPREPTOQUANT_QPREPTOQUANT_H

#include "qprep/Conversion/Passes.h"

namespace mlir {
class OpPassManager;

namespace qprep {

/// PyTorch's convert_pt2e on a calibrated module: TOSA constant folding
/// (weights that reach their observer through ops on constants, such as a
/// transposed linear weight, become constants that qprep-convert can
/// quantize at compile time, as PyTorch's constant_fold does), then
/// qprep-convert. Built from pass constructors (no pass registry needed).
void buildConvertPipeline(OpPassManager &pm,
                          const ConvertQPrepToQuantPassOptions &options = {});

} // namespace qprep
} // namespace mlir

#endif // QPREP_CONVERSION_QPREPTOQUANT_QPREPTOQUANT_H
