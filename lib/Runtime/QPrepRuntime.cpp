//===- QPrepRuntime.cpp - observer math, callable from lowered code -------===//
//
// Every expression mirrors a PyTorch tensor expression on float32 tensors:
// tensor-scalar arithmetic happens in float32 with the scalar cast to float32
// first, torch.round is round-half-to-even, torch.max/min propagate NaN.
//
//===----------------------------------------------------------------------===//

#include "qprep/Runtime/QPrepRuntime.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace {
/// torch.max / torch.min on floats: NaN wins.
float nanMax(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<float>::quiet_NaN();
  return a > b ? a : b;
}
float nanMin(float a, float b) {
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<float>::quiet_NaN();
  return a < b ? a : b;
}

bool isSymmetric(int32_t q) {
  return q == QPREP_PER_TENSOR_SYMMETRIC || q == QPREP_PER_CHANNEL_SYMMETRIC;
}

/// float -> int32 as PyTorch's `.to(torch.int)` gives it on x86 (cvttss2si),
/// without C++'s undefined behaviour: truncation when the value fits, else
/// (NaN, +-inf, out of range) the "integer indefinite" INT32_MIN. A zero
/// point only goes there when scale is tiny against min_val (eps denormal,
/// range in the hundreds of millions); PyTorch then computes with the same
/// value.
int32_t toInt32X86(float r) {
  if (r >= -2147483648.0f && r < 2147483648.0f)
    return static_cast<int32_t>(r);
  return INT32_MIN;
}

/// quant_min - v with the int32 tensor arithmetic of PyTorch (a Python int
/// minus an int32 tensor stays int32 and wraps), without signed overflow.
int64_t subInt32(int64_t quantMin, int32_t v) {
  const uint32_t d = static_cast<uint32_t>(static_cast<int32_t>(quantMin)) -
                     static_cast<uint32_t>(v);
  return static_cast<int32_t>(d); // two's complement (C++20 rule; every
                                  // compiler qprep supports does it)
}

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
} // namespace

extern "C" int32_t qprep_calculate_qparams(const qprep_qparams_config *c,
                                           const float *minVals,
                                           const float *maxVals, int64_t n,
                                           float *scales, int64_t *zpI,
                                           float *zpF) {
  const float inf = std::numeric_limits<float>::infinity();
  // check_min_max_valid: an observer that has seen nothing (PyTorch: the
  // per-tensor state is still inf/-inf, the per-channel buffers are empty).
  bool seenNothing = true;
  for (int64_t i = 0; i < n; ++i)
    seenNothing &= minVals[i] == inf && maxVals[i] == -inf;
  if (seenNothing) {
    for (int64_t i = 0; i < std::max<int64_t>(n, 1); ++i) {
      if (scales)
        scales[i] = 1.0f;
      if (zpI)
        zpI[i] = 0;
      if (zpF)
        zpF[i] = 0.0f;
    }
    return QPREP_UNCALIBRATED;
  }
  for (int64_t i = 0; i < n; ++i)
    if (!(minVals[i] <= maxVals[i]))
      return QPREP_ERR_MIN_GT_MAX;
  // PyTorch would return an infinite scale and a garbage zero point.
  for (int64_t i = 0; i < n; ++i)
    if (std::isinf(minVals[i]) || std::isinf(maxVals[i]))
      return QPREP_ERR_NOT_FINITE;
  const int64_t qmin = c->quant_min, qmax = c->quant_max;
  const float eps = c->eps;
  for (int64_t i = 0; i < n; ++i) {
    const float minNeg = nanMin(minVals[i], 0.0f);
    const float maxPos = nanMax(maxVals[i], 0.0f);
    if (isSymmetric(c->qscheme)) {
      // scale = max(-min_neg, max_pos) / (float(qmax - qmin) / 2)
      const float amax = nanMax(-minNeg, maxPos);
      const float divisor =
          static_cast<float>(static_cast<double>(qmax - qmin) / 2.0);
      scales[i] = nanMax(amax / divisor, eps);
      int64_t zp = 0;
      if (c->dtype_kind == QPREP_DTYPE_U8)
        zp = c->custom_range ? floorDiv(qmin + qmax, 2) : 128;
      else if (c->dtype_kind == QPREP_DTYPE_U16)
        zp = 32768;
      if (zpI)
        zpI[i] = zp;
    } else if (c->qscheme == QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS) {
      const float range = static_cast<float>(static_cast<double>(qmax - qmin));
      float scale = (maxVals[i] - minVals[i]) / range;
      scale = scale > eps ? scale : 1.0f;
      scales[i] = scale;
      if (zpF)
        zpF[i] = (-1.0f * minVals[i]) / scale;
    } else {
      const float range = static_cast<float>(static_cast<double>(qmax - qmin));
      const float scale = nanMax((maxPos - minNeg) / range, eps);
      scales[i] = scale;
      // quant_min - round(min_neg / scale).to(torch.int) in int32, then
      // clamp(quant_min, quant_max) (see toInt32X86 and subInt32).
      const float r = std::nearbyint(minNeg / scale);
      int64_t zp = subInt32(qmin, toInt32X86(r));
      zp = std::min(std::max(zp, qmin), qmax);
      if (zpI)
        zpI[i] = zp;
    }
  }
  return QPREP_OK;
}

namespace {
/// Calls fn(channel, value) for every element of a strided tensor, walking
/// memory in its own order (no copy, no transpose).
template <typename Fn>
void forEachElement(const float *data, int64_t rank, const int64_t *sizes,
                    const int64_t *strides, int64_t chAxis, Fn fn) {
  for (int64_t d = 0; d < rank; ++d)
    if (sizes[d] == 0)
      return;
  if (rank == 0) {
    fn(0, data[0]);
    return;
  }
  std::vector<int64_t> idx(rank, 0);
  const int64_t inner = rank - 1;
  while (true) {
    int64_t offset = 0;
    for (int64_t d = 0; d < inner; ++d)
      offset += idx[d] * strides[d];
    const int64_t ch = chAxis >= 0 && chAxis < inner ? idx[chAxis] : 0;
    const float *row = data + offset;
    for (int64_t j = 0; j < sizes[inner]; ++j)
      fn(chAxis == inner ? j : ch, row[j * strides[inner]]);
    int64_t d = inner - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < sizes[d])
        break;
      idx[d] = 0;
    }
    if (d < 0)
      return;
  }
}
} // namespace

extern "C" void qprep_minmax_update(const float *data, int64_t rank,
                                    const int64_t *sizes,
                                    const int64_t *strides, int64_t chAxis,
                                    float c, float *minVals, float *maxVals) {
  int64_t numel = 1;
  for (int64_t d = 0; d < rank; ++d)
    numel *= sizes[d];
  if (numel == 0)
    return; // PyTorch skips empty tensors.
  const int64_t channels = chAxis >= 0 ? sizes[chAxis] : 1;
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> curMin(channels, inf), curMax(channels, -inf);
  forEachElement(data, rank, sizes, strides, chAxis,
                 [&](int64_t ch, float v) {
                   curMin[ch] = nanMin(curMin[ch], v);
                   curMax[ch] = nanMax(curMax[ch], v);
                 });
  for (int64_t ch = 0; ch < channels; ++ch) {
    if (minVals[ch] == inf && maxVals[ch] == -inf) {
      minVals[ch] = curMin[ch];
      maxVals[ch] = curMax[ch];
    } else if (c > 0.0f) {
      // min_val = min_val + c * (min_val_cur - min_val)
      minVals[ch] = minVals[ch] + c * (curMin[ch] - minVals[ch]);
      maxVals[ch] = maxVals[ch] + c * (curMax[ch] - maxVals[ch]);
    } else {
      minVals[ch] = nanMin(minVals[ch], curMin[ch]);
      maxVals[ch] = nanMax(maxVals[ch], curMax[ch]);
    }
  }
}
