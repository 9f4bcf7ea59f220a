//===- InsertObservers.cpp - place observe ops as PyTorch does ------------===//
//
// The third stage of prepare: every annotation entry names an observer
// (qprep-resolve-sharing wrote them); this pass puts qprep.observe (or, for
// QAT, qprep.fake_quantize) ops on the observed edges and values, following
// PyTorch's _maybe_insert_input_observer_for_arg_or_kwarg and
// _maybe_insert_output_observer_for_node rule for rule, so that the number,
// placement and call order of observer calls are PyTorch's.
//
//===----------------------------------------------------------------------===//

#include "qprep/Dialect/QPrep/IR/QPrepOps.h"
#include "qprep/Dialect/QPrep/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_INSERTOBSERVERSPASS
#include "qprep/Dialect/QPrep/Transforms/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

namespace {
struct InsertObserversPass
    : public qprep::impl::InsertObserversPassBase<InsertObserversPass> {
  using Base::Base;
  void runOnOperation() override;

private:
  LogicalResult insertInFunction(FunctionOpInterface func);
  /// Creates an observe (or fake_quantize) op of `sym` on `value`.
  Operation *createObserve(OpBuilder &b, Location loc, Value value,
                           FlatSymbolRefAttr sym);
  /// The observer symbol of a node's output annotation, if any.
  FlatSymbolRefAttr getOutputObserver(Value value, FunctionOpInterface func);

  SymbolTable *symbolTable = nullptr;
};

/// Where FX's `graph.inserting_after(x)` would put a node. After an op result
/// that is right after its op (in front of what was inserted there before);
/// the entry block's arguments are FX placeholders, which stand in order
/// before the body, so an observer of argument i goes in front of what was
/// inserted after argument i and after everything inserted for arguments < i.
class FxInsertionPoints {
public:
  FxInsertionPoints(Block &entry)
      : entry(entry), firstOfArg(entry.getNumArguments(), nullptr),
        bodyStart(entry.empty() ? nullptr : &entry.front()) {}

  void setAfter(OpBuilder &b, Value value) {
    auto arg = dyn_cast<BlockArgument>(value);
    if (!arg || arg.getOwner() != &entry) {
      b.setInsertionPointAfterValue(value);
      return;
    }
    for (unsigned j = arg.getArgNumber(), e = firstOfArg.size(); j < e; ++j)
      if (firstOfArg[j]) {
        b.setInsertionPoint(firstOfArg[j]);
        return;
      }
    if (bodyStart)
      b.setInsertionPoint(bodyStart);
    else
      b.setInsertionPointToEnd(&entry);
  }

  /// Records the op just inserted at the point setAfter chose.
  void inserted(Value value, Operation *op) {
    auto arg = dyn_cast<BlockArgument>(value);
    if (arg && arg.getOwner() == &entry)
      firstOfArg[arg.getArgNumber()] = op;
  }

private:
  Block &entry;
  SmallVector<Operation *> firstOfArg;
  Operation *bodyStart;
};
} // namespace

static bool isObservable(Type type) {
  if (auto t = dyn_cast<RankedTensorType>(type))
    return isa<FloatType>(t.getElementType());
  if (auto m = dyn_cast<MemRefType>(type))
    return isa<FloatType>(m.getElementType());
  return false;
}

/// The value an observe-like op observes and the observer it names (null
/// for other ops).
static std::pair<Value, FlatSymbolRefAttr> getObserveParts(Operation *op) {
  if (auto o = dyn_cast_or_null<ObserveOp>(op))
    return {o.getInput(), o.getObserverAttr()};
  if (auto f = dyn_cast_or_null<FakeQuantizeOp>(op))
    return {f.getInput(), f.getObserverAttr()};
  return {};
}

Operation *InsertObserversPass::createObserve(OpBuilder &b, Location loc,
                                              Value value,
                                              FlatSymbolRefAttr sym) {
  ++numObserves;
  auto obs = symbolTable->lookup<ObserverOp>(sym.getValue());
  bool fake = false;
  if (auto qspec = dyn_cast<QSpecAttr>(obs.getSpec()))
    fake = qspec.getObserver().getFakeQuant();
  else if (isa<FixedQSpecAttr>(obs.getSpec()))
    fake = isQat; // PyTorch: FixedQParamsFakeQuantize when is_qat.
  if (fake)
    return FakeQuantizeOp::create(b, loc, value.getType(), value, sym);
  return ObserveOp::create(b, loc, value.getType(), value, sym);
}

FlatSymbolRefAttr
InsertObserversPass::getOutputObserver(Value value, FunctionOpInterface func) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (arg.getOwner()->getParentOp() != func.getOperation() ||
        !arg.getOwner()->isEntryBlock())
      return {};
    return dyn_cast_or_null<FlatSymbolRefAttr>(func.getArgAttr(
        arg.getArgNumber(), QPrepDialect::getArgOutputAttrName()));
  }
  auto result = cast<OpResult>(value);
  auto outputs = result.getOwner()->getAttrOfType<ArrayAttr>(
      QPrepDialect::getOutputsAttrName());
  if (!outputs || result.getResultNumber() >= outputs.size())
    return {};
  return dyn_cast<FlatSymbolRefAttr>(outputs[result.getResultNumber()]);
}

/// Entries must name observers: specs mean sharing was not resolved yet.
static LogicalResult checkResolved(Operation *diagOp, StringRef name,
                                   Attribute attr, SymbolTable &symbolTable) {
  auto check = [&](Attribute entry) -> LogicalResult {
    if (isa<UnitAttr, NoQSpecAttr>(entry))
      return success();
    auto sym = dyn_cast<FlatSymbolRefAttr>(entry);
    if (!sym)
      return diagOp->emitOpError()
             << "'" << name << "' holds the spec " << entry
             << "; run qprep-resolve-sharing first (or use qprep-prepare)";
    if (!symbolTable.lookup<ObserverOp>(sym.getValue()))
      return diagOp->emitOpError() << "'" << name << "' names " << sym
                                   << ", which is not a qprep.observer";
    return success();
  };
  if (auto array = dyn_cast<ArrayAttr>(attr)) {
    for (Attribute entry : array)
      if (failed(check(entry)))
        return failure();
    return success();
  }
  return check(attr);
}

LogicalResult InsertObserversPass::insertInFunction(FunctionOpInterface func) {
  if (func.isExternal())
    return success();
  MLIRContext *ctx = func->getContext();
  auto inputsName = StringAttr::get(ctx, QPrepDialect::getInputsAttrName());
  auto outputsName = StringAttr::get(ctx, QPrepDialect::getOutputsAttrName());

  // The annotated ops as they are before insertion, in program order.
  SmallVector<Operation *> annotated;
  bool ok = true;
  func->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == func.getOperation())
      return;
    Attribute inputs = op->getDiscardableAttr(inputsName);
    Attribute outputs = op->getDiscardableAttr(outputsName);
    if (!inputs && !outputs)
      return;
    if (op->getParentOp() != func.getOperation()) {
      op->emitOpError() << "is annotated inside a nested region (of '"
                        << op->getParentOp()->getName()
                        << "'); qprep-insert-observers handles annotated ops "
                           "directly in a function body only";
      ok = false;
      return;
    }
    if ((inputs && failed(checkResolved(op, inputsName, inputs, *symbolTable))) ||
        (outputs && failed(checkResolved(op, outputsName, outputs, *symbolTable))))
      ok = false;
    annotated.push_back(op);
  });
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (Attribute a = func.getArgAttr(i, QPrepDialect::getArgOutputAttrName()))
      if (failed(checkResolved(func, QPrepDialect::getArgOutputAttrName(), a,
                               *symbolTable)))
        ok = false;
  if (!ok)
    return failure();

  OpBuilder b(ctx);
  // Placeholders: an observer right after each annotated argument, in order.
  Block &entry = func.getFunctionBody().front();
  FxInsertionPoints points(entry);
  for (BlockArgument arg : entry.getArguments()) {
    FlatSymbolRefAttr sym = getOutputObserver(arg, func);
    if (!sym || !isObservable(arg.getType()))
      continue;
    points.setAfter(b, arg);
    Operation *obs = createObserve(b, arg.getLoc(), arg, sym);
    points.inserted(arg, obs);
    arg.replaceAllUsesExcept(obs->getResult(0), obs);
  }

  for (Operation *op : annotated) {
    // Inputs.
    if (auto inputs = dyn_cast_or_null<ArrayAttr>(op->getDiscardableAttr(inputsName))) {
      for (auto [j, entryAttr] : llvm::enumerate(inputs.getValue())) {
        auto sym = dyn_cast<FlatSymbolRefAttr>(entryAttr);
        if (!sym)
          continue;
        Value arg = op->getOperand(j);
        Value original = arg;
        while (Value in = getObserveParts(original.getDefiningOp()).first)
          original = in;
        // The producer's output observer is the same instance: the operand
        // already goes through it.
        if (getOutputObserver(original, func) == sym)
          continue;
        // The same observer already observes this value for another user.
        Value routed;
        for (Operation *user : arg.getUsers())
          if (getObserveParts(user) == std::make_pair(arg, sym)) {
            routed = user->getResult(0);
            ++numReused;
            break;
          }
        if (!routed) {
          if (!isObservable(arg.getType()))
            return op->emitOpError()
                   << "operand " << j << " has type " << arg.getType()
                   << ", which cannot be observed: observers take ranked "
                      "float tensors or memrefs";
          points.setAfter(b, arg);
          Operation *obs = createObserve(b, op->getLoc(), arg, sym);
          points.inserted(arg, obs);
          routed = obs->getResult(0);
        }
        op->setOperand(j, routed);
      }
    }
    // Outputs.
    if (auto outputs = dyn_cast_or_null<ArrayAttr>(op->getDiscardableAttr(outputsName))) {
      b.setInsertionPointAfter(op);
      for (auto [k, entryAttr] : llvm::enumerate(outputs.getValue())) {
        auto sym = dyn_cast<FlatSymbolRefAttr>(entryAttr);
        Value result = op->getResult(k);
        if (!sym || !isObservable(result.getType()))
          continue; // PyTorch: no output observer for non-tensor outputs.
        Operation *obs = createObserve(b, op->getLoc(), result, sym);
        result.replaceAllUsesExcept(obs->getResult(0), obs);
        b.setInsertionPointAfter(obs);
      }
    }
  }

  // The annotations are consumed.
  for (Operation *op : annotated) {
    op->removeDiscardableAttr(inputsName);
    op->removeDiscardableAttr(outputsName);
    op->removeDiscardableAttr(QPrepDialect::getAllowImplicitSharingAttrName());
  }
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.removeArgAttr(i, QPrepDialect::getArgOutputAttrName());
  return success();
}

void InsertObserversPass::runOnOperation() {
  SymbolTable table(getOperation());
  symbolTable = &table;
  bool ok = true;
  for (auto func : getOperation().getOps<FunctionOpInterface>())
    ok &= succeeded(insertInFunction(func));
  if (!ok)
    signalPassFailure();
}
