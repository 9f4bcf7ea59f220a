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
  QPREP_ERR_MIN_GT_MAX = -1, /* PyTorch asserts min <= max (also NaN) */
  QPREP_ERR_NOT_FINITE = -2, /* +-inf statistics: PyTorch returns garbage */
  QPREP_ERR_NO_QPARAMS = -3, /* placeholder observer: no qparams exist */
  QPREP_ERR_BAD_ARGUMENT = -4 /* a reader got a bad index or short buffer */
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


/*===------------------------------------------------------------------------===*
 * HistogramObserver (PyTorch mid-2024 algorithm, pt#129387, with the
 * combine fix of pt#156457 / ao#2418). State: `bins` float32 counts and the
 * running min/max (+inf/-inf = nothing seen). Every float expression follows
 * the PyTorch tensor expression it replaces (see docs/Calibration.md).
 *===------------------------------------------------------------------------===*/

/* The range torch.histc bins a batch with, given the batch's finite
 * min/max (xmin <= xmax): the observer's new range, widened by +-1 when it is
 * a single point (histc's rule), with the end points torch.linspace gives. */
void qprep_histogram_range(float state_min, float state_max, float xmin,
                           float xmax, int64_t bins, float *lo, float *hi);

/* Folds one batch into the state. `update` holds the batch's counts over
 * the range qprep_histogram_range returned (torch.histc(x, bins, new_min,
 * new_max)); xmin/xmax are the batch's finite min/max. Range unchanged: the
 * counts are added; otherwise the old histogram is re-binned into the new
 * range (upsample by 16, bucketize mid points, bincount) or, when it was a
 * single point, moved whole into its bin. */
void qprep_histogram_merge(float *hist, int64_t bins, float *state_min,
                           float *state_max, const float *update, float xmin,
                           float xmax);

/* The whole forward on a contiguous float32 buffer (non-finite values are
 * skipped; PyTorch drops +-inf and raises on NaN). For tests and Python;
 * the lowered code does the per-element work in generated loops. */
void qprep_histogram_update(const float *data, int64_t n, float *hist,
                            int64_t bins, float *state_min, float *state_max);

/* _non_linear_param_search: the L2-optimal [new_min, new_max] for
 * quantizing into dst_nbins levels. Returns QPREP_UNCALIBRATED (and leaves
 * the outputs untouched) when the observer has seen nothing. */
int32_t qprep_histogram_search(const float *hist, int64_t bins, float min_val,
                               float max_val, int64_t dst_nbins,
                               float *new_min, float *new_max);

/* calculate_qparams of a per-tensor histogram observer: the search, then
 * qprep_calculate_qparams on its result; scale 1, zero point 0 and
 * QPREP_UNCALIBRATED before any data. */
int32_t qprep_histogram_qparams(const qprep_qparams_config *config,
                                const float *hist, int64_t bins, float min_val,
                                float max_val, int64_t dst_nbins, float *scale,
                                int64_t *zero_point);

/* torch.linspace(start, end, steps)[idx] for float32 as the CPU kernel of
 * the reference build computes it (see Histogram.cpp). */
float qprep_linspace_at(float start, float end, int64_t steps, int64_t idx);

/* Run-time errors of generated code. A check that fails records its error
 * in thread-local state (the first one of a call wins) instead of stopping
 * the process; the generated code then skips that observer's update and
 * every later one (it asks qprep_rt_failed before each), as PyTorch's raise
 * would, and the caller takes the error after the call. */

/* Takes the pending error of this thread, if any: returns 1 and copies its
 * message (NUL-terminated, truncated to `size` bytes) into `buffer`, or
 * returns 0. Either way no error is pending afterwards. `buffer` may be null
 * (to clear a stale error). */
int32_t qprep_take_error(char *buffer, int64_t size);

/* The entry points lowered code calls (_mlir_ciface_qprep_rt_*) take MLIR
 * memref descriptors; they are declared in qprep/Runtime/CalibrationABI.h. */

#ifdef __cplusplus
}
#endif

#endif /* QPREP_RUNTIME_QPREPRUNTIME_H */
