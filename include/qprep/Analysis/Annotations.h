//===- Annotations.h - the annotated edges and nodes of a function -*- C++ -*-===//
//
// PyTorch's `_get_edge_or_node_to_qspec`: the ordered map from every annotated
// edge and node of a function to its spec. Shared by the collection and the
// sharing-resolution passes.
//
// Key order (it decides which spec builds a group's observer and how implicit
// sharing unions, exactly as in PyTorch):
//   1. the function's arguments with a `qprep.output` spec, in argument order;
//   2. every op in a pre-order walk of the body; per op, its input edges in
//      operand order (an operand that repeats an earlier operand's value is the
//      same edge and adds no key), then its results in order.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_ANALYSIS_ANNOTATIONS_H
#define QPREP_ANALYSIS_ANNOTATIONS_H

#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

namespace mlir {
namespace qprep {

/// An edge (a value and the op that consumes it) or, with a null user, a node
/// (the value itself).
struct EdgeOrNode {
  Value value;
  Operation *user = nullptr;

  bool isNode() const { return user == nullptr; }
  bool operator==(const EdgeOrNode &o) const {
    return value == o.value && user == o.user;
  }
};

/// One annotated edge or node.
struct AnnotatedKey {
  EdgeOrNode key;
  /// The annotation entry: a spec attribute or (already resolved) a symbol.
  Attribute spec;
  /// The op that carries the annotation; null for a function argument.
  Operation *holder = nullptr;
  /// Operand index (first operand with this value), result index, or argument
  /// index.
  unsigned index = 0;
  enum Kind { Input, Output, Argument } kind = Input;
};

/// The annotated edges and nodes of one function, in PyTorch's key order.
class FunctionAnnotations {
public:
  /// Collects the annotations of `func`. Emits diagnostics and returns failure
  /// for duplicate `qprep.id`s.
  static FailureOr<FunctionAnnotations> collect(FunctionOpInterface func);

  FunctionOpInterface getFunction() const { return func; }
  ArrayRef<AnnotatedKey> getKeys() const { return keys; }
  const AnnotatedKey &getKey(unsigned i) const { return keys[i]; }

  /// The key index of an edge or node, if it is annotated.
  std::optional<unsigned> lookup(EdgeOrNode key) const;

  /// The op tagged `qprep.id = id`, or null.
  Operation *lookupId(StringRef id) const { return ids.lookup(id); }

  /// Program order: the position of `op` in a pre-order walk of the function.
  unsigned getOrder(Operation *op) const { return order.lookup(op); }

  /// The distinct ops that use `value`, in program order.
  ArrayRef<Operation *> getUsersInOrder(Value value);

  /// Resolves `ref`, relative to `holder` (the annotated op; null for an
  /// argument's spec) into an edge or node. Emits on `diagOp` on failure.
  FailureOr<EdgeOrNode> resolveRef(RefAttr ref, Operation *holder,
                                   Operation *diagOp) const;

  /// Like resolveRef, but also requires the edge or node to be annotated and
  /// returns its key index. `what` names the referring spec in messages.
  FailureOr<unsigned> resolveAnnotatedRef(RefAttr ref, Operation *holder,
                                          Operation *diagOp,
                                          StringRef what) const;

  /// The op diagnostics about key `i` go to: its holder, or the function.
  Operation *getDiagOp(unsigned i) const {
    return keys[i].holder ? keys[i].holder : func.getOperation();
  }

  /// A readable description of key `i`, e.g. "input edge 1 of 'tosa.concat'".
  std::string describe(unsigned i) const;

  /// Writes `entries[i]` as the annotation of key `i`: every operand position
  /// that carries an annotated edge's value, every annotated result, every
  /// annotated argument. Each op's attributes are updated once, and only if
  /// they change.
  void writeBack(ArrayRef<Attribute> entries);

private:
  mutable FunctionOpInterface func;
  SmallVector<AnnotatedKey> keys;
  DenseMap<std::pair<Value, Operation *>, unsigned> keyIndex;
  llvm::StringMap<Operation *> ids;
  DenseMap<Operation *, unsigned> order;
  DenseMap<Value, SmallVector<Operation *, 2>> sortedUsers;
};

} // namespace qprep
} // namespace mlir

#endif // QPREP_ANALYSIS_ANNOTATIONS_H
