//===- RuntimeTest.cpp - runtime helpers lit cannot reach -----------------===//

#include "../lib/Runtime/FloorDiv.h"
#include "qprep/Runtime/QPrepRuntime.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

namespace {

// The fast floored division the histogram search uses must give what
// c10::div_floor_floating gives (up to the sign of zero, which the clamp
// to [0, dst_nbins - 1] erases) over the inputs the search produces:
// bin offsets (i - s) * bin_width and divisors bin_width * k / dst_nbins.
TEST(FloorDiv, MatchesC10OnSearchLikeInputs) {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> logScale(-12, 6);
  std::uniform_int_distribution<int> bin(-2048, 2048), width(1, 2048);
  int64_t checked = 0;
  for (int i = 0; i < 2000000; ++i) {
    float bw = static_cast<float>(std::pow(10.0, logScale(rng)));
    float a = static_cast<float>(bin(rng)) * bw;
    if (i % 2)
      a = a + bw; // the "end" of a source bin
    float b = static_cast<float>(static_cast<double>(bw) * width(rng) / 256.0);
    float want = qprep::divFloorC10(a, b), got = qprep::floorDivExact(a, b);
    ASSERT_TRUE(want == got) << a << " // " << b << ": " << want << " vs "
                             << got;
    ++checked;
  }
  EXPECT_EQ(checked, 2000000);
}

TEST(FloorDiv, ExactQuotientsAndNegatives) {
  EXPECT_EQ(qprep::floorDivExact(6.0f, 3.0f), 2.0f);
  EXPECT_EQ(qprep::floorDivExact(-6.0f, 3.0f), -2.0f);
  EXPECT_EQ(qprep::floorDivExact(-1e-30f, 3.0f), -1.0f);
  EXPECT_EQ(qprep::divFloorC10(-1e-30f, 3.0f), -1.0f);
  // 0.3 / 0.1 rounds to 3 in float; the exact quotient of the floats is
  // just below 3 (0.3f < 3 * 0.1f), so both give 2.
  EXPECT_EQ(qprep::floorDivExact(0.3f, 0.1f), qprep::divFloorC10(0.3f, 0.1f));
}

// The torch.linspace emulation: end points exact, the scalar tail and the
// vector body as measured on the reference build.
TEST(Linspace, EndPoints) {
  for (int64_t steps : {2, 17, 33, 2049, 32769})
    for (auto [lo, hi] : {std::pair{-1.3f, 2.7f}, std::pair{0.1f, 0.9f}}) {
      EXPECT_EQ(qprep_linspace_at(lo, hi, steps, 0), lo);
      if (steps % 16 != 0)
        EXPECT_EQ(qprep_linspace_at(lo, hi, steps, steps - 1), hi);
    }
}

// Derived from the histc formula: with edges [0, 8] and 8 bins, x lands in
// bin floor(x), x == 8 in the last bin, values outside and NaN nowhere.
TEST(Histogram, HistcBinsOfAFirstBatch) {
  float data[] = {0.0f, 0.5f, 1.0f, 7.99f, 8.0f, 3.0f,
                  std::numeric_limits<float>::quiet_NaN(),
                  std::numeric_limits<float>::infinity()};
  std::vector<float> hist(8, 0.0f);
  float mn = std::numeric_limits<float>::infinity(), mx = -mn;
  qprep_histogram_update(data, 8, hist.data(), 8, &mn, &mx);
  EXPECT_EQ(mn, 0.0f);
  EXPECT_EQ(mx, 8.0f);
  std::vector<float> want{2, 1, 0, 1, 0, 0, 0, 2};
  EXPECT_EQ(hist, want);
}

// Nothing finite: the state stays "nothing seen"; qparams are (1, 0).
TEST(Histogram, NonFiniteBatchIsSkipped) {
  float data[] = {std::numeric_limits<float>::quiet_NaN(),
                  -std::numeric_limits<float>::infinity()};
  std::vector<float> hist(16, 0.0f);
  float mn = std::numeric_limits<float>::infinity(), mx = -mn;
  qprep_histogram_update(data, 2, hist.data(), 16, &mn, &mx);
  EXPECT_TRUE(std::isinf(mn) && mn > 0);
  qprep_qparams_config c{QPREP_PER_TENSOR_AFFINE, QPREP_DTYPE_U8, 0, 255, 0,
                         1e-7f};
  float scale = 0;
  int64_t zp = -1;
  EXPECT_EQ(qprep_histogram_qparams(&c, hist.data(), 16, mn, mx, 256, &scale,
                                    &zp),
            QPREP_UNCALIBRATED);
  EXPECT_EQ(scale, 1.0f);
  EXPECT_EQ(zp, 0);
}

// Infinite statistics: PyTorch would produce an infinite scale.
TEST(QParams, InfiniteStatisticsAreAnError) {
  qprep_qparams_config c{QPREP_PER_TENSOR_AFFINE, QPREP_DTYPE_OTHER, -128, 127,
                         0, 1e-7f};
  float mn = -std::numeric_limits<float>::infinity(), mx = 1.0f, scale;
  int64_t zp;
  EXPECT_EQ(qprep_calculate_qparams(&c, &mn, &mx, 1, &scale, &zp, nullptr),
            QPREP_ERR_NOT_FINITE);
}
} // namespace
