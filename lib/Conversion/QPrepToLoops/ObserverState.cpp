//===- ObserverState.cpp - state arenas and generated entry points --------===//
//
// Step 1 of convert-qprep-to-loops: every observer gets its state (running
// statistics, histogram scratch, and the qparams of the last update) at
// offsets in a fixed set of module-wide arenas, and a #qprep.layout that
// places it; the module gets the generated entry points of
// qprep/Runtime/CalibrationABI.h.
//
// Everything here is linear in the number of observers, and so is what
// upstream lowering makes of it: a fixed number of symbols (arenas, tables,
// entry points) however many observers there are (upstream conversions look
// symbols up by scanning the module), and qprep_update_qparams is one
// straight-line function that computes every observer once, sources before
// derived observers (a derived observer reads its sources' stored qparams),
// however long a chain of derived specs is.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "qprep/Conversion/QPrepToLoops/QPrepToLoops.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Runtime/CalibrationABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::loops;

// The runtime takes the dialect's QScheme as an int: keep the orders equal.
static_assert(static_cast<int>(QScheme::per_tensor_affine) ==
              QPREP_PER_TENSOR_AFFINE);
static_assert(static_cast<int>(QScheme::per_tensor_symmetric) ==
              QPREP_PER_TENSOR_SYMMETRIC);
static_assert(static_cast<int>(QScheme::per_channel_affine) ==
              QPREP_PER_CHANNEL_AFFINE);
static_assert(static_cast<int>(QScheme::per_channel_symmetric) ==
              QPREP_PER_CHANNEL_SYMMETRIC);
static_assert(static_cast<int>(QScheme::per_channel_affine_float_qparams) ==
              QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS);

namespace {
int32_t dtypeKind(Type dtype) {
  auto intTy = dyn_cast<IntegerType>(dtype);
  if (intTy && intTy.isUnsigned())
    return intTy.getWidth() == 8    ? QPREP_DTYPE_U8
           : intTy.getWidth() == 16 ? QPREP_DTYPE_U16
                                    : QPREP_DTYPE_OTHER;
  return QPREP_DTYPE_OTHER;
}

/// Declares a runtime entry point (private, C interface) once.
func::FuncOp runtimeDecl(ModuleOp module, SymbolTable &symbolTable,
                         StringRef name, FunctionType type) {
  if (auto f = symbolTable.lookup<func::FuncOp>(name))
    return f;
  OpBuilder b(module.getContext());
  b.setInsertionPointToEnd(module.getBody());
  auto f = func::FuncOp::create(b, module.getLoc(), name, type);
  f.setPrivate();
  f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  symbolTable.insert(f);
  return f;
}

SmallVector<Type> configTypes(MLIRContext *ctx) {
  Type i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
  return {i32, i32, i64, i64, i32, Float32Type::get(ctx)};
}

FunctionType qparamsRuntimeType(MLIRContext *ctx) {
  Type f32 = Float32Type::get(ctx), i64 = IntegerType::get(ctx, 64);
  SmallVector<Type> in{dynamicViewType(f32), dynamicViewType(f32)};
  in.append(configTypes(ctx));
  in.append({dynamicViewType(f32), dynamicViewType(i64), dynamicViewType(f32)});
  return FunctionType::get(ctx, in, {IntegerType::get(ctx, 32)});
}

FunctionType histogramQParamsRuntimeType(MLIRContext *ctx) {
  Type f32 = Float32Type::get(ctx), i64 = IntegerType::get(ctx, 64);
  SmallVector<Type> in{dynamicViewType(f32), dynamicViewType(f32),
                       dynamicViewType(f32), i64};
  in.append(configTypes(ctx));
  in.append({dynamicViewType(f32), dynamicViewType(i64), dynamicViewType(f32)});
  return FunctionType::get(ctx, in, {IntegerType::get(ctx, 32)});
}
} // namespace

Value mlir::qprep::loops::emitComputeQParams(OpBuilder &b, Location loc,
                                             const ObserverModel &m,
                                             const StateViews &state) {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  auto config = [&] {
    return SmallVector<Value>{
        intConst(b, loc, i32, static_cast<int64_t>(m.qscheme)),
        intConst(b, loc, i32, dtypeKind(m.dtype)),
        intConst(b, loc, i64, m.quantMin),
        intConst(b, loc, i64, m.quantMax),
        intConst(b, loc, i32, m.customRange),
        f32Const(b, loc, m.eps)};
  };
  auto qparamsOut = [&] {
    return SmallVector<Value>{dynamicView(b, loc, state.scale(b, loc)),
                              dynamicView(b, loc, state.zeroPoint(b, loc)),
                              dynamicView(b, loc, state.zeroPointF(b, loc))};
  };
  Value zero = indexConst(b, loc, 0);
  Value status;
  switch (m.kind) {
  case ObserverModel::Kind::MinMax: {
    SmallVector<Value> args{dynamicView(b, loc, state.min(b, loc)),
                            dynamicView(b, loc, state.max(b, loc))};
    args.append(config());
    args.append(qparamsOut());
    status = func::CallOp::create(b, loc, abi::kRtQParams, TypeRange{i32},
                                  args)
                 .getResult(0);
    break;
  }
  case ObserverModel::Kind::Histogram: {
    SmallVector<Value> args{dynamicView(b, loc, state.hist(b, loc)),
                            dynamicView(b, loc, state.min(b, loc)),
                            dynamicView(b, loc, state.max(b, loc)),
                            intConst(b, loc, i64, m.dstNbins)};
    args.append(config());
    args.append(qparamsOut());
    status = func::CallOp::create(b, loc, abi::kRtHistogramQParams,
                                  TypeRange{i32}, args)
                 .getResult(0);
    break;
  }
  case ObserverModel::Kind::Fixed: {
    float sc = static_cast<float>(m.fixedScale);
    memref::StoreOp::create(b, loc, f32Const(b, loc, sc), state.scale(b, loc),
                            zero);
    memref::StoreOp::create(b, loc, intConst(b, loc, i64, m.fixedZeroPoint),
                            state.zeroPoint(b, loc), zero);
    memref::StoreOp::create(
        b, loc, f32Const(b, loc, static_cast<float>(m.fixedZeroPoint)),
        state.zeroPointF(b, loc), zero);
    status = intConst(b, loc, i32, QPREP_OK);
    break;
  }
  case ObserverModel::Kind::Placeholder:
    // PlaceholderObserver.calculate_qparams raises.
    status = intConst(b, loc, i32, QPREP_ERR_NO_QPARAMS);
    break;
  case ObserverModel::Kind::Derived:
    llvm_unreachable("derived observers are computed by qprep_update_qparams");
  }
  memref::StoreOp::create(b, loc, status, state.status(b, loc), zero);
  return status;
}

namespace {
/// Offsets of one observer's state in the arenas (-1: none).
struct Offsets {
  int64_t min = -1, max = -1, hist = -1, range = -1, scale = -1, zpF = -1,
          zp = -1, counts = -1, status = -1, name = -1;
};

class Materializer {
public:
  Materializer(ModuleOp module, const ObserverAnalysis &analysis)
      : module(module), analysis(analysis), symbolTable(module),
        b(module.getContext()), loc(module.getLoc()) {}

  LogicalResult run();

private:
  LogicalResult check();
  void allocate();
  LogicalResult createArenas();
  /// A private constant i64 global of `values` (1-D).
  LogicalResult makeConstant(StringRef name, ArrayRef<int64_t> values);
  FailureOr<func::FuncOp> getOrCreatePublic(StringRef name,
                                            FunctionType type);
  LogicalResult buildUpdate();
  LogicalResult buildReaders();
  LogicalResult buildReset();
  Value whole(OpBuilder &fb, StringRef arena) {
    auto g = symbolTable.lookup<memref::GlobalOp>(arena);
    return memref::GetGlobalOp::create(fb, loc, g.getType(), arena);
  }
  StateViews views(unsigned i) { return StateViews(symbols, module, layouts[i]); }

  ModuleOp module;
  const ObserverAnalysis &analysis;
  SymbolTable symbolTable;
  SymbolTableCollection symbols;
  OpBuilder b;
  Location loc;
  SmallVector<Offsets> offsets;
  SmallVector<ObserverLayoutAttr> layouts;
  SmallVector<char> names;
  /// Arena sizes.
  int64_t nMin = 0, nMax = 0, nF32 = 0, nScale = 0, nZeroPoint = 0,
          nCounts = 0, nStatus = 0;
  bool guarded = false;
};
} // namespace

LogicalResult Materializer::check() {
  bool ok = true;
  for (const ObserverAnalysis::Entry &e : analysis.getEntries()) {
    const ObserverModel &m = e.model;
    if (m.kind == ObserverModel::Kind::Histogram) {
      int64_t rate = cast<QSpecAttr>(e.op.getSpec())
                         .getObserver()
                         .getUpsampleRate();
      if (rate != ObserverAttr::getDefaultUpsampleRate()) {
        e.op.emitOpError("has a histogram observer with upsample_rate = ")
            << rate << "; the current PyTorch algorithm (and qprep) uses 16";
        ok = false;
      }
    }
    for (Operation *u : e.uses) {
      auto t = dyn_cast<MemRefType>(u->getOperand(0).getType());
      if (!t) {
        u->emitOpError("observes a tensor: run one-shot-bufferize first");
        ok = false;
        continue;
      }
      if (m.kind == ObserverModel::Kind::Histogram &&
          (!t.getElementType().isF32() || !t.getLayout().isIdentity() ||
           t.getRank() == 0)) {
        u->emitOpError("histogram observer @")
            << e.op.getSymName()
            << " needs a contiguous f32 memref of rank >= 1, got " << t;
        ok = false;
      }
      if (isa<FakeQuantizeOp>(u) &&
          (m.kind == ObserverModel::Kind::Derived ||
           m.kind == ObserverModel::Kind::Placeholder)) {
        u->emitOpError("fake-quantizes with observer @")
            << e.op.getSymName()
            << ", which has no qparams to quantize with (derived or "
               "placeholder)";
        ok = false;
      }
    }
  }
  return success(ok);
}

void Materializer::allocate() {
  ArrayRef<ObserverAnalysis::Entry> entries = analysis.getEntries();
  offsets.resize(entries.size());
  for (auto [e, o] : llvm::zip(entries, offsets)) {
    int64_t c = e.channels;
    if (e.model.hasStatistics()) {
      o.min = nMin;
      nMin += c;
      o.max = nMax;
      nMax += c;
    }
    if (e.model.kind == ObserverModel::Kind::Histogram) {
      o.hist = nF32;
      nF32 += e.model.bins;
      o.range = nF32;
      nF32 += 2;
      o.counts = nCounts;
      nCounts += kHistCopies * (e.model.bins + 1);
    }
    o.scale = nScale;
    nScale += c;
    o.zpF = nF32;
    nF32 += c;
    o.zp = nZeroPoint;
    nZeroPoint += c;
    o.status = nStatus++;
    // Per-channel observers seen with a dynamic channel count check it at
    // run time; the error names the observer.
    bool dynamicSite =
        e.model.kind == ObserverModel::Kind::MinMax && e.model.chAxis &&
        llvm::any_of(e.uses, [&](Operation *u) {
          return cast<ShapedType>(u->getOperand(0).getType())
              .isDynamicDim(*e.model.chAxis);
        });
    if (dynamicSite) {
      StringRef name = e.op.getSymName();
      o.name = names.size();
      names.append(name.begin(), name.end());
      guarded = true;
    }
  }
}

LogicalResult Materializer::createArenas() {
  b.setInsertionPointToStart(module.getBody());
  MLIRContext *ctx = module.getContext();
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  auto makeGlobal = [&](StringRef name, Type elt, int64_t size,
                        Attribute value, bool constant,
                        DenseElementsAttr init = {}) -> LogicalResult {
    if (Operation *existing = symbolTable.lookup(name))
      return existing->emitOpError("has the name @")
             << name << ", which qprep's generated calibration state uses";
    auto type = MemRefType::get({size}, elt);
    if (!init)
      init = DenseElementsAttr::get(RankedTensorType::get({size}, elt), value);
    auto g = memref::GlobalOp::create(b, loc, name, b.getStringAttr("private"),
                                      type, init, constant,
                                      /*alignment=*/b.getI64IntegerAttr(64));
    symbolTable.insert(g);
    return success();
  };
  const float inf = kInf;
  if (failed(makeGlobal(abi::kArenaMin, f32, nMin, FloatAttr::get(f32, inf),
                        false)) ||
      failed(makeGlobal(abi::kArenaMax, f32, nMax, FloatAttr::get(f32, -inf),
                        false)) ||
      failed(makeGlobal(abi::kArenaF32, f32, nF32, FloatAttr::get(f32, 0.0),
                        false)) ||
      failed(makeGlobal(abi::kArenaScale, f32, nScale,
                        FloatAttr::get(f32, 1.0), false)) ||
      failed(makeGlobal(abi::kArenaZeroPoint, i64, nZeroPoint,
                        IntegerAttr::get(i64, 0), false)) ||
      failed(makeGlobal(abi::kArenaCounts, i32, nCounts,
                        IntegerAttr::get(i32, 0), false)) ||
      failed(makeGlobal(abi::kArenaStatus, i32, nStatus,
                        IntegerAttr::get(i32, QPREP_UNCALIBRATED), false)))
    return failure();
  Type i8 = b.getI8Type();
  if (failed(makeGlobal(
          abi::kNames, i8, names.size(), {}, true,
          DenseElementsAttr::get(
              RankedTensorType::get({static_cast<int64_t>(names.size())}, i8),
              ArrayRef<char>(names)))))
    return failure();
  // The readers' table: [observers x kTableColumns] offsets and sizes.
  ArrayRef<ObserverAnalysis::Entry> entries = analysis.getEntries();
  SmallVector<int64_t> table;
  for (auto [e, o] : llvm::zip(entries, offsets)) {
    int64_t row[abi::kTableColumns];
    row[abi::kColChannels] = e.channels;
    row[abi::kColBins] = e.model.bins;
    row[abi::kColScale] = o.scale;
    row[abi::kColZeroPointF] = o.zpF;
    row[abi::kColZeroPoint] = o.zp;
    row[abi::kColStatus] = o.status;
    row[abi::kColMin] = o.min;
    row[abi::kColMax] = o.max;
    row[abi::kColHist] = o.hist;
    table.append(std::begin(row), std::end(row));
  }
  return makeConstant(abi::kObserverTable, table);
}

LogicalResult Materializer::makeConstant(StringRef name,
                                         ArrayRef<int64_t> values) {
  if (Operation *existing = symbolTable.lookup(name))
    return existing->emitOpError("has the name @")
           << name << ", which qprep's generated calibration state uses";
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  Type i64 = b.getI64Type();
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())}, i64);
  auto g = memref::GlobalOp::create(
      b, loc, name, b.getStringAttr("private"),
      MemRefType::get(type.getShape(), i64),
      DenseElementsAttr::get(type, values),
      /*constant=*/true, /*alignment=*/b.getI64IntegerAttr(64));
  symbolTable.insert(g);
  return success();
}

FailureOr<func::FuncOp> Materializer::getOrCreatePublic(StringRef name,
                                                        FunctionType type) {
  // A declaration of the same name (e.g. for a caller under mlir-runner)
  // gets the body.
  func::FuncOp f;
  if (auto existing = symbolTable.lookup<func::FuncOp>(name)) {
    if (!existing.isExternal() || existing.getFunctionType() != type)
      return existing.emitOpError("clashes with the generated ")
             << name << ": expected a declaration of type " << type;
    existing.setPublic();
    f = existing;
  } else {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    f = func::FuncOp::create(b, loc, name, type);
    symbolTable.insert(f);
  }
  f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  return f;
}

/// qprep_update_qparams: the runtime walks the update table (one row per
/// observer, sources first); observers with a user derive function are
/// computed by generated code between the table's runs.
LogicalResult Materializer::buildUpdate() {
  ArrayRef<ObserverAnalysis::Entry> entries = analysis.getEntries();
  ArrayRef<unsigned> order = analysis.getTopologicalOrder();
  Type i32 = b.getI32Type(), i64 = b.getI64Type();

  // The tables.
  SmallVector<int64_t> rowOf(entries.size());
  for (auto [r, i] : llvm::enumerate(order))
    rowOf[i] = r;
  SmallVector<int64_t> table, sources;
  auto floatBits = [](double v) {
    return static_cast<int64_t>(
        llvm::bit_cast<uint32_t>(static_cast<float>(v)));
  };
  for (unsigned i : order) {
    const ObserverAnalysis::Entry &e = entries[i];
    const ObserverModel &m = e.model;
    const Offsets &o = offsets[i];
    int64_t row[abi::kUpdateColumns] = {};
    switch (m.kind) {
    case ObserverModel::Kind::MinMax:
      row[abi::kUpKind] = abi::kUpdateMinMax;
      break;
    case ObserverModel::Kind::Histogram:
      row[abi::kUpKind] = abi::kUpdateHistogram;
      break;
    case ObserverModel::Kind::Fixed:
      row[abi::kUpKind] = abi::kUpdateFixed;
      break;
    case ObserverModel::Kind::Placeholder:
      row[abi::kUpKind] = abi::kUpdatePlaceholder;
      break;
    case ObserverModel::Kind::Derived:
      row[abi::kUpKind] =
          m.deriveFn ? abi::kUpdateGenerated : abi::kUpdateScaleProduct;
      break;
    }
    row[abi::kUpChannels] = e.channels;
    row[abi::kUpBins] = m.bins;
    row[abi::kUpDstNbins] = m.dstNbins;
    row[abi::kUpMin] = o.min;
    row[abi::kUpMax] = o.max;
    row[abi::kUpHist] = o.hist;
    row[abi::kUpScale] = o.scale;
    row[abi::kUpZeroPointF] = o.zpF;
    row[abi::kUpZeroPoint] = o.zp;
    row[abi::kUpStatus] = o.status;
    row[abi::kUpQScheme] = static_cast<int64_t>(m.qscheme);
    row[abi::kUpDTypeKind] = dtypeKind(m.dtype);
    row[abi::kUpQuantMin] = m.quantMin;
    row[abi::kUpQuantMax] = m.quantMax;
    row[abi::kUpCustomRange] = m.customRange;
    row[abi::kUpEps] = floatBits(m.eps);
    row[abi::kUpFixedScale] = floatBits(m.fixedScale);
    row[abi::kUpFixedZeroPoint] = m.fixedZeroPoint;
    row[abi::kUpSourcesBegin] = sources.size();
    row[abi::kUpSourcesCount] = e.sources.size();
    for (unsigned src : e.sources)
      sources.push_back(rowOf[src]);
    table.append(std::begin(row), std::end(row));
  }
  if (failed(makeConstant(abi::kUpdateTable, table)) ||
      failed(makeConstant(abi::kUpdateSources, sources)))
    return failure();

  FailureOr<func::FuncOp> update =
      getOrCreatePublic(abi::kUpdateQParamsFn, b.getFunctionType({}, {}));
  if (failed(update))
    return failure();
  OpBuilder fb(update->addEntryBlock(), update->getBody().front().begin());
  auto dyn = [&](StringRef arena) {
    Value v = whole(fb, arena);
    return castTo(fb, loc, v,
                  MemRefType::get({ShapedType::kDynamic},
                                  cast<MemRefType>(v.getType())
                                      .getElementType()));
  };
  auto runTable = [&](int64_t begin, int64_t end) {
    if (begin == end)
      return;
    func::CallOp::create(
        fb, loc, abi::kRtUpdateQParams, TypeRange{},
        ValueRange{dyn(abi::kUpdateTable), dyn(abi::kUpdateSources),
                   intConst(fb, loc, i64, begin), intConst(fb, loc, i64, end),
                   dyn(abi::kArenaMin), dyn(abi::kArenaMax),
                   dyn(abi::kArenaF32), dyn(abi::kArenaScale),
                   dyn(abi::kArenaZeroPoint), dyn(abi::kArenaStatus)});
  };
  Value zero = indexConst(fb, loc, 0);
  int64_t runBegin = 0;
  for (auto [r, i] : llvm::enumerate(order)) {
    const ObserverAnalysis::Entry &e = entries[i];
    const ObserverModel &m = e.model;
    if (m.kind != ObserverModel::Kind::Derived || !m.deriveFn)
      continue;
    runTable(runBegin, r);
    runBegin = r + 1;
    StateViews state = views(i);
    // Status: an error of a source (the most negative) wins; otherwise
    // "uncalibrated" (1) if any source is.
    Value lowest = intConst(fb, loc, i32, QPREP_OK), highest = lowest;
    for (unsigned src : e.sources) {
      Value rc = memref::LoadOp::create(fb, loc, views(src).status(fb, loc),
                                        ValueRange{zero});
      lowest = arith::MinSIOp::create(fb, loc, lowest, rc);
      highest = arith::MaxSIOp::create(fb, loc, highest, rc);
    }
    Value scale = state.scale(fb, loc), zp = state.zeroPoint(fb, loc),
          zpF = state.zeroPointF(fb, loc);
    // The user's function: (scale_i, zp_i for each source) -> (scale, zp), on
    // identity-layout buffers.
    FailureOr<FunctionOpInterface> fnOr =
        lookupDeriveFunction(e.op, module, m.deriveFn);
    if (failed(fnOr))
      return failure();
    auto fn = dyn_cast<func::FuncOp>(fnOr->getOperation());
    FunctionType ft = fn ? fn.getFunctionType() : FunctionType();
    SmallVector<Value> sourceViews;
    for (unsigned src : e.sources) {
      sourceViews.push_back(views(src).scale(fb, loc));
      sourceViews.push_back(views(src).zeroPoint(fb, loc));
    }
    auto identity = [](Value v) {
      auto t = cast<MemRefType>(v.getType());
      return MemRefType::get(t.getShape(), t.getElementType());
    };
    bool fits = fn && ft.getNumInputs() == sourceViews.size() &&
                ft.getNumResults() == 2;
    for (unsigned k = 0; fits && k < sourceViews.size(); ++k)
      fits = memref::CastOp::areCastCompatible(identity(sourceViews[k]),
                                               ft.getInput(k));
    if (fits)
      fits = memref::CastOp::areCastCompatible(ft.getResult(0),
                                               identity(scale)) &&
             memref::CastOp::areCastCompatible(ft.getResult(1), identity(zp));
    if (!fits)
      return e.op.emitOpError("derive function ")
             << m.deriveFn << " must take (scale, zero_point) memrefs of "
             << "each source and return this observer's (memref<"
             << e.channels << "xf32>, memref<" << e.channels
             << "xi64>) after bufferization; it has type "
             << (fn ? Attribute(TypeAttr::get(ft))
                    : Attribute(b.getStringAttr("<not a func.func>")));
    SmallVector<Value> args;
    for (auto [k, v] : llvm::enumerate(sourceViews)) {
      Value copy = memref::AllocaOp::create(fb, loc, identity(v));
      memref::CopyOp::create(fb, loc, v, copy);
      args.push_back(castTo(fb, loc, copy, ft.getInput(k)));
    }
    auto call = func::CallOp::create(fb, loc, fn, args);
    memref::CopyOp::create(
        fb, loc, castTo(fb, loc, call.getResult(0), identity(scale)), scale);
    memref::CopyOp::create(
        fb, loc, castTo(fb, loc, call.getResult(1), identity(zp)), zp);
    func::CallOp::create(fb, loc, abi::kRtZeroPointsToFloat, TypeRange{},
                         ValueRange{dynamicView(fb, loc, zp),
                                    dynamicView(fb, loc, zpF)});
    Value failedSrc = arith::CmpIOp::create(
        fb, loc, arith::CmpIPredicate::slt, lowest, intConst(fb, loc, i32, 0));
    Value status = arith::SelectOp::create(fb, loc, failedSrc, lowest, highest);
    memref::StoreOp::create(fb, loc, status, state.status(fb, loc),
                            ValueRange{zero});
  }
  runTable(runBegin, order.size());
  func::ReturnOp::create(fb, loc);
  return success();
}

/// qprep_qparams / qprep_stats / qprep_histogram: copies out of the arenas,
/// by observer index, after checking the index and the caller's buffers.
LogicalResult Materializer::buildReaders() {
  MLIRContext *ctx = module.getContext();
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  auto dynF32 = MemRefType::get({ShapedType::kDynamic}, f32);
  auto dynI64 = MemRefType::get({ShapedType::kDynamic}, i64);
  int64_t n = analysis.getEntries().size();

  // Builds `reader(index, buffers...) -> i32`: `body` gets the row's table
  // loader and returns the conditions its buffers must meet, then (in the
  // guarded region) copies and yields the status.
  struct Copy {
    StringRef arena;
    abi::TableColumn offset, size;
    unsigned arg;
  };
  auto build = [&](StringRef name, ArrayRef<Type> buffers, ArrayRef<Copy> copies,
                   abi::TableColumn required,
                   bool returnStatus) -> LogicalResult {
    SmallVector<Type> in{i64};
    in.append(buffers.begin(), buffers.end());
    FailureOr<func::FuncOp> f =
        getOrCreatePublic(name, FunctionType::get(ctx, in, {i32}));
    if (failed(f))
      return failure();
    OpBuilder fb(f->addEntryBlock(), f->getBody().front().begin());
    Value index = f->getArgument(0);
    Value bad = intConst(fb, loc, i32, QPREP_ERR_BAD_ARGUMENT);
    Value inRange = arith::AndIOp::create(
        fb, loc,
        arith::CmpIOp::create(fb, loc, arith::CmpIPredicate::sge, index,
                              intConst(fb, loc, i64, 0)),
        arith::CmpIOp::create(fb, loc, arith::CmpIPredicate::slt, index,
                              intConst(fb, loc, i64, n)));
    auto ifIn = scf::IfOp::create(fb, loc, TypeRange{i32}, inRange,
                                  /*withElseRegion=*/true);
    {
      OpBuilder eb = ifIn.getElseBodyBuilder();
      scf::YieldOp::create(eb, loc, bad);
    }
    OpBuilder tb = ifIn.getThenBodyBuilder();
    Value row = mul(tb, loc,
                    arith::IndexCastOp::create(tb, loc, tb.getIndexType(),
                                               index),
                    indexConst(tb, loc, abi::kTableColumns));
    Value table = whole(tb, abi::kObserverTable);
    auto column = [&](OpBuilder &cb, abi::TableColumn c) -> Value {
      return arith::IndexCastOp::create(
          cb, loc, cb.getIndexType(),
          memref::LoadOp::create(
              cb, loc, table, ValueRange{add(cb, loc, row, indexConst(cb, loc, c))}));
    };
    // The observer has the state (offset >= 0) and the buffers are long
    // enough.
    Value zeroIdx = indexConst(tb, loc, 0);
    Value ok = arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::sge,
                                     column(tb, required), zeroIdx);
    for (const Copy &c : copies) {
      Value dim = memref::DimOp::create(tb, loc, f->getArgument(c.arg), 0);
      ok = arith::AndIOp::create(
          tb, loc, ok,
          arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::sge, dim,
                                column(tb, c.size)));
    }
    auto ifOk = scf::IfOp::create(tb, loc, TypeRange{i32}, ok,
                                  /*withElseRegion=*/true);
    {
      OpBuilder eb = ifOk.getElseBodyBuilder();
      scf::YieldOp::create(eb, loc, bad);
    }
    OpBuilder ob = ifOk.getThenBodyBuilder();
    for (const Copy &c : copies) {
      Value from = whole(ob, c.arena);
      Value offset = column(ob, c.offset);
      Value to = f->getArgument(c.arg);
      emitFor(ob, loc, indexConst(ob, loc, 0), column(ob, c.size), 1, {},
              [&](OpBuilder &lb, Value k, ValueRange) {
                Value v = memref::LoadOp::create(lb, loc, from,
                                                 ValueRange{add(lb, loc, offset, k)});
                memref::StoreOp::create(lb, loc, v, to, ValueRange{k});
                return SmallVector<Value>{};
              });
    }
    Value result = intConst(ob, loc, i32, QPREP_OK);
    if (returnStatus)
      result = memref::LoadOp::create(ob, loc, whole(ob, abi::kArenaStatus),
                                      ValueRange{column(ob, abi::kColStatus)});
    scf::YieldOp::create(ob, loc, result);
    scf::YieldOp::create(tb, loc, ifOk.getResult(0));
    func::ReturnOp::create(fb, loc, ifIn.getResult(0));
    return success();
  };
  if (failed(build(abi::kQParamsFn, {dynF32, dynI64, dynF32},
                   {{abi::kArenaScale, abi::kColScale, abi::kColChannels, 1},
                    {abi::kArenaZeroPoint, abi::kColZeroPoint,
                     abi::kColChannels, 2},
                    {abi::kArenaF32, abi::kColZeroPointF, abi::kColChannels,
                     3}},
                   abi::kColScale, /*returnStatus=*/true)) ||
      failed(build(abi::kStatsFn, {dynF32, dynF32},
                   {{abi::kArenaMin, abi::kColMin, abi::kColChannels, 1},
                    {abi::kArenaMax, abi::kColMax, abi::kColChannels, 2}},
                   abi::kColMin, /*returnStatus=*/false)) ||
      failed(build(abi::kHistogramFn, {dynF32},
                   {{abi::kArenaF32, abi::kColHist, abi::kColBins, 1}},
                   abi::kColHist, /*returnStatus=*/false)))
    return failure();
  return success();
}

/// qprep_reset: every arena back to its initial value.
LogicalResult Materializer::buildReset() {
  FailureOr<func::FuncOp> reset =
      getOrCreatePublic(abi::kResetFn, b.getFunctionType({}, {}));
  if (failed(reset))
    return failure();
  OpBuilder fb(reset->addEntryBlock(), reset->getBody().front().begin());
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  emitFill(fb, loc, whole(fb, abi::kArenaMin), f32Const(fb, loc, kInf));
  emitFill(fb, loc, whole(fb, abi::kArenaMax), f32Const(fb, loc, -kInf));
  emitFill(fb, loc, whole(fb, abi::kArenaF32), f32Const(fb, loc, 0.0f));
  emitFill(fb, loc, whole(fb, abi::kArenaScale), f32Const(fb, loc, 1.0f));
  emitFill(fb, loc, whole(fb, abi::kArenaZeroPoint), intConst(fb, loc, i64, 0));
  emitFill(fb, loc, whole(fb, abi::kArenaCounts), intConst(fb, loc, i32, 0));
  emitFill(fb, loc, whole(fb, abi::kArenaStatus),
           intConst(fb, loc, i32, QPREP_UNCALIBRATED));
  func::ReturnOp::create(fb, loc);
  return success();
}

LogicalResult Materializer::run() {
  if (failed(check()))
    return failure();
  allocate();
  if (failed(createArenas()))
    return failure();
  MLIRContext *ctx = module.getContext();
  ArrayRef<ObserverAnalysis::Entry> entries = analysis.getEntries();
  for (auto [i, e] : llvm::enumerate(entries)) {
    const Offsets &o = offsets[i];
    auto layout = ObserverLayoutAttr::get(
        ctx, e.op.getSymNameAttr(), i, e.channels, e.model.bins, o.min, o.max,
        o.hist, o.range, o.scale, o.zpF, o.zp, o.counts, o.status, o.name,
        guarded);
    layouts.push_back(layout);
    e.op->setAttr(QPrepDialect::getLayoutAttrName(), layout);
  }

  // Runtime entry points the generated code calls.
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  auto dynF32 = dynamicViewType(f32);
  auto has = [&](ObserverModel::Kind kind) {
    return llvm::any_of(entries, [&](const ObserverAnalysis::Entry &e) {
      return e.model.kind == kind;
    });
  };
  auto plain = [&](Type elt) {
    return MemRefType::get({ShapedType::kDynamic}, elt);
  };
  runtimeDecl(module, symbolTable, abi::kRtUpdateQParams,
              b.getFunctionType({plain(i64), plain(i64), i64, i64, plain(f32),
                                 plain(f32), plain(f32), plain(f32),
                                 plain(i64), plain(i32)},
                                {}));
  if (has(ObserverModel::Kind::MinMax))
    runtimeDecl(module, symbolTable, abi::kRtQParams, qparamsRuntimeType(ctx));
  if (has(ObserverModel::Kind::Histogram)) {
    runtimeDecl(module, symbolTable, abi::kRtHistogramQParams,
                histogramQParamsRuntimeType(ctx));
    runtimeDecl(module, symbolTable, abi::kRtHistogramRange,
                b.getFunctionType({dynF32, dynF32, f32, f32, i64, dynF32}, {}));
    runtimeDecl(module, symbolTable, abi::kRtHistogramMerge,
                b.getFunctionType({dynF32, dynF32, dynF32,
                                   dynamicViewType(i32), f32, f32},
                                  {}));
  }
  if (has(ObserverModel::Kind::Derived)) {
    runtimeDecl(module, symbolTable, abi::kRtZeroPointsToFloat,
                b.getFunctionType({dynamicViewType(i64), dynF32}, {}));
  }
  // Run-time checks: once one fails in a call, that update and every later
  // one are skipped (PyTorch raises at the failing observer, so later ones
  // never run); the caller takes the error (qprep_take_error) after the call.
  if (guarded) {
    runtimeDecl(module, symbolTable, abi::kRtChannelMismatch,
                b.getFunctionType({dynamicViewType(b.getI8Type()), i64, i64,
                                   i64},
                                  {}));
    runtimeDecl(module, symbolTable, abi::kRtFailed,
                b.getFunctionType({}, {i32}));
  }
  return success(succeeded(buildUpdate()) && succeeded(buildReaders()) &&
                 succeeded(buildReset()));
}

LogicalResult
mlir::qprep::materializeObserverState(ModuleOp module,
                                      const ObserverAnalysis &analysis) {
  return Materializer(module, analysis).run();
}

// The public layout's keys: the writer and the reader below are the only
// places that spell them.
static constexpr llvm::StringLiteral kObserverKey = "observer",
                                     kIndexKey = "index",
                                     kChannelsKey = "channels",
                                     kBinsKey = "bins", kStatsKey = "stats",
                                     kHistogramKey = "histogram";

void mlir::qprep::finalizeObserverLayouts(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  Builder b(ctx);
  SmallVector<Attribute> layouts;
  for (auto obs : llvm::make_early_inc_range(module.getOps<ObserverOp>())) {
    if (auto l = obs->getAttrOfType<ObserverLayoutAttr>(
            QPrepDialect::getLayoutAttrName())) {
      NamedAttrList entry;
      entry.append(kObserverKey, l.getObserver());
      entry.append(kIndexKey, b.getI64IntegerAttr(l.getIndex()));
      entry.append(kChannelsKey, b.getI64IntegerAttr(l.getChannels()));
      entry.append(kBinsKey, b.getI64IntegerAttr(l.getBins()));
      entry.append(kStatsKey, b.getBoolAttr(l.getMin() >= 0));
      entry.append(kHistogramKey, b.getBoolAttr(l.getHist() >= 0));
      layouts.push_back(entry.getDictionary(ctx));
    }
    obs.erase();
  }
  module->setAttr(QPrepDialect::getObserverLayoutsAttrName(),
                  ArrayAttr::get(ctx, layouts));
}

FailureOr<SmallVector<ObserverFunctions>>
mlir::qprep::readObserverLayouts(ModuleOp module) {
  auto layouts = module->getAttrOfType<ArrayAttr>(
      QPrepDialect::getObserverLayoutsAttrName());
  if (!layouts)
    return failure();
  SmallVector<ObserverFunctions> out;
  for (Attribute a : layouts) {
    auto d = dyn_cast<DictionaryAttr>(a);
    if (!d)
      return failure();
    auto observer = d.getAs<StringAttr>(kObserverKey);
    auto index = d.getAs<IntegerAttr>(kIndexKey);
    auto channels = d.getAs<IntegerAttr>(kChannelsKey);
    auto bins = d.getAs<IntegerAttr>(kBinsKey);
    auto stats = d.getAs<BoolAttr>(kStatsKey);
    auto hist = d.getAs<BoolAttr>(kHistogramKey);
    if (!observer || !index || !channels || !bins || !stats || !hist)
      return failure();
    ObserverFunctions f;
    f.observer = observer.str();
    f.index = index.getInt();
    f.channels = channels.getInt();
    f.bins = bins.getInt();
    f.hasStats = stats.getValue();
    f.hasHistogram = hist.getValue();
    out.push_back(std::move(f));
  }
  return out;
}
