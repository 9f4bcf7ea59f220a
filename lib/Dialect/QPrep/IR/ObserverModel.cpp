//===- ObserverModel.cpp - what an observer is, decided once --------------===//

#include "qprep/Dialect/QPrep/IR/ObserverModel.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::qprep;

ObserverModel ObserverModel::get(Attribute spec) {
  ObserverModel m;
  if (auto q = dyn_cast<QSpecAttr>(spec)) {
    ObserverAttr o = q.getObserver();
    m.className = stringifyObserverKind(o.getKind()).str();
    m.dtype = q.getDtype();
    std::tie(m.quantMin, m.quantMax) = q.getEffectiveRange();
    m.customRange = q.getQuantMin().has_value() && q.getQuantMax().has_value();
    m.qscheme = q.getEffectiveQScheme();
    if (qprep::isPerChannel(m.qscheme))
      m.chAxis = q.getChAxis();
    m.isDynamic = q.getIsDynamic();
    m.eps = static_cast<float>(o.getEps().convertToDouble());
    m.fakeQuant = o.getFakeQuant();
    switch (o.getKind()) {
    case ObserverKind::placeholder:
      m.kind = Kind::Placeholder;
      break;
    case ObserverKind::histogram:
      m.kind = Kind::Histogram;
      m.bins = o.getBins();
      // dst_nbins = 2 ** bits of the dtype, whatever quant_min/max are.
      m.dstNbins = int64_t(1) << m.dtype.getIntOrFloatBitWidth();
      break;
    default:
      m.kind = Kind::MinMax;
      if (o.isMovingAverage())
        m.averagingConstant = o.getAveragingConstant().convertToDouble();
      break;
    }
    return m;
  }
  if (auto fx = dyn_cast<FixedQSpecAttr>(spec)) {
    m.kind = Kind::Fixed;
    m.className = "fixed";
    m.dtype = fx.getDtype();
    std::tie(m.quantMin, m.quantMax) = calculateQMinQMax(
        fx.getDtype(), fx.getQuantMin(), fx.getQuantMax(), false);
    m.customRange = fx.getQuantMin().has_value() && fx.getQuantMax().has_value();
    m.qscheme = fx.getQscheme().value_or(QScheme::per_tensor_affine);
    m.isDynamic = fx.getIsDynamic();
    m.fixedScale = fx.getScale().convertToDouble();
    m.fixedZeroPoint = fx.getZeroPoint();
    return m;
  }
  auto d = cast<DerivedQSpecAttr>(spec);
  m.kind = Kind::Derived;
  m.className = "derived";
  m.dtype = d.getDtype();
  std::tie(m.quantMin, m.quantMax) =
      calculateQMinQMax(d.getDtype(), d.getQuantMin(), d.getQuantMax(), false);
  m.customRange = d.getQuantMin().has_value() && d.getQuantMax().has_value();
  m.qscheme = d.getEffectiveQScheme();
  if (qprep::isPerChannel(m.qscheme))
    m.chAxis = d.getChAxis();
  m.isDynamic = d.getIsDynamic();
  for (Attribute from : d.getDerivedFrom())
    if (auto sym = dyn_cast<FlatSymbolRefAttr>(from))
      m.derivedFrom.push_back(sym);
  m.deriveFn = d.getDeriveFn();
  return m;
}

FailureOr<FunctionOpInterface>
mlir::qprep::lookupDeriveFunction(Operation *diagOp, Operation *from,
                                  FlatSymbolRefAttr fn) {
  Operation *callee = SymbolTable::lookupNearestSymbolFrom(from, fn);
  if (auto f = dyn_cast_or_null<FunctionOpInterface>(callee))
    return f;
  return diagOp->emitOpError("derive function ") << fn << " is not a function";
}

LogicalResult
mlir::qprep::orderDependencies(ArrayRef<SmallVector<unsigned, 2>> deps,
                               SmallVectorImpl<unsigned> &order,
                               SmallVectorImpl<unsigned> &cycle) {
  // Iterative depth-first search, three colours: 0 new, 1 on the stack,
  // 2 done (emitted after all its dependencies).
  unsigned n = deps.size();
  SmallVector<uint8_t> colour(n, 0);
  order.clear();
  order.reserve(n);
  SmallVector<std::pair<unsigned, unsigned>> stack;
  for (unsigned start = 0; start < n; ++start) {
    if (colour[start])
      continue;
    colour[start] = 1;
    stack.push_back({start, 0});
    while (!stack.empty()) {
      auto &[node, next] = stack.back();
      if (next == deps[node].size()) {
        colour[node] = 2;
        order.push_back(node);
        stack.pop_back();
        continue;
      }
      unsigned dep = deps[node][next++];
      if (colour[dep] == 1) {
        // The stack from `dep` to the top is the cycle.
        cycle.clear();
        auto it = llvm::find_if(
            stack, [&](const auto &entry) { return entry.first == dep; });
        for (; it != stack.end(); ++it)
          cycle.push_back(it->first);
        return failure();
      }
      if (colour[dep] == 0) {
        colour[dep] = 1;
        stack.push_back({dep, 0});
      }
    }
  }
  return success();
}

/// The channel count of a per-channel observer: the static size of ch_axis,
/// the same at every call site that has one. Sites where it is dynamic are
/// checked when they run; one site at least must make it static, since the
/// state is sized at compile time.
static FailureOr<int64_t> channelCount(ObserverOp obs, int64_t axis,
                                       ArrayRef<Operation *> uses) {
  int64_t channels = ShapedType::kDynamic;
  for (Operation *op : uses) {
    auto type = cast<ShapedType>(op->getOperand(0).getType());
    int64_t dim = type.getDimSize(axis);
    if (ShapedType::isDynamic(dim))
      continue;
    if (!ShapedType::isDynamic(channels) && dim != channels)
      return op->emitOpError("per-channel observer @")
             << obs.getSymName() << " sees " << dim << " channels on ch_axis "
             << axis << " here and " << channels << " elsewhere";
    channels = dim;
  }
  if (ShapedType::isDynamic(channels) && !uses.empty())
    return uses.front()->emitOpError("per-channel observer @")
           << obs.getSymName() << " needs a static size on ch_axis " << axis
           << " at one call site at least (its state is sized at compile time)";
  // Never called: PyTorch's per-channel buffers stay empty and
  // calculate_qparams answers scale [1.0], zero point [0].
  return ShapedType::isDynamic(channels) ? 1 : channels;
}

FailureOr<ObserverAnalysis> ObserverAnalysis::build(ModuleOp module) {
  ObserverAnalysis a;
  for (auto obs : module.getOps<ObserverOp>()) {
    a.index[obs.getSymName()] = a.entries.size();
    Entry e;
    e.op = obs;
    e.model = ObserverModel::get(obs);
    a.entries.push_back(std::move(e));
  }
  module.walk([&](Operation *op) {
    if (!isa<ObserveOp, FakeQuantizeOp>(op))
      return;
    auto sym = op->getAttrOfType<FlatSymbolRefAttr>("observer");
    auto it = a.index.find(sym.getValue());
    if (it != a.index.end())
      a.entries[it->second].uses.push_back(op);
  });

  bool ok = true;
  SmallVector<SmallVector<unsigned, 2>> deps(a.entries.size());
  for (auto [i, e] : llvm::enumerate(a.entries)) {
    if (e.model.isPerChannel() && e.model.kind != ObserverModel::Kind::Derived) {
      FailureOr<int64_t> c = channelCount(e.op, *e.model.chAxis, e.uses);
      if (failed(c))
        ok = false;
      else
        e.channels = *c;
    }
    for (FlatSymbolRefAttr from : e.model.derivedFrom) {
      auto it = a.index.find(from.getValue());
      if (it == a.index.end()) {
        e.op.emitOpError("derives from ")
            << from << ", which is not an observer (run qprep-resolve-sharing)";
        ok = false;
        continue;
      }
      e.sources.push_back(it->second);
      deps[i].push_back(it->second);
    }
  }
  if (!ok)
    return failure();
  SmallVector<unsigned> cycle;
  if (failed(orderDependencies(deps, a.order, cycle))) {
    // Long cycles are shown by their first members.
    constexpr size_t kShown = 8;
    InFlightDiagnostic diag = a.entries[cycle.front()].op.emitOpError(
        "derives its qparams from itself: ");
    for (unsigned i : ArrayRef<unsigned>(cycle).take_front(kShown))
      diag << "@" << a.entries[i].op.getSymName() << " -> ";
    if (cycle.size() > kShown)
      diag << "... (" << cycle.size() << " observers) -> ";
    diag << "@" << a.entries[cycle.front()].op.getSymName();
    for (unsigned i : ArrayRef<unsigned>(cycle).drop_front().take_front(kShown))
      diag.attachNote(a.entries[i].op.getLoc()) << "on the cycle";
    return diag;
  }

  // Derived observers broadcast their sources' channel counts.
  for (unsigned i : a.order) {
    Entry &e = a.entries[i];
    if (e.model.kind != ObserverModel::Kind::Derived)
      continue;
    int64_t c = 1;
    for (unsigned src : e.sources) {
      int64_t cc = a.entries[src].channels;
      if (cc != 1 && c != 1 && cc != c)
        return e.op.emitOpError("derives from observers with ")
               << c << " and " << cc << " channels";
      c = std::max(c, cc);
    }
    e.channels = c;
  }
  return a;
}
