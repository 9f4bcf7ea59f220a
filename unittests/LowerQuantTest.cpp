//===- LowerQuantTest.cpp - host-side quantization (compile-time folding) -===//
//
// quantizeValue is what qprep-convert uses to quantize constant weights; it
// must agree with the generated code (checked against torch 1.13 by
// test/Conversion/LowerQuant/lower-quant-parity.test). Here: its edge cases,
// against PyTorch's decomposed quantize_per_tensor
// (torch/ao/quantization/fx/_decomposed.py):
//   clamp(round(x * (1.0 / scale)) + zero_point, quant_min, quant_max)
// with qprep's documented policy where that formula is undefined (NaN, a
// float bound that int32 cannot hold).
//
//===----------------------------------------------------------------------===//

#include "qprep/Conversion/LowerQuant/LowerQuant.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace mlir::qprep;

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(QuantizeValue, RoundsHalfToEvenBeforeTheZeroPoint) {
  float inv = quantInvScale(0.5); // 2
  EXPECT_EQ(quantizeValue(1.25f, inv, 3.0f, -128, 127), 5);   // 2.5 -> 2, + 3
  EXPECT_EQ(quantizeValue(1.75f, inv, 3.0f, -128, 127), 7);   // 3.5 -> 4, + 3
  EXPECT_EQ(quantizeValue(-1.25f, inv, 3.0f, -128, 127), 1);  // -2.5 -> -2
  EXPECT_EQ(quantizeValue(-1.75f, inv, 3.0f, -128, 127), -1); // -3.5 -> -4
}

TEST(QuantizeValue, SignedZeroGivesTheZeroPoint) {
  EXPECT_EQ(quantizeValue(0.0f, 2.0f, 3.0f, -128, 127), 3);
  EXPECT_EQ(quantizeValue(-0.0f, 2.0f, 3.0f, -128, 127), 3);
}

TEST(QuantizeValue, SaturatesOutOfRangeAndInfinity) {
  EXPECT_EQ(quantizeValue(63.75f, 2.0f, 3.0f, -128, 127), 127);
  EXPECT_EQ(quantizeValue(-66.0f, 2.0f, 3.0f, -128, 127), -128);
  EXPECT_EQ(quantizeValue(1e30f, 2.0f, 0.0f, -128, 127), 127);
  EXPECT_EQ(quantizeValue(kInf, 2.0f, 0.0f, 0, 255), 255);
  EXPECT_EQ(quantizeValue(-kInf, 2.0f, 0.0f, 0, 255), 0);
  EXPECT_EQ(quantizeValue(1e30f, 1.0f, 0.0f, -32768, 32767), 32767);
}

TEST(QuantizeValue, NaNIsQuantMin) {
  float nan = std::nanf("");
  EXPECT_EQ(quantizeValue(nan, 2.0f, 3.0f, -128, 127), -128);
  EXPECT_EQ(quantizeValue(nan, 2.0f, 3.0f, 0, 255), 0);
  EXPECT_EQ(quantizeValue(nan, 2.0f, 3.0f, -127, 127), -127);
}

TEST(QuantizeValue, Int32BoundsStayInRange) {
  // float32(2^31 - 1) is 2^31: clamped again to 2^31 - 1.
  EXPECT_EQ(quantizeValue(3e9f, 1.0f, 0.0f, INT32_MIN, INT32_MAX), INT32_MAX);
  EXPECT_EQ(quantizeValue(-3e9f, 1.0f, 0.0f, INT32_MIN, INT32_MAX), INT32_MIN);
  // A custom bound whose float32 lies inside the range saturates there, as
  // PyTorch's float clamp does: float32(-1603251208) = -1603251200.
  EXPECT_EQ(quantizeValue(-3e9f, 1.0f, 0.0f, -1603251208, INT32_MAX),
            -1603251200);
  EXPECT_EQ(quantizeValue(2.5f, 1.0f, 0.0f, INT32_MIN, INT32_MAX), 2);
}

TEST(QuantizeValue, InverseScaleIsRoundedOnce) {
  // 1 / 0.1f in double, rounded to float32, equals 1.0f / 0.1f.
  EXPECT_EQ(quantInvScale(static_cast<double>(0.1f)), 1.0f / 0.1f);
  EXPECT_EQ(quantInvScale(0.0078740157186985015), 1.0f / 0.00787401571f);
}
} // namespace
