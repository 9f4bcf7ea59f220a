//===- ObserverModel.h - what an observer is, decided once ------*- C++ -*-===//
//
// One description of an observer, read from its spec, for everything that
// needs to know what an observer computes: the lowering to loops, the
// calibration runner's report, and the convert step. Nothing else decodes
// specs into kind, range, qscheme, channel axis or derived sources.
//
// ObserverAnalysis adds what only the module can tell: the call sites of
// each observer, its channel count (a per-channel observer's state is sized
// by the values it sees), and an order in which derived observers come after
// their sources (with the cycle check).
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_OBSERVERMODEL_H
#define QPREP_DIALECT_QPREP_IR_OBSERVERMODEL_H

#include "qprep/Dialect/QPrep/IR/QPrepOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringMap.h"

#include <optional>
#include <string>

namespace mlir {
namespace qprep {

/// What an observer computes, from its spec alone.
struct ObserverModel {
  enum class Kind {
    /// min/max family (plain or moving average, per tensor or per channel).
    MinMax,
    /// HistogramObserver: running min/max plus a histogram, L2 search.
    Histogram,
    /// FixedQParamsObserver: constant qparams, no state.
    Fixed,
    /// DerivedObserverOrFakeQuantize: qparams from other observers' qparams.
    Derived,
    /// PlaceholderObserver: no statistics, no qparams.
    Placeholder,
  };
  Kind kind = Kind::Placeholder;
  /// The user-facing name of the observer class: the #qprep.observer kind
  /// ("minmax", "histogram", ...), "fixed" or "derived".
  std::string className;

  Type dtype;
  /// The range in effect (PyTorch's calculate_qmin_qmax, reduce_range
  /// applied) and whether it was given explicitly (has_customized_qrange).
  int64_t quantMin = 0, quantMax = 0;
  bool customRange = false;
  /// The qscheme in effect.
  QScheme qscheme = QScheme::per_tensor_affine;
  /// The channel axis of a per-channel observer.
  std::optional<int64_t> chAxis;
  bool isDynamic = false;
  /// The float32 eps of calculate_qparams (statistics kinds).
  float eps = 0.0f;
  /// Moving-average constant; 0 for plain min/max.
  double averagingConstant = 0.0;
  /// Histogram bins and the search's dst_nbins (2^bits of the dtype).
  int64_t bins = 0, dstNbins = 0;
  /// The constructor asks for a FakeQuantize around the observer.
  bool fakeQuant = false;
  /// Fixed qparams.
  double fixedScale = 0.0;
  int64_t fixedZeroPoint = 0;
  /// Derived: the source observers (symbols, after sharing resolution) and
  /// the optional user derive function.
  SmallVector<FlatSymbolRefAttr> derivedFrom;
  FlatSymbolRefAttr deriveFn;

  /// The model of `spec` (a #qprep.qspec, #qprep.fixed_qspec or
  /// #qprep.derived).
  static ObserverModel get(Attribute spec);
  static ObserverModel get(ObserverOp op) { return get(op.getSpec()); }

  bool isPerChannel() const { return chAxis.has_value(); }
  /// Keeps running statistics (min/max, and a histogram).
  bool hasStatistics() const {
    return kind == Kind::MinMax || kind == Kind::Histogram;
  }
  /// Has qparams to quantize with (everything but placeholders).
  bool hasQParams() const { return kind != Kind::Placeholder; }
  /// per_channel_affine_float_qparams: float zero points.
  bool hasFloatQParams() const {
    return qscheme == QScheme::per_channel_affine_float_qparams;
  }
};

/// Looks up `fn` as a derive function from `from`'s symbol scope; emits on
/// `diagOp` and fails when it names no function.
FailureOr<FunctionOpInterface>
lookupDeriveFunction(Operation *diagOp, Operation *from, FlatSymbolRefAttr fn);

/// Orders nodes 0..n-1 so that each comes after its dependencies (`deps[i]`
/// lists the nodes i depends on), iteratively (no recursion, linear). On a
/// cycle fails, with `cycle` holding its nodes (each depends on the next, the
/// last on the first) and `order` unspecified.
LogicalResult orderDependencies(ArrayRef<SmallVector<unsigned, 2>> deps,
                                SmallVectorImpl<unsigned> &order,
                                SmallVectorImpl<unsigned> &cycle);

/// The observers of a module with their call sites and channel counts.
class ObserverAnalysis {
public:
  struct Entry {
    /// (mutable: an op handle; const analyses still emit on it)
    mutable ObserverOp op;
    ObserverModel model;
    /// observe / fake_quantize ops naming the observer, in program order.
    SmallVector<Operation *> uses;
    /// State entries: the channel count of a per-channel observer (the same
    /// static size of ch_axis at every call site that has one), derived
    /// observers broadcast from their sources, 1 otherwise.
    int64_t channels = 1;
    /// Derived: indices of the source entries, in `from` order.
    SmallVector<unsigned, 2> sources;
  };

  /// Builds the analysis; emits diagnostics and fails on inconsistent channel
  /// counts, derived observers that name no observer or derive from
  /// themselves, and derived sources with incompatible channel counts.
  static FailureOr<ObserverAnalysis> build(ModuleOp module);

  ArrayRef<Entry> getEntries() const { return entries; }
  MutableArrayRef<Entry> getEntries() { return entries; }
  /// Entry indices, every derived observer after its sources.
  ArrayRef<unsigned> getTopologicalOrder() const { return order; }
  /// The entry of the observer named `name`, if any.
  const Entry *lookup(StringRef name) const {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &entries[it->second];
  }

private:
  SmallVector<Entry, 0> entries;
  SmallVector<unsigned> order;
  llvm::StringMap<unsigned> index;
};

} // namespace qprep
} // namespace mlir

#endif // QPREP_DIALECT_QPREP_IR_OBSERVERMODEL_H
