//===- QPrepOps.cpp - qprep ops -------------------------------------------===//

#include "qprep/Dialect/QPrep/IR/QPrepOps.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::qprep;

#define GET_OP_CLASSES
#include "qprep/Dialect/QPrep/IR/QPrepOps.cpp.inc"

//===----------------------------------------------------------------------===//
// ObserverOp
//===----------------------------------------------------------------------===//

bool ObserverOp::isPerChannel() { return getChannelAxis().has_value(); }

std::optional<int64_t> ObserverOp::getChannelAxis() {
  Attribute spec = getSpec();
  if (auto qspec = dyn_cast<QSpecAttr>(spec))
    if (qprep::isPerChannel(qspec.getEffectiveQScheme()))
      return qspec.getChAxis();
  if (auto derived = dyn_cast<DerivedQSpecAttr>(spec))
    if (qprep::isPerChannel(derived.getEffectiveQScheme()))
      return derived.getChAxis();
  return std::nullopt;
}

static int64_t arraySize(Attribute attr) {
  if (auto a = dyn_cast_or_null<DenseArrayAttr>(attr))
    return a.size();
  return 0;
}

LogicalResult ObserverOp::verify() {
  DenseF32ArrayAttr minVal = getMinValAttr(), maxVal = getMaxValAttr();
  DenseF32ArrayAttr scale = getScaleAttr();
  Attribute zeroPoint = getZeroPointAttr();
  if (!minVal != !maxVal)
    return emitOpError("min_val and max_val must be given together");
  if (!scale != !zeroPoint)
    return emitOpError("scale and zero_point must be given together");
  if (minVal && minVal.size() != maxVal.size())
    return emitOpError("min_val and max_val have different sizes (")
           << minVal.size() << " vs " << maxVal.size() << ")";
  if (scale && scale.size() != arraySize(zeroPoint))
    return emitOpError("scale and zero_point have different sizes (")
           << scale.size() << " vs " << arraySize(zeroPoint) << ")";
  if (!isPerChannel()) {
    if (minVal && minVal.size() != 1)
      return emitOpError("a per-tensor observer has one min_val/max_val, got ")
             << minVal.size();
    if (scale && scale.size() != 1)
      return emitOpError("a per-tensor observer has one scale/zero_point, got ")
             << scale.size();
  }
  bool floatZeroPoint = zeroPoint && isa<DenseF32ArrayAttr>(zeroPoint);
  bool floatQParams = false;
  if (auto qspec = dyn_cast<QSpecAttr>(getSpec()))
    floatQParams = qspec.getEffectiveQScheme() ==
                   QScheme::per_channel_affine_float_qparams;
  if (zeroPoint && floatZeroPoint != floatQParams)
    return emitOpError("zero_point must be ")
           << (floatQParams ? "array<f32: ...> for "
                              "per_channel_affine_float_qparams"
                            : "array<i64: ...>");
  if (auto derived = dyn_cast<DerivedQSpecAttr>(getSpec()))
    for (Attribute src : derived.getDerivedFrom())
      if (!isa<FlatSymbolRefAttr>(src))
        return emitOpError("a derived observer's sources must be observer "
                           "symbols, got ")
               << src;
  return success();
}

LogicalResult
ObserverOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  auto derived = dyn_cast<DerivedQSpecAttr>(getSpec());
  if (!derived)
    return success();
  for (Attribute src : derived.getDerivedFrom()) {
    auto sym = cast<FlatSymbolRefAttr>(src);
    auto obs = symbolTable.lookupNearestSymbolFrom<ObserverOp>(*this, sym);
    if (!obs)
      return emitOpError("derives from ")
             << sym << ", which is not a qprep.observer";
    if (obs == *this)
      return emitOpError("derives from itself");
  }
  if (FlatSymbolRefAttr fn = derived.getDeriveFn())
    return lookupDeriveFunction(*this, *this, fn);
  return success();
}

//===----------------------------------------------------------------------===//
// ObserveOp / FakeQuantizeOp
//===----------------------------------------------------------------------===//

/// The observer must exist, and a per-channel observer's axis must fit the
/// observed value.
static LogicalResult verifyObserverUse(Operation *op, FlatSymbolRefAttr sym,
                                       Type inputType,
                                       SymbolTableCollection &symbolTable) {
  auto obs = symbolTable.lookupNearestSymbolFrom<ObserverOp>(op, sym);
  if (!obs)
    return op->emitOpError("'") << sym.getValue()
                                << "' does not name a qprep.observer";
  if (std::optional<int64_t> axis = obs.getChannelAxis()) {
    int64_t rank = cast<ShapedType>(inputType).getRank();
    if (*axis >= rank)
      return op->emitOpError("observer ")
             << sym << " has ch_axis " << *axis
             << ", out of range for a value of rank " << rank;
  }
  return success();
}

LogicalResult ObserveOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyObserverUse(*this, getObserverAttr(), getInput().getType(),
                           symbolTable);
}

LogicalResult
FakeQuantizeOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyObserverUse(*this, getObserverAttr(), getInput().getType(),
                           symbolTable);
}
