//===- Sharing.cpp - sharing groups of annotated edges and nodes ----------===//
//
// A re-implementation of PyTorch PT2E's union-find over annotated edges and
// nodes (torchao `prepare.py`: `_get_edge_or_node_to_group_id`, including the
// newer attribute check in `_union_input_edge_with` and the cycle-avoiding
// `_union` of pytorch/ao#3011). Unions are made in the same order and the same
// direction as PyTorch, because the root of a tree decides which spec implicit
// sharing compares against; so wherever PyTorch succeeds, the groups are the
// same.
//
// Where PyTorch fails only because of visiting order, this code does not:
//  * `_unwrap_shared_qspec` can loop forever (RecursionError) when the roots of
//    a chain of shared specs lead back to themselves. Here a repeated root ends
//    the chain, and the edge takes part in no implicit sharing (as a `None`
//    root spec would).
//  * A group whose first member holds a shared spec makes PyTorch assert. Here
//    the group is built from its first member whose spec is not shared.
//  * Derived specs are ordered after their sources by the caller.
//
//===----------------------------------------------------------------------===//

#include "qprep/Analysis/Sharing.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "qprep-resolve-sharing"

using namespace mlir;
using namespace mlir::qprep;

namespace {
/// The attributes `_union_input_edge_with` compares. `hasChAxis` and
/// `hasScale` tell whether the spec kind has the field at all (PyTorch's
/// `hasattr`): QuantizationSpec and DerivedQuantizationSpec have ch_axis,
/// FixedQParamsQuantizationSpec has scale and zero_point.
struct SharingAttrs {
  Type dtype;
  bool isDynamic = false;
  std::optional<int64_t> quantMin, quantMax, chAxis;
  std::optional<QScheme> qscheme;
  bool hasChAxis = false, hasScale = false;
  std::optional<llvm::APFloat> scale;
  int64_t zeroPoint = 0;
};

/// The fields every concrete spec kind has.
template <typename SpecT>
SharingAttrs commonSharingAttrs(SpecT spec) {
  SharingAttrs a;
  a.dtype = spec.getDtype();
  a.isDynamic = spec.getIsDynamic();
  a.quantMin = spec.getQuantMin();
  a.quantMax = spec.getQuantMax();
  a.qscheme = spec.getQscheme();
  return a;
}

std::optional<SharingAttrs> getSharingAttrs(Attribute spec) {
  auto withChAxis = [](auto s) {
    SharingAttrs a = commonSharingAttrs(s);
    a.hasChAxis = true;
    a.chAxis = s.getChAxis();
    return a;
  };
  if (auto q = dyn_cast_or_null<QSpecAttr>(spec))
    return withChAxis(q);
  if (auto d = dyn_cast_or_null<DerivedQSpecAttr>(spec))
    return withChAxis(d);
  if (auto f = dyn_cast_or_null<FixedQSpecAttr>(spec)) {
    SharingAttrs a = commonSharingAttrs(f);
    a.hasScale = true;
    a.scale = f.getScale();
    a.zeroPoint = f.getZeroPoint();
    return a;
  }
  return std::nullopt;
}
} // namespace

bool mlir::qprep::haveSameSharingAttrs(Attribute lhs, Attribute rhs) {
  std::optional<SharingAttrs> a = getSharingAttrs(lhs);
  std::optional<SharingAttrs> b = getSharingAttrs(rhs);
  if (!a || !b)
    return false;
  if (a->dtype != b->dtype || a->isDynamic != b->isDynamic ||
      a->quantMin != b->quantMin || a->quantMax != b->quantMax ||
      a->qscheme != b->qscheme)
    return false;
  if (a->hasChAxis != b->hasChAxis || a->chAxis != b->chAxis)
    return false;
  if (a->hasScale != b->hasScale)
    return false;
  if (a->hasScale &&
      (!a->scale->bitwiseIsEqual(*b->scale) || a->zeroPoint != b->zeroPoint))
    return false;
  return true;
}

namespace {
/// PyTorch's `shared_with_map` over key indices.
class SharedWithMap {
public:
  SharedWithMap(ArrayRef<int> sharedTarget)
      : sharedTarget(sharedTarget), parent(sharedTarget.size()) {
    for (unsigned i = 0, e = parent.size(); i < e; ++i)
      parent[i] = i;
  }

  /// `_find_root_edge_or_node`, with path compression.
  unsigned find(unsigned x) {
    unsigned root = x;
    while (parent[root] != root)
      root = parent[root];
    while (parent[x] != root) {
      unsigned next = parent[x];
      parent[x] = root;
      x = next;
    }
    return root;
  }

  /// `_union(parent, child)`: points the child's root at the parent's root,
  /// unless the parent's root shares with the child's root (ao#3011), in which
  /// case the edge is reversed so that no cycle forms.
  void unite(unsigned p, unsigned c) {
    unsigned rp = find(p), rc = find(c);
    if (sharedTarget[rp] == static_cast<int>(rc))
      parent[rp] = rc;
    else
      parent[rc] = rp;
  }

  /// `_unwrap_shared_qspec` applied to key `x`'s spec: the key whose spec is
  /// the concrete root spec, or -1 if the chain of roots cycles.
  int unwrap(unsigned x) {
    int cur = x;
    llvm::SmallDenseSet<unsigned, 4> seen;
    while (sharedTarget[cur] >= 0) {
      unsigned root = find(sharedTarget[cur]);
      if (!seen.insert(root).second)
        return -1;
      cur = root;
    }
    return cur;
  }

private:
  ArrayRef<int> sharedTarget;
  SmallVector<unsigned> parent;
};
} // namespace

FailureOr<SharingGroups>
mlir::qprep::computeSharingGroups(FunctionAnnotations &ann,
                                  const SharingOptions &options) {
  ArrayRef<AnnotatedKey> keys = ann.getKeys();
  unsigned n = keys.size();

  // Resolve every shared spec's target (PyTorch: a KeyError when the target
  // has no annotation).
  SmallVector<int> sharedTarget(n, -1);
  bool ok = true;
  for (unsigned i = 0; i < n; ++i) {
    auto shared = dyn_cast<SharedQSpecAttr>(keys[i].spec);
    if (!shared)
      continue;
    FailureOr<unsigned> target = ann.resolveAnnotatedRef(
        shared.getTarget(), keys[i].holder, ann.getDiagOp(i), "#qprep.shared");
    if (failed(target))
      ok = false;
    else
      sharedTarget[i] = *target;
  }
  if (!ok)
    return failure();

  SharedWithMap map(sharedTarget);
  auto rootSpec = [&](unsigned key) -> Attribute {
    int idx = map.unwrap(key);
    return idx < 0 ? Attribute() : keys[idx].spec;
  };
  // The sources of key k's derived spec as key indices (empty for other
  // specs, and when a source does not resolve: qprep-resolve-sharing reports
  // that later, so the diagnostics here are swallowed).
  DenseMap<unsigned, SmallVector<unsigned, 2>> derivedSources;
  auto sourcesOf = [&](unsigned k) -> ArrayRef<unsigned> {
    auto derived = dyn_cast<DerivedQSpecAttr>(keys[k].spec);
    if (!derived)
      return {};
    auto [it, inserted] = derivedSources.try_emplace(k);
    if (!inserted)
      return it->second;
    ScopedDiagnosticHandler quiet(ann.getFunction()->getContext(),
                                  [](Diagnostic &) { return success(); });
    SmallVector<unsigned, 2> sources;
    for (Attribute src : derived.getDerivedFrom()) {
      auto ref = dyn_cast<RefAttr>(src);
      FailureOr<unsigned> key =
          ref ? ann.resolveAnnotatedRef(ref, keys[k].holder, ann.getDiagOp(k),
                                        "#qprep.derived")
              : FailureOr<unsigned>(failure());
      if (failed(key))
        return it->second; // unknown: compared as equal
      sources.push_back(*key);
    }
    it->second = std::move(sources);
    return it->second;
  };
  llvm::DenseSet<std::pair<Operation *, Operation *>> warned;
  // `_union_input_edge_with`. Implicit sharing does not compare derived
  // specs' sources (PyTorch's rule): say so when it merges different ones.
  auto unionInputEdgeWith = [&](unsigned inputEdge, Attribute inputRootSpec,
                                unsigned other) {
    Attribute otherRootSpec = rootSpec(other);
    if (!otherRootSpec || !inputRootSpec ||
        !haveSameSharingAttrs(otherRootSpec, inputRootSpec))
      return;
    if (isa<DerivedQSpecAttr>(inputRootSpec) &&
        isa<DerivedQSpecAttr>(otherRootSpec) &&
        map.find(inputEdge) != map.find(other)) {
      int a = map.unwrap(inputEdge), b = map.unwrap(other);
      if (a >= 0 && b >= 0 && a != b) {
        ArrayRef<unsigned> sa = sourcesOf(a), sb = sourcesOf(b);
        if (!sa.empty() && !sb.empty() && sa != sb) {
          if (options.keepDerivedApart)
            return;
          // Say it at the later consumer; the earlier one's sources win.
          unsigned early = inputEdge, late = other;
          if (ann.getOrder(ann.getDiagOp(early)) >
              ann.getOrder(ann.getDiagOp(late)))
            std::swap(early, late);
          if (warned.insert({ann.getDiagOp(early), ann.getDiagOp(late)})
                  .second) {
            InFlightDiagnostic diag =
                ann.getDiagOp(late)->emitWarning()
                << ann.describe(late)
                << " carries the same value as " << ann.describe(early)
                << " (a constant merged by CSE?), with a derived spec of "
                   "other sources: implicit sharing gives both one "
                   "observer, whose qparams derive from the other's "
                   "sources (PyTorch's rule: it does not compare "
                   "derived_from); keep-derived-apart=true "
                   "(qprep-resolve-sharing, qprep-prepare) gives each its "
                   "own observer";
            diag.attachNote(ann.getDiagOp(early)->getLoc())
                << "the consumer whose sources the observer derives from";
          }
        }
      }
    }
    map.unite(other, inputEdge);
  };

  for (unsigned i = 0; i < n; ++i) {
    const AnnotatedKey &key = keys[i];
    if (key.key.isNode()) {
      if (sharedTarget[i] >= 0)
        map.unite(sharedTarget[i], i);
      continue;
    }
    Attribute inputRootSpec = rootSpec(i);
    auto allow = key.holder->getAttrOfType<BoolAttr>(
        QPrepDialect::getAllowImplicitSharingAttrName());
    if (!allow || allow.getValue()) {
      // Other users of the value first, then its producer's output: the order
      // PyTorch uses to avoid circular sharing.
      Value value = key.key.value;
      for (Operation *user : ann.getUsersInOrder(value)) {
        if (user == key.key.user)
          continue;
        if (std::optional<unsigned> other = ann.lookup({value, user}))
          unionInputEdgeWith(i, inputRootSpec, *other);
      }
      if (std::optional<unsigned> node = ann.lookup({value, nullptr}))
        unionInputEdgeWith(i, inputRootSpec, *node);
    }
    if (sharedTarget[i] >= 0)
      map.unite(sharedTarget[i], i);
  }

  SharingGroups groups;
  groups.groupOf.resize(n);
  SmallVector<int> groupOfRoot(n, -1);
  for (unsigned i = 0; i < n; ++i) {
    unsigned root = map.find(i);
    if (groupOfRoot[root] < 0) {
      groupOfRoot[root] = groups.members.size();
      groups.members.emplace_back();
    }
    groups.groupOf[i] = groupOfRoot[root];
    groups.members[groupOfRoot[root]].push_back(i);
  }
  groups.specKey.resize(groups.members.size());
  for (auto [g, members] : llvm::enumerate(groups.members)) {
    auto it = llvm::find_if(members, [&](unsigned k) {
      return !isa<SharedQSpecAttr>(keys[k].spec);
    });
    if (it == members.end()) {
      InFlightDiagnostic diag =
          ann.getDiagOp(members.front())->emitOpError()
          << "sharing group has no concrete spec: every member ("
          << members.size()
          << ") holds a #qprep.shared spec, so the sharing is a cycle";
      for (unsigned k : ArrayRef(members).drop_front())
        diag.attachNote(ann.getDiagOp(k)->getLoc())
            << "member: " << ann.describe(k);
      return diag;
    }
    groups.specKey[g] = *it;
  }
  LLVM_DEBUG({
    for (auto [g, members] : llvm::enumerate(groups.members)) {
      llvm::dbgs() << "group " << g << " (spec from "
                   << ann.describe(groups.specKey[g]) << "):";
      for (unsigned k : members)
        llvm::dbgs() << " [" << ann.describe(k) << "]";
      llvm::dbgs() << "\n";
    }
  });
  return groups;
}
