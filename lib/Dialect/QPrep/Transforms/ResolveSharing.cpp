//===- ResolveSharing.cpp - sharing groups -> qprep.observer symbols ------===//
//
// The second stage of prepare: forms PyTorch's sharing groups (see
// qprep/Analysis/Sharing.h), creates one qprep.observer per group from the spec
// PyTorch would build it from, and rewrites every annotation entry to the
// symbol of its group's observer. What this pass decides is all in the IR: a
// user pass may edit the observers before insertion (PyTorch's
// obs_or_fq_callback), and qprep-insert-observers reads only the symbols.
//
// Debug with -debug-only=qprep-resolve-sharing (prints every group).
//
//===----------------------------------------------------------------------===//

#include "qprep/Analysis/Sharing.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepOps.h"
#include "qprep/Dialect/QPrep/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_RESOLVESHARINGPASS
#include "qprep/Dialect/QPrep/Transforms/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

namespace {
struct ResolveSharingPass
    : public qprep::impl::ResolveSharingPassBase<ResolveSharingPass> {
  using Base::Base;
  void runOnOperation() override;

private:
  LogicalResult resolveFunction(FunctionOpInterface func,
                                SymbolTable &symbolTable, OpBuilder &builder);
  /// Observers are named @obs0, @obs1, ... across the module, in group order.
  unsigned nextObserverId = 0;
};
} // namespace

LogicalResult ResolveSharingPass::resolveFunction(FunctionOpInterface func,
                                                  SymbolTable &symbolTable,
                                                  OpBuilder &builder) {
  FailureOr<FunctionAnnotations> annOr = FunctionAnnotations::collect(func);
  if (failed(annOr))
    return failure();
  FunctionAnnotations &ann = *annOr;
  SharingOptions sharing;
  sharing.keepDerivedApart = keepDerivedApart;
  FailureOr<SharingGroups> groupsOr = computeSharingGroups(ann, sharing);
  if (failed(groupsOr))
    return failure();
  SharingGroups &groups = *groupsOr;
  ArrayRef<AnnotatedKey> keys = ann.getKeys();
  MLIRContext *ctx = func->getContext();
  unsigned numGroupsHere = groups.getNumGroups();
  numGroups += numGroupsHere;

  // Name every observed group first, so that derived observers can name their
  // sources whatever the order of the groups (PyTorch needs the sources
  // created first and fails with a KeyError otherwise).
  SmallVector<FlatSymbolRefAttr> observerOf(numGroupsHere);
  SmallVector<ObserverOp> created(numGroupsHere);
  for (unsigned g = 0; g < numGroupsHere; ++g) {
    Attribute spec = keys[groups.specKey[g]].spec;
    if (isa<NoQSpecAttr>(spec))
      continue;
    if (auto sym = dyn_cast<FlatSymbolRefAttr>(spec)) {
      // Already resolved by an earlier run.
      observerOf[g] = sym;
      continue;
    }
    std::string name;
    do
      name = "obs" + std::to_string(nextObserverId++);
    while (symbolTable.lookup(name));
    auto obs = ObserverOp::create(builder, func->getLoc(), name, spec, nullptr,
                                  nullptr, nullptr, nullptr);
    symbolTable.insert(obs);
    builder.setInsertionPointAfter(obs);
    created[g] = obs;
    observerOf[g] = FlatSymbolRefAttr::get(obs.getSymNameAttr());
    ++numObservers;
  }

  // Derived observers: sources become observer symbols; a derived group must
  // not depend on itself, directly or through other derived groups.
  SmallVector<SmallVector<unsigned, 2>> derivedDeps(numGroupsHere);
  bool ok = true;
  for (unsigned g = 0; g < numGroupsHere; ++g) {
    unsigned specKey = groups.specKey[g];
    auto derived = dyn_cast<DerivedQSpecAttr>(keys[specKey].spec);
    if (!derived)
      continue;
    SmallVector<Attribute> sources;
    for (Attribute src : derived.getDerivedFrom()) {
      if (isa<FlatSymbolRefAttr>(src)) {
        sources.push_back(src);
        continue;
      }
      FailureOr<unsigned> k = ann.resolveAnnotatedRef(
          cast<RefAttr>(src), keys[specKey].holder, ann.getDiagOp(specKey),
          "#qprep.derived");
      if (failed(k)) {
        ok = false;
        continue;
      }
      unsigned srcGroup = groups.groupOf[*k];
      if (!observerOf[srcGroup]) {
        ann.getDiagOp(specKey)->emitOpError()
            << "#qprep.derived derives from " << ann.describe(*k)
            << ", whose sharing group has no observer (#qprep.none)";
        ok = false;
        continue;
      }
      derivedDeps[g].push_back(srcGroup);
      sources.push_back(observerOf[srcGroup]);
    }
    if (!ok)
      continue;
    created[g].setSpecAttr(
        derived.withDerivedFrom(ArrayAttr::get(ctx, sources)));
  }
  if (!ok)
    return failure();
  // A derived group must not depend on itself (through other derived
  // groups).
  SmallVector<unsigned> order, cycle;
  if (failed(orderDependencies(derivedDeps, order, cycle))) {
    unsigned key = groups.specKey[cycle.front()];
    return ann.getDiagOp(key)->emitOpError()
           << "#qprep.derived spec of " << ann.describe(key)
           << " derives from itself (through its sharing group)";
  }

  SmallVector<Attribute> entries(keys.size());
  for (unsigned i = 0; i < keys.size(); ++i) {
    FlatSymbolRefAttr obs = observerOf[groups.groupOf[i]];
    entries[i] = obs ? Attribute(obs) : Attribute(NoQSpecAttr::get(ctx));
  }
  ann.writeBack(entries);
  return success();
}

void ResolveSharingPass::runOnOperation() {
  ModuleOp module = getOperation();
  nextObserverId = 0;
  SymbolTable symbolTable(module);
  OpBuilder builder(module.getContext());
  // Observers go at the top of the module, in group order.
  builder.setInsertionPointToStart(module.getBody());
  while (builder.getInsertionPoint() != module.getBody()->end() &&
         isa<ObserverOp>(*builder.getInsertionPoint()))
    builder.setInsertionPointAfter(&*builder.getInsertionPoint());
  bool ok = true;
  for (auto func :
       llvm::make_early_inc_range(module.getOps<FunctionOpInterface>()))
    ok &= succeeded(resolveFunction(func, symbolTable, builder));
  if (!ok)
    signalPassFailure();
}
