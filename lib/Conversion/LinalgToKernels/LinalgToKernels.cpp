//===- LinalgToKernels.cpp - register-blocked vector loops for a forward --===//
//
// convert-linalg-to-loops turns a convolution into seven scalar loops: a
// ResNet layer (1x56x56x64, 3x3, 64 -> 64) takes ~50 ms that way where
// oneDNN (torch's conv2d) takes ~1 ms. This pass lowers the ops that carry a
// forward's time to the loop structure of a hand-written kernel:
//
//   contractions (conv_2d_nhwc_hwcf, matmul, batch_matmul): a tile of
//   R rows (output pixels / matrix rows) x V vectors of L lanes (output
//   channels) lives in R*V vector registers, loaded from the output once;
//   for every reduction index (kh, kw, c / k), in order: V vector loads of
//   the filter row, R broadcast input elements, R*V multiply-adds; then one
//   store. A multiply-add is the ops' own arith.mulf + arith.addf (bit for
//   bit what convert-linalg-to-loops computes), or one vector.fma with
//   `contract` (one rounding, as -ffp-contract=fast). R and V are picked per op
//   by a small cost model (FMA throughput, FMA latency, load ports) within
//   `registers`.
//
//   channel-vectorized windows (depthwise_conv_2d_nhwc_hwc, and _hwcm with
//   multiplier 1 as TOSA produces it, pooling_nhwc_{max,sum}): the same
//   tile with the input loaded as vectors along the channels; a depthwise
//   multiplier M > 1 is a contraction per input channel (lanes over M).
//
//   elementwise linalg.generic / map / fill and memref.copy: the payload on
//   vectors of the innermost dimension (contiguous trailing dimensions
//   collapsed first), masked tails.
//
// Exactness and threads: each output element is produced by one iteration of
// the outer loops, with its reduction in a fixed order: the output's initial
// value, then one multiply-add per term in filter index order, the order of
// the scalar loops. Tiling decides only which elements share registers,
// never the order of an element's sum, so the result is the same for every
// tile shape, vector width and split of the outer loops over threads
// (scf.parallel; qprep-parallel-to-runtime) and, without `contract`, the same
// bits as convert-linalg-to-loops.
//
// Shapes must be static and element types f32 for contractions and windows;
// anything else is left to convert-linalg-to-loops.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

#include <functional>

#define DEBUG_TYPE "qprep-linalg-to-kernels"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_LINALGTOKERNELSPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;

namespace {
//===----------------------------------------------------------------------===//
// Small builders
//===----------------------------------------------------------------------===//

Value cIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value addIndex(OpBuilder &b, Location loc, Value x, int64_t c) {
  if (c == 0)
    return x;
  return arith::AddIOp::create(b, loc, x, cIndex(b, loc, c));
}
Value mulIndex(OpBuilder &b, Location loc, Value x, int64_t c) {
  if (c == 1)
    return x;
  return arith::MulIOp::create(b, loc, x, cIndex(b, loc, c));
}
Value addValues(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AddIOp::create(b, loc, x, y);
}

bool innerStrideOne(MemRefType t) {
  if (t.getRank() == 0)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset)))
    return false;
  return strides.back() == 1;
}

bool staticF32(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  return t && t.hasStaticShape() && t.getElementType().isF32();
}

/// Loads a vector (masked when `mask` is set; masked-off lanes read 0).
Value loadVector(OpBuilder &b, Location loc, VectorType vt, Value mem,
                 ValueRange idx, Value mask) {
  if (!mask)
    return vector::LoadOp::create(b, loc, vt, mem, idx);
  Value zero = arith::ConstantOp::create(b, loc, vt, b.getZeroAttr(vt));
  return vector::MaskedLoadOp::create(b, loc, vt, mem, idx, mask, zero);
}
void storeVector(OpBuilder &b, Location loc, Value v, Value mem, ValueRange idx,
                 Value mask) {
  if (!mask)
    vector::StoreOp::create(b, loc, v, mem, idx);
  else
    vector::MaskedStoreOp::create(b, loc, mem, idx, mask, v);
}

/// A loop nest over [0, sizes[i]): scf.parallel when `parallel`, else scf.for.
void loopNest(OpBuilder &b, Location loc, ArrayRef<int64_t> sizes,
              bool parallel,
              function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  if (sizes.empty()) {
    body(b, loc, {});
    return;
  }
  SmallVector<Value> lbs, ubs, steps;
  for (int64_t s : sizes) {
    lbs.push_back(cIndex(b, loc, 0));
    ubs.push_back(cIndex(b, loc, s));
    steps.push_back(cIndex(b, loc, 1));
  }
  if (parallel) {
    scf::ParallelOp::create(
        b, loc, lbs, ubs, steps,
        [&](OpBuilder &nb, Location nl, ValueRange ivs) { body(nb, nl, ivs); });
    return;
  }
  SmallVector<Value> ivs;
  std::function<void(OpBuilder &, Location, unsigned)> rec = [&](OpBuilder &nb,
                                                                 Location nl,
                                                                 unsigned d) {
    if (d == sizes.size()) {
      body(nb, nl, ivs);
      return;
    }
    scf::ForOp::create(nb, nl, lbs[d], ubs[d], steps[d], ValueRange{},
                       [&](OpBuilder &fb, Location fl, Value iv, ValueRange) {
                         ivs.push_back(iv);
                         rec(fb, fl, d + 1);
                         ivs.pop_back();
                         scf::YieldOp::create(fb, fl);
                       });
  };
  rec(b, loc, 0);
}

/// scf.for nest over [0, sizes[i]) carrying `inits`; `body` gets the
/// induction variables and the carried values and returns the new ones.
SmallVector<Value>
reductionNest(OpBuilder &b, Location loc, ArrayRef<int64_t> sizes,
              ValueRange inits,
              function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange,
                                              ValueRange)>
                  body) {
  SmallVector<Value> ivs;
  std::function<SmallVector<Value>(OpBuilder &, Location, unsigned, ValueRange)>
      rec = [&](OpBuilder &nb, Location nl, unsigned d,
                ValueRange carried) -> SmallVector<Value> {
    if (d == sizes.size())
      return body(nb, nl, ivs, carried);
    auto loop = scf::ForOp::create(
        nb, nl, cIndex(nb, nl, 0), cIndex(nb, nl, sizes[d]), cIndex(nb, nl, 1),
        carried, [&](OpBuilder &fb, Location fl, Value iv, ValueRange args) {
          ivs.push_back(iv);
          SmallVector<Value> next = rec(fb, fl, d + 1, args);
          ivs.pop_back();
          scf::YieldOp::create(fb, fl, next);
        });
    return SmallVector<Value>(loop.getResults());
  };
  return rec(b, loc, 0, inits);
}

//===----------------------------------------------------------------------===//
// Register-tiled kernels
//===----------------------------------------------------------------------===//

/// out[outer..., row, col] = combine(out, a(outer, row, col, red),
///                                   b(outer, col, red)) over the reduction
/// indices `red` in row-major order. Rows are tiled by R, columns (the
/// contiguous innermost output dimension) by V vectors of L lanes.
struct TiledKernel {
  SmallVector<int64_t> outer;
  int64_t rows = 1, cols = 1;
  SmallVector<int64_t> red;
  /// A is loaded as a vector per column vector (windows), or as one scalar
  /// per row that is broadcast (contractions).
  bool aPerCol = false;
  bool hasB = false;
  Value out;
  /// Output indices of (outer, row, col).
  std::function<SmallVector<Value>(OpBuilder &, Location, ValueRange, Value,
                                   Value)>
      outIndices;
  /// A: a scalar (aPerCol false) or a vector (masked with `mask`).
  std::function<Value(OpBuilder &, Location, ValueRange outer, Value row,
                      Value col, ValueRange red, VectorType, Value mask)>
      loadA;
  std::function<Value(OpBuilder &, Location, ValueRange outer, Value col,
                      ValueRange red, VectorType, Value mask)>
      loadB;
  std::function<Value(OpBuilder &, Location, Value acc, Value a, Value b)>
      combine;
  /// When set, the accumulators start from init(col, mask) instead of the
  /// output's contents (a fused fill or bias broadcast, see fuseInit).
  std::function<Value(OpBuilder &, Location, Value col, VectorType,
                      Value mask)>
      init;
  int64_t work = 0;
};

/// Cycles per reduction step of an r x v tile, roughly (2 FMAs and 2 loads
/// per cycle, 4 cycles of FMA latency per accumulator chain, 1 of loop
/// overhead); only the comparison between tiles matters.
double stepCost(int64_t r, int64_t v, bool aPerCol, bool hasB) {
  double fma = r * v / 2.0;
  double loads = (r * (aPerCol ? v : 1) + (hasB ? v : 0)) / 2.0;
  return std::max({fma, loads, 4.0}) + 1.0;
}

struct TileChoice {
  int64_t rows = 1, vecs = 1;
};

TileChoice chooseTile(const TiledKernel &k, int64_t lanes, int64_t registers) {
  int64_t colVecs = (k.cols + lanes - 1) / lanes;
  TileChoice best;
  double bestCost = std::numeric_limits<double>::infinity();
  for (int64_t v = 1; v <= std::min<int64_t>(colVecs, 8); ++v) {
    for (int64_t r = 1; r <= k.rows; ++r) {
      int64_t regs = r * v + (k.hasB ? v : 0) + (k.aPerCol ? v : 1);
      if (regs > registers)
        break;
      int64_t nc = (colVecs + v - 1) / v, lastV = colVecs - (nc - 1) * v;
      int64_t nr = (k.rows + r - 1) / r, lastR = k.rows - (nr - 1) * r;
      auto c = [&](int64_t rr, int64_t vv) {
        return stepCost(rr, vv, k.aPerCol, k.hasB);
      };
      double cost = c(r, v) * (nc - 1) * (nr - 1) + c(r, lastV) * (nr - 1) +
                    c(lastR, v) * (nc - 1) + c(lastR, lastV);
      // Ties: fewer, larger tiles (less loop overhead and code).
      if (cost < bestCost * (1 - 1e-9)) {
        bestCost = cost;
        best = {r, v};
      }
    }
  }
  return best;
}

/// Emits one tile of `r` rows and `v` vectors at (outer, row0, col0); the
/// last vector keeps `maskRem` lanes when nonzero.
void emitTile(OpBuilder &b, Location loc, const TiledKernel &k,
              ValueRange outer, Value row0, Value col0, int64_t r, int64_t v,
              int64_t maskRem, int64_t lanes) {
  auto vt = VectorType::get({lanes}, b.getF32Type());
  Value tailMask;
  if (maskRem)
    tailMask = vector::ConstantMaskOp::create(
        b, loc, VectorType::get({lanes}, b.getI1Type()),
        ArrayRef<int64_t>{maskRem});
  auto maskOf = [&](int64_t j) { return j == v - 1 ? tailMask : Value(); };
  SmallVector<Value> rowsV, colsV;
  for (int64_t i = 0; i < r; ++i)
    rowsV.push_back(addIndex(b, loc, row0, i));
  for (int64_t j = 0; j < v; ++j)
    colsV.push_back(addIndex(b, loc, col0, j * lanes));
  SmallVector<Value> acc;
  SmallVector<Value> initCols;
  if (k.init)
    for (int64_t j = 0; j < v; ++j)
      initCols.push_back(k.init(b, loc, colsV[j], vt, maskOf(j)));
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < v; ++j)
      acc.push_back(k.init ? initCols[j]
                           : loadVector(b, loc, vt, k.out,
                                        k.outIndices(b, loc, outer, rowsV[i],
                                                     colsV[j]),
                                        maskOf(j)));
  SmallVector<Value> result = reductionNest(
      b, loc, k.red, acc,
      [&](OpBuilder &nb, Location nl, ValueRange red,
          ValueRange carried) -> SmallVector<Value> {
        SmallVector<Value> bv(v);
        if (k.hasB)
          for (int64_t j = 0; j < v; ++j)
            bv[j] = k.loadB(nb, nl, outer, colsV[j], red, vt, maskOf(j));
        SmallVector<Value> next(carried.begin(), carried.end());
        for (int64_t i = 0; i < r; ++i) {
          Value a;
          if (!k.aPerCol)
            a = vector::BroadcastOp::create(
                nb, nl, vt,
                k.loadA(nb, nl, outer, rowsV[i], Value(), red, vt, Value()));
          for (int64_t j = 0; j < v; ++j) {
            Value aj = k.aPerCol ? k.loadA(nb, nl, outer, rowsV[i], colsV[j],
                                           red, vt, maskOf(j))
                                 : a;
            next[i * v + j] = k.combine(nb, nl, next[i * v + j], aj, bv[j]);
          }
        }
        return next;
      });
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < v; ++j)
      storeVector(b, loc, result[i * v + j], k.out,
                  k.outIndices(b, loc, outer, rowsV[i], colsV[j]), maskOf(j));
}

/// Picks between the full and the tail variant of a blocked dimension:
/// statically when there is one block or no tail, else with scf.if.
void selectBlock(OpBuilder &b, Location loc, Value blockIdx, int64_t numBlocks,
                 bool hasTail, function_ref<void(OpBuilder &, Location)> full,
                 function_ref<void(OpBuilder &, Location)> tail) {
  if (!hasTail) {
    full(b, loc);
    return;
  }
  if (numBlocks == 1) {
    tail(b, loc);
    return;
  }
  Value isLast = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                       blockIdx, cIndex(b, loc, numBlocks - 1));
  scf::IfOp::create(
      b, loc, isLast,
      [&](OpBuilder &tb, Location tl) {
        tail(tb, tl);
        scf::YieldOp::create(tb, tl);
      },
      [&](OpBuilder &eb, Location el) {
        full(eb, el);
        scf::YieldOp::create(eb, el);
      });
}

void emitTiledKernel(OpBuilder &b, Location loc, const TiledKernel &k,
                     int64_t lanes, int64_t registers, int64_t threshold) {
  TileChoice t = chooseTile(k, lanes, registers);
  int64_t colVecs = (k.cols + lanes - 1) / lanes;
  int64_t maskRem = k.cols % lanes;
  int64_t nc = (colVecs + t.vecs - 1) / t.vecs,
          lastV = colVecs - (nc - 1) * t.vecs;
  int64_t nr = (k.rows + t.rows - 1) / t.rows,
          lastR = k.rows - (nr - 1) * t.rows;
  LLVM_DEBUG(llvm::dbgs() << "tile " << t.rows << " x " << t.vecs
                          << " vectors, " << nc << " column blocks, " << nr
                          << " row blocks\n");
  // Column blocks outermost: a thread's contiguous range of iterations
  // reuses one block of filter columns for all its rows.
  SmallVector<int64_t> dims{nc};
  dims.append(k.outer.begin(), k.outer.end());
  dims.push_back(nr);
  loopNest(
      b, loc, dims, k.work >= threshold,
      [&](OpBuilder &nb, Location nl, ValueRange ivs) {
        Value cb = ivs.front(), rb = ivs.back();
        ValueRange outer = ivs.drop_front().drop_back();
        Value col0 = mulIndex(nb, nl, cb, t.vecs * lanes);
        Value row0 = mulIndex(nb, nl, rb, t.rows);
        auto cols = [&](OpBuilder &cbld, Location cl, int64_t v, int64_t rem) {
          auto rowsFn = [&](int64_t r) {
            return [&, r, v, rem](OpBuilder &rbld, Location rl) {
              emitTile(rbld, rl, k, outer, row0, col0, r, v, rem, lanes);
            };
          };
          selectBlock(cbld, cl, rb, nr, lastR != t.rows, rowsFn(t.rows),
                      rowsFn(lastR));
        };
        selectBlock(
            nb, nl, cb, nc, lastV != t.vecs || maskRem != 0,
            [&](OpBuilder &fb, Location fl) { cols(fb, fl, t.vecs, 0); },
            [&](OpBuilder &tb, Location tl) { cols(tb, tl, lastV, maskRem); });
      });
}

/// acc + a * w: the linalg ops' own arithmetic (arith.mulf, then arith.addf:
/// two roundings, bit for bit what convert-linalg-to-loops computes), or one
/// vector.fma (one rounding) when contraction is allowed.
Value multiplyAdd(OpBuilder &b, Location loc, Value acc, Value a, Value w,
                  bool contract) {
  if (contract)
    return vector::FMAOp::create(b, loc, a, w, acc);
  Value p = arith::MulFOp::create(b, loc, a, w);
  return arith::AddFOp::create(b, loc, acc, p);
}

SmallVector<int64_t> attrValues(DenseIntElementsAttr attr, int64_t dflt) {
  if (!attr)
    return {dflt, dflt};
  return llvm::to_vector(attr.getValues<int64_t>());
}

/// linalg.conv_2d_nhwc_hwcf: rows = ow, cols = f, reduction (kh, kw, c).
std::optional<TiledKernel> convKernel(linalg::Conv2DNhwcHwcfOp op,
                                      bool contract) {
  Value in = op.getInputs()[0], w = op.getInputs()[1], out = op.getOutputs()[0];
  if (!staticF32(in) || !staticF32(w) || !staticF32(out) ||
      !innerStrideOne(cast<MemRefType>(w.getType())) ||
      !innerStrideOne(cast<MemRefType>(out.getType())))
    return std::nullopt;
  SmallVector<int64_t> st = attrValues(op.getStrides(), 1),
                       dil = attrValues(op.getDilations(), 1);
  ArrayRef<int64_t> ws = cast<MemRefType>(w.getType()).getShape();
  ArrayRef<int64_t> os = cast<MemRefType>(out.getType()).getShape();
  TiledKernel k;
  k.outer = {os[0], os[1]};
  k.rows = os[2];
  k.cols = os[3];
  k.red = {ws[0], ws[1], ws[2]};
  k.hasB = true;
  k.out = out;
  k.work = os[0] * os[1] * os[2] * os[3] * ws[0] * ws[1] * ws[2];
  k.outIndices = [](OpBuilder &, Location, ValueRange o, Value row, Value col) {
    return SmallVector<Value>{o[0], o[1], row, col};
  };
  k.loadA = [=](OpBuilder &b, Location loc, ValueRange o, Value row, Value,
                ValueRange red, VectorType, Value) -> Value {
    Value ih = addValues(b, loc, mulIndex(b, loc, o[1], st[0]),
                         mulIndex(b, loc, red[0], dil[0]));
    Value iw = addValues(b, loc, mulIndex(b, loc, row, st[1]),
                         mulIndex(b, loc, red[1], dil[1]));
    return memref::LoadOp::create(b, loc, in, ValueRange{o[0], ih, iw, red[2]});
  };
  k.loadB = [=](OpBuilder &b, Location loc, ValueRange, Value col,
                ValueRange red, VectorType vt, Value mask) {
    return loadVector(b, loc, vt, w, {red[0], red[1], red[2], col}, mask);
  };
  k.combine = [contract](OpBuilder &b, Location loc, Value acc, Value a,
                         Value w) {
    return multiplyAdd(b, loc, acc, a, w, contract);
  };
  return k;
}

/// linalg.depthwise_conv_2d_nhwc_hwcm with a channel multiplier M > 1:
/// per input channel, a small convolution to M outputs: outer (n, oh, c),
/// rows = ow, cols = m, reduction (kh, kw), the input element broadcast.
std::optional<TiledKernel>
depthwiseMultiplierKernel(linalg::DepthwiseConv2DNhwcHwcmOp op, bool contract) {
  Value in = op.getInputs()[0], w = op.getInputs()[1], out = op.getOutputs()[0];
  if (!staticF32(in) || !staticF32(w) || !staticF32(out) ||
      !innerStrideOne(cast<MemRefType>(w.getType())) ||
      !innerStrideOne(cast<MemRefType>(out.getType())))
    return std::nullopt;
  SmallVector<int64_t> st = attrValues(op.getStrides(), 1),
                       dil = attrValues(op.getDilations(), 1);
  ArrayRef<int64_t> ws = cast<MemRefType>(w.getType()).getShape();
  ArrayRef<int64_t> os = cast<MemRefType>(out.getType()).getShape();
  TiledKernel k;
  k.outer = {os[0], os[1], os[3]};
  k.rows = os[2];
  k.cols = os[4];
  k.red = {ws[0], ws[1]};
  k.hasB = true;
  k.out = out;
  k.work = os[0] * os[1] * os[2] * os[3] * os[4] * ws[0] * ws[1];
  k.outIndices = [](OpBuilder &, Location, ValueRange o, Value row, Value col) {
    return SmallVector<Value>{o[0], o[1], row, o[2], col};
  };
  k.loadA = [=](OpBuilder &b, Location loc, ValueRange o, Value row, Value,
                ValueRange red, VectorType, Value) -> Value {
    Value ih = addValues(b, loc, mulIndex(b, loc, o[1], st[0]),
                         mulIndex(b, loc, red[0], dil[0]));
    Value iw = addValues(b, loc, mulIndex(b, loc, row, st[1]),
                         mulIndex(b, loc, red[1], dil[1]));
    return memref::LoadOp::create(b, loc, in, ValueRange{o[0], ih, iw, o[2]});
  };
  k.loadB = [=](OpBuilder &b, Location loc, ValueRange o, Value col,
                ValueRange red, VectorType vt, Value mask) {
    return loadVector(b, loc, vt, w, {red[0], red[1], o[2], col}, mask);
  };
  k.combine = [contract](OpBuilder &b, Location loc, Value acc, Value a,
                         Value w) {
    return multiplyAdd(b, loc, acc, a, w, contract);
  };
  return k;
}

/// linalg.matmul / batch_matmul (default maps): rows = m, cols = n,
/// reduction k.
std::optional<TiledKernel> matmulKernel(linalg::LinalgOp op, bool batched,
                                        bool contract) {
  Value a = op.getDpsInputs()[0], bm = op.getDpsInputs()[1],
        out = op.getDpsInits()[0];
  if (!staticF32(a) || !staticF32(bm) || !staticF32(out) ||
      !innerStrideOne(cast<MemRefType>(bm.getType())) ||
      !innerStrideOne(cast<MemRefType>(out.getType())))
    return std::nullopt;
  ArrayRef<int64_t> as = cast<MemRefType>(a.getType()).getShape();
  ArrayRef<int64_t> os = cast<MemRefType>(out.getType()).getShape();
  TiledKernel k;
  int64_t kdim = as.back();
  if (batched)
    k.outer = {os[0]};
  k.rows = os[os.size() - 2];
  k.cols = os.back();
  k.red = {kdim};
  k.hasB = true;
  k.out = out;
  k.work = (batched ? os[0] : 1) * k.rows * k.cols * kdim;
  k.outIndices = [batched](OpBuilder &, Location, ValueRange o, Value row,
                           Value col) {
    SmallVector<Value> idx;
    if (batched)
      idx.push_back(o[0]);
    idx.append({row, col});
    return idx;
  };
  k.loadA = [=](OpBuilder &b, Location loc, ValueRange o, Value row, Value,
                ValueRange red, VectorType, Value) -> Value {
    SmallVector<Value> idx;
    if (batched)
      idx.push_back(o[0]);
    idx.append({row, red[0]});
    return memref::LoadOp::create(b, loc, a, idx);
  };
  k.loadB = [=](OpBuilder &b, Location loc, ValueRange o, Value col,
                ValueRange red, VectorType vt, Value mask) {
    SmallVector<Value> idx;
    if (batched)
      idx.push_back(o[0]);
    idx.append({red[0], col});
    return loadVector(b, loc, vt, bm, idx, mask);
  };
  k.combine = [contract](OpBuilder &b, Location loc, Value acc, Value a,
                         Value w) {
    return multiplyAdd(b, loc, acc, a, w, contract);
  };
  return k;
}

/// Windows over NHWC with channels in lanes: depthwise_conv_2d_nhwc_hwc
/// (combine = fma with the filter) and pooling_nhwc_{max,sum} (the window
/// operand only has a shape).
std::optional<TiledKernel> windowKernel(Value in, Value win, Value out,
                                        DenseIntElementsAttr strides,
                                        DenseIntElementsAttr dilations,
                                        bool depthwise, bool isMax,
                                        bool contract) {
  auto winType = dyn_cast<MemRefType>(win.getType());
  if (!staticF32(in) || !staticF32(out) || !winType ||
      !winType.hasStaticShape() ||
      !innerStrideOne(cast<MemRefType>(in.getType())) ||
      !innerStrideOne(cast<MemRefType>(out.getType())) ||
      (depthwise && (!staticF32(win) || !innerStrideOne(winType))))
    return std::nullopt;
  SmallVector<int64_t> st = attrValues(strides, 1),
                       dil = attrValues(dilations, 1);
  ArrayRef<int64_t> ws = winType.getShape();
  ArrayRef<int64_t> os = cast<MemRefType>(out.getType()).getShape();
  TiledKernel k;
  k.outer = {os[0], os[1]};
  k.rows = os[2];
  k.cols = os[3];
  k.red = {ws[0], ws[1]};
  k.aPerCol = true;
  k.hasB = depthwise;
  k.out = out;
  k.work = os[0] * os[1] * os[2] * os[3] * ws[0] * ws[1];
  k.outIndices = [](OpBuilder &, Location, ValueRange o, Value row, Value col) {
    return SmallVector<Value>{o[0], o[1], row, col};
  };
  k.loadA = [=](OpBuilder &b, Location loc, ValueRange o, Value row, Value col,
                ValueRange red, VectorType vt, Value mask) -> Value {
    Value ih = addValues(b, loc, mulIndex(b, loc, o[1], st[0]),
                         mulIndex(b, loc, red[0], dil[0]));
    Value iw = addValues(b, loc, mulIndex(b, loc, row, st[1]),
                         mulIndex(b, loc, red[1], dil[1]));
    return loadVector(b, loc, vt, in, {o[0], ih, iw, col}, mask);
  };
  if (depthwise) {
    k.loadB = [=](OpBuilder &b, Location loc, ValueRange, Value col,
                  ValueRange red, VectorType vt, Value mask) {
      return loadVector(b, loc, vt, win, {red[0], red[1], col}, mask);
    };
    k.combine = [contract](OpBuilder &b, Location loc, Value acc, Value a,
                           Value w) {
      return multiplyAdd(b, loc, acc, a, w, contract);
    };
  } else if (isMax) {
    k.combine = [](OpBuilder &b, Location loc, Value acc, Value a, Value) {
      return arith::MaximumFOp::create(b, loc, acc, a);
    };
  } else {
    k.combine = [](OpBuilder &b, Location loc, Value acc, Value a, Value) {
      return arith::AddFOp::create(b, loc, acc, a);
    };
  }
  return k;
}

//===----------------------------------------------------------------------===//
// Elementwise ops and copies
//===----------------------------------------------------------------------===//

/// Views `v` with its trailing `n` dimensions collapsed into one (they are
/// contiguous: checked by the caller).
Value collapseTrailing(OpBuilder &b, Location loc, Value v, int64_t n) {
  auto t = cast<MemRefType>(v.getType());
  if (n <= 1)
    return v;
  SmallVector<ReassociationIndices> groups;
  int64_t rank = t.getRank();
  for (int64_t d = 0; d < rank - n; ++d)
    groups.push_back({d});
  ReassociationIndices last;
  for (int64_t d = rank - n; d < rank; ++d)
    last.push_back(d);
  groups.push_back(last);
  return memref::CollapseShapeOp::create(b, loc, v, groups);
}

/// How many trailing dimensions of every memref in `values` can be collapsed
/// into one (contiguous in all of them).
int64_t collapsibleTrailingDims(ArrayRef<Value> values, int64_t rank) {
  int64_t n = rank;
  for (Value v : values) {
    auto t = cast<MemRefType>(v.getType());
    while (n > 1 && !t.areTrailingDimsContiguous(n))
      --n;
  }
  return std::max<int64_t>(n, 1);
}

/// Ops whose vector form may trap on the zeros of masked-off lanes.
bool mayTrapOnZero(Operation *op) {
  return isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
             arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op);
}

/// The elementwise body of `op` on vectors of `lanes`, one position of the
/// innermost loop. Loads/stores go through `views` (operand i's memref
/// after collapsing) at the indices `index(i)` (vector operands) or as a
/// broadcast scalar.
struct ElementwisePlan {
  linalg::LinalgOp op;
  SmallVector<Value> views;        // per operand (null for scalars)
  SmallVector<AffineMap> maps;     // per operand, over the collapsed loops
  SmallVector<bool> vectorOperand; // varies along the innermost loop
  int64_t rank = 0;                // loops after collapsing
  SmallVector<int64_t> sizes;      // loop sizes after collapsing
};

std::optional<ElementwisePlan> planElementwise(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
      op.getNumParallelLoops() != op.getNumLoops() || op.hasIndexSemantics() ||
      op.hasDynamicShape() || !op.hasOnlyProjectedPermutations())
    return std::nullopt;
  Block *body = op.getBlock();
  if (body->getNumArguments() != op->getNumOperands())
    return std::nullopt;
  for (Operation &inner : body->without_terminator()) {
    if (auto cst = dyn_cast<arith::ConstantOp>(inner)) {
      if (!cst.getType().isIntOrFloat())
        return std::nullopt;
      continue;
    }
    if (!OpTrait::hasElementwiseMappableTraits(&inner) ||
        inner.getNumRegions() != 0 || mayTrapOnZero(&inner))
      return std::nullopt;
    for (Type t :
         llvm::concat<Type>(inner.getOperandTypes(), inner.getResultTypes()))
      if (!t.isIntOrFloat())
        return std::nullopt;
  }
  int64_t loops = op.getNumLoops();
  ElementwisePlan plan;
  plan.op = op;
  bool allIdentity = true;
  SmallVector<Value> shaped;
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (op.isScalar(&operand)) {
      if (!operand.get().getType().isIntOrFloat())
        return std::nullopt;
      continue;
    }
    auto t = dyn_cast<MemRefType>(operand.get().getType());
    if (!t || !t.getElementType().isIntOrFloat())
      return std::nullopt;
    shaped.push_back(operand.get());
    allIdentity &= map.isIdentity();
    // The innermost loop must be the operand's innermost (unit-stride)
    // dimension, or absent (broadcast).
    bool usesInner = map.isFunctionOfDim(loops - 1);
    if (usesInner && (map.getNumResults() == 0 ||
                      map.getResults().back() !=
                          getAffineDimExpr(loops - 1, op->getContext()) ||
                      !innerStrideOne(t)))
      return std::nullopt;
    if (op.isDpsInit(&operand) && !usesInner)
      return std::nullopt;
  }
  // Collapse contiguous trailing dimensions when every map is the identity.
  int64_t collapse = allIdentity ? collapsibleTrailingDims(shaped, loops) : 1;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  plan.rank = loops - collapse + 1;
  plan.sizes.assign(ranges.begin(), ranges.begin() + (loops - collapse));
  int64_t inner = 1;
  for (int64_t d = loops - collapse; d < loops; ++d)
    inner *= ranges[d];
  plan.sizes.push_back(inner);
  for (OpOperand &operand : op->getOpOperands()) {
    AffineMap map = op.getMatchingIndexingMap(&operand);
    if (op.isScalar(&operand)) {
      plan.views.push_back(Value());
      plan.maps.push_back(AffineMap());
      plan.vectorOperand.push_back(false);
      continue;
    }
    plan.views.push_back(operand.get());
    plan.maps.push_back(collapse > 1 ? AffineMap::getMultiDimIdentityMap(
                                           plan.rank, op->getContext())
                                     : map);
    plan.vectorOperand.push_back(map.isFunctionOfDim(loops - 1));
  }
  return plan;
}

void emitElementwise(OpBuilder &b, Location loc, ElementwisePlan &plan,
                     int64_t lanes, int64_t threshold) {
  linalg::LinalgOp op = plan.op;
  int64_t collapse = op.getNumLoops() - plan.rank + 1;
  for (Value &v : plan.views)
    if (v)
      v = collapseTrailing(b, loc, v, collapse);
  int64_t inner = plan.sizes.back();
  int64_t elems = 1;
  for (int64_t s : plan.sizes)
    elems *= s;
  // Chunk a long innermost dimension so that it can be split over threads.
  constexpr int64_t kChunk = 8192;
  int64_t chunks = plan.rank == 1 ? std::max<int64_t>(1, inner / kChunk) : 1;
  int64_t perChunk = chunks > 1 ? kChunk : inner;
  SmallVector<int64_t> dims(plan.sizes.begin(), plan.sizes.end() - 1);
  if (chunks > 1)
    dims.push_back(chunks);
  Block *body = op.getBlock();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());

  // One vector (or masked tail) at inner position `pos` of outer `ivs`.
  auto emitVector = [&](OpBuilder &nb, Location nl, ValueRange ivs, Value pos,
                        Value mask) {
    SmallVector<Value> loopIvs(ivs.begin(), ivs.begin() + (plan.rank - 1));
    loopIvs.push_back(pos);
    IRMapping map;
    auto indices = [&](unsigned i) {
      SmallVector<Value> idx;
      for (AffineExpr e : plan.maps[i].getResults())
        idx.push_back(loopIvs[cast<AffineDimExpr>(e).getPosition()]);
      return idx;
    };
    for (auto [i, operand] : llvm::enumerate(op->getOpOperands())) {
      BlockArgument arg = body->getArgument(i);
      if (arg.use_empty())
        continue;
      auto vt = VectorType::get({lanes}, arg.getType());
      Value v;
      if (!plan.views[i])
        v = vector::BroadcastOp::create(nb, nl, vt, operand.get());
      else if (plan.vectorOperand[i])
        v = loadVector(nb, nl, vt, plan.views[i], indices(i), mask);
      else
        v = vector::BroadcastOp::create(
            nb, nl, vt,
            memref::LoadOp::create(nb, nl, plan.views[i], indices(i)));
      map.map(arg, v);
    }
    auto lookup = [&](Value v) -> Value {
      if (Value m = map.lookupOrNull(v))
        return m;
      // Defined above the op: a scalar to broadcast.
      auto vt = VectorType::get({lanes}, v.getType());
      Value s = vector::BroadcastOp::create(nb, nl, vt, v);
      map.map(v, s);
      return s;
    };
    for (Operation &inner : body->without_terminator()) {
      if (isa<arith::ConstantOp>(inner)) {
        // A scalar constant of the payload: broadcast once.
        Value s = nb.clone(inner)->getResult(0);
        map.map(inner.getResult(0),
                vector::BroadcastOp::create(
                    nb, nl, VectorType::get({lanes}, s.getType()), s));
        continue;
      }
      // The same op on vector operands (elementwise-mappable): clone with
      // the operands mapped, then give the results vector types.
      for (Value v : inner.getOperands())
        lookup(v);
      Operation *vec = nb.clone(inner, map);
      for (Value r : vec->getResults())
        r.setType(VectorType::get({lanes}, r.getType()));
    }
    for (auto [j, value] : llvm::enumerate(yield.getOperands())) {
      unsigned i = op.getNumDpsInputs() + j;
      storeVector(nb, nl, lookup(value), plan.views[i], indices(i), mask);
    }
  };

  loopNest(b, loc, dims, elems >= threshold,
           [&](OpBuilder &nb, Location nl, ValueRange ivs) {
             Value base = chunks > 1 ? mulIndex(nb, nl, ivs.back(), kChunk)
                                     : cIndex(nb, nl, 0);
             // The last chunk takes the remainder of the dimension.
             auto run = [&](OpBuilder &rb, Location rl, int64_t count) {
               int64_t full = count / lanes, rem = count % lanes;
               if (full > 0)
                 scf::ForOp::create(
                     rb, rl, cIndex(rb, rl, 0), cIndex(rb, rl, full),
                     cIndex(rb, rl, 1), ValueRange{},
                     [&](OpBuilder &fb, Location fl, Value iv, ValueRange) {
                       emitVector(
                           fb, fl, ivs,
                           addValues(fb, fl, base, mulIndex(fb, fl, iv, lanes)),
                           Value());
                       scf::YieldOp::create(fb, fl);
                     });
               if (rem > 0) {
                 Value mask = vector::ConstantMaskOp::create(
                     rb, rl, VectorType::get({lanes}, rb.getI1Type()),
                     ArrayRef<int64_t>{rem});
                 emitVector(rb, rl, ivs, addIndex(rb, rl, base, full * lanes),
                            mask);
               }
             };
             int64_t lastCount = inner - (chunks - 1) * perChunk;
             selectBlock(
                 nb, nl, chunks > 1 ? ivs.back() : Value(), chunks,
                 lastCount != perChunk,
                 [&](OpBuilder &fb, Location fl) { run(fb, fl, perChunk); },
                 [&](OpBuilder &tb, Location tl) { run(tb, tl, lastCount); });
           });
}

/// memref.copy between memrefs of one static shape, both with a unit
/// innermost stride, as a linalg.generic-like elementwise copy. Copies
/// between contiguous memrefs are left alone (they become memcpy).
bool lowerCopy(OpBuilder &b, memref::CopyOp copy, int64_t lanes,
               int64_t threshold) {
  auto st = dyn_cast<MemRefType>(copy.getSource().getType());
  auto tt = dyn_cast<MemRefType>(copy.getTarget().getType());
  if (!st || !tt || !st.hasStaticShape() || st.getShape() != tt.getShape() ||
      st.getElementType() != tt.getElementType() || st.getRank() == 0 ||
      !st.getElementType().isIntOrFloat() || !innerStrideOne(st) ||
      !innerStrideOne(tt))
    return false;
  if (st.getLayout().isIdentity() && tt.getLayout().isIdentity())
    return false;
  Location loc = copy.getLoc();
  int64_t rank = st.getRank();
  int64_t collapse =
      collapsibleTrailingDims({copy.getSource(), copy.getTarget()}, rank);
  Value src = collapseTrailing(b, loc, copy.getSource(), collapse);
  Value dst = collapseTrailing(b, loc, copy.getTarget(), collapse);
  ArrayRef<int64_t> shape = cast<MemRefType>(src.getType()).getShape();
  int64_t inner = shape.back(), elems = st.getNumElements();
  auto vt = VectorType::get({lanes}, st.getElementType());
  loopNest(b, loc, shape.drop_back(), elems >= threshold,
           [&](OpBuilder &nb, Location nl, ValueRange ivs) {
             auto at = [&](Value pos) {
               SmallVector<Value> idx(ivs.begin(), ivs.end());
               idx.push_back(pos);
               return idx;
             };
             int64_t full = inner / lanes, rem = inner % lanes;
             if (full > 0)
               scf::ForOp::create(
                   nb, nl, cIndex(nb, nl, 0), cIndex(nb, nl, full),
                   cIndex(nb, nl, 1), ValueRange{},
                   [&](OpBuilder &fb, Location fl, Value iv, ValueRange) {
                     Value pos = mulIndex(fb, fl, iv, lanes);
                     storeVector(fb, fl,
                                 loadVector(fb, fl, vt, src, at(pos), Value()),
                                 dst, at(pos), Value());
                     scf::YieldOp::create(fb, fl);
                   });
             if (rem > 0) {
               Value mask = vector::ConstantMaskOp::create(
                   nb, nl, VectorType::get({lanes}, nb.getI1Type()),
                   ArrayRef<int64_t>{rem});
               Value pos = cIndex(nb, nl, full * lanes);
               storeVector(nb, nl, loadVector(nb, nl, vt, src, at(pos), mask),
                           dst, at(pos), mask);
             }
           });
  return true;
}

//===----------------------------------------------------------------------===//
// Fusing the output's initialization
//===----------------------------------------------------------------------===//

/// TOSA initializes a convolution's or matmul's output with a broadcast of
/// the bias (a linalg.generic yielding a 1-D operand indexed by the innermost
/// dimension) or a fill, in an op of its own, which writes the whole output
/// once more and makes the kernel read it back. If the op just before `op`
/// (ignoring ops without memory effects) does that to `out`, returns it and
/// sets `k.init` to produce the same values in registers; the caller erases
/// it once the kernel is emitted. The values are the same, so the result is.
Operation *fuseInit(Operation *op, TiledKernel &k) {
  Operation *prev = op->getPrevNode();
  while (prev && isMemoryEffectFree(prev) && prev->getNumRegions() == 0)
    prev = prev->getPrevNode();
  auto init = dyn_cast_or_null<linalg::LinalgOp>(prev);
  if (!init || !init.hasPureBufferSemantics() || init.getNumDpsInits() != 1 ||
      init.getDpsInits()[0] != k.out ||
      init.getNumParallelLoops() != init.getNumLoops() ||
      !init.getMatchingIndexingMap(init.getDpsInitOperand(0)).isIdentity())
    return nullptr;
  auto yield = dyn_cast<linalg::YieldOp>(init.getBlock()->getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      &init.getBlock()->front() != yield.getOperation())
    return nullptr;
  auto arg = dyn_cast<BlockArgument>(yield.getOperand(0));
  Value scalar;
  if (!arg) {
    // linalg.map / generic yielding a value defined above (a constant).
    if (init->getRegion(0).isAncestor(yield.getOperand(0).getParentRegion()) ||
        !yield.getOperand(0).getType().isF32())
      return nullptr;
    scalar = yield.getOperand(0);
    k.init = [scalar](OpBuilder &b, Location loc, Value, VectorType vt,
                      Value) -> Value {
      return vector::BroadcastOp::create(b, loc, vt, scalar);
    };
    return init;
  }
  if (arg.getOwner() != init.getBlock() ||
      arg.getArgNumber() >= init.getNumDpsInputs())
    return nullptr;
  OpOperand *source = init.getDpsInputOperand(arg.getArgNumber());
  if (init.isScalar(source)) { // linalg.fill
    if (!source->get().getType().isF32())
      return nullptr;
    scalar = source->get();
    k.init = [scalar](OpBuilder &b, Location loc, Value, VectorType vt,
                      Value) -> Value {
      return vector::BroadcastOp::create(b, loc, vt, scalar);
    };
    return init;
  }
  // A bias: a 1-D f32 memref indexed by the innermost (channel) dimension.
  AffineMap map = init.getMatchingIndexingMap(source);
  auto biasType = dyn_cast<MemRefType>(source->get().getType());
  if (!biasType || biasType.getRank() != 1 || !biasType.hasStaticShape() ||
      !biasType.getElementType().isF32() || !innerStrideOne(biasType) ||
      biasType.getDimSize(0) != k.cols || map.getNumResults() != 1 ||
      map.getResult(0) !=
          getAffineDimExpr(init.getNumLoops() - 1, op->getContext()))
    return nullptr;
  Value bias = source->get();
  k.init = [bias](OpBuilder &b, Location loc, Value col, VectorType vt,
                  Value mask) -> Value {
    return loadVector(b, loc, vt, bias, {col}, mask);
  };
  return init;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct LinalgToKernelsPass
    : public qprep::impl::LinalgToKernelsPassBase<LinalgToKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes < 1 || registers < 4) {
      getOperation().emitError("qprep-linalg-to-kernels: lanes must be >= 1 "
                               "and registers >= 4");
      return signalPassFailure();
    }
    // Tiled kernels first (they may absorb the elementwise op that
    // initializes their output), then elementwise ops and copies.
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<linalg::LinalgOp, memref::CopyOp>(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    llvm::SmallPtrSet<Operation *, 16> erased;
    for (bool tiled : {true, false})
      for (Operation *op : ops) {
        if (erased.contains(op))
          continue;
        rewriter.setInsertionPoint(op);
        Operation *fused = nullptr;
        if (lower(rewriter, op, tiled, fused)) {
          rewriter.eraseOp(op);
          erased.insert(op);
          if (fused) {
            rewriter.eraseOp(fused);
            erased.insert(fused);
            ++numFusedInits;
          }
          ++numKernels;
        }
      }
  }

  /// Lowers `op` if it is a tiled kernel (`tiled`) or an elementwise op or
  /// copy (`!tiled`); `fused` is set to an init op the kernel absorbed.
  bool lower(OpBuilder &b, Operation *op, bool tiled, Operation *&fused) {
    Location loc = op->getLoc();
    std::optional<TiledKernel> k;
    bool isTiled = isa<linalg::Conv2DNhwcHwcfOp, linalg::MatmulOp,
                       linalg::BatchMatmulOp, linalg::DepthwiseConv2DNhwcHwcOp,
                       linalg::DepthwiseConv2DNhwcHwcmOp,
                       linalg::PoolingNhwcMaxOp, linalg::PoolingNhwcSumOp>(op);
    if (isTiled != tiled)
      return false;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      if (!linalgOp.hasPureBufferSemantics())
        return false;
    if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op)) {
      k = convKernel(conv, contract);
    } else if (auto mm = dyn_cast<linalg::MatmulOp>(op)) {
      if (mm.getIndexingMapsArray() ==
          linalg::MatmulOp::getDefaultIndexingMaps(op->getContext()))
        k = matmulKernel(mm, false, contract);
    } else if (auto bmm = dyn_cast<linalg::BatchMatmulOp>(op)) {
      if (bmm.getIndexingMapsArray() ==
          linalg::BatchMatmulOp::getDefaultIndexingMaps(op->getContext()))
        k = matmulKernel(bmm, true, contract);
    } else if (auto dw = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(op)) {
      k = windowKernel(dw.getInputs()[0], dw.getInputs()[1], dw.getOutputs()[0],
                       dw.getStrides(), dw.getDilations(), true, false,
                       contract);
    } else if (auto dwm = dyn_cast<linalg::DepthwiseConv2DNhwcHwcmOp>(op)) {
      // TOSA's depthwise_conv2d: multiplier 1 is the plain depthwise kernel
      // on views without the unit dimension.
      auto wt = dyn_cast<MemRefType>(dwm.getInputs()[1].getType());
      auto ot = dyn_cast<MemRefType>(dwm.getOutputs()[0].getType());
      if (wt && ot && wt.hasStaticShape() && wt.getShape().back() == 1 &&
          memref::CollapseShapeOp::isGuaranteedCollapsible(
              wt, {{0}, {1}, {2, 3}}) &&
          memref::CollapseShapeOp::isGuaranteedCollapsible(
              ot, {{0}, {1}, {2}, {3, 4}})) {
        Value w3 = memref::CollapseShapeOp::create(
            b, loc, dwm.getInputs()[1],
            ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
        Value o4 = memref::CollapseShapeOp::create(
            b, loc, dwm.getOutputs()[0],
            ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4}});
        k = windowKernel(dwm.getInputs()[0], w3, o4, dwm.getStrides(),
                         dwm.getDilations(), true, false, contract);
        if (!k) {
          o4.getDefiningOp()->erase();
          w3.getDefiningOp()->erase();
        }
      } else {
        k = depthwiseMultiplierKernel(dwm, contract);
      }
    } else if (auto pmax = dyn_cast<linalg::PoolingNhwcMaxOp>(op)) {
      k = windowKernel(pmax.getInputs()[0], pmax.getInputs()[1],
                       pmax.getOutputs()[0], pmax.getStrides(),
                       pmax.getDilations(), false, true, contract);
    } else if (auto psum = dyn_cast<linalg::PoolingNhwcSumOp>(op)) {
      k = windowKernel(psum.getInputs()[0], psum.getInputs()[1],
                       psum.getOutputs()[0], psum.getStrides(),
                       psum.getDilations(), false, false, contract);
    } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
      return lowerCopy(b, copy, lanes, parallelThreshold);
    } else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      std::optional<ElementwisePlan> plan = planElementwise(linalgOp);
      if (!plan)
        return false;
      emitElementwise(b, loc, *plan, lanes, parallelThreshold);
      return true;
    }
    if (!k)
      return false;
    // The hwcm-as-hwc views are created before the op; look past them.
    fused = fuseInit(op, *k);
    emitTiledKernel(b, loc, *k, lanes, registers, parallelThreshold);
    return true;
  }
};
} // namespace
