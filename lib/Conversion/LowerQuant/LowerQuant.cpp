//===- LowerQuant.cpp - quant.qcast/dcast with PyTorch's numerics ---------===//
//
// Upstream --lower-quant-ops divides by the scale and converts with fptosi,
// which truncates toward zero, and clamps only when the type narrows the
// storage range (so out-of-range values of a full-range type are poison).
// PyTorch multiplies by the float32 reciprocal, rounds half to even, adds the
// zero point, clamps in float, then converts. This lowering emits PyTorch's
// arithmetic (include/qprep/Conversion/LowerQuant/LowerQuant.h), one
// linalg.generic per cast on tensors, so that the result runs through any
// linalg pipeline; it is checked bit for bit against torch 1.13 by
// test/Conversion/LowerQuant/lower-quant-parity.test.
//
// It must run before anything that folds: upstream folds
// quant.dcast(quant.qcast(x)) to x. The patterns are applied with
// walkAndApplyPatterns, which does not fold.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/LowerQuant/LowerQuant.h"
#include "qprep/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_LOWERQUANTPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

//===----------------------------------------------------------------------===//
// Scalar arithmetic
//===----------------------------------------------------------------------===//

namespace {
Value f32Const(OpBuilder &b, Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

Value i64Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
}
} // namespace

Value mlir::qprep::buildQuantize(OpBuilder &b, Location loc, Value x,
                                 Value invScale, Value zeroPoint,
                                 int64_t quantMin, int64_t quantMax,
                                 unsigned storageWidth) {
  Type i64 = b.getI64Type();
  Value m = arith::MulFOp::create(b, loc, x, invScale);
  Value v = arith::AddFOp::create(b, loc, math::RoundEvenOp::create(b, loc, m),
                                  zeroPoint);
  // maxnumf/minnumf drop a NaN operand: NaN becomes quant_min, +-inf and
  // finite values outside the range saturate.
  // The bounds are float32(qmin), float32(qmax), as PyTorch clamps a float32
  // tensor.
  float lo = static_cast<float>(quantMin), hi = static_cast<float>(quantMax);
  v = arith::MaxNumFOp::create(b, loc, v, f32Const(b, loc, lo));
  v = arith::MinNumFOp::create(b, loc, v, f32Const(b, loc, hi));
  Value q = arith::FPToSIOp::create(b, loc, i64, v);
  // A 32-bit bound may round beyond the range (2^31 - 1 -> 2^31, which
  // PyTorch's .to(int32) cannot hold): clamp that again in integers.
  if (static_cast<int64_t>(lo) < quantMin)
    q = arith::MaxSIOp::create(b, loc, q, i64Const(b, loc, quantMin));
  if (static_cast<int64_t>(hi) > quantMax)
    q = arith::MinSIOp::create(b, loc, q, i64Const(b, loc, quantMax));
  if (storageWidth < 64)
    q = arith::TruncIOp::create(b, loc, b.getIntegerType(storageWidth), q);
  return q;
}

Value mlir::qprep::buildDequantize(OpBuilder &b, Location loc, Value q,
                                   bool isSigned, Value zeroPoint, Value scale,
                                   FloatType resultType) {
  Type i64 = b.getI64Type();
  if (q.getType().getIntOrFloatBitWidth() < 64)
    q = isSigned ? Value(arith::ExtSIOp::create(b, loc, i64, q))
                 : Value(arith::ExtUIOp::create(b, loc, i64, q));
  Value d = arith::SubIOp::create(b, loc, q, zeroPoint);
  Value f = arith::SIToFPOp::create(b, loc, b.getF32Type(), d);
  Value r = arith::MulFOp::create(b, loc, f, scale);
  if (resultType.getWidth() < 32)
    r = arith::TruncFOp::create(b, loc, resultType, r);
  return r;
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {
/// What a lowered cast needs to know about its quantized type.
struct CastInfo {
  quant::QuantizedType qtype;
  IntegerType storage;
  FloatType expressed;
  /// Per tensor: one entry; per axis: one per channel.
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  std::optional<int32_t> axis;
};

/// Checks that a cast between `floatType` and `quantType` can be lowered;
/// on failure `why` says why.
FailureOr<CastInfo> analyzeCast(Type floatType, Type quantType,
                                std::string &why) {
  CastInfo info;
  info.qtype = quant::QuantizedType::getQuantizedElementType(quantType);
  if (!info.qtype) {
    why = "not a quantized type";
    return failure();
  }
  if (isa<UnrankedTensorType>(quantType)) {
    why = "unranked tensors are not supported";
    return failure();
  }
  info.storage = dyn_cast<IntegerType>(info.qtype.getStorageType());
  if (!info.storage || info.storage.getWidth() > 32) {
    why = "only integer storage of at most 32 bits is supported";
    return failure();
  }
  info.expressed = dyn_cast<FloatType>(info.qtype.getExpressedType());
  if (!info.expressed ||
      !(info.expressed.isF32() || info.expressed.isF16() ||
        info.expressed.isBF16())) {
    why = "the expressed type must be f32, f16 or bf16";
    return failure();
  }
  if (getElementTypeOrSelf(floatType) != info.expressed) {
    why = "the float type does not match the expressed type";
    return failure();
  }
  if (auto u = dyn_cast<quant::UniformQuantizedType>(info.qtype)) {
    info.scales.push_back(u.getScale());
    info.zeroPoints.push_back(u.getZeroPoint());
  } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(
                 info.qtype)) {
    if (!isa<RankedTensorType>(quantType)) {
      why = "per-axis quantization needs a ranked tensor";
      return failure();
    }
    llvm::append_range(info.scales, a.getScales());
    llvm::append_range(info.zeroPoints, a.getZeroPoints());
    info.axis = a.getQuantizedDimension();
  } else {
    why = "only !quant.uniform per-tensor and per-axis types are supported";
    return failure();
  }
  return info;
}

/// Operands of the elementwise body: scalars for per-tensor types (built
/// outside the loop), 1-D constant tensors read at the channel for per-axis.
struct QParamValues {
  Value perTensorA, perTensorB;   // scalars
  Value tableA, tableB;           // tensor<C x ...> (per axis)
};

/// A `cf.assert` that a dynamic channel dimension has the type's size.
void assertChannels(OpBuilder &b, Location loc, Value tensor, int32_t axis,
                    int64_t channels) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(axis))
    return;
  Value dim = tensor::DimOp::create(b, loc, tensor, axis);
  Value want = arith::ConstantIndexOp::create(b, loc, channels);
  Value ok =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, dim, want);
  cf::AssertOp::create(b, loc, ok,
                       "qprep: per-axis quantized type expects " +
                           std::to_string(channels) + " channels on axis " +
                           std::to_string(axis));
}

/// One linalg.generic mapping `input` elementwise to a tensor of `outElt`,
/// with the per-axis tables broadcast along `axis`. `body(b, loc, x, a, c)`
/// gets the element and the qparams (scalars, or the channel's entries).
Value emitGeneric(
    OpBuilder &b, Location loc, Value input, Type outElt,
    std::optional<int32_t> axis, const QParamValues &qp,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  Value init = tensor::EmptyOp::create(b, loc, sizes, outElt);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  SmallVector<Value> inputs{input};
  SmallVector<AffineMap> maps{id};
  if (axis) {
    AffineMap chan = AffineMap::get(rank, 0, b.getAffineDimExpr(*axis));
    inputs.append({qp.tableA, qp.tableB});
    maps.append({chan, chan});
  }
  maps.push_back(id);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value a = axis ? args[1] : qp.perTensorA;
        Value c = axis ? args[2] : qp.perTensorB;
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args[0], a, c));
      });
  return generic.getResult(0);
}

/// emitGeneric on `input` viewed with as few dimensions as the qparams
/// allow: one (per tensor) or [before, axis, after] (per axis), through
/// tensor.collapse_shape / expand_shape, which bufferize to views. Fewer
/// loops matter: LLVM's IndVarSimplify time grows quickly with the number of
/// loops in one function, and a network has a cast on every activation.
Value emitElementwise(
    OpBuilder &b, Location loc, Value input, Type outElt,
    std::optional<int32_t> axis, const QParamValues &qp,
    function_ref<Value(OpBuilder &, Location, Value, Value, Value)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<ReassociationIndices> groups;
  auto addGroup = [&](int64_t lo, int64_t hi) {
    if (lo >= hi)
      return;
    ReassociationIndices g;
    for (int64_t d = lo; d < hi; ++d)
      g.push_back(d);
    groups.push_back(g);
  };
  std::optional<int32_t> newAxis;
  if (axis) {
    addGroup(0, *axis);
    newAxis = static_cast<int32_t>(groups.size());
    addGroup(*axis, *axis + 1);
    addGroup(*axis + 1, rank);
  } else {
    addGroup(0, rank);
  }
  if (static_cast<int64_t>(groups.size()) == rank)
    return emitGeneric(b, loc, input, outElt, axis, qp, body);
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  Value flat = tensor::CollapseShapeOp::create(b, loc, input, groups);
  Value result = emitGeneric(b, loc, flat, outElt, newAxis, qp, body);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(type.getShape(), outElt), result, groups,
      sizes);
}

Value denseF32(OpBuilder &b, Location loc, ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

Value denseI64(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getI64Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

struct LowerQuantizeCast : OpRewritePattern<quant::QuantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::QuantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<CastInfo> info =
        analyzeCast(op.getInput().getType(), op.getType(), why);
    if (failed(info))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    int64_t qmin = info->qtype.getStorageTypeMin();
    int64_t qmax = info->qtype.getStorageTypeMax();
    unsigned width = info->storage.getWidth();
    Type f32 = rewriter.getF32Type();
    auto body = [&](OpBuilder &b, Location l, Value x, Value inv, Value zp) {
      if (x.getType() != f32)
        x = arith::ExtFOp::create(b, l, f32, x);
      return buildQuantize(b, l, x, inv, zp, qmin, qmax, width);
    };
    QParamValues qp;
    SmallVector<float> inv, zp;
    for (auto [s, z] : llvm::zip(info->scales, info->zeroPoints)) {
      inv.push_back(quantInvScale(s));
      zp.push_back(static_cast<float>(z));
    }
    Value stored;
    if (info->axis) {
      qp.tableA = denseF32(rewriter, loc, inv);
      qp.tableB = denseF32(rewriter, loc, zp);
      assertChannels(rewriter, loc, op.getInput(), *info->axis, inv.size());
    } else {
      qp.perTensorA = f32Const(rewriter, loc, inv[0]);
      qp.perTensorB = f32Const(rewriter, loc, zp[0]);
    }
    if (isa<RankedTensorType>(op.getInput().getType()))
      stored = emitElementwise(rewriter, loc, op.getInput(), info->storage,
                               info->axis, qp, body);
    else
      stored = body(rewriter, loc, op.getInput(), qp.perTensorA,
                    qp.perTensorB);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, op.getType(),
                                                      stored);
    return success();
  }
};

struct LowerDequantizeCast : OpRewritePattern<quant::DequantizeCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::DequantizeCastOp op,
                                PatternRewriter &rewriter) const override {
    std::string why;
    FailureOr<CastInfo> info =
        analyzeCast(op.getType(), op.getInput().getType(), why);
    if (failed(info))
      return rewriter.notifyMatchFailure(op, why);
    Location loc = op.getLoc();
    bool isSigned = info->qtype.isSigned();
    FloatType expressed = info->expressed;
    auto body = [&](OpBuilder &b, Location l, Value q, Value s, Value zp) {
      return buildDequantize(b, l, q, isSigned, zp, s, expressed);
    };
    Value stored = quant::StorageCastOp::create(
        rewriter, loc,
        quant::QuantizedType::castToStorageType(op.getInput().getType()),
        op.getInput());
    SmallVector<float> scales;
    for (double s : info->scales)
      scales.push_back(static_cast<float>(s));
    QParamValues qp;
    if (info->axis) {
      qp.tableA = denseF32(rewriter, loc, scales);
      qp.tableB = denseI64(rewriter, loc, info->zeroPoints);
      assertChannels(rewriter, loc, stored, *info->axis, scales.size());
    } else {
      qp.perTensorA = f32Const(rewriter, loc, scales[0]);
      qp.perTensorB = i64Const(rewriter, loc, info->zeroPoints[0]);
    }
    Value result;
    if (isa<RankedTensorType>(stored.getType()))
      result = emitElementwise(rewriter, loc, stored, expressed, info->axis,
                               qp, body);
    else
      result = body(rewriter, loc, stored, qp.perTensorA, qp.perTensorB);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// quant.scast(quant.scast(x)) -> x when the types round-trip.
struct FoldStorageCastPair : OpRewritePattern<quant::StorageCastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(quant::StorageCastOp op,
                                PatternRewriter &rewriter) const override {
    auto src = op.getInput().getDefiningOp<quant::StorageCastOp>();
    if (!src || src.getInput().getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "not a round trip");
    rewriter.replaceOp(op, src.getInput());
    return success();
  }
};
} // namespace

void mlir::qprep::populateQPrepLowerQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerQuantizeCast, LowerDequantizeCast, FoldStorageCastPair>(
      patterns.getContext());
}

//===----------------------------------------------------------------------===//
// qprep-lower-quant
//===----------------------------------------------------------------------===//

namespace {
struct LowerQuantPass : qprep::impl::LowerQuantPassBase<LowerQuantPass> {
  using LowerQuantPassBase::LowerQuantPassBase;

  void runOnOperation() override {
    Operation *root = getOperation();
    {
      RewritePatternSet patterns(&getContext());
      patterns.add<LowerQuantizeCast, LowerDequantizeCast>(&getContext());
      walkAndApplyPatterns(root, std::move(patterns));
    }
    // The dequantize lowering put a storage cast behind every quantize
    // lowering's: remove the round trips, then the casts left unused.
    {
      RewritePatternSet patterns(&getContext());
      patterns.add<FoldStorageCastPair>(&getContext());
      walkAndApplyPatterns(root, std::move(patterns));
    }
    SmallVector<quant::StorageCastOp> casts;
    root->walk([&](quant::StorageCastOp op) { casts.push_back(op); });
    for (quant::StorageCastOp op : llvm::reverse(casts))
      if (op->use_empty())
        op->erase();
    bool failed = false;
    root->walk([&](Operation *op) {
      std::string why;
      if (auto q = dyn_cast<quant::QuantizeCastOp>(op))
        (void)analyzeCast(q.getInput().getType(), q.getType(), why);
      else if (auto d = dyn_cast<quant::DequantizeCastOp>(op))
        (void)analyzeCast(d.getType(), d.getInput().getType(), why);
      else
        return;
      op->emitOpError("cannot be lowered by qprep-lower-quant: ") << why;
      failed = true;
    });
    if (failed)
      signalPassFailure();
  }
};
} // namespace
