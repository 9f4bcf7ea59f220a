//===- ParallelToRuntime.cpp - scf.parallel on libQPrepRuntime's threads --===//
//
// Every outermost scf.parallel (no reductions) is outlined into
//
//   func.func private @<func>__par<k>(%ctx: !llvm.ptr, %begin: i64, %end: i64)
//
// which loads the loop's captured values from the struct at %ctx and runs
// iterations [begin, end) of the row-major linearized iteration space; the
// loop itself becomes a call of qprep_rt_parallel_for(n, @body, %ctx)
// (include/qprep/Runtime/QPrepParallel.h). Captured values cross as their
// LLVM-lowered types (a memref as its descriptor struct) through
// builtin.unrealized_conversion_cast pairs that the LLVM conversions and
// reconcile-unrealized-casts resolve. Constants are cloned into the body.
//
// Upstream alternatives and why not: convert-scf-to-openmp needs LLVM's
// libomp next to torch's libgomp in one process; async-parallel-for runs on
// the async runtime's fixed pool, which cannot be sized per call. Here the
// thread count is the calling thread's (qprep_rt_set_num_threads), so
// `qprep-run --threads N` and the Python Calibrator choose it at run time.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Passes.h"
#include "qprep/Runtime/QPrepParallel.h"

#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"

#define DEBUG_TYPE "qprep-parallel-to-runtime"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_PARALLELTORUNTIMEPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;

namespace {
struct ParallelToRuntimePass
    : public qprep::impl::ParallelToRuntimePassBase<ParallelToRuntimePass> {
  using Base::Base;
  void runOnOperation() override;
};

Value castTo(OpBuilder &b, Location loc, Type type, Value v) {
  if (v.getType() == type)
    return v;
  return UnrealizedConversionCastOp::create(b, loc, type, v).getResult(0);
}

/// The body function type, as QPrepParallel.h's qprep_parallel_body.
FunctionType bodyType(MLIRContext *ctx) {
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);
  return FunctionType::get(ctx, {ptr, i64, i64}, {});
}

/// Declares qprep_rt_parallel_for(i64, body, !llvm.ptr) once.
func::FuncOp runtimeDecl(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  if (auto f = module.lookupSymbol<func::FuncOp>(QPREP_PARALLEL_FOR_SYMBOL))
    return f;
  OpBuilder b(ctx);
  b.setInsertionPointToStart(module.getBody());
  auto type = FunctionType::get(ctx,
                                {IntegerType::get(ctx, 64), bodyType(ctx),
                                 LLVM::LLVMPointerType::get(ctx)},
                                {});
  auto f =
      func::FuncOp::create(b, module.getLoc(), QPREP_PARALLEL_FOR_SYMBOL, type);
  f.setPrivate();
  return f;
}

/// Outlines `loop`; false (loop untouched) if a captured value has no LLVM
/// type.
bool outline(scf::ParallelOp loop, func::FuncOp runtime,
             const LLVMTypeConverter &converter, SymbolTable &symbols,
             DenseMap<Operation *, Operation *> &lastBody) {
  MLIRContext *ctx = loop.getContext();
  Location loc = loop.getLoc();
  auto parent = loop->getParentOfType<func::FuncOp>();
  if (!parent)
    return false;

  // Values the body needs: used in the region or as loop bounds.
  SetVector<Value> used;
  getUsedValuesDefinedAbove(loop.getRegion(), used);
  for (Value v : loop->getOperands())
    used.insert(v);
  SmallVector<Value> packed, cloned;
  SmallVector<Type> fields;
  for (Value v : used) {
    if (Operation *def = v.getDefiningOp();
        def && def->hasTrait<OpTrait::ConstantLike>() &&
        def->getNumOperands() == 0 && def->getNumRegions() == 0) {
      cloned.push_back(v);
      continue;
    }
    Type t = converter.convertType(v.getType());
    if (!t || !LLVM::isCompatibleType(t))
      return false;
    packed.push_back(v);
    fields.push_back(t);
  }
  auto structType = LLVM::LLVMStructType::getLiteral(ctx, fields);
  Type ptr = LLVM::LLVMPointerType::get(ctx);
  Type i64 = IntegerType::get(ctx, 64);

  // The body function, after the parent's previous ones (in loop order).
  OpBuilder mb(ctx);
  Operation *&after = lastBody[parent];
  mb.setInsertionPointAfter(after ? after : parent.getOperation());
  auto body = func::FuncOp::create(mb, loc, (parent.getName() + "__par").str(),
                                   bodyType(ctx));
  body.setPrivate();
  symbols.insert(body); // renames on collision: @f__par, @f__par_0, ...
  after = body;
  Block *entry = body.addEntryBlock();
  OpBuilder b = OpBuilder::atBlockBegin(entry);
  IRMapping map;
  for (Value v : cloned)
    map.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  Value ctxArg = entry->getArgument(0);
  for (auto [i, v] : llvm::enumerate(packed)) {
    Value p =
        LLVM::GEPOp::create(b, loc, ptr, structType, ctxArg,
                            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
    Value loaded = LLVM::LoadOp::create(b, loc, fields[i], p);
    map.map(v, castTo(b, loc, v.getType(), loaded));
  }
  Type index = b.getIndexType();
  Value begin =
      arith::IndexCastOp::create(b, loc, index, entry->getArgument(1));
  Value end = arith::IndexCastOp::create(b, loc, index, entry->getArgument(2));
  unsigned rank = loop.getNumLoops();
  // Trip counts, from the (mapped) bounds: ceildiv(ub - lb, step).
  auto tripCount = [&](OpBuilder &ob, IRMapping &m, unsigned d) -> Value {
    Value lb = m.lookupOrDefault(loop.getLowerBound()[d]);
    Value ub = m.lookupOrDefault(loop.getUpperBound()[d]);
    Value step = m.lookupOrDefault(loop.getStep()[d]);
    Value diff = arith::SubIOp::create(ob, loc, ub, lb);
    Value zero = arith::ConstantIndexOp::create(ob, loc, 0);
    Value pos = arith::MaxSIOp::create(ob, loc, diff, zero);
    return arith::CeilDivUIOp::create(ob, loc, pos, step);
  };
  SmallVector<Value> trips;
  for (unsigned d = 0; d < rank; ++d)
    trips.push_back(tripCount(b, map, d));
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  scf::ForOp::create(
      b, loc, begin, end, one, ValueRange{},
      [&](OpBuilder &fb, Location fl, Value linear, ValueRange) {
        // Row-major: the last dimension varies fastest.
        Value rest = linear;
        SmallVector<Value> ivs(rank);
        for (int d = rank - 1; d >= 0; --d) {
          Value pos =
              d == 0
                  ? rest
                  : arith::RemUIOp::create(fb, fl, rest, trips[d]).getResult();
          if (d > 0)
            rest = arith::DivUIOp::create(fb, fl, rest, trips[d]);
          Value step = map.lookupOrDefault(loop.getStep()[d]);
          Value lb = map.lookupOrDefault(loop.getLowerBound()[d]);
          ivs[d] = arith::AddIOp::create(
              fb, fl, lb, arith::MulIOp::create(fb, fl, pos, step));
        }
        IRMapping bodyMap = map;
        for (unsigned d = 0; d < rank; ++d)
          bodyMap.map(loop.getInductionVars()[d], ivs[d]);
        for (Operation &op : loop.getBody()->without_terminator())
          fb.clone(op, bodyMap);
        scf::YieldOp::create(fb, fl);
      });
  func::ReturnOp::create(b, loc);

  // The call site: pack, then call the runtime.
  OpBuilder cb(loop);
  Block &parentEntry = parent.getBody().front();
  OpBuilder ab = OpBuilder::atBlockBegin(&parentEntry);
  Value count1 =
      LLVM::ConstantOp::create(ab, loc, i64, ab.getI64IntegerAttr(1));
  Value ctxPtr = LLVM::AllocaOp::create(ab, loc, ptr, structType, count1);
  for (auto [i, v] : llvm::enumerate(packed)) {
    Value p =
        LLVM::GEPOp::create(cb, loc, ptr, structType, ctxPtr,
                            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
    LLVM::StoreOp::create(cb, loc, castTo(cb, loc, fields[i], v), p);
  }
  IRMapping callerMap;
  Value n;
  for (unsigned d = 0; d < rank; ++d) {
    Value t = tripCount(cb, callerMap, d);
    n = n ? arith::MulIOp::create(cb, loc, n, t).getResult() : t;
  }
  Value n64 = arith::IndexCastOp::create(cb, loc, i64, n);
  Value fn = func::ConstantOp::create(cb, loc, bodyType(ctx),
                                      FlatSymbolRefAttr::get(body));
  func::CallOp::create(cb, loc, runtime, ValueRange{n64, fn, ctxPtr});
  loop.erase();
  return true;
}

void ParallelToRuntimePass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<scf::ParallelOp> loops;
  module.walk([&](scf::ParallelOp loop) {
    if (!loop->getParentOfType<scf::ParallelOp>() &&
        loop.getNumReductions() == 0)
      loops.push_back(loop);
  });
  if (loops.empty())
    return;
  LowerToLLVMOptions options(&getContext());
  LLVMTypeConverter converter(&getContext(), options);
  func::FuncOp runtime = runtimeDecl(module);
  SymbolTable symbols(module);
  DenseMap<Operation *, Operation *> lastBody;
  for (scf::ParallelOp loop : loops)
    if (outline(loop, runtime, converter, symbols, lastBody))
      ++numOutlined;
}
} // namespace
