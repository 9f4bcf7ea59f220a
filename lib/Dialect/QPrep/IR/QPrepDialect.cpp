//===- QPrepDialect.cpp - qprep dialect -----------------------------------===//
//
// Registration, alias printing, and the verifier of the discardable
// annotation attributes (`qprep.inputs`, `qprep.outputs`, ...) that a
// quantizer puts on ops of any dialect.
//
//===----------------------------------------------------------------------===//

#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"
#include "qprep/Dialect/QPrep/IR/QPrepOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qprep;

#include "qprep/Dialect/QPrep/IR/QPrepDialect.cpp.inc"

namespace {
/// Prints specs once at the top of the module as `#qspec = ...`.
struct QPrepOpAsmInterface : public OpAsmDialectInterface {
  using OpAsmDialectInterface::OpAsmDialectInterface;
  AliasResult getAlias(Attribute attr, raw_ostream &os) const override {
    if (isa<QSpecAttr>(attr)) {
      os << "qspec";
      return AliasResult::OverridableAlias;
    }
    if (isa<FixedQSpecAttr>(attr)) {
      os << "fixed_qspec";
      return AliasResult::OverridableAlias;
    }
    return AliasResult::NoAlias;
  }
};
} // namespace

void QPrepDialect::initialize() {
  registerAttributes();
  addOperations<
#define GET_OP_LIST
#include "qprep/Dialect/QPrep/IR/QPrepOps.cpp.inc"
      >();
  addInterfaces<QPrepOpAsmInterface>();
}

//===----------------------------------------------------------------------===//
// Annotation verification
//===----------------------------------------------------------------------===//

namespace {
/// Describes a value for messages: "operand 1", "result 0", "argument 2".
struct ValueDesc {
  StringRef what;
  unsigned index;
};

Diagnostic &operator<<(Diagnostic &diag, const ValueDesc &d) {
  return diag << d.what << " " << d.index;
}

/// Checks a channel axis against the type of the value it applies to.
LogicalResult checkChannelAxis(Operation *op, StringRef attrName,
                               unsigned entry, int64_t chAxis, Type type,
                               ValueDesc desc) {
  if (!type)
    return success(); // A declaration: no body to check against.
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return op->emitOpError()
           << "'" << attrName << "' entry " << entry << ": ch_axis " << chAxis
           << " needs a ranked shaped value, but " << desc << " has type "
           << type;
  if (chAxis >= shaped.getRank())
    return op->emitOpError()
           << "'" << attrName << "' entry " << entry << ": ch_axis " << chAxis
           << " is out of range for " << desc << " of rank "
           << shaped.getRank();
  return success();
}

/// Checks that a reference without `of` fits the op that holds it. `op` is
/// null for block-argument specs, where such references are meaningless.
LogicalResult checkRef(Operation *diagOp, Operation *op, StringRef attrName,
                       unsigned entry, RefAttr ref) {
  if (ref.getOpId())
    return success();
  if (!op)
    return diagOp->emitOpError()
           << "'" << attrName << "' entry " << entry
           << ": a reference in an argument's spec must name an op with "
              "'of \"id\"'";
  int64_t limit = ref.getKind() == RefKind::result ? op->getNumResults()
                                                   : op->getNumOperands();
  if (ref.getIndex() >= limit)
    return diagOp->emitOpError()
           << "'" << attrName << "' entry " << entry << ": reference '"
           << stringifyRefKind(ref.getKind()) << " " << ref.getIndex()
           << "' is out of range: the op has " << limit << " "
           << (ref.getKind() == RefKind::result ? "results" : "operands");
  return success();
}

/// Verifies one entry of an annotation against the value it annotates.
/// `holder` is the annotated op (null for block arguments).
LogicalResult verifyEntry(Operation *diagOp, Operation *holder,
                          StringRef attrName, unsigned entry, Attribute spec,
                          Type valueType, ValueDesc desc) {
  if (!isAnnotationEntry(spec))
    return diagOp->emitOpError()
           << "'" << attrName << "' entry " << entry
           << " must be a qprep spec or an observer symbol, got " << spec;
  if (auto qspec = dyn_cast<QSpecAttr>(spec)) {
    if (isPerChannel(qspec.getEffectiveQScheme()) &&
        failed(checkChannelAxis(diagOp, attrName, entry, *qspec.getChAxis(),
                                valueType, desc)))
      return failure();
  }
  if (auto shared = dyn_cast<SharedQSpecAttr>(spec))
    if (failed(checkRef(diagOp, holder, attrName, entry, shared.getTarget())))
      return failure();
  if (auto derived = dyn_cast<DerivedQSpecAttr>(spec)) {
    for (Attribute src : derived.getDerivedFrom())
      if (auto ref = dyn_cast<RefAttr>(src))
        if (failed(checkRef(diagOp, holder, attrName, entry, ref)))
          return failure();
    if (isPerChannel(derived.getEffectiveQScheme()) &&
        failed(checkChannelAxis(diagOp, attrName, entry, *derived.getChAxis(),
                                valueType, desc)))
      return failure();
  }
  // An entry that names an observer needs a value an observer can see;
  // otherwise it would be dropped and its observer never calibrated.
  if (valueType && !isa<NoQSpecAttr>(spec) && !isObservableType(valueType))
    return diagOp->emitOpError()
           << "'" << attrName << "' entry " << entry << ": " << desc
           << " has type " << valueType
           << ", which cannot be observed (observers take ranked tensors and "
              "memrefs of floats); "
           << (desc.what == StringRef("result")
                   ? "leave the entry unit"
                   : "use #qprep.none to annotate it without an observer");
  return success();
}

LogicalResult verifyOpAnnotation(Operation *op, StringRef attrName,
                                 Attribute attr, bool isInput) {
  auto array = dyn_cast<ArrayAttr>(attr);
  if (!array)
    return op->emitOpError() << "'" << attrName << "' must be an array, got "
                             << attr;
  unsigned count = isInput ? op->getNumOperands() : op->getNumResults();
  if (array.size() > count)
    return op->emitOpError()
           << "'" << attrName << "' has " << array.size()
           << " entries but the op has " << count
           << (isInput ? " operands" : " results");
  for (auto [i, spec] : llvm::enumerate(array.getValue())) {
    if (isa<UnitAttr>(spec))
      continue; // Not annotated.
    Value value = isInput ? op->getOperand(i) : op->getResult(i);
    ValueDesc desc{isInput ? "operand" : "result", static_cast<unsigned>(i)};
    if (failed(verifyEntry(op, op, attrName, i, spec, value.getType(), desc)))
      return failure();
  }
  if (!isInput)
    return success();
  // An edge is (value, op): operands that carry the same value are one edge
  // and must not disagree about its spec.
  for (unsigned i = 0, e = array.size(); i < e; ++i) {
    if (isa<UnitAttr>(array[i]))
      continue;
    for (unsigned j = i + 1; j < e; ++j) {
      if (isa<UnitAttr>(array[j]) || op->getOperand(i) != op->getOperand(j))
        continue;
      if (array[i] != array[j])
        return op->emitOpError()
               << "operands " << i << " and " << j
               << " carry the same value (one edge) but have different "
                  "specs in '"
               << attrName << "'";
    }
  }
  return success();
}
} // namespace

LogicalResult QPrepDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == getInputsAttrName())
    return verifyOpAnnotation(op, name, attr.getValue(), /*isInput=*/true);
  if (name == getOutputsAttrName())
    return verifyOpAnnotation(op, name, attr.getValue(), /*isInput=*/false);
  if (name == getAllowImplicitSharingAttrName()) {
    if (!isa<BoolAttr>(attr.getValue()))
      return op->emitOpError() << "'" << name << "' must be a bool, got "
                               << attr.getValue();
    return success();
  }
  if (name == getIdAttrName()) {
    auto id = dyn_cast<StringAttr>(attr.getValue());
    if (!id || id.getValue().empty())
      return op->emitOpError()
             << "'" << name << "' must be a non-empty string, got "
             << attr.getValue();
    return success();
  }
  if (name == getLayoutAttrName()) {
    if (!isa<ObserverOp>(op) || !isa<ObserverLayoutAttr>(attr.getValue()))
      return op->emitOpError()
             << "'" << name
             << "' must be a #qprep.layout on a qprep.observer, got "
             << attr.getValue();
    return success();
  }
  if (name == getObserverLayoutsAttrName()) {
    auto array = dyn_cast<ArrayAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !array ||
        !llvm::all_of(array, llvm::IsaPred<DictionaryAttr>))
      return op->emitOpError()
             << "'" << name
             << "' must be an array of dictionaries on a module, got "
             << attr.getValue();
    return success();
  }
  if (name == getArgOutputAttrName())
    return op->emitOpError()
           << "'" << name
           << "' is an argument attribute; annotate op results with '"
           << getOutputsAttrName() << "'";
  return op->emitOpError() << "unknown qprep annotation '" << name
                           << "'; expected one of " << getInputsAttrName()
                           << ", " << getOutputsAttrName() << ", "
                           << getAllowImplicitSharingAttrName() << ", "
                           << getIdAttrName() << ", " << getLayoutAttrName()
                           << ", " << getObserverLayoutsAttrName();
}

LogicalResult QPrepDialect::verifyRegionArgAttribute(Operation *op,
                                                     unsigned regionIndex,
                                                     unsigned argIndex,
                                                     NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name != getArgOutputAttrName())
    return op->emitOpError()
           << "unknown qprep argument attribute '" << name
           << "'; expected " << getArgOutputAttrName();
  Region &region = op->getRegion(regionIndex);
  Type type;
  if (!region.empty())
    type = region.front().getArgument(argIndex).getType();
  return verifyEntry(op, /*holder=*/nullptr, name, argIndex, attr.getValue(),
                     type, ValueDesc{"argument", argIndex});
}

LogicalResult QPrepDialect::verifyRegionResultAttribute(Operation *op,
                                                        unsigned regionIndex,
                                                        unsigned resultIndex,
                                                        NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == getArgOutputAttrName())
    return op->emitOpError()
           << "result " << resultIndex << " has '" << name
           << "', which qprep does not take on results (it would be dropped): "
              "annotate the op that produces the value with '"
           << getOutputsAttrName() << "'";
  return op->emitOpError() << "unknown qprep result attribute '" << name
                           << "'";
}
