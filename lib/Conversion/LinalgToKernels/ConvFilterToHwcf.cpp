//===- ConvFilterToHwcf.cpp - conv filters in the layout kernels read -----===//
//
// tosa.conv2d lowers to linalg.conv_2d_nhwc_fhwc: filters [F][KH][KW][C], a
// reduction over C contiguous for each output channel. The vector kernels
// (LinalgToKernels.cpp) put output channels in vector lanes and need each
// filter row [kh][kw][c][0..F) contiguous: HWCF. Constant filters (the usual
// case: weights are constants of the model) are transposed here once, so the
// forward never pays for it; other filters get a linalg.transpose.
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#define DEBUG_TYPE "qprep-conv-filter-to-hwcf"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_CONVFILTERTOHWCFPASS
#include "qprep/Conversion/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;

namespace {
/// FHWC -> HWCF: result dims are (KH, KW, C, F) = source dims (1, 2, 3, 0).
constexpr int64_t kPermutation[4] = {1, 2, 3, 0};

/// The filter data transposed to HWCF, or null when the constant's data is
/// not at hand (an elided or foreign attribute).
ElementsAttr transposeConstant(ElementsAttr attr, RankedTensorType hwcf) {
  auto fhwc = cast<ShapedType>(attr.getType());
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    if (dense.isSplat())
      return DenseElementsAttr::get(hwcf, dense.getSplatValue<Attribute>());
  std::optional<ArrayRef<float>> data;
  std::vector<float> owned;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    auto values = dense.getValues<float>();
    owned.assign(values.begin(), values.end());
    data = ArrayRef<float>(owned);
  } else if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    data = resource.tryGetAsArrayRef();
  }
  if (!data || static_cast<int64_t>(data->size()) != fhwc.getNumElements())
    return nullptr;
  ArrayRef<int64_t> s = fhwc.getShape(); // F, KH, KW, C
  int64_t f = s[0], kh = s[1], kw = s[2], c = s[3];
  std::vector<float> out(data->size());
  for (int64_t o = 0; o < f; ++o)
    for (int64_t i = 0; i < kh; ++i)
      for (int64_t j = 0; j < kw; ++j)
        for (int64_t k = 0; k < c; ++k)
          out[((i * kw + j) * c + k) * f + o] =
              (*data)[((o * kh + i) * kw + j) * c + k];
  if (isa<DenseResourceElementsAttr>(attr))
    return cast<ElementsAttr>(DenseF32ResourceElementsAttr::get(
        hwcf, "qprep_hwcf",
        HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(out))));
  return DenseElementsAttr::get(hwcf, ArrayRef<float>(out));
}

struct ConvFilterToHwcfPass
    : public qprep::impl::ConvFilterToHwcfPassBase<ConvFilterToHwcfPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::Conv2DNhwcFhwcOp> convs;
    getOperation()->walk([&](linalg::Conv2DNhwcFhwcOp op) {
      if (op.hasPureTensorSemantics())
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::Conv2DNhwcFhwcOp op : convs) {
      Value filter = op.getInputs()[1];
      auto type = dyn_cast<RankedTensorType>(filter.getType());
      if (!type || !type.hasStaticShape() || !type.getElementType().isF32())
        continue;
      ArrayRef<int64_t> s = type.getShape();
      auto hwcf = RankedTensorType::get({s[1], s[2], s[3], s[0]},
                                        type.getElementType());
      rewriter.setInsertionPoint(op);
      Location loc = op.getLoc();
      Value newFilter;
      ElementsAttr attr;
      if (matchPattern(filter, m_Constant(&attr)))
        if (ElementsAttr t = transposeConstant(attr, hwcf)) {
          newFilter = arith::ConstantOp::create(rewriter, loc, hwcf, t);
          ++numFolded;
        }
      if (!newFilter) {
        Value init = tensor::EmptyOp::create(rewriter, loc, hwcf.getShape(),
                                             hwcf.getElementType());
        newFilter = linalg::TransposeOp::create(rewriter, loc, filter, init,
                                                kPermutation)
                        ->getResult(0);
      }
      auto conv = linalg::Conv2DNhwcHwcfOp::create(
          rewriter, loc, op->getResultTypes(),
          ValueRange{op.getInputs()[0], newFilter}, op.getOutputs(),
          op.getStridesAttr(), op.getDilationsAttr());
      rewriter.replaceOp(op, conv->getResults());
      // The FHWC constant is dead now; drop it (and its blob) right away.
      if (Operation *def = filter.getDefiningOp();
          def && def->use_empty() && isPure(def))
        rewriter.eraseOp(def);
      ++numConvs;
    }
  }
};
} // namespace
