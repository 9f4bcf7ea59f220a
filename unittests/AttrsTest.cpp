//===- AttrsTest.cpp - unit tests of qprep attribute logic ----------------===//

#include "qprep/Analysis/Sharing.h"
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace mlir::qprep;

namespace {
class QPrepAttrsTest : public ::testing::Test {
protected:
  QPrepAttrsTest() {
    ctx.getOrLoadDialect<QPrepDialect>();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &ctx, [this](Diagnostic &d) {
          messages.push_back(d.str());
          return success();
        });
  }
  Type i8() { return IntegerType::get(&ctx, 8); }
  Type ui8() { return IntegerType::get(&ctx, 8, IntegerType::Unsigned); }
  Type i32() { return IntegerType::get(&ctx, 32); }
  ObserverAttr minmax() { return ObserverAttr::get(&ctx, ObserverKind::minmax); }
  std::function<InFlightDiagnostic()> emitter() {
    return [this] { return emitError(UnknownLoc::get(&ctx)); };
  }

  MLIRContext ctx;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::vector<std::string> messages;
};

// PyTorch's calculate_qmin_qmax (anchors.md part B).
TEST_F(QPrepAttrsTest, CalculateQMinQMax) {
  using P = std::pair<int64_t, int64_t>;
  EXPECT_EQ(calculateQMinQMax(i8(), {}, {}, false), P(-128, 127));
  EXPECT_EQ(calculateQMinQMax(i8(), {}, {}, true), P(-64, 63));
  EXPECT_EQ(calculateQMinQMax(ui8(), {}, {}, false), P(0, 255));
  EXPECT_EQ(calculateQMinQMax(ui8(), {}, {}, true), P(0, 127));
  EXPECT_EQ(calculateQMinQMax(i32(), {}, {}, true), P(INT32_MIN, INT32_MAX));
  EXPECT_EQ(calculateQMinQMax(IntegerType::get(&ctx, 16), {}, {}, false),
            P(-32768, 32767));
  EXPECT_EQ(calculateQMinQMax(IntegerType::get(&ctx, 16, IntegerType::Unsigned),
                              {}, {}, false),
            P(0, 65535));
  EXPECT_EQ(calculateQMinQMax(Float8E4M3FNType::get(&ctx), {}, {}, false),
            P(0, 15));
  // Custom range with reduce_range: floor division by 2.
  EXPECT_EQ(calculateQMinQMax(i8(), -127, 127, true), P(-64, 63));
  EXPECT_EQ(calculateQMinQMax(ui8(), 0, 255, false), P(0, 255));
}

// Verifier branches no textual spec can reach.
TEST_F(QPrepAttrsTest, DerivedSourcesMustBeRefsOrSymbols) {
  auto bad = ArrayAttr::get(&ctx, {IntegerAttr::get(i32(), 1)});
  EXPECT_FALSE(DerivedQSpecAttr::getChecked(emitter(), &ctx, i32(), bad, {}, {},
                                            {}, {}, false, nullptr));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("derived spec sources must be edge/node "
                             "references or observer symbols"),
            std::string::npos);
}

TEST_F(QPrepAttrsTest, QSpecNeedsObserver) {
  EXPECT_FALSE(QSpecAttr::getChecked(emitter(), &ctx, i8(), {}, {}, {}, {},
                                     false, ObserverAttr()));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0], "missing observer");
}

TEST_F(QPrepAttrsTest, EffectiveQSchemeAndRange) {
  auto pc = QSpecAttr::get(&ctx, i8(), {}, {}, {}, 0, false,
                           ObserverAttr::get(&ctx, ObserverKind::per_channel_minmax));
  EXPECT_EQ(pc.getEffectiveQScheme(), QScheme::per_channel_affine);
  auto reduced = QSpecAttr::get(
      &ctx, ui8(), {}, {}, QScheme::per_tensor_affine, {}, false,
      ObserverAttr::get(&ctx, ObserverKind::minmax, llvm::APFloat(1e-3), true,
                        llvm::APFloat(0.01), 2048, 16, false));
  using P = std::pair<int64_t, int64_t>;
  EXPECT_EQ(reduced.getEffectiveRange(), P(0, 127));
}

// PyTorch's _has_same_attr over the eight attributes, across spec kinds.
TEST_F(QPrepAttrsTest, ImplicitSharingComparison) {
  auto q = [&](Type t, std::optional<int64_t> lo, std::optional<int64_t> hi,
               std::optional<int64_t> ch = std::nullopt) {
    return QSpecAttr::get(&ctx, t, lo, hi, {}, ch, false, minmax());
  };
  // The observer kind is not compared.
  auto hist = QSpecAttr::get(&ctx, i8(), {}, {}, {}, {}, false,
                             ObserverAttr::get(&ctx, ObserverKind::histogram));
  EXPECT_TRUE(haveSameSharingAttrs(q(i8(), {}, {}), hist));
  // Absent and explicit ranges differ.
  EXPECT_FALSE(haveSameSharingAttrs(q(i8(), {}, {}), q(i8(), -128, 127)));
  EXPECT_FALSE(haveSameSharingAttrs(q(i8(), {}, {}), q(ui8(), {}, {})));
  EXPECT_FALSE(haveSameSharingAttrs(q(i8(), {}, {}), q(i8(), {}, {}, 0)));
  // A derived spec has the same attributes as a QuantizationSpec.
  auto derived = DerivedQSpecAttr::get(
      &ctx, i8(), ArrayAttr::get(&ctx, {FlatSymbolRefAttr::get(&ctx, "x")}),
      {}, {}, {}, {}, false, nullptr);
  EXPECT_TRUE(haveSameSharingAttrs(q(i8(), {}, {}), derived));
  // A fixed spec has scale/zero_point and no ch_axis: never equal to those.
  auto fixed = FixedQSpecAttr::get(&ctx, i8(), llvm::APFloat(0.5), 0, {}, {},
                                   {}, false);
  EXPECT_FALSE(haveSameSharingAttrs(q(i8(), {}, {}), fixed));
  EXPECT_TRUE(haveSameSharingAttrs(fixed, fixed));
  auto fixed2 = FixedQSpecAttr::get(&ctx, i8(), llvm::APFloat(0.25), 0, {}, {},
                                    {}, false);
  EXPECT_FALSE(haveSameSharingAttrs(fixed, fixed2));
  // None (no spec) shares with nothing.
  EXPECT_FALSE(haveSameSharingAttrs(NoQSpecAttr::get(&ctx), q(i8(), {}, {})));
}
} // namespace
