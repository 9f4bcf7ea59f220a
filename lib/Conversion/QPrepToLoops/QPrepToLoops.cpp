//===- QPrepToLoops.cpp - observers to state globals and vector loops -----===//
//
// Observer state lives in memref globals so that every call site of a shared
// observer updates one state, in program order (PyTorch calls one stateful
// module once per call site). Each observe op becomes loops over its memref:
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
// binning into int32 sub-histograms) is generated; the O(bins) merge and the
// L2 search are calls into the runtime (libQPrepRuntime), as are
// calculate_qparams. Generated entry points (llvm.emit_c_interface):
// qprep_reset, qprep_stats_<obs>, qprep_histogram_<obs>, qprep_qparams_<obs>.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Passes.h"
#include "qprep/Dialect/QPrep/IR/QPrepOps.h"
#include "qprep/Runtime/QPrepRuntime.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <limits>

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_CONVERTQPREPTOLOOPSPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

namespace {
/// f32 lanes per vector (16: one AVX-512 register; two AVX2 ones elsewhere)
/// and independent accumulators per reduction. Measured in
/// bench/calib_bench.py: 16 x 4 reaches the C++ -O3 loop, 8 x 4 does not,
/// 16 x 8 is no better.
constexpr int64_t kLanes = 16;
constexpr int64_t kAccumulators = 4;
/// int32 sub-histograms a histogram update spreads its increments over, so
/// that repeated hits of one bin do not form one long dependency chain.
constexpr int64_t kHistCopies = 4;
constexpr float kInf = std::numeric_limits<float>::infinity();

enum class StateKind { MinMax, Histogram, Fixed, Derived, Placeholder };

/// The lowered form of one observer.
struct ObserverState {
  ObserverOp obs;
  StateKind kind = StateKind::Placeholder;
  int64_t channels = 1;
  std::optional<int64_t> chAxis;
  double averagingConstant = 0.0; // 0: plain min/max
  int64_t bins = 0;
  memref::GlobalOp minG, maxG, histG, countsG, rangeG;
  /// The observer's name as i8 (for run-time errors), when needed.
  memref::GlobalOp nameG;
  func::FuncOp qparamsFn;
  /// The range fake-quantization clamps to.
  int64_t quantMin = 0, quantMax = 0;
  bool floatQParams = false;
};

struct ConvertQPrepToLoopsPass
    : public qprep::impl::ConvertQPrepToLoopsPassBase<ConvertQPrepToLoopsPass> {
  using Base::Base;
  void runOnOperation() override;
};

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

Value f32Const(OpBuilder &b, Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}
Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value intConst(OpBuilder &b, Location loc, Type t, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}
Value splat(OpBuilder &b, Location loc, VectorType t, Value scalar) {
  return vector::BroadcastOp::create(b, loc, t, scalar);
}
Value getGlobal(OpBuilder &b, Location loc, memref::GlobalOp g) {
  return memref::GetGlobalOp::create(b, loc, g.getType(), g.getSymName());
}
Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
Value toF32(OpBuilder &b, Location loc, Value v) {
  Type f32 = b.getF32Type();
  if (auto vt = dyn_cast<VectorType>(v.getType()))
    return vt.getElementType() == f32
               ? v
               : arith::ExtFOp::create(b, loc, vt.clone(f32), v).getResult();
  return v.getType() == f32 ? v : arith::ExtFOp::create(b, loc, f32, v);
}

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

/// A counted loop [lb, ub) step `step` with loop-carried values.
SmallVector<Value>
emitFor(OpBuilder &b, Location loc, Value lb, Value ub, int64_t step,
        ValueRange init,
        function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body) {
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, indexConst(b, loc, step), init,
      [&](OpBuilder &nb, Location, Value iv, ValueRange iters) {
        scf::YieldOp::create(nb, loc, body(nb, iv, iters));
      });
  return SmallVector<Value>(loop.getResults());
}

/// A loop nest over every element of `memref`; `body` gets the indices.
void emitLoopNest(OpBuilder &b, Location loc, Value memref,
                  function_ref<void(OpBuilder &, ValueRange)> body) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<Value> ivs;
  std::function<void(OpBuilder &, unsigned)> nest = [&](OpBuilder &nb,
                                                        unsigned d) {
    if (d == type.getRank()) {
      body(nb, ivs);
      return;
    }
    Value ub = memref::DimOp::create(nb, loc, memref, d);
    emitFor(nb, loc, indexConst(nb, loc, 0), ub, 1, {},
            [&](OpBuilder &lb, Value iv, ValueRange) {
              ivs.push_back(iv);
              nest(lb, d + 1);
              ivs.pop_back();
              return SmallVector<Value>{};
            });
  };
  nest(b, 0);
}

/// Fills a rank-1 memref with `value`.
void emitFill(OpBuilder &b, Location loc, Value memref, Value value) {
  emitLoopNest(b, loc, memref, [&](OpBuilder &nb, ValueRange ivs) {
    memref::StoreOp::create(nb, loc, value, memref, ivs);
  });
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
  Value sMin = vector::ReductionOp::create(b, loc, vector::CombiningKind::MINIMUMF,
                                           vMin);
  Value sMax = vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXIMUMF,
                                           vMax);
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
    // Channels are contiguous: 8 running channel minima per vector op.
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
/// caller takes it after the call) and the update is skipped (see the guard
/// in runOnOperation).
void emitChannelCheck(OpBuilder &b, Location loc, Value input,
                      const ObserverState &state, func::FuncOp mismatchFn) {
  Value dim = memref::DimOp::create(b, loc, input, *state.chAxis);
  Value bad = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, dim,
                                    indexConst(b, loc, state.channels));
  auto ifBad = scf::IfOp::create(b, loc, bad, /*withElseRegion=*/false);
  OpBuilder eb = ifBad.getThenBodyBuilder();
  Type i64 = eb.getI64Type();
  func::CallOp::create(
      eb, loc, mismatchFn,
      ValueRange{memref::CastOp::create(
                     eb, loc,
                     MemRefType::get({ShapedType::kDynamic}, eb.getI8Type()),
                     getGlobal(eb, loc, state.nameG)),
                 intConst(eb, loc, i64, *state.chAxis),
                 intConst(eb, loc, i64, state.channels),
                 arith::IndexCastOp::create(eb, loc, i64, dim)});
}

/// min/max family: reduce, then fold into the state.
void emitMinMaxUpdate(OpBuilder &b, Location loc, Value input,
                      const ObserverState &state) {
  Type f32 = b.getF32Type();
  auto stateType = MemRefType::get({state.channels}, f32);
  Value posInf = f32Const(b, loc, kInf), negInf = f32Const(b, loc, -kInf);
  Value curMin = scopedAlloca(b, loc, stateType);
  Value curMax = scopedAlloca(b, loc, stateType);
  emitFill(b, loc, curMin, posInf);
  emitFill(b, loc, curMax, negInf);
  emitCurrentMinMax(b, loc, input, state.chAxis, curMin, curMax);

  // numel == 0: PyTorch skips the tensor.
  Value nonEmpty =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                            numElements(b, loc, input), indexConst(b, loc, 0));
  auto ifOp = scf::IfOp::create(b, loc, nonEmpty, /*withElseRegion=*/false);
  OpBuilder tb = ifOp.getThenBodyBuilder();
  Value gMin = getGlobal(tb, loc, state.minG);
  Value gMax = getGlobal(tb, loc, state.maxG);
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
    if (state.averagingConstant > 0.0) {
      // state + c * (current - state), in float32.
      Value c = f32Const(nb, loc, static_cast<float>(state.averagingConstant));
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
                         const ObserverState &state, func::FuncOp rangeFn,
                         func::FuncOp mergeFn) {
  Value flat = flatView(b, loc, input);
  Value zero = indexConst(b, loc, 0);
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  Value n = numElements(b, loc, input);
  auto [xmin, xmax] = emitReduce1D(b, loc, flat, zero, n, /*finiteOnly=*/true);
  // Nothing finite (or empty): PyTorch skips the batch.
  Value any = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, xmin,
                                    xmax);
  auto ifOp = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
  OpBuilder tb = ifOp.getThenBodyBuilder();
  // The runtime takes dynamic-size views of the state.
  auto dynamic = [&](memref::GlobalOp g) -> Value {
    auto t = MemRefType::get({ShapedType::kDynamic},
                             g.getType().getElementType());
    return memref::CastOp::create(tb, loc, t, getGlobal(tb, loc, g));
  };
  Value gMin = dynamic(state.minG), gMax = dynamic(state.maxG);
  Value range = getGlobal(tb, loc, state.rangeG);
  Value counts = getGlobal(tb, loc, state.countsG);
  func::CallOp::create(tb, loc, rangeFn,
                       ValueRange{gMin, gMax, xmin, xmax,
                                  intConst(tb, loc, tb.getI64Type(), state.bins),
                                  dynamic(state.rangeG)});
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
  Value binsF = f32Const(tb, loc, static_cast<float>(state.bins));
  Value lastF = f32Const(tb, loc, static_cast<float>(state.bins - 1));
  Value zeroF = f32Const(tb, loc, 0.0f), infF = f32Const(tb, loc, kInf);
  Value binsI = intConst(tb, loc, i32, state.bins);
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
    idx = add(nb, loc, idx, indexConst(nb, loc, copy * (state.bins + 1)));
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
  func::CallOp::create(tb, loc, mergeFn,
                       ValueRange{dynamic(state.histG), gMin, gMax,
                                  dynamic(state.countsG), xmin, xmax});
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
                      const ObserverState &state) {
  Type f32 = b.getF32Type(), f64 = b.getF64Type(), i64 = b.getI64Type();
  int64_t c = state.channels;
  Value scales = scopedAlloca(b, loc, MemRefType::get({c}, f32));
  Value zps = scopedAlloca(b, loc, MemRefType::get({c}, i64));
  Value zpsF = scopedAlloca(b, loc, MemRefType::get({c}, f32));
  emitFill(b, loc, scales, f32Const(b, loc, 1.0f));
  emitFill(b, loc, zps, intConst(b, loc, i64, 0));
  emitFill(b, loc, zpsF, f32Const(b, loc, 0.0f));
  func::CallOp::create(b, loc, state.qparamsFn, ValueRange{scales, zps, zpsF});
  Value qmin = f32Const(b, loc, static_cast<float>(state.quantMin));
  Value qmax = f32Const(b, loc, static_cast<float>(state.quantMax));
  Value oneF = f32Const(b, loc, 1.0f);
  Value zero = indexConst(b, loc, 0);
  emitLoopNest(b, loc, input, [&](OpBuilder &nb, ValueRange ivs) {
    Value ch = state.chAxis && state.channels > 1 ? ivs[*state.chAxis] : zero;
    Value x = memref::LoadOp::create(nb, loc, input, ivs);
    Type elt = x.getType();
    x = toF32(nb, loc, x);
    Value scale = memref::LoadOp::create(nb, loc, scales, ch);
    Value inv = arith::DivFOp::create(nb, loc, oneF, scale);
    Value out;
    if (state.floatQParams) {
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
// Observer analysis
//===----------------------------------------------------------------------===//

int32_t dtypeKind(Type dtype) {
  auto intTy = dyn_cast<IntegerType>(dtype);
  if (intTy && intTy.isUnsigned())
    return intTy.getWidth() == 8 ? QPREP_DTYPE_U8
           : intTy.getWidth() == 16 ? QPREP_DTYPE_U16
                                    : QPREP_DTYPE_OTHER;
  return QPREP_DTYPE_OTHER;
}

/// The channel count of a per-channel observer: the static size of ch_axis,
/// the same at every call site that has one. Call sites where it is dynamic
/// are checked when they run (see emitMinMaxUpdate); at least one site must
/// make it static, since the state is sized at compile time.
LogicalResult channelCount(ObserverOp obs, int64_t axis,
                           ArrayRef<Operation *> uses, int64_t &channels) {
  channels = ShapedType::kDynamic;
  for (Operation *op : uses) {
    auto type = cast<MemRefType>(op->getOperand(0).getType());
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
  if (ShapedType::isDynamic(channels))
    channels = 1;
  return success();
}
} // namespace

void ConvertQPrepToLoopsPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = module.getContext();
  SymbolTable symbolTable(module);
  OpBuilder b(ctx);
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  Location loc = module.getLoc();

  // Observe-like ops per observer, in program order.
  llvm::MapVector<Operation *, SmallVector<Operation *>> uses;
  for (auto obs : module.getOps<ObserverOp>())
    uses[obs];
  bool ok = true;
  module.walk([&](Operation *op) {
    if (!isa<ObserveOp, FakeQuantizeOp>(op))
      return;
    if (!isa<MemRefType>(op->getOperand(0).getType())) {
      op->emitOpError("observes a tensor: run one-shot-bufferize first");
      ok = false;
      return;
    }
    auto sym = op->getAttrOfType<FlatSymbolRefAttr>("observer");
    uses[symbolTable.lookup<ObserverOp>(sym.getValue())].push_back(op);
  });
  if (!ok)
    return signalPassFailure();

  // What each observer becomes.
  llvm::MapVector<StringRef, ObserverState> states;
  for (auto &[op, opUses] : uses) {
    auto obs = cast<ObserverOp>(op);
    ObserverState s;
    s.obs = obs;
    Attribute spec = obs.getSpec();
    if (auto q = dyn_cast<QSpecAttr>(spec)) {
      ObserverAttr o = q.getObserver();
      std::tie(s.quantMin, s.quantMax) = q.getEffectiveRange();
      s.floatQParams = q.getEffectiveQScheme() ==
                       QScheme::per_channel_affine_float_qparams;
      switch (o.getKind()) {
      case ObserverKind::placeholder:
        s.kind = StateKind::Placeholder;
        break;
      case ObserverKind::histogram: {
        s.kind = StateKind::Histogram;
        s.bins = o.getBins();
        if (o.getUpsampleRate() != ObserverAttr::getDefaultUpsampleRate()) {
          obs.emitOpError("has a histogram observer with upsample_rate = ")
              << o.getUpsampleRate()
              << "; the current PyTorch algorithm (and qprep) uses 16";
          ok = false;
        }
        for (Operation *u : opUses) {
          auto t = cast<MemRefType>(u->getOperand(0).getType());
          if (!t.getElementType().isF32() || !t.getLayout().isIdentity() ||
              t.getRank() == 0) {
            u->emitOpError("histogram observer @")
                << obs.getSymName()
                << " needs a contiguous f32 memref of rank >= 1, got "
                << t;
            ok = false;
          }
        }
        break;
      }
      default:
        s.kind = StateKind::MinMax;
        if (o.isMovingAverage())
          s.averagingConstant = o.getAveragingConstant().convertToDouble();
        s.chAxis = obs.getChannelAxis();
        if (s.chAxis && failed(channelCount(obs, *s.chAxis, opUses,
                                            s.channels)))
          ok = false;
        break;
      }
    } else if (auto fx = dyn_cast<FixedQSpecAttr>(spec)) {
      s.kind = StateKind::Fixed;
      std::tie(s.quantMin, s.quantMax) = calculateQMinQMax(
          fx.getDtype(), fx.getQuantMin(), fx.getQuantMax(), false);
    } else if (isa<DerivedQSpecAttr>(spec)) {
      s.kind = StateKind::Derived;
    }
    if (s.kind == StateKind::Derived || s.kind == StateKind::Placeholder)
      for (Operation *u : opUses)
        if (isa<FakeQuantizeOp>(u)) {
          u->emitOpError("fake-quantizes with observer @")
              << obs.getSymName()
              << ", which has no qparams to quantize with (derived or "
                 "placeholder)";
          ok = false;
        }
    states[obs.getSymName()] = s;
  }
  if (!ok)
    return signalPassFailure();

  // Derived observers: channel count from their sources (broadcast).
  std::function<FailureOr<int64_t>(ObserverState &, unsigned)> derivedChannels =
      [&](ObserverState &s, unsigned depth) -> FailureOr<int64_t> {
    if (s.kind != StateKind::Derived)
      return s.channels;
    if (depth > states.size())
      return s.obs.emitOpError("derives its qparams from itself");
    auto d = cast<DerivedQSpecAttr>(s.obs.getSpec());
    int64_t c = 1;
    for (Attribute from : d.getDerivedFrom()) {
      auto sym = dyn_cast<FlatSymbolRefAttr>(from);
      if (!sym || !states.count(sym.getValue()))
        return s.obs.emitOpError("derives from ")
               << from << ", which is not an observer (run qprep-resolve-sharing)";
      FailureOr<int64_t> cc = derivedChannels(states[sym.getValue()], depth + 1);
      if (failed(cc))
        return failure();
      if (*cc != 1 && c != 1 && *cc != c)
        return s.obs.emitOpError("derives from observers with ")
               << c << " and " << *cc << " channels";
      c = std::max(c, *cc);
    }
    s.channels = c;
    return c;
  };
  for (auto &[name, s] : states)
    if (failed(derivedChannels(s, 0)))
      ok = false;
  if (!ok)
    return signalPassFailure();

  // State globals.
  for (auto &entry : states) {
    StringRef name = entry.first;
    ObserverState &s = entry.second;
    if (s.kind != StateKind::MinMax && s.kind != StateKind::Histogram)
      continue;
    b.setInsertionPoint(s.obs);
    auto makeGlobal = [&](StringRef suffix, int64_t size, Attribute init) {
      auto type = MemRefType::get({size}, cast<TypedAttr>(init).getType());
      auto attr = DenseElementsAttr::get(
          RankedTensorType::get({size}, type.getElementType()), init);
      auto g = memref::GlobalOp::create(
          b, s.obs.getLoc(), (name + suffix).str(), b.getStringAttr("private"),
          type, attr, /*constant=*/false, /*alignment=*/b.getI64IntegerAttr(64));
      symbolTable.insert(g);
      return g;
    };
    s.minG = makeGlobal("_min", s.channels, b.getF32FloatAttr(kInf));
    s.maxG = makeGlobal("_max", s.channels, b.getF32FloatAttr(-kInf));
    if (s.kind == StateKind::Histogram) {
      s.histG = makeGlobal("_hist", s.bins, b.getF32FloatAttr(0.0f));
      s.countsG = makeGlobal("_counts", kHistCopies * (s.bins + 1),
                             b.getI32IntegerAttr(0));
      s.rangeG = makeGlobal("_range", 2, b.getF32FloatAttr(0.0f));
    }
  }

  // Runtime declarations and generated functions.
  b.setInsertionPointToEnd(module.getBody());
  auto cInterface = [&](func::FuncOp f) {
    f->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  };
  auto getOrCreate = [&](StringRef fname,
                         FunctionType type) -> FailureOr<func::FuncOp> {
    if (auto existing = symbolTable.lookup<func::FuncOp>(fname)) {
      if (!existing.isExternal() || existing.getFunctionType() != type)
        return existing.emitOpError("clashes with the generated ")
               << fname << ": expected a declaration of type " << type;
      existing.setPublic();
      return existing;
    }
    auto f = func::FuncOp::create(b, loc, fname, type);
    symbolTable.insert(f);
    return f;
  };
  auto runtimeDecl = [&](StringRef fname, FunctionType type) {
    auto f = symbolTable.lookup<func::FuncOp>(fname);
    if (!f) {
      f = func::FuncOp::create(b, loc, fname, type);
      f.setPrivate();
      cInterface(f);
      symbolTable.insert(f);
    }
    return f;
  };
  auto dynF32 = MemRefType::get({ShapedType::kDynamic}, f32);
  auto dynI32 = MemRefType::get({ShapedType::kDynamic}, i32);
  auto dynI64 = MemRefType::get({ShapedType::kDynamic}, i64);
  auto castTo = [&](OpBuilder &fb, Value v, Type t) -> Value {
    return v.getType() == t ? v : memref::CastOp::create(fb, loc, t, v);
  };
  SmallVector<Type> configTypes{i32, i32, i64, i64, i32, f32};
  auto qparamsDecl = [&] {
    SmallVector<Type> in{dynF32, dynF32};
    in.append(configTypes);
    in.append({dynF32, dynI64, dynF32});
    return runtimeDecl("qprep_rt_qparams", b.getFunctionType(in, {i32}));
  };
  auto histQParamsDecl = [&] {
    SmallVector<Type> in{dynF32, dynF32, dynF32, i64};
    in.append(configTypes);
    in.append({dynF32, dynI64, dynF32});
    return runtimeDecl("qprep_rt_histogram_qparams",
                       b.getFunctionType(in, {i32}));
  };
  auto configValues = [&](OpBuilder &fb, QSpecAttr q) {
    auto [qmin, qmax] = q.getEffectiveRange();
    return SmallVector<Value>{
        intConst(fb, loc, i32, static_cast<int64_t>(q.getEffectiveQScheme())),
        intConst(fb, loc, i32, dtypeKind(q.getDtype())),
        intConst(fb, loc, i64, qmin), intConst(fb, loc, i64, qmax),
        intConst(fb, loc, i32,
                 q.getQuantMin().has_value() && q.getQuantMax().has_value()),
        f32Const(fb, loc,
                 static_cast<float>(q.getObserver().getEps().convertToDouble()))};
  };

  // qprep_qparams_<obs>(scale, zero_point, zero_point_f) -> status: declare
  // all first (derived ones call their sources), then fill in.
  for (auto &[name, s] : states) {
    auto cF = MemRefType::get({s.channels}, f32);
    auto cI = MemRefType::get({s.channels}, i64);
    FailureOr<func::FuncOp> f =
        getOrCreate(("qprep_qparams_" + name).str(),
                    b.getFunctionType({cF, cI, cF}, {i32}));
    if (failed(f))
      return signalPassFailure();
    s.qparamsFn = *f;
    cInterface(s.qparamsFn);
  }
  for (auto &[name, s] : states) {
    func::FuncOp f = s.qparamsFn;
    OpBuilder fb(f.addEntryBlock(), f.getBody().front().begin());
    Value scale = f.getArgument(0), zp = f.getArgument(1), zpF = f.getArgument(2);
    Value zero = indexConst(fb, loc, 0);
    Value status;
    switch (s.kind) {
    case StateKind::MinMax: {
      SmallVector<Value> args{castTo(fb, getGlobal(fb, loc, s.minG), dynF32),
                              castTo(fb, getGlobal(fb, loc, s.maxG), dynF32)};
      args.append(configValues(fb, cast<QSpecAttr>(s.obs.getSpec())));
      args.append({castTo(fb, scale, dynF32), castTo(fb, zp, dynI64),
                   castTo(fb, zpF, dynF32)});
      status = func::CallOp::create(fb, loc, qparamsDecl(), args).getResult(0);
      break;
    }
    case StateKind::Histogram: {
      auto q = cast<QSpecAttr>(s.obs.getSpec());
      // dst_nbins = 2 ** bits of the dtype, whatever quant_min/max are.
      unsigned bits = q.getDtype().getIntOrFloatBitWidth();
      SmallVector<Value> args{castTo(fb, getGlobal(fb, loc, s.histG), dynF32),
                              castTo(fb, getGlobal(fb, loc, s.minG), dynF32),
                              castTo(fb, getGlobal(fb, loc, s.maxG), dynF32),
                              intConst(fb, loc, i64, int64_t(1) << bits)};
      args.append(configValues(fb, q));
      args.append({castTo(fb, scale, dynF32), castTo(fb, zp, dynI64),
                   castTo(fb, zpF, dynF32)});
      status =
          func::CallOp::create(fb, loc, histQParamsDecl(), args).getResult(0);
      break;
    }
    case StateKind::Fixed: {
      auto fx = cast<FixedQSpecAttr>(s.obs.getSpec());
      float sc = static_cast<float>(fx.getScale().convertToDouble());
      memref::StoreOp::create(fb, loc, f32Const(fb, loc, sc), scale, zero);
      memref::StoreOp::create(fb, loc, intConst(fb, loc, i64, fx.getZeroPoint()),
                              zp, zero);
      memref::StoreOp::create(
          fb, loc, f32Const(fb, loc, static_cast<float>(fx.getZeroPoint())), zpF,
          zero);
      status = intConst(fb, loc, i32, QPREP_OK);
      break;
    }
    case StateKind::Placeholder:
      // PlaceholderObserver.calculate_qparams raises.
      status = intConst(fb, loc, i32, QPREP_ERR_NO_QPARAMS);
      break;
    case StateKind::Derived: {
      auto d = cast<DerivedQSpecAttr>(s.obs.getSpec());
      // The sources' qparams, in `from` order.
      SmallVector<Value> srcScales, srcZps;
      SmallVector<int64_t> srcChannels;
      Value lowest = intConst(fb, loc, i32, QPREP_OK);
      Value highest = lowest;
      for (Attribute from : d.getDerivedFrom()) {
        ObserverState &src = states[cast<FlatSymbolRefAttr>(from).getValue()];
        int64_t c = src.channels;
        Value ss = memref::AllocaOp::create(fb, loc, MemRefType::get({c}, f32));
        Value sz = memref::AllocaOp::create(fb, loc, MemRefType::get({c}, i64));
        Value szf = memref::AllocaOp::create(fb, loc, MemRefType::get({c}, f32));
        Value rc = func::CallOp::create(fb, loc, src.qparamsFn,
                                        ValueRange{ss, sz, szf})
                       .getResult(0);
        // Status: an error of a source (the most negative) wins; otherwise
        // "uncalibrated" (1) if any source is.
        lowest = arith::MinSIOp::create(fb, loc, lowest, rc);
        highest = arith::MaxSIOp::create(fb, loc, highest, rc);
        srcScales.push_back(ss);
        srcZps.push_back(sz);
        srcChannels.push_back(c);
      }
      if (FlatSymbolRefAttr fnRef = d.getDeriveFn()) {
        // The user's function: (scale_i, zp_i for each source) -> (scale, zp).
        auto fn = symbolTable.lookup<func::FuncOp>(fnRef.getValue());
        SmallVector<Value> args;
        for (auto [ss, sz] : llvm::zip(srcScales, srcZps)) {
          args.push_back(ss);
          args.push_back(sz);
        }
        FunctionType ft = fn ? fn.getFunctionType() : FunctionType();
        bool fits = fn && ft.getNumInputs() == args.size() &&
                    ft.getNumResults() == 2;
        for (unsigned i = 0; fits && i < args.size(); ++i)
          fits = memref::CastOp::areCastCompatible(args[i].getType(),
                                                   ft.getInput(i));
        if (fits)
          fits = memref::CastOp::areCastCompatible(ft.getResult(0),
                                                   scale.getType()) &&
                 memref::CastOp::areCastCompatible(ft.getResult(1),
                                                   zp.getType());
        if (!fits) {
          s.obs.emitOpError("derive function ")
              << fnRef << " must take (scale, zero_point) memrefs of each "
              << "source and return this observer's (memref<" << s.channels
              << "xf32>, memref<" << s.channels
              << "xi64>) after bufferization; it has type "
              << (fn ? Attribute(TypeAttr::get(ft))
                     : Attribute(b.getStringAttr("<missing>")));
          return signalPassFailure();
        }
        for (unsigned i = 0; i < args.size(); ++i)
          args[i] = castTo(fb, args[i], ft.getInput(i));
        auto call = func::CallOp::create(fb, loc, fn, args);
        memref::CopyOp::create(fb, loc,
                               castTo(fb, call.getResult(0), scale.getType()),
                               scale);
        memref::CopyOp::create(fb, loc,
                               castTo(fb, call.getResult(1), zp.getType()), zp);
        emitLoopNest(fb, loc, zp, [&](OpBuilder &nb, ValueRange ivs) {
          Value z = memref::LoadOp::create(nb, loc, zp, ivs);
          memref::StoreOp::create(nb, loc,
                                  arith::SIToFPOp::create(nb, loc, f32, z), zpF,
                                  ivs);
        });
      } else {
        // scale = product of the source scales (float32, broadcast), zp = 0.
        emitLoopNest(fb, loc, scale, [&](OpBuilder &nb, ValueRange ivs) {
          Value prod;
          for (auto [ss, c] : llvm::zip(srcScales, srcChannels)) {
            Value v = memref::LoadOp::create(
                nb, loc, ss, c == 1 ? ValueRange{indexConst(nb, loc, 0)} : ivs);
            prod = prod ? arith::MulFOp::create(nb, loc, prod, v).getResult() : v;
          }
          memref::StoreOp::create(nb, loc, prod, scale, ivs);
          memref::StoreOp::create(nb, loc, intConst(nb, loc, i64, 0), zp, ivs);
          memref::StoreOp::create(nb, loc, f32Const(nb, loc, 0.0f), zpF, ivs);
        });
      }
      Value failed = arith::CmpIOp::create(fb, loc, arith::CmpIPredicate::slt,
                                           lowest, intConst(fb, loc, i32, 0));
      status = arith::SelectOp::create(fb, loc, failed, lowest, highest);
      break;
    }
    }
    func::ReturnOp::create(fb, loc, status);
  }

  // Observe ops.
  func::FuncOp rangeFn, mergeFn;
  for (auto &[name, s] : states) {
    if (s.kind == StateKind::Histogram && !rangeFn) {
      rangeFn = runtimeDecl(
          "qprep_rt_histogram_range",
          b.getFunctionType({dynF32, dynF32, f32, f32, i64, dynF32}, {}));
      mergeFn = runtimeDecl(
          "qprep_rt_histogram_merge",
          b.getFunctionType({dynF32, dynF32, dynF32, dynI32, f32, f32}, {}));
    }
  }
  // Per-channel observers seen with a dynamic channel count check it at run
  // time; the error names the observer.
  func::FuncOp mismatchFn;
  for (auto &[op, opUses] : uses) {
    ObserverState &s = states[cast<ObserverOp>(op).getSymName()];
    bool dynamicSite = llvm::any_of(opUses, [&](Operation *u) {
      return s.chAxis && cast<MemRefType>(u->getOperand(0).getType())
                             .isDynamicDim(*s.chAxis);
    });
    if (!dynamicSite)
      continue;
    if (!mismatchFn)
      mismatchFn = runtimeDecl(
          "qprep_rt_channel_mismatch",
          b.getFunctionType({MemRefType::get({ShapedType::kDynamic},
                                             b.getI8Type()),
                             i64, i64, i64},
                            {}));
    StringRef name = s.obs.getSymName();
    auto type = MemRefType::get({static_cast<int64_t>(name.size())},
                                b.getI8Type());
    OpBuilder gb(s.obs);
    s.nameG = memref::GlobalOp::create(
        gb, s.obs.getLoc(), (name + "_name").str(), gb.getStringAttr("private"),
        type,
        DenseElementsAttr::get(
            RankedTensorType::get(type.getShape(), gb.getI8Type()),
            ArrayRef<char>(name.data(), name.size())),
        /*constant=*/true, /*alignment=*/nullptr);
    symbolTable.insert(s.nameG);
  }
  // A module with run-time checks: once one fails in a call, that update
  // and every later one in the call are skipped (PyTorch raises at the
  // failing observer, so later ones never run), and the caller takes the
  // error from the runtime (qprep_take_error) after the call.
  func::FuncOp failedFn;
  if (mismatchFn)
    failedFn = runtimeDecl("qprep_rt_failed", b.getFunctionType({}, {i32}));
  for (auto &[op, opUses] : uses) {
    ObserverState &s = states[cast<ObserverOp>(op).getSymName()];
    for (Operation *u : opUses) {
      OpBuilder ub(u);
      Location uloc = u->getLoc();
      Value input = u->getOperand(0);
      if (failedFn) {
        if (s.chAxis &&
            cast<MemRefType>(input.getType()).isDynamicDim(*s.chAxis))
          emitChannelCheck(ub, uloc, input, s, mismatchFn);
        Value failed = func::CallOp::create(ub, uloc, failedFn, ValueRange{})
                           .getResult(0);
        Value ok = arith::CmpIOp::create(ub, uloc, arith::CmpIPredicate::eq,
                                         failed, intConst(ub, uloc, i32, 0));
        ub = scf::IfOp::create(ub, uloc, ok, /*withElseRegion=*/false)
                 .getThenBodyBuilder();
      }
      if (s.kind == StateKind::MinMax)
        emitMinMaxUpdate(ub, uloc, input, s);
      if (s.kind == StateKind::Histogram)
        emitHistogramUpdate(ub, uloc, input, s, rangeFn, mergeFn);
      if (isa<FakeQuantizeOp>(u))
        emitFakeQuantize(ub, uloc, input, s);
      u->getResult(0).replaceAllUsesWith(input);
      u->erase();
    }
  }

  // qprep_reset: every statistic back to "nothing seen".
  b.setInsertionPointToEnd(module.getBody());
  FailureOr<func::FuncOp> resetOr =
      getOrCreate("qprep_reset", b.getFunctionType({}, {}));
  if (failed(resetOr))
    return signalPassFailure();
  {
    func::FuncOp reset = *resetOr;
    OpBuilder fb(reset.addEntryBlock(), reset.getBody().front().begin());
    for (auto &[name, s] : states) {
      if (!s.minG)
        continue;
      emitFill(fb, loc, getGlobal(fb, loc, s.minG), f32Const(fb, loc, kInf));
      emitFill(fb, loc, getGlobal(fb, loc, s.maxG), f32Const(fb, loc, -kInf));
      if (s.histG)
        emitFill(fb, loc, getGlobal(fb, loc, s.histG), f32Const(fb, loc, 0.0f));
    }
    func::ReturnOp::create(fb, loc);
    cInterface(reset);
  }
  // qprep_stats_<obs>(min, max) and qprep_histogram_<obs>(hist): copies of
  // the state into the caller's buffers.
  for (auto &[name, s] : states) {
    if (!s.minG)
      continue;
    auto stateType = s.minG.getType();
    FailureOr<func::FuncOp> f =
        getOrCreate(("qprep_stats_" + name).str(),
                    b.getFunctionType({stateType, stateType}, {}));
    if (failed(f))
      return signalPassFailure();
    OpBuilder fb(f->addEntryBlock(), f->getBody().front().begin());
    memref::CopyOp::create(fb, loc, getGlobal(fb, loc, s.minG),
                           f->getArgument(0));
    memref::CopyOp::create(fb, loc, getGlobal(fb, loc, s.maxG),
                           f->getArgument(1));
    func::ReturnOp::create(fb, loc);
    cInterface(*f);
    if (!s.histG)
      continue;
    f = getOrCreate(("qprep_histogram_" + name).str(),
                    b.getFunctionType({s.histG.getType()}, {}));
    if (failed(f))
      return signalPassFailure();
    OpBuilder hb(f->addEntryBlock(), f->getBody().front().begin());
    memref::CopyOp::create(hb, loc, getGlobal(hb, loc, s.histG),
                           f->getArgument(0));
    func::ReturnOp::create(hb, loc);
    cInterface(*f);
  }

  // The module leaves the dialect.
  for (auto obs : llvm::make_early_inc_range(module.getOps<ObserverOp>()))
    obs.erase();
}
