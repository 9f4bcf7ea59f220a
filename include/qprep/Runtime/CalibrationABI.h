//===- CalibrationABI.h - generated calibration code <-> C++ ---*- C++ -*-===//
//
// The one contract between the code convert-qprep-to-loops generates, the
// runtime library it calls (libQPrepRuntime), and the C++ that drives it (the
// Calibrator, tests, other runners): the names of generated and runtime
// functions, their signatures, and the memref descriptors they take. Names are
// built here and nowhere else; the conversion also records each observer's
// functions in the IR (#qprep.layout), so a driver needs no name decoding.
//
// Memrefs cross as pointers to MLIR's strided descriptors (functions carry
// `llvm.emit_c_interface`; the C symbol is `_mlir_ciface_<name>`).
//
// No MLIR library dependency: the runtime includes this header too.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_RUNTIME_CALIBRATIONABI_H
#define QPREP_RUNTIME_CALIBRATIONABI_H

#include "qprep/Runtime/QPrepRuntime.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace mlir {
namespace qprep {
namespace abi {

/// Rank-1 descriptors of the state and qparams buffers.
using MemRefF32 = StridedMemRefType<float, 1>;
using MemRefI32 = StridedMemRefType<int32_t, 1>;
using MemRefI64 = StridedMemRefType<int64_t, 1>;
using MemRefI8 = StridedMemRefType<char, 1>;

/// A contiguous rank-1 descriptor over `n` elements at `data`.
template <typename T>
StridedMemRefType<T, 1> contiguous(T *data, int64_t n) {
  StridedMemRefType<T, 1> m;
  m.basePtr = m.data = data;
  m.offset = 0;
  m.sizes[0] = n;
  m.strides[0] = 1;
  return m;
}

//===----------------------------------------------------------------------===//
// Generated entry points (public, with the C interface)
//===----------------------------------------------------------------------===//

/// `qprep_reset()`: every statistic back to "nothing seen", every observer's
/// qparams back to "uncalibrated".
inline constexpr const char *kResetFn = "qprep_reset";
using ResetFnTy = void (*)();

/// `qprep_update_qparams()`: computes every observer's qparams from its
/// current state (sources before derived observers). Linear in the number of
/// observers; call it once before reading qparams.
inline constexpr const char *kUpdateQParamsFn = "qprep_update_qparams";
using UpdateQParamsFnTy = void (*)();

/// `qprep_stats_<obs>(min, max)`: copies the running min/max (one entry per
/// channel) into the caller's buffers. Statistics observers only.
inline std::string statsFn(std::string_view observer) {
  return "qprep_stats_" + std::string(observer);
}
using StatsFnTy = void (*)(MemRefF32 *min, MemRefF32 *max);

/// `qprep_histogram_<obs>(hist)`: copies the histogram (`bins` floats).
inline std::string histogramFn(std::string_view observer) {
  return "qprep_histogram_" + std::string(observer);
}
using HistogramFnTy = void (*)(MemRefF32 *hist);

/// `qprep_qparams_<obs>(scale, zero_point, zero_point_f) -> status`: copies
/// the qparams the last qprep_update_qparams computed (one entry per channel;
/// zero_point_f holds float zero points, or the integer ones as floats).
inline std::string qparamsFn(std::string_view observer) {
  return "qprep_qparams_" + std::string(observer);
}
using QParamsFnTy = int32_t (*)(MemRefF32 *scale, MemRefI64 *zeroPoint,
                                MemRefF32 *zeroPointF);

/// The C symbol of a function with the C interface.
inline std::string cInterface(std::string_view fn) {
  return "_mlir_ciface_" + std::string(fn);
}

/// Private helpers of the generated code (no C interface).
inline std::string computeFn(std::string_view observer) {
  return "__qprep_compute_" + std::string(observer);
}
inline std::string resetFn(std::string_view observer) {
  return "__qprep_reset_" + std::string(observer);
}

// convert-qprep-to-loops lists every observer's #qprep.layout (name, channel
// count, bins, and the functions above) in the module attribute
// QPrepDialect::getObserverLayoutsAttrName().

//===----------------------------------------------------------------------===//
// Runtime entry points (libQPrepRuntime; the generated code calls them)
//===----------------------------------------------------------------------===//

inline constexpr const char *kRtQParams = "qprep_rt_qparams";
inline constexpr const char *kRtHistogramQParams = "qprep_rt_histogram_qparams";
inline constexpr const char *kRtHistogramRange = "qprep_rt_histogram_range";
inline constexpr const char *kRtHistogramMerge = "qprep_rt_histogram_merge";
inline constexpr const char *kRtChannelMismatch = "qprep_rt_channel_mismatch";
inline constexpr const char *kRtFailed = "qprep_rt_failed";

} // namespace abi
} // namespace qprep
} // namespace mlir

extern "C" {
/* qprep_calculate_qparams on state memrefs (one entry per channel). */
int32_t _mlir_ciface_qprep_rt_qparams(
    mlir::qprep::abi::MemRefF32 *min_vals, mlir::qprep::abi::MemRefF32 *max_vals,
    int32_t qscheme, int32_t dtype_kind, int64_t quant_min, int64_t quant_max,
    int32_t custom_range, float eps, mlir::qprep::abi::MemRefF32 *scales,
    mlir::qprep::abi::MemRefI64 *zero_points, mlir::qprep::abi::MemRefF32 *zero_points_f);

/* qprep_histogram_range; writes lo, hi into range[0], range[1]. */
void _mlir_ciface_qprep_rt_histogram_range(mlir::qprep::abi::MemRefF32 *state_min,
                                           mlir::qprep::abi::MemRefF32 *state_max,
                                           float xmin, float xmax,
                                           int64_t bins,
                                           mlir::qprep::abi::MemRefF32 *range);

/* Sums the `counts` sub-histograms (counts->size / (bins + 1) of them, each
 * bins + 1 wide, the last slot collecting values outside the range), zeroes
 * them, and calls qprep_histogram_merge. */
void _mlir_ciface_qprep_rt_histogram_merge(mlir::qprep::abi::MemRefF32 *hist,
                                           mlir::qprep::abi::MemRefF32 *state_min,
                                           mlir::qprep::abi::MemRefF32 *state_max,
                                           mlir::qprep::abi::MemRefI32 *counts,
                                           float xmin, float xmax);

/* qprep_histogram_qparams on state memrefs. */
int32_t _mlir_ciface_qprep_rt_histogram_qparams(
    mlir::qprep::abi::MemRefF32 *hist, mlir::qprep::abi::MemRefF32 *state_min,
    mlir::qprep::abi::MemRefF32 *state_max, int64_t dst_nbins, int32_t qscheme,
    int32_t dtype_kind, int64_t quant_min, int64_t quant_max,
    int32_t custom_range, float eps, mlir::qprep::abi::MemRefF32 *scales,
    mlir::qprep::abi::MemRefI64 *zero_points, mlir::qprep::abi::MemRefF32 *zero_points_f);

/* A per-channel observer met a value whose (dynamic) channel count differs
 * from its state's (PyTorch raises a shape error there). `name` is the
 * observer's name. Records "per-channel observer @name expects ..." as the
 * pending error of this thread (qprep_take_error in QPrepRuntime.h). */
void _mlir_ciface_qprep_rt_channel_mismatch(mlir::qprep::abi::MemRefI8 *name,
                                            int64_t ch_axis, int64_t expected,
                                            int64_t got);

/* Nonzero once an error is pending on this thread: modules with run-time
 * checks skip every observer update after a failed check. */
int32_t _mlir_ciface_qprep_rt_failed(void);
}

#endif // QPREP_RUNTIME_CALIBRATIONABI_H
