//===- Histogram.cpp - PyTorch's HistogramObserver, float for float -------===//
//
// The mid-2024 HistogramObserver (pt#129387) with the combine fix of
// pt#156457 / ao#2418, written from the algorithm, not from its source. Each
// float expression reproduces the float32 tensor expression PyTorch
// evaluates (tensor-scalar arithmetic in float32 with the scalar rounded to
// float32 first; Python-float arithmetic in double), so that a histogram fed
// the same batches holds the same counts bit for bit. Where PyTorch reduces
// with an unspecified order (torch.sum's cascade), qprep sums in double and
// rounds once; this is exact for counts below 2^24 and within an ulp
// otherwise (docs/Calibration.md).
//
//===----------------------------------------------------------------------===//

#include "qprep/Runtime/QPrepRuntime.h"
#include "FloorDiv.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {
constexpr float kInf = std::numeric_limits<float>::infinity();

bool uninitialized(float minV, float maxV) {
  return minV == kInf || maxV == -kInf;
}

/// torch.histc's bin of `x` for edges lo <= hi, or -1 when x is outside
/// [lo, hi] or NaN (HistogramKernel.cpp, LINEAR_INTERPOLATION: the position
/// is computed in the input dtype; x == hi goes to the last bin). Where
/// PyTorch's float position is not a number it can index with, the result is
/// still a bin (the generated loops do the same, see QPrepToLoops.cpp): a
/// product that overflows to +inf is recomputed as torch 1.13 writes it,
/// (x - lo) / (hi - lo) * bins; NaN (0 / 0 when float32 cannot widen a
/// single-point range, inf / inf) goes to bin 0, where PyTorch's NaN -> int64
/// conversion sends it on x86.
int64_t histcBin(float x, float lo, float hi, int64_t bins) {
  if (!(x >= lo && x <= hi))
    return -1;
  const float b = static_cast<float>(bins);
  float t = (x - lo) * b / (hi - lo);
  if (t == kInf)
    t = (x - lo) / (hi - lo) * b;
  if (!(t >= 0.0f)) // NaN
    t = 0.0f;
  return static_cast<int64_t>(std::min(t, b - 1.0f));
}

/// Sum of float32 values, rounded once (see the file comment).
float sumF32(const float *v, int64_t n) {
  double s = 0.0;
  for (int64_t i = 0; i < n; ++i)
    s += v[i];
  return static_cast<float>(s);
}
} // namespace

// torch.linspace on float32 as the CPU kernel of the reference build (Debian's
// torch 1.13, AVX2 kernels) computes it, measured element for element: steps
// go in pairs of 8-wide vectors; a vector's base is fma(step, idx, start)
// below the halfway point and fma(-step, steps - idx - 1, end) from it (the
// compiler contracts `start + step * idx`), and its lanes are base + k * step
// rounded separately; the elements after the last pair use the scalar form of
// the same base.
extern "C" float qprep_linspace_at(float start, float end, int64_t steps,
                                   int64_t idx) {
  if (steps == 1)
    return start;
  const float step = (end - start) / static_cast<float>(steps - 1);
  const int64_t halfway = steps / 2;
  auto base = [&](int64_t i) {
    return i < halfway ? std::fma(step, static_cast<float>(i), start)
                       : std::fma(-step, static_cast<float>(steps - i - 1),
                                  end);
  };
  const int64_t vecEnd = steps / 16 * 16;
  if (idx >= vecEnd)
    return base(idx);
  const int64_t lane = idx % 8, vecStart = idx - lane;
  float b = base(vecStart);
  float k = static_cast<float>(lane) * step;
  return b + k;
}

extern "C" void qprep_histogram_range(float stateMin, float stateMax,
                                      float xmin, float xmax, int64_t bins,
                                      float *lo, float *hi) {
  float newMin = xmin, newMax = xmax;
  if (!uninitialized(stateMin, stateMax)) {
    newMin = std::min(stateMin, xmin);
    newMax = std::max(stateMax, xmax);
  }
  // torch.histc: a single-point range (the batch is then that one value)
  // becomes [v - 1, v + 1] in double; the edges are linspace(lo, hi, bins+1).
  double l = newMin, h = newMax;
  if (l == h) {
    l -= 1.0;
    h += 1.0;
  }
  const float lf = static_cast<float>(l), hf = static_cast<float>(h);
  *lo = qprep_linspace_at(lf, hf, bins + 1, 0);
  *hi = qprep_linspace_at(lf, hf, bins + 1, bins);
  // A range wider than float32 (hf - lf = inf) makes linspace's step
  // infinite and its end points NaN; torch 1.13's histc then bins against
  // the end points themselves (measured: every value lands in bin 0 through
  // the (x - lo) / inf position). Keep lo <= hi ordered and not NaN, so that
  // the generated loops' "inside [lo, hi]" test and clamp stay meaningful.
  if (!(*lo <= *hi)) {
    *lo = lf;
    *hi = hf;
  }
}

namespace {
/// _upscale_histogram: the old histogram (over [oldMin, oldMax]) in the bins
/// of [newMin, newMax], added into `out`.
void upscaleInto(const float *hist, int64_t bins, float oldMin, float oldMax,
                 float newMin, float newMax, float *out) {
  constexpr int64_t kUpsample = 16;
  const int64_t fine = bins * kUpsample;
  // bin_size = (orig_max - orig_min) / (bins * upsample_rate), float32.
  const float binSize = (oldMax - oldMin) / static_cast<float>(fine);
  const float halfBin = 0.5f * binSize;
  std::vector<float> bounds(bins + 1);
  for (int64_t i = 0; i <= bins; ++i)
    bounds[i] = qprep_linspace_at(newMin, newMax, bins + 1, i);
  std::vector<float> moved(bins, 0.0f);
  for (int64_t j = 0; j < fine; ++j) {
    const float mid = qprep_linspace_at(oldMin, oldMax, fine + 1, j) + halfBin;
    // bucketize(right=True) - 1: the last boundary <= mid.
    int64_t b = std::upper_bound(bounds.begin(), bounds.end(), mid) -
                bounds.begin() - 1;
    b = std::min(std::max<int64_t>(b, 0), bins - 1);
    // repeat_interleave(hist, 16) / 16, then bincount (float32, in order).
    moved[b] += hist[j / kUpsample] / static_cast<float>(kUpsample);
  }
  for (int64_t i = 0; i < bins; ++i)
    out[i] = out[i] + moved[i];
}
} // namespace

extern "C" void qprep_histogram_merge(float *hist, int64_t bins,
                                      float *stateMin, float *stateMax,
                                      const float *update, float xmin,
                                      float xmax) {
  if (uninitialized(*stateMin, *stateMax)) {
    // reset_histogram: the batch's own range and counts.
    *stateMin = xmin;
    *stateMax = xmax;
    std::copy(update, update + bins, hist);
    return;
  }
  const float curMin = *stateMin, curMax = *stateMax;
  const float newMin = std::min(curMin, xmin), newMax = std::max(curMax, xmax);
  if (newMin == curMin && newMax == curMax) {
    for (int64_t i = 0; i < bins; ++i)
      hist[i] = hist[i] + update[i];
    return;
  }
  std::vector<float> combined(update, update + bins);
  if (curMin == curMax) {
    // One point: all of its count moves to its bin in the new range
    // (histc(orig_min, ...) * sum(orig_hist), the ao#2418 fix).
    const float count = sumF32(hist, bins);
    float lo, hi;
    qprep_histogram_range(kInf, -kInf, newMin, newMax, bins, &lo, &hi);
    int64_t b = histcBin(curMin, lo, hi, bins);
    std::vector<float> moved(bins, 0.0f);
    if (b >= 0)
      moved[b] = 1.0f;
    for (int64_t i = 0; i < bins; ++i)
      combined[i] = moved[i] * count + update[i];
  } else {
    std::vector<float> zero(bins, 0.0f);
    upscaleInto(hist, bins, curMin, curMax, newMin, newMax, zero.data());
    for (int64_t i = 0; i < bins; ++i)
      combined[i] = update[i] + zero[i];
  }
  std::copy(combined.begin(), combined.end(), hist);
  *stateMin = newMin;
  *stateMax = newMax;
}

extern "C" void qprep_histogram_update(const float *data, int64_t n,
                                       float *hist, int64_t bins,
                                       float *stateMin, float *stateMax) {
  float xmin = kInf, xmax = -kInf;
  for (int64_t i = 0; i < n; ++i)
    if (std::isfinite(data[i])) {
      xmin = std::min(xmin, data[i]);
      xmax = std::max(xmax, data[i]);
    }
  if (!(xmin <= xmax))
    return; // empty, or nothing finite
  float lo, hi;
  qprep_histogram_range(*stateMin, *stateMax, xmin, xmax, bins, &lo, &hi);
  std::vector<float> update(bins, 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    int64_t b = histcBin(data[i], lo, hi, bins);
    if (b >= 0)
      update[b] += 1.0f;
  }
  qprep_histogram_merge(hist, bins, stateMin, stateMax, update.data(), xmin,
                        xmax);
}

namespace {
/// _compute_quantization_error(s, e): the L2 error of quantizing bins s..e
/// into dstNbins levels. bin_width comes from .item() (double); the
/// per-bin terms are float32 tensor expressions. `density` is
/// histogram / float32(bin_width), which does not depend on s and e.
double quantizationError(const std::vector<float> &density, float minV,
                         float maxV, int64_t dstNbins, int64_t s, int64_t e) {
  const int64_t bins = static_cast<int64_t>(density.size());
  const double bw = (static_cast<double>(maxV) - minV) / bins;
  const double dbw = bw * static_cast<double>(e - s + 1) / dstNbins;
  if (dbw == 0.0)
    return 0.0;
  const float bwF = static_cast<float>(bw), dbwF = static_cast<float>(dbw);
  const float half = static_cast<float>(dbw / 2);
  const float negHalf = static_cast<float>(-dbw / 2);
  const float lastDst = static_cast<float>(dstNbins - 1);
  auto cube = [](float v) { return v * v * v; };
  // _get_norm(tensor(-dbw/2), tensor(dbw/2), density) without the density.
  const float fullBin = (cube(half) - cube(negHalf)) / 3.0f;
  const float halfCube = cube(half), negHalfCube = cube(negHalf);
  double total = 0.0;
  for (int64_t i = 0; i < bins; ++i) {
    const float begin = static_cast<float>(i - s) * bwF;
    const float end = begin + bwF;
    // torch.div(..., rounding_mode="floor") then clamp(0, dst_nbins - 1).
    const float dBegin =
        std::min(std::max(qprep::floorDivExact(begin, dbwF), 0.0f), lastDst);
    const float dEnd =
        std::min(std::max(qprep::floorDivExact(end, dbwF), 0.0f), lastDst);
    const float dBeginCenter = (dBegin + 0.5f) * dbwF;
    const float d = density[i];
    float norm = 0.0f;
    const float deltaBegin = begin - dBeginCenter;
    norm = norm + d * ((halfCube - cube(deltaBegin)) / 3.0f);
    norm = norm + (dEnd - dBegin - 1.0f) * (d * fullBin);
    const float dEndCenter = dEnd * dbwF + half;
    const float deltaEnd = end - dEndCenter;
    norm = norm + d * ((cube(deltaEnd) - negHalfCube) / 3.0f);
    total += norm;
  }
  return static_cast<float>(total); // norm.sum().item()
}
} // namespace

extern "C" int32_t qprep_histogram_search(const float *hist, int64_t bins,
                                          float minV, float maxV,
                                          int64_t dstNbins, float *newMin,
                                          float *newMax) {
  if (uninitialized(minV, maxV))
    return QPREP_UNCALIBRATED;
  // bin_width = (max_val - min_val) / bins, a float32 tensor.
  const float binWidth = (maxV - minV) / static_cast<float>(bins);
  const double total = sumF32(hist, bins);
  // torch.cumsum accumulates float32 in double and stores float32.
  std::vector<float> cSum(bins);
  double run = 0.0;
  for (int64_t i = 0; i < bins; ++i) {
    run += hist[i];
    cSum[i] = static_cast<float>(run);
  }
  std::vector<float> density(bins);
  const float bwItem = static_cast<float>(
      (static_cast<double>(maxV) - minV) / static_cast<double>(bins));
  for (int64_t i = 0; i < bins; ++i)
    density[i] = hist[i] / bwItem; // histogram / bin_width
  const double step = 1e-5;
  double alpha = 0.0, beta = 1.0;
  int64_t start = 0, end = bins - 1;
  double normMin = std::numeric_limits<double>::infinity();
  while (alpha < beta) {
    const double nextAlpha = alpha + step, nextBeta = beta - step;
    // cSum[l] < next_alpha * total compares in float32 (tensor vs scalar).
    const float lowQ = static_cast<float>(nextAlpha * total);
    const float highQ = static_cast<float>(nextBeta * total);
    int64_t l = start, r = end;
    while (l < end && cSum[l] < lowQ)
      ++l;
    while (r > start && cSum[r] > highQ)
      --r;
    int64_t nextStart = start, nextEnd = end;
    if ((l - start) > (end - r)) {
      nextStart = l;
      alpha = nextAlpha;
    } else {
      nextEnd = r;
      beta = nextBeta;
    }
    if (nextStart == start && nextEnd == end)
      continue;
    const double norm = quantizationError(density, minV, maxV, dstNbins,
                                          nextStart, nextEnd);
    if (norm > normMin)
      break;
    normMin = norm;
    start = nextStart;
    end = nextEnd;
  }
  *newMin = minV + binWidth * static_cast<float>(start);
  *newMax = minV + binWidth * static_cast<float>(end + 1);
  return QPREP_OK;
}

extern "C" int32_t qprep_histogram_qparams(const qprep_qparams_config *config,
                                           const float *hist, int64_t bins,
                                           float minV, float maxV,
                                           int64_t dstNbins, float *scale,
                                           int64_t *zeroPoint) {
  float lo, hi;
  if (qprep_histogram_search(hist, bins, minV, maxV, dstNbins, &lo, &hi) ==
      QPREP_UNCALIBRATED) {
    *scale = 1.0f;
    *zeroPoint = 0;
    return QPREP_UNCALIBRATED;
  }
  return qprep_calculate_qparams(config, &lo, &hi, 1, scale, zeroPoint,
                                 nullptr);
}
