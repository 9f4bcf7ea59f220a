/*===- QPrepRuntime.h - observer math, callable from lowered code -*- C -*-===*
 *
 * The arithmetic of PyTorch's observers, in float32 exactly as PyTorch does
 * it, behind a C ABI so that JIT-compiled observer code and C/C++/Python
 * callers share one implementation. No MLIR dependency.
 *
 * Sources (torch.ao.quantization.observer, torchao pt2e/observer.py):
 *   calculate_qparams  UniformQuantizationObserverBase._calculate_qparams
 *   minmax update      MinMaxObserver.forward / PerChannelMinMaxObserver
 *   moving average     MovingAverage(PerChannel)MinMaxObserver.forward:
 *                      min += c * (cur_min - min), first call takes cur_min
 *
 *===----------------------------------------------------------------------===*/

#ifndef QPREP_RUNTIME_QPREPRUNTIME_H
#define QPREP_RUNTIME_QPREPRUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Same order as the dialect's QScheme enum. */
enum qprep_qscheme {
  QPREP_PER_TENSOR_AFFINE = 0,
  QPREP_PER_TENSOR_SYMMETRIC = 1,
  QPREP_PER_CHANNEL_AFFINE = 2,
  QPREP_PER_CHANNEL_SYMMETRIC = 3,
  QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS = 4,
};

/* What the zero point rules need to know of the dtype. */
enum qprep_dtype_kind {
  QPREP_DTYPE_OTHER = 0, /* signed ints, floats: symmetric zero point 0 */
  QPREP_DTYPE_U8 = 1,    /* ui8: symmetric zero point 128 (or range midpoint) */
  QPREP_DTYPE_U16 = 2,   /* ui16: symmetric zero point 32768 */
};

typedef struct qprep_qparams_config {
  int32_t qscheme;      /* enum qprep_qscheme */
  int32_t dtype_kind;   /* enum qprep_dtype_kind */
  int64_t quant_min;    /* the range in effect (reduce_range applied) */
  int64_t quant_max;
  int32_t custom_range; /* PyTorch's has_customized_qrange */
  float eps;
} qprep_qparams_config;

/* Return codes. */
enum {
  QPREP_OK = 0,
  QPREP_UNCALIBRATED = 1,   /* no statistics yet: scale 1, zero point 0 */
  QPREP_ERR_MIN_GT_MAX = -1 /* PyTorch asserts min <= max */
};

/* calculate_qparams over n channels (n = 1 for per-tensor). With no
 * statistics (n = 0, or every channel still at +inf/-inf) it returns
 * QPREP_UNCALIBRATED and scale 1, zero point 0 for max(n, 1) entries. Integer zero
 * points go to zero_points_i; for per_channel_affine_float_qparams the float
 * zero points go to zero_points_f (zero_points_i is then untouched). Either
 * pointer may be null when that kind is not wanted. */
int32_t qprep_calculate_qparams(const qprep_qparams_config *config,
                                const float *min_vals, const float *max_vals,
                                int64_t n, float *scales,
                                int64_t *zero_points_i, float *zero_points_f);

/* Running min/max over a strided tensor of `rank` dims. For per-tensor pass
 * ch_axis = -1 and one-element min/max. For per-channel, min_vals/max_vals
 * have sizes[ch_axis] entries. State starts at min = +inf, max = -inf, which
 * means "nothing seen yet" (PyTorch's test in the moving-average observers):
 * the first non-empty tensor sets it. An empty tensor changes nothing.
 * averaging_constant <= 0 means plain min/max; otherwise a moving average. */
void qprep_minmax_update(const float *data, int64_t rank, const int64_t *sizes,
                         const int64_t *strides, int64_t ch_axis,
                         float averaging_constant, float *min_vals,
                         float *max_vals);

#ifdef __cplusplus
}
#endif

#endif /* QPREP_RUNTIME_QPREPRUNTIME_H */
