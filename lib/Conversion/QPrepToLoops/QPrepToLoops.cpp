//===- QPrepToLoops.cpp - min/max observers to globals and loops ----------===//
//
// Observer state lives in memref globals so that every call site of a shared
// observer updates one state, in program order (PyTorch calls one stateful
// module once per call site). The reduction walks the observed memref with
// one loop per dimension in its own layout; a per-channel observer indexes
// its running min/max by the channel loop's induction variable, so nothing
// is copied or transposed.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Passes.h"
#include "qprep/Dialect/QPrep/IR/QPrepOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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
/// The lowered state of one min/max observer.
struct MinMaxState {
  memref::GlobalOp minGlobal, maxGlobal;
  int64_t channels = 1;
  std::optional<int64_t> chAxis;
  /// Moving-average constant, or 0 for plain min/max.
  double averagingConstant = 0.0;
};

struct ConvertQPrepToLoopsPass
    : public qprep::impl::ConvertQPrepToLoopsPassBase<ConvertQPrepToLoopsPass> {
  using Base::Base;
  void runOnOperation() override;
};
} // namespace

static bool isMinMaxFamily(ObserverKind kind) {
  return kind == ObserverKind::minmax ||
         kind == ObserverKind::moving_average_minmax ||
         kind == ObserverKind::per_channel_minmax ||
         kind == ObserverKind::moving_average_per_channel_minmax;
}

static Value f32Const(OpBuilder &b, Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

static Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Emits a loop nest over every element of `memref`; `body` gets the indices.
static void emitLoopNest(OpBuilder &b, Location loc, Value memref,
                         function_ref<void(OpBuilder &, ValueRange)> body) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<Value> ivs;
  std::function<void(OpBuilder &, unsigned)> nest = [&](OpBuilder &nb,
                                                        unsigned d) {
    if (d == type.getRank()) {
      body(nb, ivs);
      return;
    }
    Value lb = indexConst(nb, loc, 0), step = indexConst(nb, loc, 1);
    Value ub = memref::DimOp::create(nb, loc, memref, d);
    scf::ForOp::create(nb, loc, lb, ub, step, ValueRange{},
                       [&](OpBuilder &lb2, Location, Value iv, ValueRange) {
                         ivs.push_back(iv);
                         nest(lb2, d + 1);
                         ivs.pop_back();
                         scf::YieldOp::create(lb2, loc);
                       });
  };
  nest(b, 0);
}

/// Fills a rank-1 memref with `value`.
static void emitFill(OpBuilder &b, Location loc, Value memref, Value value) {
  emitLoopNest(b, loc, memref, [&](OpBuilder &nb, ValueRange ivs) {
    memref::StoreOp::create(nb, loc, value, memref, ivs);
  });
}

/// Lowers one observe op on a memref into the reduction and the update.
static void lowerObserve(ObserveOp op, MinMaxState state) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Value input = op.getInput();
  auto type = cast<MemRefType>(input.getType());
  Type f32 = b.getF32Type();
  auto stateType = MemRefType::get({state.channels}, f32);
  const float inf = std::numeric_limits<float>::infinity();
  Value posInf = f32Const(b, loc, inf), negInf = f32Const(b, loc, -inf);

  // Current min/max of this value, per channel (one channel per-tensor).
  Value curMin = memref::AllocaOp::create(b, loc, stateType);
  Value curMax = memref::AllocaOp::create(b, loc, stateType);
  emitFill(b, loc, curMin, posInf);
  emitFill(b, loc, curMax, negInf);
  Value zero = indexConst(b, loc, 0);
  emitLoopNest(b, loc, input, [&](OpBuilder &nb, ValueRange ivs) {
    Value v = memref::LoadOp::create(nb, loc, input, ivs);
    if (v.getType() != f32)
      v = arith::ExtFOp::create(nb, loc, f32, v); // x.to(float32)
    Value ch = state.chAxis ? ivs[*state.chAxis] : zero;
    Value m = memref::LoadOp::create(nb, loc, curMin, ch);
    Value M = memref::LoadOp::create(nb, loc, curMax, ch);
    memref::StoreOp::create(nb, loc, arith::MinimumFOp::create(nb, loc, m, v),
                            curMin, ch);
    memref::StoreOp::create(nb, loc, arith::MaximumFOp::create(nb, loc, M, v),
                            curMax, ch);
  });

  // numel == 0: PyTorch skips the tensor.
  Value numel = indexConst(b, loc, 1);
  for (int64_t d = 0; d < type.getRank(); ++d)
    numel = arith::MulIOp::create(b, loc, numel,
                                  memref::DimOp::create(b, loc, input, d));
  Value nonEmpty = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                         numel, zero);
  auto ifOp = scf::IfOp::create(b, loc, nonEmpty, /*withElseRegion=*/false);
  OpBuilder tb = ifOp.getThenBodyBuilder();
  Value gMin = memref::GetGlobalOp::create(tb, loc, stateType,
                                           state.minGlobal.getSymName());
  Value gMax = memref::GetGlobalOp::create(tb, loc, stateType,
                                           state.maxGlobal.getSymName());
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
  op.replaceAllUsesWith(input);
  op.erase();
}

void ConvertQPrepToLoopsPass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = module.getContext();
  SymbolTable symbolTable(module);

  // Observe ops per observer, in program order.
  llvm::MapVector<ObserverOp, SmallVector<ObserveOp>> users;
  bool ok = true;
  module.walk([&](Operation *op) {
    if (auto fq = dyn_cast<FakeQuantizeOp>(op)) {
      fq.emitOpError("is not lowered by convert-qprep-to-loops yet");
      ok = false;
    }
    auto observe = dyn_cast<ObserveOp>(op);
    if (!observe)
      return;
    if (!isa<MemRefType>(observe.getInput().getType())) {
      observe.emitOpError("observes a tensor: run one-shot-bufferize first");
      ok = false;
      return;
    }
    auto obs = symbolTable.lookup<ObserverOp>(observe.getObserver());
    users[obs].push_back(observe);
  });
  if (!ok)
    return signalPassFailure();

  OpBuilder b(ctx);
  Type f32 = b.getF32Type();
  const float inf = std::numeric_limits<float>::infinity();
  SmallVector<std::pair<ObserverOp, MinMaxState>> states;
  for (auto &entry : users) {
    ObserverOp obs = entry.first;
    SmallVector<ObserveOp> &observes = entry.second;
    auto qspec = dyn_cast<QSpecAttr>(obs.getSpec());
    bool keepsStats = qspec && qspec.getObserver().getKind() !=
                                   ObserverKind::placeholder;
    if (!keepsStats) {
      // Placeholder, fixed and derived observers record nothing.
      for (ObserveOp o : observes) {
        o.replaceAllUsesWith(o.getInput());
        o.erase();
      }
      continue;
    }
    ObserverAttr kind = qspec.getObserver();
    if (!isMinMaxFamily(kind.getKind())) {
      obs.emitOpError("has observer ")
          << stringifyObserverKind(kind.getKind())
          << ", which convert-qprep-to-loops does not lower yet";
      ok = false;
      continue;
    }
    MinMaxState state;
    state.chAxis = obs.getChannelAxis();
    if (kind.isMovingAverage())
      state.averagingConstant = kind.getAveragingConstant().convertToDouble();
    if (state.chAxis) {
      state.channels = ShapedType::kDynamic;
      for (ObserveOp o : observes) {
        int64_t dim = cast<MemRefType>(o.getInput().getType())
                          .getDimSize(*state.chAxis);
        if (ShapedType::isDynamic(dim) ||
            (!ShapedType::isDynamic(state.channels) && dim != state.channels)) {
          o.emitOpError("per-channel observer ")
              << o.getObserverAttr()
              << " needs the same static size on ch_axis " << *state.chAxis
              << " at every call site";
          ok = false;
          break;
        }
        state.channels = dim;
      }
      if (!ok)
        continue;
    }
    auto stateType = MemRefType::get({state.channels}, f32);
    b.setInsertionPoint(obs);
    auto makeGlobal = [&](StringRef suffix, float init) {
      auto attr = DenseElementsAttr::get(
          RankedTensorType::get({state.channels}, f32), init);
      auto g = memref::GlobalOp::create(
          b, obs.getLoc(), (obs.getSymName() + suffix).str(),
          b.getStringAttr("private"), stateType, attr, /*constant=*/false,
          /*alignment=*/nullptr);
      symbolTable.insert(g);
      return g;
    };
    state.minGlobal = makeGlobal("_min", inf);
    state.maxGlobal = makeGlobal("_max", -inf);
    for (ObserveOp o : observes)
      lowerObserve(o, state);
    states.push_back({obs, state});
  }
  if (!ok)
    return signalPassFailure();

  // Entry points for the runner. A declaration of the same name (so that
  // code in the module can call it before lowering) gets the body.
  b.setInsertionPointToEnd(module.getBody());
  Location loc = module.getLoc();
  auto getOrCreate = [&](StringRef name,
                         FunctionType type) -> FailureOr<func::FuncOp> {
    if (auto existing = symbolTable.lookup<func::FuncOp>(name)) {
      if (!existing.isExternal() || existing.getFunctionType() != type)
        return existing.emitOpError("clashes with the generated ")
               << name << ": expected a declaration of type " << type;
      existing.setPrivate();
      existing.setPublic();
      return existing;
    }
    auto f = func::FuncOp::create(b, loc, name, type);
    symbolTable.insert(f);
    return f;
  };
  FailureOr<func::FuncOp> resetOr =
      getOrCreate("qprep_reset", b.getFunctionType({}, {}));
  if (failed(resetOr))
    return signalPassFailure();
  func::FuncOp reset = *resetOr;
  auto cInterface = [&](func::FuncOp f) {
    f->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
  };
  {
    OpBuilder fb(reset.addEntryBlock(), reset.getBody().front().begin());
    for (auto &[obs, state] : states) {
      auto stateType = MemRefType::get({state.channels}, f32);
      Value gMin = memref::GetGlobalOp::create(fb, loc, stateType,
                                               state.minGlobal.getSymName());
      Value gMax = memref::GetGlobalOp::create(fb, loc, stateType,
                                               state.maxGlobal.getSymName());
      emitFill(fb, loc, gMin, f32Const(fb, loc, inf));
      emitFill(fb, loc, gMax, f32Const(fb, loc, -inf));
    }
    func::ReturnOp::create(fb, loc);
  }
  cInterface(reset);
  for (auto &[obs, state] : states) {
    auto stateType = MemRefType::get({state.channels}, f32);
    FailureOr<func::FuncOp> fOr =
        getOrCreate(("qprep_stats_" + obs.getSymName()).str(),
                    b.getFunctionType({}, {stateType, stateType}));
    if (failed(fOr))
      return signalPassFailure();
    func::FuncOp f = *fOr;
    OpBuilder fb(f.addEntryBlock(), f.getBody().front().begin());
    Value gMin = memref::GetGlobalOp::create(fb, loc, stateType,
                                             state.minGlobal.getSymName());
    Value gMax = memref::GetGlobalOp::create(fb, loc, stateType,
                                             state.maxGlobal.getSymName());
    func::ReturnOp::create(fb, loc, ValueRange{gMin, gMax});
    cInterface(f);
  }

  // The module leaves the dialect: no observe op refers to an observer now.
  for (auto obs : llvm::make_early_inc_range(module.getOps<ObserverOp>()))
    obs.erase();
}
