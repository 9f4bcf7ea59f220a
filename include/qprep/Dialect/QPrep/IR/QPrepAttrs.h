//===- QPrepAttrs.h - qprep attributes ----------------------------*- C++ -*-===//
//
// Quantization specs, observer constructors and edge/node references.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPATTRS_H
#define QPREP_DIALECT_QPREP_IR_QPREPATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/APFloat.h"

#include <optional>

#include "qprep/Dialect/QPrep/IR/QPrepEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h.inc"

namespace mlir {
namespace qprep {

/// True for the quantized dtypes a spec may name: i8, ui8, i16, ui16, i32,
/// f8E4M3FN, f8E5M2, f16, f32.
bool isSupportedDType(Type dtype);

/// True for the per-channel qschemes.
bool isPerChannel(QScheme qscheme);

/// True for the symmetric qschemes.
bool isSymmetric(QScheme qscheme);

/// PyTorch's `calculate_qmin_qmax`: the quantized range for `dtype`, given an
/// optional custom range and reduce_range.
std::pair<int64_t, int64_t> calculateQMinQMax(Type dtype,
                                              std::optional<int64_t> quantMin,
                                              std::optional<int64_t> quantMax,
                                              bool reduceRange);

/// True if `attr` may stand in a `qprep.inputs` / `qprep.outputs` array or a
/// `qprep.output` argument attribute: a spec (`#qprep.qspec`,
/// `#qprep.fixed_qspec`, `#qprep.shared`, `#qprep.derived`, `#qprep.none`) or,
/// after sharing resolution, an observer symbol.
bool isAnnotationEntry(Attribute attr);

/// True for the types a `qprep.observe` op takes: ranked tensors and memrefs
/// of floats. An annotation entry that names an observer must be on one.
bool isObservableType(Type type);

} // namespace qprep
} // namespace mlir

#endif // QPREP_DIALECT_QPREP_IR_QPREPATTRS_H
