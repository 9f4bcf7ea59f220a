//===- QPrepToQuant.cpp - calibrated observers to quant.qcast/dcast -------===//
//
// PyTorch's convert_pt2e (torchao pt2e/convert.py,
// _replace_observer_with_quantize_dequantize_node_decomposed, then
// constant_fold with fold_quantize=True): every call of a calibrated
// observer becomes a quantize / dequantize pair with the observer's qparams,
// here upstream quant.qcast / quant.dcast with a !quant.uniform type, so that
// any MLIR stack that understands the quant dialect can take over.
//
// The observer's calibration is read from the IR (its scale / zero_point
// attributes, written by the Calibrator), so the pass runs alone under lit;
// what the observer is comes from the dialect's ObserverModel.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/LowerQuant/LowerQuant.h"
#include "qprep/Conversion/Passes.h"
#include "qprep/Conversion/QPrepToQuant/QPrepToQuant.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/ADT/SetVector.h"

#include <cmath>
#include <limits>

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_CONVERTQPREPTOQUANTPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;

namespace {

//===----------------------------------------------------------------------===//
// What convert needs to know about an observer
//===----------------------------------------------------------------------===//

/// How the calls of one observer are converted.
enum class ConvertKind {
  Static,  // quant.qcast + quant.dcast with the calibrated qparams
  Dynamic, // choose_qparams at run time
  CastF16, // float16 placeholder: to f16 and back
  Drop,    // float32 / bfloat16 placeholder: removed, as PyTorch does
  Error,   // cannot be converted (`error` says why)
};

struct ObserverQuant {
  ConvertKind kind = ConvertKind::Error;
  std::string error;
  Type dtype;
  int64_t quantMin = 0, quantMax = 0;
  QScheme qscheme = QScheme::per_tensor_affine;
  std::optional<int64_t> axis;
  float eps = 0.0f;
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
};

bool isFloat8(Type t) {
  return isa<Float8E4M3FNType, Float8E5M2Type>(t);
}

std::string typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

/// Why an observer has no scale / zero_point, from its statistics.
std::string whyNoQParams(ObserverOp obs) {
  DenseF32ArrayAttr mins = obs.getMinValAttr(), maxs = obs.getMaxValAttr();
  if (!mins)
    return "it has no statistics: it was never called during calibration "
           "(or the module was not calibrated: qprep-run --emit-calibrated, "
           "Calibrator.calibrated_module())";
  bool nan = false, inf = false, inverted = false;
  for (auto [lo, hi] : llvm::zip(mins.asArrayRef(), maxs.asArrayRef())) {
    nan |= std::isnan(lo) || std::isnan(hi);
    inf |= std::isinf(lo) || std::isinf(hi);
    inverted |= lo > hi;
  }
  if (nan)
    return "its statistics are NaN (NaN in the calibration data?)";
  if (inf)
    return "its statistics are infinite (inf in the calibration data?)";
  if (inverted)
    return "its statistics have min_val > max_val";
  return "it has statistics but no scale / zero_point";
}

/// Everything convert needs from an observer: its ObserverModel (the
/// dialect's one reading of specs) and its calibration attributes.
ObserverQuant describeObserver(ObserverOp obs, SymbolTable &symbols) {
  ObserverModel m = ObserverModel::get(obs);
  ObserverQuant q;
  q.dtype = m.dtype;
  q.quantMin = m.quantMin;
  q.quantMax = m.quantMax;
  q.qscheme = m.qscheme;
  q.axis = m.chAxis;
  q.eps = m.eps;
  auto fail = [&](const Twine &why) {
    q.kind = ConvertKind::Error;
    q.error = why.str();
    return q;
  };
  auto readQParams = [&]() -> bool {
    DenseF32ArrayAttr scale = obs.getScaleAttr();
    auto zp = dyn_cast_or_null<DenseI64ArrayAttr>(obs.getZeroPointAttr());
    if (!scale || !zp)
      return false;
    for (float s : scale.asArrayRef())
      q.scales.push_back(s);
    llvm::append_range(q.zeroPoints, zp.asArrayRef());
    return true;
  };
  auto dtypeError = [&]() -> std::optional<std::string> {
    if (isFloat8(q.dtype))
      return "float8 storage (" + typeName(q.dtype) +
             ") has no !quant.uniform form: the quant dialect of MLIR 22 "
             "stores integers only";
    return std::nullopt;
  };

  switch (m.kind) {
  case ObserverModel::Kind::Fixed:
    if (m.isDynamic)
      return fail("fixed qparams cannot be dynamic (PyTorch's "
                  "FixedQParamsObserver raises)");
    q.scales.push_back(m.fixedScale);
    q.zeroPoints.push_back(m.fixedZeroPoint);
    break;
  case ObserverModel::Kind::Derived:
    if (m.isDynamic)
      return fail("derived qparams cannot be dynamic");
    if (!readQParams()) {
      std::string missing;
      for (FlatSymbolRefAttr from : m.derivedFrom) {
        auto src = symbols.lookup<ObserverOp>(from.getValue());
        if (src && !src.getScaleAttr() &&
            ObserverModel::get(src).kind != ObserverModel::Kind::Fixed)
          missing += (missing.empty() ? "@" : ", @") + src.getSymName().str();
      }
      if (!missing.empty())
        return fail("it is derived from observers without qparams (" +
                    missing + ")");
      return fail("it has no scale / zero_point (a per-tensor derived spec "
                  "whose sources give one scale per channel?)");
    }
    break;
  default: {
    if (std::optional<std::string> why = dtypeError())
      return fail(*why);
    if (isa<FloatType>(q.dtype)) {
      if (m.isDynamic)
        return fail("dynamic quantization to " + typeName(q.dtype) +
                    " is not supported (PyTorch's reference flow supports "
                    "i8 and ui8)");
      q.kind = q.dtype.isF16() ? ConvertKind::CastF16 : ConvertKind::Drop;
      return q;
    }
    if (m.isDynamic) {
      if (cast<IntegerType>(q.dtype).getWidth() != 8)
        return fail("dynamic quantization to " + typeName(q.dtype) +
                    " is not supported (PyTorch's reference flow supports "
                    "i8 and ui8)");
      if (q.qscheme != QScheme::per_tensor_affine &&
          q.qscheme != QScheme::per_tensor_symmetric)
        return fail("dynamic quantization needs a per-tensor qscheme, not " +
                    stringifyQScheme(q.qscheme));
      q.kind = ConvertKind::Dynamic;
      return q;
    }
    if (m.hasFloatQParams())
      return fail("per_channel_affine_float_qparams has float zero points, "
                  "which !quant.uniform cannot express");
    if (!m.hasQParams())
      return fail("a placeholder observer of " + typeName(q.dtype) +
                  " has no qparams (PyTorch's PlaceholderObserver raises in "
                  "calculate_qparams)");
    if (!readQParams())
      return fail(whyNoQParams(obs));
    break;
  }
  }
  if (std::optional<std::string> why = dtypeError())
    return fail(*why);
  if (!isa<IntegerType>(q.dtype))
    return fail("dtype " + typeName(q.dtype) + " cannot be quantized to");
  for (double s : q.scales)
    if (!(s > 0.0) || std::isinf(s))
      return fail("its scale " + std::to_string(s) +
                  " is not a positive finite number");
  q.kind = ConvertKind::Static;
  return q;
}

/// The !quant.uniform type of `q` for values of element type `expressed`, or
/// null with a diagnostic.
quant::QuantizedType
quantizedType(const ObserverQuant &q, Type expressed,
              function_ref<InFlightDiagnostic()> emitError) {
  auto intTy = cast<IntegerType>(q.dtype);
  unsigned flags = intTy.isUnsigned() ? 0 : quant::QuantizationFlags::Signed;
  auto storage = IntegerType::get(intTy.getContext(), intTy.getWidth());
  if (q.axis)
    return quant::UniformQuantizedPerAxisType::getChecked(
        emitError, flags, storage, expressed, q.scales, q.zeroPoints,
        static_cast<int32_t>(*q.axis), q.quantMin, q.quantMax);
  return quant::UniformQuantizedType::getChecked(
      emitError, flags, storage, expressed, q.scales[0], q.zeroPoints[0],
      q.quantMin, q.quantMax);
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

/// A parallel linalg.generic mapping `input` elementwise to `outElt`.
Value elementwise(OpBuilder &b, Location loc, Value input, Type outElt,
                  function_ref<Value(OpBuilder &, Location, Value)> body) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  Value init = tensor::EmptyOp::create(b, loc, sizes, outElt);
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iters(type.getRank(),
                                         utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{input},
             ValueRange{init}, ArrayRef<AffineMap>{id, id}, iters,
             [&](OpBuilder &nb, Location nloc, ValueRange args) {
               linalg::YieldOp::create(nb, nloc, body(nb, nloc, args[0]));
             })
      .getResult(0);
}

Value f32Const(OpBuilder &b, Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

/// A float conversion with round to nearest (PyTorch's Tensor.to); bf16 and
/// f16 convert through f32, which holds both exactly.
Value convertFloat(OpBuilder &b, Location loc, Value v, FloatType to) {
  auto from = cast<FloatType>(v.getType());
  if (from == to)
    return v;
  if (from.getWidth() == to.getWidth()) {
    v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
    from = b.getF32Type();
  }
  if (from.getWidth() < to.getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

/// PyTorch's dynamic quantization of `x` (f32): choose_qparams.tensor (or
/// choose_qparams_symmetric.tensor), then quantize_per_tensor.tensor and
/// dequantize_per_tensor.tensor, all in float32 as torch computes them.
Value emitDynamic(OpBuilder &b, Location loc, Value x, const ObserverQuant &q) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Type f32 = b.getF32Type();
  float inf = std::numeric_limits<float>::infinity();
  // torch.aminmax: NaN propagates.
  Value mn, mx;
  if (rank == 0) {
    mn = mx = tensor::ExtractOp::create(b, loc, x, ValueRange{});
  } else {
    Value init = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, f32);
    Value minInit =
        linalg::FillOp::create(b, loc, f32Const(b, loc, inf), init).result();
    Value maxInit =
        linalg::FillOp::create(b, loc, f32Const(b, loc, -inf), init).result();
    AffineMap id = b.getMultiDimIdentityMap(rank);
    AffineMap scalar = AffineMap::get(rank, 0, b.getContext());
    SmallVector<utils::IteratorType> iters(rank,
                                           utils::IteratorType::reduction);
    auto reduce = linalg::GenericOp::create(
        b, loc, TypeRange{minInit.getType(), maxInit.getType()},
        ValueRange{x}, ValueRange{minInit, maxInit},
        ArrayRef<AffineMap>{id, scalar, scalar}, iters,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{arith::MinimumFOp::create(nb, nloc, args[0], args[1]),
                         arith::MaximumFOp::create(nb, nloc, args[0],
                                                   args[2])});
        });
    mn = tensor::ExtractOp::create(b, loc, reduce.getResult(0), ValueRange{});
    mx = tensor::ExtractOp::create(b, loc, reduce.getResult(1), ValueRange{});
  }
  // determine_qparams(min, max, qmin, qmax, dtype, eps,
  //                   has_customized_qrange=False, qscheme).
  Value zero = f32Const(b, loc, 0.0f);
  Value minNeg = arith::MinimumFOp::create(b, loc, mn, zero);
  Value maxPos = arith::MaximumFOp::create(b, loc, mx, zero);
  float qminF = static_cast<float>(q.quantMin);
  float qmaxF = static_cast<float>(q.quantMax);
  float levels = static_cast<float>(q.quantMax - q.quantMin);
  Value scale, zpF;
  if (q.qscheme == QScheme::per_tensor_symmetric) {
    maxPos = arith::MaximumFOp::create(
        b, loc, arith::NegFOp::create(b, loc, minNeg), maxPos);
    scale = arith::DivFOp::create(b, loc, maxPos,
                                  f32Const(b, loc, levels / 2.0f));
    bool unsigned8 = cast<IntegerType>(q.dtype).isUnsigned();
    zpF = f32Const(b, loc, unsigned8 ? 128.0f : 0.0f);
  } else {
    scale = arith::DivFOp::create(
        b, loc, arith::SubFOp::create(b, loc, maxPos, minNeg),
        f32Const(b, loc, levels));
  }
  scale = arith::MaximumFOp::create(b, loc, scale, f32Const(b, loc, q.eps));
  if (!zpF) {
    Value r = math::RoundEvenOp::create(
        b, loc, arith::DivFOp::create(b, loc, minNeg, scale));
    zpF = arith::SubFOp::create(b, loc, f32Const(b, loc, qminF), r);
    // Clamp; a NaN zero point (NaN input) becomes qmin.
    zpF = arith::MinNumFOp::create(
        b, loc, arith::MaxNumFOp::create(b, loc, zpF, f32Const(b, loc, qminF)),
        f32Const(b, loc, qmaxF));
  }
  Value zpI = arith::FPToSIOp::create(b, loc, b.getI64Type(), zpF);
  Value inv = arith::DivFOp::create(b, loc, f32Const(b, loc, 1.0f), scale);
  auto intTy = cast<IntegerType>(q.dtype);
  Value stored = elementwise(
      b, loc, x, b.getIntegerType(8), [&](OpBuilder &nb, Location l, Value v) {
        return buildQuantize(nb, l, v, inv, zpF, q.quantMin, q.quantMax, 8);
      });
  return elementwise(b, loc, stored, f32,
                     [&](OpBuilder &nb, Location l, Value v) {
                       return buildDequantize(nb, l, v, !intTy.isUnsigned(),
                                              zpI, scale, cast<FloatType>(f32));
                     });
}

/// The float values of a constant: a dense attribute (any float type, or
/// a splat) or a float32 `dense_resource` blob (what exporters write for
/// large weights), read without copying when they are float32.
struct FloatValues {
  DenseElementsAttr dense;
  ArrayRef<float> raw; // float32 data (dense non-splat or resource)
  bool splat = false;

  static std::optional<FloatValues> get(ElementsAttr attr) {
    FloatValues v;
    if (!isa<FloatType>(attr.getElementType()))
      return std::nullopt;
    if (auto d = dyn_cast<DenseElementsAttr>(attr)) {
      v.dense = d;
      v.splat = d.isSplat();
      if (d.getElementType().isF32() && !v.splat)
        v.raw = ArrayRef<float>(
            reinterpret_cast<const float *>(d.getRawData().data()),
            d.getNumElements());
      return v;
    }
    if (auto r = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
      std::optional<ArrayRef<float>> data = r.tryGetAsArrayRef();
      if (!data || static_cast<int64_t>(data->size()) != r.getNumElements())
        return std::nullopt; // blob not loaded (or elided)
      v.raw = *data;
      return v;
    }
    return std::nullopt;
  }

  float at(int64_t i) const {
    if (!raw.empty())
      return raw[i];
    APFloat f = dense.getValues<APFloat>()[splat ? 0 : i];
    bool lost;
    f.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    return f.convertToFloat();
  }
};

/// `values` quantized with `q` (per tensor, or per channel along q.axis), as
/// a dense constant of `storageType` (signless; unsigned values as their bit
/// patterns), with the arithmetic of buildQuantize.
template <typename IntT>
DenseElementsAttr quantizeDense(const FloatValues &values,
                                const ObserverQuant &q,
                                RankedTensorType storageType) {
  auto shape = storageType.getShape();
  int64_t channels = q.axis ? shape[*q.axis] : 1, inner = 1;
  if (q.axis)
    for (int64_t d = *q.axis + 1; d < storageType.getRank(); ++d)
      inner *= shape[d];
  SmallVector<float> inv, zp;
  for (auto [s, z] : llvm::zip(q.scales, q.zeroPoints)) {
    inv.push_back(quantInvScale(s));
    zp.push_back(static_cast<float>(z));
  }
  auto quantize = [&](float x, int64_t c) {
    return static_cast<IntT>(
        quantizeValue(x, inv[c], zp[c], q.quantMin, q.quantMax));
  };
  if (values.splat && channels == 1)
    return DenseElementsAttr::get(storageType,
                                  ArrayRef<IntT>{quantize(values.at(0), 0)});
  int64_t n = storageType.getNumElements();
  SmallVector<IntT> out(n);
  if (!values.raw.empty()) {
    const float *data = values.raw.data();
    for (int64_t i = 0; i < n; ++i)
      out[i] = quantize(data[i], (i / inner) % channels);
  } else {
    for (int64_t i = 0; i < n; ++i)
      out[i] = quantize(values.at(i), (i / inner) % channels);
  }
  return DenseElementsAttr::get(storageType, ArrayRef<IntT>(out));
}

/// The value of `v` if it is a constant, or computed from constants by pure
/// ops whose folders evaluate them (PyTorch's constant_fold propagates pure
/// ops between a weight and its quantize op the same way). `chain` gets the
/// ops that were folded, so that the dead ones can be removed.
ElementsAttr foldToConstant(Value v, SetVector<Operation *> &chain,
                            unsigned depth = 8) {
  ElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr))) {
    if (Operation *def = v.getDefiningOp())
      chain.insert(def);
    return attr;
  }
  Operation *def = v.getDefiningOp();
  if (!def || depth == 0 || !isPure(def) || def->getNumRegions() != 0)
    return {};
  SmallVector<Attribute> operands;
  for (Value operand : def->getOperands()) {
    Attribute a;
    if (matchPattern(operand, m_Constant(&a))) {
      operands.push_back(a);
      chain.insert(operand.getDefiningOp());
      continue;
    }
    ElementsAttr folded = foldToConstant(operand, chain, depth - 1);
    if (!folded)
      return {};
    operands.push_back(folded);
  }
  SmallVector<OpFoldResult> results;
  if (failed(def->fold(operands, results)) ||
      results.size() != def->getNumResults())
    return {};
  chain.insert(def);
  return dyn_cast_or_null<ElementsAttr>(dyn_cast<Attribute>(
      results[cast<OpResult>(v).getResultNumber()]));
}

/// "qprep.observe on %arg0 of @f, used by tosa.clamp" for notes.
void describeCall(Diagnostic &note, Operation *call) {
  Value input = call->getOperand(0);
  note << "called here by " << call->getName() << " on ";
  if (Operation *def = input.getDefiningOp())
    note << "a result of " << def->getName();
  else
    note << "block argument " << cast<BlockArgument>(input).getArgNumber();
  // Users in program order (the use list is not): those in the call's block
  // first, then any in nested regions.
  SmallPtrSet<Operation *, 8> userSet(llvm::from_range, call->getUsers());
  SmallVector<Operation *> userOps;
  for (Operation &op : llvm::make_range(std::next(call->getIterator()),
                                        call->getBlock()->end()))
    if (userSet.erase(&op))
      userOps.push_back(&op);
  for (Operation *user : call->getUsers())
    if (userSet.erase(user))
      userOps.push_back(user);
  SmallVector<StringRef> users;
  for (Operation *user : userOps)
    if (!llvm::is_contained(users, user->getName().getStringRef()))
      users.push_back(user->getName().getStringRef());
  if (!users.empty()) {
    note << ", used by ";
    llvm::interleaveComma(users, note);
  }
}

//===----------------------------------------------------------------------===//
// qprep-convert
//===----------------------------------------------------------------------===//

struct ConvertQPrepToQuantPass
    : qprep::impl::ConvertQPrepToQuantPassBase<ConvertQPrepToQuantPass> {
  using ConvertQPrepToQuantPassBase::ConvertQPrepToQuantPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    // Calls per observer, in program order.
    llvm::MapVector<Operation *, SmallVector<Operation *>> calls;
    for (auto obs : module.getOps<ObserverOp>())
      calls[obs];
    bool failed = false;
    module.walk([&](Operation *op) {
      if (!isa<ObserveOp, FakeQuantizeOp>(op))
        return;
      auto sym = op->getAttrOfType<FlatSymbolRefAttr>("observer");
      auto obs = symbols.lookup<ObserverOp>(sym.getValue());
      if (!obs) {
        op->emitOpError("names no qprep.observer");
        failed = true;
        return;
      }
      calls[obs].push_back(op);
    });
    if (failed)
      return signalPassFailure();

    DenseMap<Operation *, ObserverQuant> described;
    for (auto &[op, opCalls] : calls) {
      auto obs = cast<ObserverOp>(op);
      ObserverQuant q = describeObserver(obs, symbols);
      if (q.kind == ConvertKind::Error && !opCalls.empty()) {
        InFlightDiagnostic diag = obs.emitError()
                                  << "observer @" << obs.getSymName()
                                  << " cannot be converted: " << q.error;
        for (Operation *call : opCalls)
          describeCall(diag.attachNote(call->getLoc()), call);
        failed = true;
      }
      described[op] = std::move(q);
    }
    if (failed)
      return signalPassFailure();

    for (auto &[op, opCalls] : calls)
      for (Operation *call : opCalls)
        if (mlir::failed(convertCall(call, described[op])))
          failed = true;
    if (failed)
      return signalPassFailure();
    for (auto obs : llvm::make_early_inc_range(module.getOps<ObserverOp>()))
      obs.erase();
  }

  LogicalResult convertCall(Operation *call, const ObserverQuant &q) {
    Value input = call->getOperand(0);
    Location loc = call->getLoc();
    auto type = dyn_cast<RankedTensorType>(input.getType());
    if (!type)
      return call->emitOpError("observes a ")
             << input.getType()
             << "; qprep-convert works on tensors (run it before "
                "bufferization)";
    OpBuilder b(call);
    Type elt = type.getElementType();
    Value result;
    switch (q.kind) {
    case ConvertKind::Error:
      llvm_unreachable("reported before");
    case ConvertKind::Drop:
      result = input;
      ++numDropped;
      break;
    case ConvertKind::CastF16: {
      result = input;
      if (!elt.isF16()) {
        auto to = [](FloatType t) {
          return [t](OpBuilder &nb, Location l, Value v) {
            return convertFloat(nb, l, v, t);
          };
        };
        Value half =
            elementwise(b, loc, input, b.getF16Type(), to(b.getF16Type()));
        result = elementwise(b, loc, half, elt, to(cast<FloatType>(elt)));
      }
      break;
    }
    case ConvertKind::Dynamic:
      if (!elt.isF32())
        return call->emitOpError("dynamic quantization of ")
               << elt << " values is not supported (PyTorch's "
               << "choose_qparams takes float32)";
      result = emitDynamic(b, loc, input, q);
      ++numDynamic;
      break;
    case ConvertKind::Static: {
      if (!(elt.isF32() || elt.isF16() || elt.isBF16()))
        return call->emitOpError("observes ")
               << elt << " values; quantized types express f32, f16 or bf16";
      if (q.axis) {
        int64_t dim = type.getDimSize(*q.axis);
        if (!ShapedType::isDynamic(dim) &&
            dim != static_cast<int64_t>(q.scales.size()))
          return call->emitOpError("has ")
                 << dim << " channels on axis " << *q.axis << ", but observer "
                 << call->getAttr("observer") << " has " << q.scales.size()
                 << " scales";
      } else if (q.scales.size() != 1) {
        return call->emitOpError("per-tensor observer ")
               << call->getAttr("observer") << " has " << q.scales.size()
               << " scales";
      }
      quant::QuantizedType qtype =
          quantizedType(q, elt, [&] { return call->emitOpError(); });
      if (!qtype)
        return failure();
      auto qtensor = RankedTensorType::get(type.getShape(), qtype);
      SetVector<Operation *> chain;
      Value quantized;
      std::optional<FloatValues> values;
      if (foldQuantize && type.hasStaticShape())
        if (ElementsAttr attr = foldToConstant(input, chain))
          if (attr.getShapedType() == type)
            values = FloatValues::get(attr);
      if (values) {
        auto storageType = RankedTensorType::get(
            type.getShape(), IntegerType::get(&getContext(),
                                              qtype.getStorageTypeIntegralWidth()));
        DenseElementsAttr folded;
        switch (storageType.getElementTypeBitWidth()) {
        case 8:
          folded = quantizeDense<int8_t>(*values, q, storageType);
          break;
        case 16:
          folded = quantizeDense<int16_t>(*values, q, storageType);
          break;
        default:
          folded = quantizeDense<int32_t>(*values, q, storageType);
          break;
        }
        Value ints = arith::ConstantOp::create(b, loc, folded);
        quantized = quant::StorageCastOp::create(b, loc, qtensor, ints);
        ++numFolded;
        call->getResult(0).replaceAllUsesWith(
            quant::DequantizeCastOp::create(b, loc, type, quantized)
                .getResult());
        call->erase();
        // The float weight goes, as PyTorch's constant folding drops it
        // (users first: the chain lists producers before their users).
        for (Operation *op : llvm::reverse(chain))
          if (op->use_empty() && isPure(op))
            op->erase();
        return success();
      }
      quantized = quant::QuantizeCastOp::create(b, loc, qtensor, input);
      result = quant::DequantizeCastOp::create(b, loc, type, quantized);
      ++numPairs;
      break;
    }
    }
    call->getResult(0).replaceAllUsesWith(result);
    call->erase();
    return success();
  }
};
} // namespace

void mlir::qprep::buildConvertPipeline(
    OpPassManager &pm, const ConvertQPrepToQuantPassOptions &options) {
  pm.addNestedPass<func::FuncOp>(tosa::createTosaLayerwiseConstantFoldPass());
  pm.addPass(createConvertQPrepToQuantPass(options));
}
