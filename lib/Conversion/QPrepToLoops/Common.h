//===- Common.h - shared by the pieces of convert-qprep-to-loops -*- C++ -*-===//

#ifndef LIB_CONVERSION_QPREPTOLOOPS_COMMON_H
#define LIB_CONVERSION_QPREPTOLOOPS_COMMON_H

#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

#include <limits>

namespace mlir {
namespace qprep {
namespace loops {

/// f32 lanes per vector (16: one AVX-512 register; two AVX2 ones elsewhere)
/// and independent accumulators per reduction. 16 x 4 reaches the C++ -O3
/// loop, 8 x 4 does not, 16 x 8 is no better (bench/calib_bench.py).
constexpr int64_t kLanes = 16;
constexpr int64_t kAccumulators = 4;
/// int32 sub-histograms a histogram update spreads its increments over, so
/// that repeated hits of one bin do not form one long dependency chain.
constexpr int64_t kHistCopies = 4;
constexpr float kInf = std::numeric_limits<float>::infinity();

//===----------------------------------------------------------------------===//
// State arenas (qprep/Runtime/CalibrationABI.h, #qprep.layout)
//===----------------------------------------------------------------------===//

/// `size` elements at `offset` of the arena global `arena` (looked up in
/// `symbols`): a memref<size x T, strided<[1], offset: offset>> view.
Value arenaView(OpBuilder &b, Location loc, SymbolTableCollection &symbols,
                Operation *from, StringRef arena, int64_t offset,
                int64_t size);

/// memref<?xT, strided<[1], offset: ?>>: what runtime entry points take.
MemRefType dynamicViewType(Type elementType);

/// `view` cast to dynamicViewType.
Value dynamicView(OpBuilder &b, Location loc, Value view);

/// Views of one observer's state, as its #qprep.layout places it.
class StateViews {
public:
  StateViews(SymbolTableCollection &symbols, Operation *from,
             ObserverLayoutAttr layout)
      : symbols(symbols), from(from), layout(layout) {}

  ObserverLayoutAttr getLayout() const { return layout; }
  int64_t channels() const { return layout.getChannels(); }

  Value min(OpBuilder &b, Location loc) const;
  Value max(OpBuilder &b, Location loc) const;
  Value hist(OpBuilder &b, Location loc) const;
  Value range(OpBuilder &b, Location loc) const;
  Value counts(OpBuilder &b, Location loc) const;
  Value scale(OpBuilder &b, Location loc) const;
  Value zeroPoint(OpBuilder &b, Location loc) const;
  Value zeroPointF(OpBuilder &b, Location loc) const;
  Value status(OpBuilder &b, Location loc) const;
  Value name(OpBuilder &b, Location loc) const;

private:
  SymbolTableCollection &symbols;
  Operation *from;
  ObserverLayoutAttr layout;
};

/// Computes the qparams of a statistics, fixed or placeholder observer from
/// its current state into its qparams state and returns the status (i32).
/// Derived observers are computed by qprep_update_qparams itself.
Value emitComputeQParams(OpBuilder &b, Location loc, const ObserverModel &model,
                         const StateViews &state);

//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

inline Value f32Const(OpBuilder &b, Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}
inline Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
inline Value intConst(OpBuilder &b, Location loc, Type t, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, v));
}
inline Value splat(OpBuilder &b, Location loc, VectorType t, Value scalar) {
  return vector::BroadcastOp::create(b, loc, t, scalar);
}
inline Value add(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}
inline Value mul(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::MulIOp::create(b, loc, x, y);
}
/// `v` (scalar or vector) as f32.
Value toF32(OpBuilder &b, Location loc, Value v);
/// A memref.cast to `t` unless `v` has it already.
Value castTo(OpBuilder &b, Location loc, Value v, Type t);

/// A counted loop [lb, ub) step `step` with loop-carried values.
SmallVector<Value>
emitFor(OpBuilder &b, Location loc, Value lb, Value ub, int64_t step,
        ValueRange init,
        function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)> body);

/// A loop nest over every element of `memref`; `body` gets the indices.
void emitLoopNest(OpBuilder &b, Location loc, Value memref,
                  function_ref<void(OpBuilder &, ValueRange)> body);

/// Fills a memref with `value`.
void emitFill(OpBuilder &b, Location loc, Value memref, Value value);

} // namespace loops
} // namespace qprep
} // namespace mlir

#endif // LIB_CONVERSION_QPREPTOLOOPS_COMMON_H
