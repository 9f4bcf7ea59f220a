//===- CollectQSpecs.cpp - validate and normalize annotations -------------===//
//
// The first stage of prepare: every annotation is read in PyTorch's key order,
// every reference in a shared or derived spec is checked, and references are
// rewritten to an absolute normal form so that later stages (and user passes
// that move ops around) need no knowledge of where a spec was written.
//
// Debug with -debug-only=qprep-collect-qspecs.
//
//===----------------------------------------------------------------------===//

#include "qprep/Analysis/Annotations.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Dialect/QPrep/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "qprep-collect-qspecs"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_COLLECTQSPECSPASS
#include "qprep/Dialect/QPrep/Transforms/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

namespace {
/// Normalizes the annotations of one function.
class Normalizer {
public:
  Normalizer(FunctionAnnotations &ann) : ann(ann), ctx(ann.getFunction()->getContext()) {}

  LogicalResult run();

private:
  /// The op's qprep.id, assigning a fresh one if it has none.
  StringAttr getOrAssignId(Operation *op);
  /// The absolute normal form of `ref`, which must name an annotated edge or
  /// node.
  FailureOr<RefAttr> normalize(RefAttr ref, unsigned key, StringRef what);
  /// The normal form of key `i`'s spec.
  FailureOr<Attribute> normalizeSpec(unsigned i);

  FunctionAnnotations &ann;
  MLIRContext *ctx;
  llvm::StringSet<> assignedIds;
};
} // namespace

StringAttr Normalizer::getOrAssignId(Operation *op) {
  if (auto id = op->getAttrOfType<StringAttr>(QPrepDialect::getIdAttrName()))
    return id;
  std::string base =
      (op->getName().getStringRef() + "#" + Twine(ann.getOrder(op))).str();
  std::string name = base;
  for (unsigned n = 1; ann.lookupId(name) || assignedIds.contains(name); ++n)
    name = base + "." + std::to_string(n);
  assignedIds.insert(name);
  auto id = StringAttr::get(ctx, name);
  op->setAttr(QPrepDialect::getIdAttrName(), id);
  return id;
}

static unsigned firstOperandIndex(Operation *op, Value value) {
  return llvm::find(op->getOperands(), value) - op->operand_begin();
}

FailureOr<RefAttr> Normalizer::normalize(RefAttr ref, unsigned key,
                                         StringRef what) {
  Operation *holder = ann.getKey(key).holder;
  Operation *diagOp = ann.getDiagOp(key);
  FailureOr<unsigned> target =
      ann.resolveAnnotatedRef(ref, holder, diagOp, what);
  if (failed(target))
    return failure();
  EdgeOrNode eon = ann.getKey(*target).key;
  // References to the annotated op itself stay relative (they move with
  // it); references to other ops name them by id.
  auto make = [&](RefKind kind, unsigned index, Operation *op) {
    return RefAttr::get(ctx, kind, index,
                        op == holder ? StringAttr() : getOrAssignId(op));
  };
  if (!eon.isNode())
    return make(RefKind::edge, firstOperandIndex(eon.user, eon.value),
                eon.user);
  if (auto result = dyn_cast<OpResult>(eon.value))
    return make(RefKind::result, result.getResultNumber(), result.getOwner());
  // A block argument: name it through the op the reference went through.
  Operation *through =
      ref.getOpId() ? ann.lookupId(ref.getOpId().getValue()) : holder;
  return make(RefKind::operand, firstOperandIndex(through, eon.value),
              through);
}

FailureOr<Attribute> Normalizer::normalizeSpec(unsigned i) {
  Attribute spec = ann.getKey(i).spec;
  if (auto shared = dyn_cast<SharedQSpecAttr>(spec)) {
    FailureOr<RefAttr> target = normalize(shared.getTarget(), i, "#qprep.shared");
    if (failed(target))
      return failure();
    return Attribute(SharedQSpecAttr::get(ctx, *target));
  }
  auto derived = dyn_cast<DerivedQSpecAttr>(spec);
  if (!derived)
    return spec;
  SmallVector<Attribute> sources;
  for (Attribute src : derived.getDerivedFrom()) {
    auto ref = dyn_cast<RefAttr>(src);
    if (!ref) {
      sources.push_back(src);
      continue;
    }
    FailureOr<RefAttr> norm = normalize(ref, i, "#qprep.derived");
    if (failed(norm))
      return failure();
    sources.push_back(*norm);
  }
  if (FlatSymbolRefAttr fn = derived.getDeriveFn())
    if (failed(lookupDeriveFunction(ann.getDiagOp(i), ann.getFunction(), fn)))
      return failure();
  return Attribute(derived.withDerivedFrom(ArrayAttr::get(ctx, sources)));
}

LogicalResult Normalizer::run() {
  SmallVector<Attribute> specs;
  bool ok = true;
  for (unsigned i = 0, e = ann.getKeys().size(); i < e; ++i) {
    FailureOr<Attribute> spec = normalizeSpec(i);
    ok &= succeeded(spec);
    specs.push_back(succeeded(spec) ? *spec : ann.getKey(i).spec);
    LLVM_DEBUG(llvm::dbgs() << "key " << i << ": " << ann.describe(i) << " = "
                            << specs.back() << "\n");
  }
  if (!ok)
    return failure();
  ann.writeBack(specs);
  return success();
}

namespace {
struct CollectQSpecsPass
    : public qprep::impl::CollectQSpecsPassBase<CollectQSpecsPass> {
  using Base::Base;
  void runOnOperation() override {
    bool ok = true;
    for (auto func : getOperation().getOps<FunctionOpInterface>()) {
      FailureOr<FunctionAnnotations> ann = FunctionAnnotations::collect(func);
      if (failed(ann)) {
        ok = false;
        continue;
      }
      numKeys += ann->getKeys().size();
      ok &= succeeded(Normalizer(*ann).run());
    }
    if (!ok)
      signalPassFailure();
  }
};
} // namespace
