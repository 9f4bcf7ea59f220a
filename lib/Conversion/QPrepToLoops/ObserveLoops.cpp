//===- ObserveLoops.cpp - observe ops to loops over observer state --------===//
//
// The patterns of convert-qprep-to-loops. Each qprep.observe /
// qprep.fake_quantize on a memref becomes loops that update the state its
// observer's #qprep.layout names, in place, where the op stood (so a shared
// observer's call sites update one state in program order, as PyTorch calls
// one stateful module once per call site):
//
// * contiguous (identity layout) values are read through a 1-D view with
//   vector<16xf32> loads and four independent accumulators (one accumulator
//   is bound by the min/max dependency chain; see
//   shared/research/toolchain.md); per channel, the value is seen as
//   [outer, C, inner]: inner runs are reduced as above, and for the last axis
//   (inner = 1) the running min/max of 16 channels at a time is updated with
//   vector ops — nothing is copied or transposed;
// * other layouts get one scalar loop per dimension in the value's own order.
//
// The histogram observer's per-element work (finite min/max, then torch.histc
// binning into int32 sub-histograms) is generated; the O(bins) merge is a
// call into the runtime (libQPrepRuntime).
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "qprep/Conversion/QPrepToLoops/QPrepToLoops.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Runtime/CalibrationABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::loops;

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

Value mlir::qprep::loops::toF32(OpBuilder &b, Location loc, Value v) {
  Type f32 = b.getF32Type();
  if (auto vt = dyn_cast<VectorType>(v.getType()))
    return vt.getElementType() == f32
               ? v
               : arith::ExtFOp::create(b, loc, vt.clone(f32), v).getResult();
  return v.getType() == f32 ? v : arith::ExtFOp::create(b, loc, f32, v);
}

Value mlir::qprep::loops::castTo(OpBuilder &b, Location loc, Value v, Type t) {
  return v.getType() == t ? v : memref::CastOp::create(b, loc, t, v);
}

SmallVector<Value> mlir::qprep::loops::emitFor(
    OpBuilder &b, Location loc, Value lb, Value ub, int64_t step,
    ValueRange init,
    function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, indexConst(b, loc, step), init,
      [&](OpBuilder &nb, Location, Value iv, ValueRange iters) {
        scf::YieldOp::create(nb, loc, body(nb, iv, iters));
      });
  return SmallVector<Value>(loop.getResults());
}

void mlir::qprep::loops::emitLoopNest(
    OpBuilder &b, Location loc, Value memref,
    function_ref<void(OpBuilder &, ValueRange)> body) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<Value> ivs;
  // One loop per dimension, outermost first; built iteratively: each level
  // opens a loop and continues inside its body.
  OpBuilder::InsertionGuard guard(b);
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Value ub = memref::DimOp::create(b, loc, memref, d);
    auto loop = scf::ForOp::create(b, loc, indexConst(b, loc, 0), ub,
                                   indexConst(b, loc, 1));
    ivs.push_back(loop.getInductionVar());
    b.setInsertionPoint(loop.getBody()->getTerminator());
  }
  body(b, ivs);
}

void mlir::qprep::loops::emitFill(OpBuilder &b, Location loc, Value memref,
                                  Value value) {
  emitLoopNest(b, loc, memref, [&](OpBuilder &nb, ValueRange ivs) {
    memref::StoreOp::create(nb, loc, value, memref, ivs);
  });
}

Value mlir::qprep::loops::arenaView(OpBuilder &b, Location loc,
                                   SymbolTableCollection &symbols,
                                   Operation *from, StringRef arena,
                                   int64_t offset, int64_t size) {
  auto global = symbols.lookupNearestSymbolFrom<memref::GlobalOp>(
      from, StringAttr::get(b.getContext(), arena));
  assert(global && "the state arenas are materialized first");
  Value whole = memref::GetGlobalOp::create(b, loc, global.getType(),
                                            global.getSymName());
  return memref::SubViewOp::create(
      b, loc, whole, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(size)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
}

MemRefType mlir::qprep::loops::dynamicViewType(Type elementType) {
  return MemRefType::get(
      {ShapedType::kDynamic}, elementType,
      StridedLayoutAttr::get(elementType.getContext(), ShapedType::kDynamic,
                             {1}));
}

Value mlir::qprep::loops::dynamicView(OpBuilder &b, Location loc, Value view) {
  return castTo(
      b, loc, view,
      dynamicViewType(cast<MemRefType>(view.getType()).getElementType()));
}

Value StateViews::min(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaMin, layout.getMin(),
                   channels());
}
Value StateViews::max(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaMax, layout.getMax(),
                   channels());
}
Value StateViews::hist(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaF32, layout.getHist(),
                   layout.getBins());
}
Value StateViews::range(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaF32, layout.getRange(),
                   2);
}
Value StateViews::counts(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaCounts,
                   layout.getCounts(), kHistCopies * (layout.getBins() + 1));
}
Value StateViews::scale(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaScale, layout.getScale(),
                   channels());
}
Value StateViews::zeroPoint(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaZeroPoint,
                   layout.getZeroPoint(), channels());
}
Value StateViews::zeroPointF(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaF32,
                   layout.getZeroPointF(), channels());
}
Value StateViews::status(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kArenaStatus,
                   layout.getStatus(), 1);
}
Value StateViews::name(OpBuilder &b, Location loc) const {
  return arenaView(b, loc, symbols, from, abi::kNames, layout.getName(),
                   layout.getObserver().size());
}

namespace {
/// A scratch buffer at the start of the enclosing allocation scope (the
/// function), so that an observer inside a loop does not grow the stack.
Value scopedAlloca(OpBuilder &b, Location loc, MemRefType type) {
  Operation *scope = b.getInsertionBlock()->getParentOp();
  while (!scope->hasTrait<OpTrait::AutomaticAllocationScope>())
    scope = scope->getParentOp();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&scope->getRegion(0).front());
  return memref::AllocaOp::create(b, loc, type);
}

Value numElements(OpBuilder &b, Location loc, Value memref) {
  Value n = indexConst(b, loc, 1);
  for (int64_t d = 0, e = cast<MemRefType>(memref.getType()).getRank(); d < e;
       ++d)
    n = mul(b, loc, n, memref::DimOp::create(b, loc, memref, d));
  return n;
}

/// Product of the sizes of dims [from, to).
Value dimProduct(OpBuilder &b, Location loc, Value memref, int64_t from,
                 int64_t to) {
  Value n = indexConst(b, loc, 1);
  for (int64_t d = from; d < to; ++d)
    n = mul(b, loc, n, memref::DimOp::create(b, loc, memref, d));
  return n;
}

/// The value as a 1-D memref when its layout is contiguous row-major.
Value flatView(OpBuilder &b, Location loc, Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  if (!type.getLayout().isIdentity() || type.getRank() == 0)
    return {};
  if (type.getRank() == 1)
    return memref;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return memref::CollapseShapeOp::create(b, loc, memref,
                                         ArrayRef<ReassociationIndices>{all});
}

/// Elementwise min/max of a value and an accumulator; with `finiteOnly`,
/// NaN and +-inf elements are ignored (they become +inf for the min and -inf
/// for the max); otherwise NaN propagates as in torch.aminmax.
std::pair<Value, Value> minMaxStep(OpBuilder &b, Location loc, Value v,
                                   Value accMin, Value accMax,
                                   bool finiteOnly) {
  Value forMin = v, forMax = v;
  if (finiteOnly) {
    Type t = v.getType();
    Value posInf = f32Const(b, loc, kInf), negInf = f32Const(b, loc, -kInf);
    if (auto vt = dyn_cast<VectorType>(t)) {
      posInf = splat(b, loc, vt, posInf);
      negInf = splat(b, loc, vt, negInf);
    }
    Value finite = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                         math::AbsFOp::create(b, loc, v),
                                         posInf);
    forMin = arith::SelectOp::create(b, loc, finite, v, posInf);
    forMax = arith::SelectOp::create(b, loc, finite, v, negInf);
  }
  return {arith::MinimumFOp::create(b, loc, accMin, forMin),
          arith::MaximumFOp::create(b, loc, accMax, forMax)};
}

/// min and max (f32 scalars) of flat[base, base + n): kAccumulators
/// independent vector accumulators over the bulk, a scalar tail.
std::pair<Value, Value> emitReduce1D(OpBuilder &b, Location loc, Value flat,
                                     Value base, Value n, bool finiteOnly) {
  Type elt = cast<MemRefType>(flat.getType()).getElementType();
  auto vecT = VectorType::get({kLanes}, elt);
  auto vecF = VectorType::get({kLanes}, b.getF32Type());
  const int64_t chunk = kLanes * kAccumulators;
  Value nMain = arith::SubIOp::create(
      b, loc, n, arith::RemUIOp::create(b, loc, n, indexConst(b, loc, chunk)));
  SmallVector<Value> init;
  for (int64_t k = 0; k < kAccumulators; ++k) {
    init.push_back(splat(b, loc, vecF, f32Const(b, loc, kInf)));
    init.push_back(splat(b, loc, vecF, f32Const(b, loc, -kInf)));
  }
  SmallVector<Value> accs = emitFor(
      b, loc, indexConst(b, loc, 0), nMain, chunk, init,
      [&](OpBuilder &nb, Value iv, ValueRange it) {
        SmallVector<Value> next;
        Value at = add(nb, loc, base, iv);
        for (int64_t k = 0; k < kAccumulators; ++k) {
          Value idx = add(nb, loc, at, indexConst(nb, loc, k * kLanes));
          Value v = toF32(nb, loc,
                          vector::LoadOp::create(nb, loc, vecT, flat, idx));
          auto [m, M] = minMaxStep(nb, loc, v, it[2 * k], it[2 * k + 1],
                                   finiteOnly);
          next.push_back(m);
          next.push_back(M);
        }
        return next;
      });
  Value vMin = accs[0], vMax = accs[1];
  for (int64_t k = 1; k < kAccumulators; ++k) {
    vMin = arith::MinimumFOp::create(b, loc, vMin, accs[2 * k]);
    vMax = arith::MaximumFOp::create(b, loc, vMax, accs[2 * k + 1]);
  }
  Value sMin = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::MINIMUMF, vMin);
  Value sMax = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::MAXIMUMF, vMax);
  SmallVector<Value> tail = emitFor(
      b, loc, nMain, n, 1, {sMin, sMax},
      [&](OpBuilder &nb, Value iv, ValueRange it) {
        Value v = toF32(nb, loc,
                        memref::LoadOp::create(
                            nb, loc, flat, ValueRange{add(nb, loc, base, iv)}));
        auto [m, M] = minMaxStep(nb, loc, v, it[0], it[1], finiteOnly);
        return SmallVector<Value>{m, M};
      });
  return {tail[0], tail[1]};
}

/// Per-channel (or, with no axis, whole-value) min/max of `input` into the
/// rank-1 buffers curMin/curMax, which hold +inf/-inf on entry.
void emitCurrentMinMax(OpBuilder &b, Location loc, Value input,
                       std::optional<int64_t> chAxis, Value curMin,
                       Value curMax) {
  auto type = cast<MemRefType>(input.getType());
  Value flat = flatView(b, loc, input);
  Value zero = indexConst(b, loc, 0);
  if (!flat) {
    // Any layout: one scalar loop per dimension, in memory order.
    emitLoopNest(b, loc, input, [&](OpBuilder &nb, ValueRange ivs) {
      Value v = toF32(nb, loc, memref::LoadOp::create(nb, loc, input, ivs));
      Value ch = chAxis ? ivs[*chAxis] : zero;
      Value m = memref::LoadOp::create(nb, loc, curMin, ch);
      Value M = memref::LoadOp::create(nb, loc, curMax, ch);
      auto [nm, nM] = minMaxStep(nb, loc, v, m, M, /*finiteOnly=*/false);
      memref::StoreOp::create(nb, loc, nm, curMin, ch);
      memref::StoreOp::create(nb, loc, nM, curMax, ch);
    });
    return;
  }
  int64_t rank = type.getRank();
  if (!chAxis) {
    auto [m, M] = emitReduce1D(b, loc, flat, zero, numElements(b, loc, input),
                               /*finiteOnly=*/false);
    memref::StoreOp::create(b, loc, m, curMin, zero);
    memref::StoreOp::create(b, loc, M, curMax, zero);
    return;
  }
  Value outer = dimProduct(b, loc, input, 0, *chAxis);
  Value channels = memref::DimOp::create(b, loc, input, *chAxis);
  if (*chAxis == rank - 1) {
    // Channels are contiguous: kLanes running channel minima per vector op.
    Type elt = type.getElementType();
    auto vecT = VectorType::get({kLanes}, elt);
    auto vecF = VectorType::get({kLanes}, b.getF32Type());
    Value cMain = arith::SubIOp::create(
        b, loc, channels,
        arith::RemUIOp::create(b, loc, channels, indexConst(b, loc, kLanes)));
    emitFor(b, loc, zero, outer, 1, {}, [&](OpBuilder &ob, Value o, ValueRange) {
      Value row = mul(ob, loc, o, channels);
      emitFor(ob, loc, indexConst(ob, loc, 0), cMain, kLanes, {},
              [&](OpBuilder &nb, Value c, ValueRange) {
                Value v = toF32(nb, loc,
                                vector::LoadOp::create(nb, loc, vecT, flat,
                                                       add(nb, loc, row, c)));
                Value m = vector::LoadOp::create(nb, loc, vecF, curMin, c);
                Value M = vector::LoadOp::create(nb, loc, vecF, curMax, c);
                auto [nm, nM] = minMaxStep(nb, loc, v, m, M, false);
                vector::StoreOp::create(nb, loc, nm, curMin, c);
                vector::StoreOp::create(nb, loc, nM, curMax, c);
                return SmallVector<Value>{};
              });
      emitFor(ob, loc, cMain, channels, 1, {},
              [&](OpBuilder &nb, Value c, ValueRange) {
                Value v = toF32(nb, loc,
                                memref::LoadOp::create(
                                    nb, loc, flat,
                                    ValueRange{add(nb, loc, row, c)}));
                Value m = memref::LoadOp::create(nb, loc, curMin, c);
                Value M = memref::LoadOp::create(nb, loc, curMax, c);
                auto [nm, nM] = minMaxStep(nb, loc, v, m, M, false);
                memref::StoreOp::create(nb, loc, nm, curMin, c);
                memref::StoreOp::create(nb, loc, nM, curMax, c);
                return SmallVector<Value>{};
              });
      return SmallVector<Value>{};
    });
    return;
  }
  // [outer, C, inner] with contiguous inner runs, each reduced by vectors.
  Value inner = dimProduct(b, loc, input, *chAxis + 1, rank);
  emitFor(b, loc, zero, outer, 1, {}, [&](OpBuilder &ob, Value o, ValueRange) {
    emitFor(ob, loc, indexConst(ob, loc, 0), channels, 1, {},
            [&](OpBuilder &nb, Value c, ValueRange) {
              Value base =
                  mul(nb, loc, add(nb, loc, mul(nb, loc, o, channels), c),
                      inner);
              auto [m, M] = emitReduce1D(nb, loc, flat, base, inner, false);
              Value sm = memref::LoadOp::create(nb, loc, curMin, c);
              Value sM = memref::LoadOp::create(nb, loc, curMax, c);
              memref::StoreOp::create(
                  nb, loc, arith::MinimumFOp::create(nb, loc, sm, m), curMin,
                  c);
              memref::StoreOp::create(
                  nb, loc, arith::MaximumFOp::create(nb, loc, sM, M), curMax,
                  c);
              return SmallVector<Value>{};
            });
    return SmallVector<Value>{};
  });
}

//===----------------------------------------------------------------------===//
// Observe ops
//===----------------------------------------------------------------------===//

/// A per-channel call site whose channel count is dynamic: the state has
/// `channels` entries, and a value with another count would index past it.
/// PyTorch raises a shape error there; the runtime records the error (the
/// caller takes it after the call) and the update is skipped (the guard in
/// the pattern below).
void emitChannelCheck(OpBuilder &b, Location loc, Value input,
                      const ObserverModel &model, const StateViews &state) {
  ObserverLayoutAttr layout = state.getLayout();
  Value dim = memref::DimOp::create(b, loc, input, *model.chAxis);
  Value bad = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, dim,
                                    indexConst(b, loc, layout.getChannels()));
  auto ifBad = scf::IfOp::create(b, loc, bad, /*withElseRegion=*/false);
  OpBuilder eb = ifBad.getThenBodyBuilder();
  Type i64 = eb.getI64Type();
  func::CallOp::create(
      eb, loc, abi::kRtChannelMismatch, TypeRange{},
      ValueRange{dynamicView(eb, loc, state.name(eb, loc)),
                 intConst(eb, loc, i64, *model.chAxis),
                 intConst(eb, loc, i64, layout.getChannels()),
                 arith::IndexCastOp::create(eb, loc, i64, dim)});
}

/// min/max family: reduce, then fold into the state.
void emitMinMaxUpdate(OpBuilder &b, Location loc, Value input,
                      const ObserverModel &model, const StateViews &state) {
  auto stateType = MemRefType::get({state.channels()}, b.getF32Type());
  Value posInf = f32Const(b, loc, kInf), negInf = f32Const(b, loc, -kInf);
  std::optional<int64_t> chAxis = model.chAxis;
  Value curMin = scopedAlloca(b, loc, stateType);
  Value curMax = scopedAlloca(b, loc, stateType);
  emitFill(b, loc, curMin, posInf);
  emitFill(b, loc, curMax, negInf);
  emitCurrentMinMax(b, loc, input, chAxis, curMin, curMax);

  // numel == 0: PyTorch skips the tensor.
  Value nonEmpty =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                            numElements(b, loc, input), indexConst(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, nonEmpty, /*withElseRegion=*/false);
  OpBuilder tb = ifOp.getThenBodyBuilder();
  Value gMin = state.min(tb, loc);
  Value gMax = state.max(tb, loc);
  emitLoopNest(tb, loc, curMin, [&](OpBuilder &nb, ValueRange ivs) {
    Value cm = memref::LoadOp::create(nb, loc, curMin, ivs);
    Value cM = memref::LoadOp::create(nb, loc, curMax, ivs);
    Value sm = memref::LoadOp::create(nb, loc, gMin, ivs);
    Value sM = memref::LoadOp::create(nb, loc, gMax, ivs);
    // Nothing seen yet: state is still +inf / -inf.
    Value fresh = arith::AndIOp::create(
        nb, loc,
        arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OEQ, sm, posInf),
        arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OEQ, sM, negInf));
    Value newMin, newMax;
    if (model.averagingConstant > 0.0) {
      // state + c * (current - state), in float32.
      Value c = f32Const(nb, loc, static_cast<float>(model.averagingConstant));
      auto ema = [&](Value s, Value cur) -> Value {
        Value diff = arith::SubFOp::create(nb, loc, cur, s);
        return arith::AddFOp::create(nb, loc, s,
                                     arith::MulFOp::create(nb, loc, c, diff));
      };
      newMin = ema(sm, cm);
      newMax = ema(sM, cM);
    } else {
      newMin = arith::MinimumFOp::create(nb, loc, sm, cm);
      newMax = arith::MaximumFOp::create(nb, loc, sM, cM);
    }
    newMin = arith::SelectOp::create(nb, loc, fresh, cm, newMin);
    newMax = arith::SelectOp::create(nb, loc, fresh, cM, newMax);
    memref::StoreOp::create(nb, loc, newMin, gMin, ivs);
    memref::StoreOp::create(nb, loc, newMax, gMax, ivs);
  });
}

/// Histogram: finite min/max (vector loop), the binning range from the
/// runtime, torch.histc binning into int32 sub-histograms (vector position
/// arithmetic, scalar increments), then the runtime's merge.
void emitHistogramUpdate(OpBuilder &b, Location loc, Value input,
                         const StateViews &state) {
  ObserverLayoutAttr layout = state.getLayout();
  Value flat = flatView(b, loc, input);
  Value zero = indexConst(b, loc, 0);
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  int64_t bins = layout.getBins();
  Value n = numElements(b, loc, input);
  auto [xmin, xmax] = emitReduce1D(b, loc, flat, zero, n, /*finiteOnly=*/true);
  // Nothing finite (or empty): PyTorch skips the batch.
  Value any = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, xmin,
                                    xmax);
  auto ifOp = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
  OpBuilder tb = ifOp.getThenBodyBuilder();
  // The runtime takes dynamic-size views of the state.
  auto dynamic = [&](Value v) { return dynamicView(tb, loc, v); };
  Value gMin = state.min(tb, loc), gMax = state.max(tb, loc);
  Value hist = state.hist(tb, loc), range = state.range(tb, loc);
  Value counts = state.counts(tb, loc);
  func::CallOp::create(tb, loc, abi::kRtHistogramRange, TypeRange{},
                       ValueRange{dynamic(gMin), dynamic(gMax), xmin, xmax,
                                  intConst(tb, loc, tb.getI64Type(), bins),
                                  dynamic(range)});
  Value lo = memref::LoadOp::create(tb, loc, range, ValueRange{zero});
  Value hi = memref::LoadOp::create(tb, loc, range,
                                    ValueRange{indexConst(tb, loc, 1)});
  // pos = int((x - lo) * bins / (hi - lo)) in float32 (torch.histc), clamped
  // to [0, bins - 1] before the conversion, whatever the data: x == hi goes
  // to the last bin; a product that overflows to +inf is recomputed as
  // (x - lo) / (hi - lo) * bins (torch 1.13's form); NaN (0 / 0 on a range
  // that float32 cannot widen, inf / inf) goes to bin 0, where PyTorch's
  // NaN -> int64 conversion puts it on x86 (docs/Calibration.md). Outside
  // [lo, hi] or NaN input -> the discarded slot `bins`.
  Value width = arith::SubFOp::create(tb, loc, hi, lo);
  Value binsF = f32Const(tb, loc, static_cast<float>(bins));
  Value lastF = f32Const(tb, loc, static_cast<float>(bins - 1));
  Value zeroF = f32Const(tb, loc, 0.0f), infF = f32Const(tb, loc, kInf);
  Value binsI = intConst(tb, loc, i32, bins);
  Value one = intConst(tb, loc, i32, 1);
  auto position = [&](OpBuilder &nb, Value v, Value loV, Value hiV, Value wV,
                      Value bF, Value bI, Value lF, Value zF,
                      Value iF) -> Value {
    Value inside = arith::AndIOp::create(
        nb, loc, arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OGE, v, loV),
        arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OLE, v, hiV));
    Value offset = arith::SubFOp::create(nb, loc, v, loV);
    Value t = arith::DivFOp::create(
        nb, loc, arith::MulFOp::create(nb, loc, offset, bF), wV);
    Value overflow =
        arith::CmpFOp::create(nb, loc, arith::CmpFPredicate::OEQ, t, iF);
    Value t13 = arith::MulFOp::create(
        nb, loc, arith::DivFOp::create(nb, loc, offset, wV), bF);
    t = arith::SelectOp::create(nb, loc, overflow, t13, t);
    // maxnumf: NaN -> 0; then the last bin at most.
    t = arith::MinNumFOp::create(nb, loc,
                                 arith::MaxNumFOp::create(nb, loc, t, zF), lF);
    Type it = isa<VectorType>(v.getType())
                  ? Type(cast<VectorType>(v.getType()).clone(i32))
                  : i32;
    Value pos = arith::FPToSIOp::create(nb, loc, it, t);
    return arith::SelectOp::create(nb, loc, inside, pos, bI);
  };
  auto increment = [&](OpBuilder &nb, Value pos, int64_t copy) {
    Value idx = arith::IndexCastOp::create(nb, loc, nb.getIndexType(), pos);
    idx = add(nb, loc, idx, indexConst(nb, loc, copy * (bins + 1)));
    Value c = memref::LoadOp::create(nb, loc, counts, ValueRange{idx});
    memref::StoreOp::create(nb, loc, arith::AddIOp::create(nb, loc, c, one),
                            counts, ValueRange{idx});
  };
  auto vecF = VectorType::get({kLanes}, f32);
  auto vecI = VectorType::get({kLanes}, i32);
  Value nMain = arith::SubIOp::create(
      tb, loc, n, arith::RemUIOp::create(tb, loc, n, indexConst(tb, loc, kLanes)));
  Value loV = splat(tb, loc, vecF, lo), hiV = splat(tb, loc, vecF, hi);
  Value wV = splat(tb, loc, vecF, width), bFV = splat(tb, loc, vecF, binsF);
  Value bIV = splat(tb, loc, vecI, binsI), lFV = splat(tb, loc, vecF, lastF);
  Value zFV = splat(tb, loc, vecF, zeroF), iFV = splat(tb, loc, vecF, infF);
  emitFor(tb, loc, zero, nMain, kLanes, {},
          [&](OpBuilder &nb, Value iv, ValueRange) {
            Value v = vector::LoadOp::create(nb, loc, vecF, flat, iv);
            Value pos =
                position(nb, v, loV, hiV, wV, bFV, bIV, lFV, zFV, iFV);
            for (int64_t lane = 0; lane < kLanes; ++lane)
              increment(nb,
                        vector::ExtractOp::create(nb, loc, pos,
                                                  ArrayRef<int64_t>{lane}),
                        lane % kHistCopies);
            return SmallVector<Value>{};
          });
  emitFor(tb, loc, nMain, n, 1, {}, [&](OpBuilder &nb, Value iv, ValueRange) {
    Value v = memref::LoadOp::create(nb, loc, flat, ValueRange{iv});
    increment(nb,
              position(nb, v, lo, hi, width, binsF, binsI, lastF, zeroF, infF),
              0);
    return SmallVector<Value>{};
  });
  func::CallOp::create(tb, loc, abi::kRtHistogramMerge, TypeRange{},
                       ValueRange{dynamic(hist), dynamic(gMin), dynamic(gMax),
                                  dynamic(counts), xmin, xmax});
}

/// Fake-quantizes `input` in place with the observer's current qparams:
/// PyTorch's fake_quantize_per_{tensor,channel}_affine,
///   out = (clamp(zp + round_half_even(x * (1 / scale)), qmin, qmax) - zp)
///         * scale,
/// with the last product in double as the kernel does (it is then exact).
/// Float qparams (per_channel_affine_float_qparams) add zp before rounding.
/// Non-finite inputs: +-inf saturate to qmax/qmin, NaN stays NaN (PyTorch's
/// int64 cast makes all of them qmin on x86).
void emitFakeQuantize(OpBuilder &b, Location loc, Value input,
                      const ObserverModel &model, const StateViews &state) {
  Type f32 = b.getF32Type(), f64 = b.getF64Type();
  // The observer's qparams from its current state.
  emitComputeQParams(b, loc, model, state);
  Value scales = state.scale(b, loc);
  Value zps = state.zeroPoint(b, loc);
  Value zpsF = state.zeroPointF(b, loc);
  Value qmin = f32Const(b, loc, static_cast<float>(model.quantMin));
  Value qmax = f32Const(b, loc, static_cast<float>(model.quantMax));
  Value oneF = f32Const(b, loc, 1.0f);
  Value zero = indexConst(b, loc, 0);
  bool perChannel = model.chAxis && state.channels() > 1;
  emitLoopNest(b, loc, input, [&](OpBuilder &nb, ValueRange ivs) {
    Value ch = perChannel ? ivs[*model.chAxis] : zero;
    Value x = memref::LoadOp::create(nb, loc, input, ivs);
    Type elt = x.getType();
    x = toF32(nb, loc, x);
    Value scale = memref::LoadOp::create(nb, loc, scales, ch);
    Value inv = arith::DivFOp::create(nb, loc, oneF, scale);
    Value out;
    if (model.hasFloatQParams()) {
      Value zp = memref::LoadOp::create(nb, loc, zpsF, ch);
      Value q = math::RoundEvenOp::create(
          nb, loc,
          arith::AddFOp::create(nb, loc, arith::MulFOp::create(nb, loc, x, inv),
                                zp));
      q = arith::MinimumFOp::create(
          nb, loc, arith::MaximumFOp::create(nb, loc, q, qmin), qmax);
      out = arith::MulFOp::create(nb, loc, arith::SubFOp::create(nb, loc, q, zp),
                                  scale);
    } else {
      Value zp = memref::LoadOp::create(nb, loc, zps, ch);
      Value r = math::RoundEvenOp::create(
          nb, loc, arith::MulFOp::create(nb, loc, x, inv));
      Value q = arith::AddFOp::create(
          nb, loc, arith::SIToFPOp::create(nb, loc, f32, zp), r);
      q = arith::MinimumFOp::create(
          nb, loc, arith::MaximumFOp::create(nb, loc, q, qmin), qmax);
      Value d = arith::SubFOp::create(
          nb, loc, arith::ExtFOp::create(nb, loc, f64, q),
          arith::SIToFPOp::create(nb, loc, f64, zp));
      out = arith::TruncFOp::create(
          nb, loc, f32,
          arith::MulFOp::create(nb, loc, d,
                                arith::ExtFOp::create(nb, loc, f64, scale)));
    }
    if (elt != f32)
      out = arith::TruncFOp::create(nb, loc, elt, out);
    memref::StoreOp::create(nb, loc, out, input, ivs);
  });
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

/// qprep.observe / qprep.fake_quantize on a memref whose observer carries a
/// #qprep.layout: the update loops (and the quantize-dequantize), then the op
/// is replaced by its operand.
template <typename OpTy>
struct LowerObserveLike : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value input = op.getInput();
    if (!isa<MemRefType>(input.getType()))
      return rewriter.notifyMatchFailure(op, "observes a tensor");
    auto obs = symbols.lookupNearestSymbolFrom<ObserverOp>(
        op, op.getObserverAttr());
    auto layout = obs ? obs->template getAttrOfType<ObserverLayoutAttr>(
                            QPrepDialect::getLayoutAttrName())
                      : ObserverLayoutAttr();
    if (!layout)
      return rewriter.notifyMatchFailure(
          op, "the observer has no qprep.layout (materialize the state first)");
    ObserverModel model = ObserverModel::get(obs);
    constexpr bool isFakeQuant = std::is_same_v<OpTy, FakeQuantizeOp>;
    if (isFakeQuant && (!model.hasQParams() ||
                        model.kind == ObserverModel::Kind::Derived))
      return rewriter.notifyMatchFailure(
          op, "fake-quantizes with an observer that has no qparams");
    Location loc = op.getLoc();
    OpBuilder::InsertionGuard guard(rewriter);
    StateViews state(symbols, op, layout);
    if (layout.getGuarded()) {
      // A module with run-time checks: check this site, then update only if
      // no check has failed in this call.
      if (model.chAxis &&
          cast<MemRefType>(input.getType()).isDynamicDim(*model.chAxis))
        emitChannelCheck(rewriter, loc, input, model, state);
      Type i32 = rewriter.getI32Type();
      Value failed = func::CallOp::create(rewriter, loc, abi::kRtFailed,
                                          TypeRange{i32}, ValueRange{})
                         .getResult(0);
      Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                       failed, intConst(rewriter, loc, i32, 0));
      auto ifOk = scf::IfOp::create(rewriter, loc, ok, /*withElseRegion=*/false);
      rewriter.setInsertionPoint(ifOk.thenBlock()->getTerminator());
    }
    if (model.kind == ObserverModel::Kind::MinMax)
      emitMinMaxUpdate(rewriter, loc, input, model, state);
    if (model.kind == ObserverModel::Kind::Histogram)
      emitHistogramUpdate(rewriter, loc, input, state);
    if (isFakeQuant)
      emitFakeQuantize(rewriter, loc, input, model, state);
    rewriter.replaceOp(op, input);
    return success();
  }

  /// Observers and arenas are looked up often; the module's symbol table is
  /// built once.
  mutable SymbolTableCollection symbols;
};
} // namespace

void mlir::qprep::populateQPrepToLoopsPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerObserveLike<ObserveOp>, LowerObserveLike<FakeQuantizeOp>>(
      patterns.getContext());
}
