//===- Sharing.h - sharing groups of annotated edges and nodes --*- C++ -*-===//
//
// PyTorch's `_get_edge_or_node_to_group_id` and the choice of each group's
// spec in `_get_obs_or_fq_map`, made order-independent where PyTorch fails
// only because of visiting order.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_ANALYSIS_SHARING_H
#define QPREP_ANALYSIS_SHARING_H

#include "qprep/Analysis/Annotations.h"

namespace mlir {
namespace qprep {

/// The sharing groups of one function.
struct SharingGroups {
  /// Group of each key (indexed like FunctionAnnotations::getKeys()); groups
  /// are numbered in the order their first member appears.
  SmallVector<unsigned> groupOf;
  /// Per group: the key whose spec builds the group's observer (the first
  /// member, in key order, whose spec is not a #qprep.shared).
  SmallVector<unsigned> specKey;
  /// Per group: its members, in key order.
  SmallVector<SmallVector<unsigned, 2>> members;

  unsigned getNumGroups() const { return specKey.size(); }
};

/// True if PyTorch's implicit sharing would consider the two root specs equal:
/// the same dtype, is_dynamic, quant_min, quant_max, qscheme, ch_axis, scale and
/// zero_point, where an attribute one spec kind does not have counts as equal
/// only if the other kind does not have it either.
bool haveSameSharingAttrs(Attribute a, Attribute b);

/// Choices beyond PyTorch's behaviour (which the defaults keep).
struct SharingOptions {
  /// Implicit sharing does not compare derived specs' sources (PyTorch's
  /// rule): two derived specs on one value (a bias constant merged by CSE)
  /// join one group whose observer derives from the first one's sources.
  /// With this set they stay apart when their sources differ.
  bool keepDerivedApart = false;
};

/// Forms the sharing groups (explicit #qprep.shared unions plus implicit
/// sharing between the edges and node of one value). Emits diagnostics and
/// fails for references to unannotated edges/nodes and for groups whose every
/// member holds a #qprep.shared spec. Warns when implicit sharing merges
/// derived specs with different sources.
FailureOr<SharingGroups>
computeSharingGroups(FunctionAnnotations &annotations,
                     const SharingOptions &options = {});

} // namespace qprep
} // namespace mlir

#endif // QPREP_ANALYSIS_SHARING_H
