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
// A constant batch above 2^24: v - 1 and v + 1 round back to v in float32,
// torch.histc's range is a single point and its position 0 / 0. PyTorch's
// NaN -> int64 conversion lands in bin 0 on x86 (torch 1.13:
// torch.histc(torch.full((25,), 3e7), 256) is [25, 0, ...]); qprep puts them
// there without undefined behaviour (it used to drop them).
TEST(Histogram, CollapsedRangeGoesToBinZero) {
  for (float v : {3e7f, -3e7f, 1e9f, 3.4e38f}) {
    std::vector<float> data(25, v), hist(256, 0.0f);
    float mn = std::numeric_limits<float>::infinity(), mx = -mn;
    qprep_histogram_update(data.data(), 25, hist.data(), 256, &mn, &mx);
    EXPECT_EQ(mn, v);
    EXPECT_EQ(mx, v);
    EXPECT_EQ(hist[0], 25.0f) << v;
    // Merging the point into a later, wider range moves its count whole.
    std::vector<float> wider{v * 0.5f, v};
    qprep_histogram_update(wider.data(), 2, hist.data(), 256, &mn, &mx);
    float total = 0;
    for (float h : hist)
      total += h;
    EXPECT_EQ(total, 27.0f) << v;
  }
}

// A range wider than float32: every position is finite / inf = 0 or
// inf / inf = NaN; torch 1.13's histc puts all of
// [-3e38, 0, 3e38, 1] into bin 0 of 16.
TEST(Histogram, RangeWiderThanFloat32) {
  float data[] = {-3e38f, 0.0f, 3e38f, 1.0f};
  std::vector<float> hist(16, 0.0f);
  float mn = std::numeric_limits<float>::infinity(), mx = -mn;
  qprep_histogram_update(data, 4, hist.data(), 16, &mn, &mx);
  EXPECT_EQ(hist[0], 4.0f);
}

// eps that is 0 in float32 (a C caller; the dialect and the Python
// functions refuse it) on all-zero statistics: scale 0 and min_neg / scale
// = NaN, which PyTorch's `.to(torch.int)` makes INT32_MIN on x86 and its
// int32 `quant_min - zp` wraps. torch 1.13, MinMaxObserver(eps=1e-320) on
// zeros: quint8 -> (0., 0), qint8 -> (0., 127).
TEST(QParams, NaNZeroPointAsPyTorchOnX86) {
  float mn = 0.0f, mx = 0.0f, scale = -1.0f;
  int64_t zp = -1;
  qprep_qparams_config u8{QPREP_PER_TENSOR_AFFINE, QPREP_DTYPE_U8, 0, 255, 0,
                          0.0f};
  EXPECT_EQ(qprep_calculate_qparams(&u8, &mn, &mx, 1, &scale, &zp, nullptr),
            QPREP_OK);
  EXPECT_EQ(scale, 0.0f);
  EXPECT_EQ(zp, 0);
  qprep_qparams_config i8{QPREP_PER_TENSOR_AFFINE, QPREP_DTYPE_OTHER, -128,
                          127, 0, 0.0f};
  EXPECT_EQ(qprep_calculate_qparams(&i8, &mn, &mx, 1, &scale, &zp, nullptr),
            QPREP_OK);
  EXPECT_EQ(zp, 127);
}
} // namespace
