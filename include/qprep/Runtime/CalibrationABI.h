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
/// qparams back to "uncalibrated" (scale 1, zero point 0, status 1).
inline constexpr const char *kResetFn = "qprep_reset";
using ResetFnTy = void (*)();

/// `qprep_update_qparams()`: computes every observer's qparams from its
/// current state (sources before derived observers), in one straight-line
/// function, linear in the number of observers. Call it before reading
/// qparams.
inline constexpr const char *kUpdateQParamsFn = "qprep_update_qparams";
using UpdateQParamsFnTy = void (*)();

/// The readers take an observer's index (its position in the module's
/// `qprep.observer_layouts`) and caller buffers, which must hold at least
/// `channels` (qparams, statistics) or `bins` (histogram) elements; they
/// return QPREP_ERR_BAD_ARGUMENT for a bad index, a short buffer, or an
/// observer without that kind of state.
///
/// `qprep_qparams(index, scale, zero_point, zero_point_f) -> status`: the
/// qparams the last qprep_update_qparams computed, and their status
/// (QPREP_OK, QPREP_UNCALIBRATED, or an error). zero_point_f holds float zero
/// points (per_channel_affine_float_qparams), or the integer ones as floats.
inline constexpr const char *kQParamsFn = "qprep_qparams";
using QParamsFnTy = int32_t (*)(int64_t index, MemRefF32 *scale,
                                MemRefI64 *zeroPoint, MemRefF32 *zeroPointF);

/// `qprep_stats(index, min, max) -> QPREP_OK`: the running min/max (one entry
/// per channel; +inf/-inf: nothing seen). Statistics observers only.
inline constexpr const char *kStatsFn = "qprep_stats";
using StatsFnTy = int32_t (*)(int64_t index, MemRefF32 *min, MemRefF32 *max);

/// `qprep_histogram(index, hist) -> QPREP_OK`: the histogram (`bins` floats).
inline constexpr const char *kHistogramFn = "qprep_histogram";
using HistogramFnTy = int32_t (*)(int64_t index, MemRefF32 *hist);

/// The C symbol of a function with the C interface.
inline std::string cInterface(std::string_view fn) {
  return "_mlir_ciface_" + std::string(fn);
}

//===----------------------------------------------------------------------===//
// Private state of the generated code
//===----------------------------------------------------------------------===//

/// The state arenas: memref globals of one element type and one initial
/// value each (splat-initialized, and reset by filling), holding the state
/// of every observer at the offsets its #qprep.layout gives.
inline constexpr const char *kArenaMin = "__qprep_state_min";     // f32 +inf
inline constexpr const char *kArenaMax = "__qprep_state_max";     // f32 -inf
inline constexpr const char *kArenaF32 = "__qprep_state_f32";     // f32 0
inline constexpr const char *kArenaScale = "__qprep_state_scale"; // f32 1
inline constexpr const char *kArenaZeroPoint = "__qprep_state_zero_point";
inline constexpr const char *kArenaCounts = "__qprep_state_counts"; // i32 0
inline constexpr const char *kArenaStatus = "__qprep_state_status"; // i32 1
/// Observer names (constant i8), for run-time errors.
inline constexpr const char *kNames = "__qprep_names";
/// The readers' table (constant, i64 [observers x kTableColumns]).
inline constexpr const char *kObserverTable = "__qprep_observers";
enum TableColumn : int64_t {
  kColChannels,
  kColBins,
  kColScale,
  kColZeroPointF,
  kColZeroPoint,
  kColStatus,
  kColMin,
  kColMax,
  kColHist,
  kTableColumns
};

/// qprep_update_qparams is a table the runtime walks
/// (qprep_rt_update_qparams), so that its code does not grow with the model:
/// one row per observer, in an order where sources come before the derived
/// observers that read them, and the rows' derived sources (row indices).
inline constexpr const char *kUpdateTable = "__qprep_update_table";
inline constexpr const char *kUpdateSources = "__qprep_update_sources";
enum UpdateColumn : int64_t {
  kUpKind,         // UpdateKind
  kUpChannels,     // entries of min/max/scale/zero points
  kUpBins,         // histogram bins
  kUpDstNbins,     // the histogram search's dst_nbins
  kUpMin,          // offsets in the arenas (-1: none)
  kUpMax,
  kUpHist,
  kUpScale,
  kUpZeroPointF,
  kUpZeroPoint,
  kUpStatus,
  kUpQScheme,      // calculate_qparams' config (qprep_qparams_config)
  kUpDTypeKind,
  kUpQuantMin,
  kUpQuantMax,
  kUpCustomRange,
  kUpEps,          // float32 bits
  kUpFixedScale,   // float32 bits
  kUpFixedZeroPoint,
  kUpSourcesBegin, // a derived observer's sources in the sources table
  kUpSourcesCount,
  kUpdateColumns
};
enum UpdateKind : int64_t {
  kUpdateMinMax,       // calculate_qparams on min/max
  kUpdateHistogram,    // the L2 search, then calculate_qparams
  kUpdateFixed,        // the fixed scale and zero point
  kUpdatePlaceholder,  // no qparams (QPREP_ERR_NO_QPARAMS)
  kUpdateScaleProduct, // derived: product of the sources' scales, zp 0
  kUpdateGenerated,    // derived with a user function: generated code
};

// convert-qprep-to-loops lists every observer's public layout (name, index,
// channel count, bins, whether it has statistics and a histogram) in the
// module attribute QPrepDialect::getObserverLayoutsAttrName().

//===----------------------------------------------------------------------===//
// Runtime entry points (libQPrepRuntime; the generated code calls them)
//===----------------------------------------------------------------------===//

inline constexpr const char *kRtQParams = "qprep_rt_qparams";
inline constexpr const char *kRtHistogramQParams = "qprep_rt_histogram_qparams";
inline constexpr const char *kRtHistogramRange = "qprep_rt_histogram_range";
inline constexpr const char *kRtHistogramMerge = "qprep_rt_histogram_merge";
inline constexpr const char *kRtChannelMismatch = "qprep_rt_channel_mismatch";
inline constexpr const char *kRtFailed = "qprep_rt_failed";
inline constexpr const char *kRtUpdateQParams = "qprep_rt_update_qparams";
inline constexpr const char *kRtZeroPointsToFloat =
    "qprep_rt_zero_points_to_float";

} // namespace abi
} // namespace qprep
} // namespace mlir

extern "C" {
/* qprep_update_qparams' work for rows [begin, end) of the update table
 * (kUpdateColumns i64 per row, see UpdateColumn), rows of kind
 * kUpdateGenerated skipped: each row's qparams from its state in the arenas
 * into the arenas, and its status. */
void _mlir_ciface_qprep_rt_update_qparams(
    mlir::qprep::abi::MemRefI64 *table, mlir::qprep::abi::MemRefI64 *sources,
    int64_t begin, int64_t end, mlir::qprep::abi::MemRefF32 *min_arena,
    mlir::qprep::abi::MemRefF32 *max_arena,
    mlir::qprep::abi::MemRefF32 *f32_arena,
    mlir::qprep::abi::MemRefF32 *scale_arena,
    mlir::qprep::abi::MemRefI64 *zero_point_arena,
    mlir::qprep::abi::MemRefI32 *status_arena);

/* zero_point_f[i] = zero_point[i] (after a user derive function). */
void _mlir_ciface_qprep_rt_zero_points_to_float(
    mlir::qprep::abi::MemRefI64 *zero_point,
    mlir::qprep::abi::MemRefF32 *zero_point_f);

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
