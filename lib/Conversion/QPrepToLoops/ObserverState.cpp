//===- ObserverState.cpp - state globals and generated entry points -------===//
//
// Step 1 of convert-qprep-to-loops: every observer gets its state in memref
// globals (statistics, histogram scratch, and the qparams of the last
// update), the functions that compute and read it, and a #qprep.layout that
// names all of it. Function names come from qprep/Runtime/CalibrationABI.h.
//
// qparams are computed by `qprep_update_qparams`, which calls each observer's
// `__qprep_compute_<obs>` once, sources before derived observers: a derived
// observer reads its sources' stored qparams, so the generated code and its
// run time stay linear in the number of observers, however long a chain of
// derived specs is.
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

/// The symbols of one observer's state and functions while they are built.
struct State {
  FlatSymbolRefAttr min, max, hist, counts, range, scale, zp, zpF, status,
      name;
  func::FuncOp compute, qparams, stats, histogram;
};

class Materializer {
public:
  Materializer(ModuleOp module, const ObserverAnalysis &analysis)
      : module(module), analysis(analysis), symbolTable(module),
        b(module.getContext()), loc(module.getLoc()) {}

  LogicalResult run();

private:
  LogicalResult check();
  void createGlobals(unsigned i);
  FailureOr<func::FuncOp> getOrCreatePublic(StringRef name,
                                            FunctionType type);
  func::FuncOp runtimeDecl(StringRef name, FunctionType type);
  void setCInterface(func::FuncOp f) {
    f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
  }
  LogicalResult buildCompute(unsigned i);
  LogicalResult buildReaders(unsigned i);
  LogicalResult buildModuleFunctions();
  Value global(OpBuilder &fb, FlatSymbolRefAttr sym) {
    auto g = symbolTable.lookup<memref::GlobalOp>(sym.getValue());
    return memref::GetGlobalOp::create(fb, loc, g.getType(), sym.getValue());
  }
  SmallVector<Value> configValues(OpBuilder &fb, const ObserverModel &m);

  ModuleOp module;
  const ObserverAnalysis &analysis;
  SymbolTable symbolTable;
  OpBuilder b;
  Location loc;
  SmallVector<State> states;
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
      if (isa<FakeQuantizeOp>(u) && (m.kind == ObserverModel::Kind::Derived ||
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

void Materializer::createGlobals(unsigned i) {
  const ObserverAnalysis::Entry &e = analysis.getEntries()[i];
  State &s = states[i];
  b.setInsertionPoint(e.op);
  StringRef name = e.op.getSymName();
  auto makeGlobal = [&](StringRef suffix, int64_t size, Attribute init,
                        bool constant = false) {
    auto type = MemRefType::get({size}, cast<TypedAttr>(init).getType());
    auto attr = DenseElementsAttr::get(
        RankedTensorType::get({size}, type.getElementType()), init);
    auto g = memref::GlobalOp::create(
        b, e.op.getLoc(), (name + suffix).str(), b.getStringAttr("private"),
        type, attr, constant, /*alignment=*/b.getI64IntegerAttr(64));
    symbolTable.insert(g);
    return FlatSymbolRefAttr::get(g.getSymNameAttr());
  };
  int64_t c = e.channels;
  if (e.model.hasStatistics()) {
    s.min = makeGlobal("_min", c, b.getF32FloatAttr(kInf));
    s.max = makeGlobal("_max", c, b.getF32FloatAttr(-kInf));
  }
  if (e.model.kind == ObserverModel::Kind::Histogram) {
    s.hist = makeGlobal("_hist", e.model.bins, b.getF32FloatAttr(0.0f));
    s.counts = makeGlobal("_counts", kHistCopies * (e.model.bins + 1),
                          b.getI32IntegerAttr(0));
    s.range = makeGlobal("_range", 2, b.getF32FloatAttr(0.0f));
  }
  // qparams of the last update: "uncalibrated" (scale 1, zero point 0).
  s.scale = makeGlobal("_scale", c, b.getF32FloatAttr(1.0f));
  s.zp = makeGlobal("_zero_point", c, b.getI64IntegerAttr(0));
  s.zpF = makeGlobal("_zero_point_f", c, b.getF32FloatAttr(0.0f));
  s.status = makeGlobal("_status", 1, b.getI32IntegerAttr(QPREP_UNCALIBRATED));
  // Per-channel observers seen with a dynamic channel count check it at run
  // time; the error names the observer.
  bool dynamicSite = llvm::any_of(e.uses, [&](Operation *u) {
    auto t = cast<ShapedType>(u->getOperand(0).getType());
    return e.model.chAxis &&
           t.isDynamicDim(*e.model.chAxis);
  });
  if (dynamicSite && e.model.kind == ObserverModel::Kind::MinMax) {
    auto type = MemRefType::get({static_cast<int64_t>(name.size())},
                                b.getI8Type());
    auto g = memref::GlobalOp::create(
        b, e.op.getLoc(), (name + "_name").str(), b.getStringAttr("private"),
        type,
        DenseElementsAttr::get(
            RankedTensorType::get(type.getShape(), b.getI8Type()),
            ArrayRef<char>(name.data(), name.size())),
        /*constant=*/true, /*alignment=*/nullptr);
    symbolTable.insert(g);
    s.name = FlatSymbolRefAttr::get(g.getSymNameAttr());
  }
}

FailureOr<func::FuncOp> Materializer::getOrCreatePublic(StringRef name,
                                                        FunctionType type) {
  // A declaration of the same name (e.g. for a caller under mlir-runner)
  // gets the body.
  if (auto existing = symbolTable.lookup<func::FuncOp>(name)) {
    if (!existing.isExternal() || existing.getFunctionType() != type)
      return existing.emitOpError("clashes with the generated ")
             << name << ": expected a declaration of type " << type;
    existing.setPublic();
    setCInterface(existing);
    return existing;
  }
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto f = func::FuncOp::create(b, loc, name, type);
  symbolTable.insert(f);
  setCInterface(f);
  return f;
}

func::FuncOp Materializer::runtimeDecl(StringRef name, FunctionType type) {
  if (auto f = symbolTable.lookup<func::FuncOp>(name))
    return f;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(module.getBody());
  auto f = func::FuncOp::create(b, loc, name, type);
  f.setPrivate();
  setCInterface(f);
  symbolTable.insert(f);
  return f;
}

SmallVector<Value> Materializer::configValues(OpBuilder &fb,
                                              const ObserverModel &m) {
  Type i32 = fb.getI32Type(), i64 = fb.getI64Type();
  return {intConst(fb, loc, i32, static_cast<int64_t>(m.qscheme)),
          intConst(fb, loc, i32, dtypeKind(m.dtype)),
          intConst(fb, loc, i64, m.quantMin),
          intConst(fb, loc, i64, m.quantMax),
          intConst(fb, loc, i32, m.customRange),
          f32Const(fb, loc, m.eps)};
}

/// __qprep_compute_<obs>() -> status: the observer's qparams from its current
/// state (a derived one's from its sources' stored qparams) into its qparams
/// globals.
LogicalResult Materializer::buildCompute(unsigned i) {
  const ObserverAnalysis::Entry &e = analysis.getEntries()[i];
  const ObserverModel &m = e.model;
  State &s = states[i];
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  auto dynF32 = MemRefType::get({ShapedType::kDynamic}, f32);
  auto dynI64 = MemRefType::get({ShapedType::kDynamic}, i64);
  SmallVector<Type> configTypes{i32, i32, i64, i64, i32, f32};

  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    s.compute = func::FuncOp::create(b, loc, abi::computeFn(e.op.getSymName()),
                                     b.getFunctionType({}, {i32}));
    s.compute.setPrivate();
    symbolTable.insert(s.compute);
  }
  OpBuilder fb(s.compute.addEntryBlock(),
               s.compute.getBody().front().begin());
  Value scale = global(fb, s.scale), zp = global(fb, s.zp),
        zpF = global(fb, s.zpF);
  Value zero = indexConst(fb, loc, 0);
  Value status;
  switch (m.kind) {
  case ObserverModel::Kind::MinMax: {
    SmallVector<Type> in{dynF32, dynF32};
    in.append(configTypes);
    in.append({dynF32, dynI64, dynF32});
    func::FuncOp rt =
        runtimeDecl(abi::kRtQParams, b.getFunctionType(in, {i32}));
    SmallVector<Value> args{castTo(fb, loc, global(fb, s.min), dynF32),
                            castTo(fb, loc, global(fb, s.max), dynF32)};
    args.append(configValues(fb, m));
    args.append({castTo(fb, loc, scale, dynF32), castTo(fb, loc, zp, dynI64),
                 castTo(fb, loc, zpF, dynF32)});
    status = func::CallOp::create(fb, loc, rt, args).getResult(0);
    break;
  }
  case ObserverModel::Kind::Histogram: {
    SmallVector<Type> in{dynF32, dynF32, dynF32, i64};
    in.append(configTypes);
    in.append({dynF32, dynI64, dynF32});
    func::FuncOp rt =
        runtimeDecl(abi::kRtHistogramQParams, b.getFunctionType(in, {i32}));
    SmallVector<Value> args{castTo(fb, loc, global(fb, s.hist), dynF32),
                            castTo(fb, loc, global(fb, s.min), dynF32),
                            castTo(fb, loc, global(fb, s.max), dynF32),
                            intConst(fb, loc, i64, m.dstNbins)};
    args.append(configValues(fb, m));
    args.append({castTo(fb, loc, scale, dynF32), castTo(fb, loc, zp, dynI64),
                 castTo(fb, loc, zpF, dynF32)});
    status = func::CallOp::create(fb, loc, rt, args).getResult(0);
    break;
  }
  case ObserverModel::Kind::Fixed: {
    float sc = static_cast<float>(m.fixedScale);
    memref::StoreOp::create(fb, loc, f32Const(fb, loc, sc), scale, zero);
    memref::StoreOp::create(fb, loc, intConst(fb, loc, i64, m.fixedZeroPoint),
                            zp, zero);
    memref::StoreOp::create(
        fb, loc, f32Const(fb, loc, static_cast<float>(m.fixedZeroPoint)), zpF,
        zero);
    status = intConst(fb, loc, i32, QPREP_OK);
    break;
  }
  case ObserverModel::Kind::Placeholder:
    // PlaceholderObserver.calculate_qparams raises.
    status = intConst(fb, loc, i32, QPREP_ERR_NO_QPARAMS);
    break;
  case ObserverModel::Kind::Derived: {
    // Status: an error of a source (the most negative) wins; otherwise
    // "uncalibrated" (1) if any source is.
    Value lowest = intConst(fb, loc, i32, QPREP_OK), highest = lowest;
    SmallVector<Value> srcScales, srcZps;
    SmallVector<int64_t> srcChannels;
    for (unsigned src : e.sources) {
      const State &ss = states[src];
      Value rc = memref::LoadOp::create(fb, loc, global(fb, ss.status),
                                        ValueRange{zero});
      lowest = arith::MinSIOp::create(fb, loc, lowest, rc);
      highest = arith::MaxSIOp::create(fb, loc, highest, rc);
      srcScales.push_back(global(fb, ss.scale));
      srcZps.push_back(global(fb, ss.zp));
      srcChannels.push_back(analysis.getEntries()[src].channels);
    }
    if (m.deriveFn) {
      // The user's function: (scale_i, zp_i for each source) -> (scale, zp).
      FailureOr<FunctionOpInterface> fnOr =
          lookupDeriveFunction(e.op, module, m.deriveFn);
      if (failed(fnOr))
        return failure();
      auto fn = dyn_cast<func::FuncOp>(fnOr->getOperation());
      SmallVector<Value> args;
      for (auto [ss, sz] : llvm::zip(srcScales, srcZps)) {
        args.push_back(ss);
        args.push_back(sz);
      }
      FunctionType ft = fn ? fn.getFunctionType() : FunctionType();
      bool fits =
          fn && ft.getNumInputs() == args.size() && ft.getNumResults() == 2;
      for (unsigned k = 0; fits && k < args.size(); ++k)
        fits = memref::CastOp::areCastCompatible(args[k].getType(),
                                                 ft.getInput(k));
      if (fits)
        fits = memref::CastOp::areCastCompatible(ft.getResult(0),
                                                 scale.getType()) &&
               memref::CastOp::areCastCompatible(ft.getResult(1),
                                                 zp.getType());
      if (!fits)
        return e.op.emitOpError("derive function ")
               << m.deriveFn << " must take (scale, zero_point) memrefs of "
               << "each source and return this observer's (memref<" << e.channels << "xf32>, memref<"
               << e.channels << "xi64>) after bufferization; it has type "
               << (fn ? Attribute(TypeAttr::get(ft))
                      : Attribute(b.getStringAttr("<not a func.func>")));
      for (unsigned k = 0; k < args.size(); ++k)
        args[k] = castTo(fb, loc, args[k], ft.getInput(k));
      auto call = func::CallOp::create(fb, loc, fn, args);
      memref::CopyOp::create(
          fb, loc, castTo(fb, loc, call.getResult(0), scale.getType()), scale);
      memref::CopyOp::create(
          fb, loc, castTo(fb, loc, call.getResult(1), zp.getType()), zp);
      emitLoopNest(fb, loc, zp, [&](OpBuilder &nb, ValueRange ivs) {
        Value z = memref::LoadOp::create(nb, loc, zp, ivs);
        memref::StoreOp::create(
            nb, loc, arith::SIToFPOp::create(nb, loc, f32, z), zpF, ivs);
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
    Value failedSrc = arith::CmpIOp::create(
        fb, loc, arith::CmpIPredicate::slt, lowest, intConst(fb, loc, i32, 0));
    status = arith::SelectOp::create(fb, loc, failedSrc, lowest, highest);
    break;
  }
  }
  memref::StoreOp::create(fb, loc, status, global(fb, s.status),
                          ValueRange{zero});
  func::ReturnOp::create(fb, loc, status);
  return success();
}

/// qprep_qparams_<obs>, qprep_stats_<obs>, qprep_histogram_<obs>: copies into
/// the caller's buffers.
LogicalResult Materializer::buildReaders(unsigned i) {
  const ObserverAnalysis::Entry &e = analysis.getEntries()[i];
  State &s = states[i];
  StringRef name = e.op.getSymName();
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  auto cF = MemRefType::get({e.channels}, f32);
  auto cI = MemRefType::get({e.channels}, i64);
  FailureOr<func::FuncOp> f = getOrCreatePublic(
      abi::qparamsFn(name), b.getFunctionType({cF, cI, cF}, {i32}));
  if (failed(f))
    return failure();
  s.qparams = *f;
  {
    OpBuilder fb(f->addEntryBlock(), f->getBody().front().begin());
    memref::CopyOp::create(fb, loc, global(fb, s.scale), f->getArgument(0));
    memref::CopyOp::create(fb, loc, global(fb, s.zp), f->getArgument(1));
    memref::CopyOp::create(fb, loc, global(fb, s.zpF), f->getArgument(2));
    Value status = memref::LoadOp::create(fb, loc, global(fb, s.status),
                                          ValueRange{indexConst(fb, loc, 0)});
    func::ReturnOp::create(fb, loc, status);
  }
  if (!e.model.hasStatistics())
    return success();
  f = getOrCreatePublic(abi::statsFn(name), b.getFunctionType({cF, cF}, {}));
  if (failed(f))
    return failure();
  s.stats = *f;
  {
    OpBuilder fb(f->addEntryBlock(), f->getBody().front().begin());
    memref::CopyOp::create(fb, loc, global(fb, s.min), f->getArgument(0));
    memref::CopyOp::create(fb, loc, global(fb, s.max), f->getArgument(1));
    func::ReturnOp::create(fb, loc);
  }
  if (!s.hist)
    return success();
  f = getOrCreatePublic(
      abi::histogramFn(name),
      b.getFunctionType({MemRefType::get({e.model.bins}, f32)}, {}));
  if (failed(f))
    return failure();
  s.histogram = *f;
  OpBuilder fb(f->addEntryBlock(), f->getBody().front().begin());
  memref::CopyOp::create(fb, loc, global(fb, s.hist), f->getArgument(0));
  func::ReturnOp::create(fb, loc);
  return success();
}

/// qprep_reset and qprep_update_qparams.
LogicalResult Materializer::buildModuleFunctions() {
  Type i32 = b.getI32Type(), i64 = b.getI64Type();
  FailureOr<func::FuncOp> reset =
      getOrCreatePublic(abi::kResetFn, b.getFunctionType({}, {}));
  if (failed(reset))
    return failure();
  {
    // One private reset per observer, called in turn: a single function with
    // every observer's fill loops would grow with the model, and some passes
    // are superlinear in the size of one function.
    OpBuilder fb(reset->addEntryBlock(), reset->getBody().front().begin());
    for (auto [e, s] : llvm::zip(analysis.getEntries(), states)) {
      func::FuncOp one;
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToEnd(module.getBody());
        one = func::FuncOp::create(b, loc,
                                   abi::resetFn(e.op.getSymName()),
                                   b.getFunctionType({}, {}));
        one.setPrivate();
        symbolTable.insert(one);
      }
      func::CallOp::create(fb, loc, one);
      OpBuilder ob(one.addEntryBlock(), one.getBody().front().begin());
      auto fill = [&](FlatSymbolRefAttr g, Value v) {
        emitFill(ob, loc, global(ob, g), v);
      };
      if (s.min) {
        fill(s.min, f32Const(ob, loc, kInf));
        fill(s.max, f32Const(ob, loc, -kInf));
      }
      if (s.hist)
        fill(s.hist, f32Const(ob, loc, 0.0f));
      fill(s.scale, f32Const(ob, loc, 1.0f));
      fill(s.zp, intConst(ob, loc, i64, 0));
      fill(s.zpF, f32Const(ob, loc, 0.0f));
      fill(s.status, intConst(ob, loc, i32, QPREP_UNCALIBRATED));
      func::ReturnOp::create(ob, loc);
    }
    func::ReturnOp::create(fb, loc);
  }
  FailureOr<func::FuncOp> update =
      getOrCreatePublic(abi::kUpdateQParamsFn, b.getFunctionType({}, {}));
  if (failed(update))
    return failure();
  OpBuilder fb(update->addEntryBlock(), update->getBody().front().begin());
  for (unsigned i : analysis.getTopologicalOrder())
    func::CallOp::create(fb, loc, states[i].compute);
  func::ReturnOp::create(fb, loc);
  return success();
}

LogicalResult Materializer::run() {
  if (failed(check()))
    return failure();
  ArrayRef<ObserverAnalysis::Entry> entries = analysis.getEntries();
  states.resize(entries.size());
  for (unsigned i = 0; i < entries.size(); ++i)
    createGlobals(i);

  // Runtime entry points the observe-op patterns call.
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i64 = b.getI64Type();
  auto dynF32 = MemRefType::get({ShapedType::kDynamic}, f32);
  auto dynI32 = MemRefType::get({ShapedType::kDynamic}, i32);
  auto dynI8 = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
  if (llvm::any_of(entries, [](const ObserverAnalysis::Entry &e) {
        return e.model.kind == ObserverModel::Kind::Histogram;
      })) {
    runtimeDecl(abi::kRtHistogramRange,
                b.getFunctionType({dynF32, dynF32, f32, f32, i64, dynF32}, {}));
    runtimeDecl(abi::kRtHistogramMerge,
                b.getFunctionType({dynF32, dynF32, dynF32, dynI32, f32, f32},
                                  {}));
  }
  // Run-time checks: once one fails in a call, that update and every later
  // one are skipped (PyTorch raises at the failing observer, so later ones
  // never run); the caller takes the error (qprep_take_error) after the call.
  bool guarded =
      llvm::any_of(states, [](const State &s) { return bool(s.name); });
  if (guarded) {
    runtimeDecl(abi::kRtChannelMismatch,
                b.getFunctionType({dynI8, i64, i64, i64}, {}));
    runtimeDecl(abi::kRtFailed, b.getFunctionType({}, {i32}));
  }

  // Computes in dependency order (derived observers read their sources'
  // globals), then the readers.
  for (unsigned i : analysis.getTopologicalOrder())
    if (failed(buildCompute(i)))
      return failure();
  for (unsigned i = 0; i < entries.size(); ++i)
    if (failed(buildReaders(i)))
      return failure();
  if (failed(buildModuleFunctions()))
    return failure();

  for (auto [e, s] : llvm::zip(entries, states)) {
    auto sym = [](func::FuncOp f) {
      return f ? FlatSymbolRefAttr::get(f.getSymNameAttr())
               : FlatSymbolRefAttr();
    };
    e.op->setAttr(QPrepDialect::getLayoutAttrName(),
                  ObserverLayoutAttr::get(
                      b.getContext(), e.op.getSymNameAttr(), e.channels,
                      e.model.bins, sym(s.qparams), sym(s.stats),
                      sym(s.histogram), sym(s.compute), s.min, s.max, s.hist,
                      s.counts, s.range, s.scale, s.zp, s.zpF, s.status,
                      s.name, guarded));
  }
  return success();
}

LogicalResult
mlir::qprep::materializeObserverState(ModuleOp module,
                                      const ObserverAnalysis &analysis) {
  return Materializer(module, analysis).run();
}

// The public layout's keys: the writer and the reader below are the only
// places that spell them.
static constexpr llvm::StringLiteral kObserverKey = "observer",
                                     kChannelsKey = "channels",
                                     kBinsKey = "bins", kQParamsKey = "qparams",
                                     kStatsKey = "stats",
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
      entry.append(kChannelsKey, b.getI64IntegerAttr(l.getChannels()));
      entry.append(kBinsKey, b.getI64IntegerAttr(l.getBins()));
      entry.append(kQParamsKey, l.getQparams());
      if (l.getStats())
        entry.append(kStatsKey, l.getStats());
      if (l.getHistogram())
        entry.append(kHistogramKey, l.getHistogram());
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
    ObserverFunctions f;
    auto observer = d.getAs<StringAttr>(kObserverKey);
    auto channels = d.getAs<IntegerAttr>(kChannelsKey);
    auto bins = d.getAs<IntegerAttr>(kBinsKey);
    auto qparams = d.getAs<FlatSymbolRefAttr>(kQParamsKey);
    if (!observer || !channels || !bins || !qparams)
      return failure();
    f.observer = observer.str();
    f.channels = channels.getInt();
    f.bins = bins.getInt();
    f.qparams = qparams.getValue().str();
    if (auto stats = d.getAs<FlatSymbolRefAttr>(kStatsKey))
      f.stats = stats.getValue().str();
    if (auto hist = d.getAs<FlatSymbolRefAttr>(kHistogramKey))
      f.histogram = hist.getValue().str();
    out.push_back(std::move(f));
  }
  return out;
}
