//===- LowerQuant.h - quant.qcast/dcast with PyTorch's numerics -*- C++ -*-===//
//
// A lowering of upstream `quant.qcast` / `quant.dcast` that computes what
// PyTorch computes (torch.quantize_per_tensor / quantize_per_channel /
// dequantize, and convert_pt2e's quantized_decomposed ops), bit for bit:
//
//   quantize:   q = clamp(round_half_even(x * inv_scale) + zero_point,
//                         quant_min, quant_max)       (float32 arithmetic)
//   dequantize: x = float32(q - zero_point) * scale
//
// with inv_scale = float32(1 / scale) and scale = float32(scale), the clamp
// in float32 as PyTorch's. NaN becomes quant_min (as torch 1.13's x86 kernels
// give); +-inf and finite values outside the range saturate. docs/Convert.md has the details and how this
// differs from upstream --lower-quant-ops.
//
// The scalar builders are public so that other lowerings (a run-time
// choose_qparams, a fused kernel) use exactly the same arithmetic, and so is
// the host-side quantizeValue that compile-time folding uses.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_CONVERSION_LOWERQUANT_LOWERQUANT_H
#define QPREP_CONVERSION_LOWERQUANT_LOWERQUANT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <cstdint>

namespace mlir {
namespace qprep {

/// PyTorch's inverse scale: 1 / scale in double, rounded once to float32
/// (the decomposed quantize's `input * (1.0 / scale)`). For a scale that is
/// itself a float32 this equals torch 1.13's `1.0f / float(scale)`.
inline float quantInvScale(double scale) {
  return static_cast<float>(1.0 / scale);
}

/// Host-side quantization of one value, with exactly the arithmetic that
/// buildQuantize generates (used to quantize constants at compile time).
inline int64_t quantizeValue(float x, float invScale, float zeroPoint,
                             int64_t quantMin, int64_t quantMax) {
  float v = __builtin_roundevenf(x * invScale) + zeroPoint;
  // fmax/fmin drop a NaN operand: NaN becomes quant_min.
  // The bounds are float32(quant_min / quant_max), as PyTorch's clamp on a
  // float32 tensor; a 32-bit bound that rounds beyond the range (2^31 - 1 ->
  // 2^31) is clamped again in integers.
  v = __builtin_fminf(__builtin_fmaxf(v, static_cast<float>(quantMin)),
                      static_cast<float>(quantMax));
  int64_t q = static_cast<int64_t>(v);
  return q < quantMin ? quantMin : (q > quantMax ? quantMax : q);
}

/// Emits the quantization of one float32 scalar `x` with float32 `invScale`
/// and `zeroPoint` (the zero point as a float32 value), clamped to
/// [quantMin, quantMax], as a signless integer of `storageWidth` bits (8, 16
/// or 32; an unsigned storage type's values are its bit patterns).
Value buildQuantize(OpBuilder &b, Location loc, Value x, Value invScale,
                    Value zeroPoint, int64_t quantMin, int64_t quantMax,
                    unsigned storageWidth);

/// Emits the dequantization of one signless integer `q` (read as signed or
/// unsigned) with an i64 `zeroPoint` and a float32 `scale`: the difference is
/// taken in integers, converted to float32 and multiplied by the scale; the
/// result is truncated to `resultType` if that is narrower (f16, bf16).
Value buildDequantize(OpBuilder &b, Location loc, Value q, bool isSigned,
                      Value zeroPoint, Value scale, FloatType resultType);

/// Patterns that lower `quant.qcast` and `quant.dcast` on scalars and ranked
/// tensors (per-tensor and per-axis `!quant.uniform`, integer storage up to
/// 32 bits, expressed type f32, f16 or bf16) to `linalg.generic` + arith +
/// math, with `quant.scast` at the boundary (the integer storage tensor), and
/// a pattern that removes `quant.scast` round trips. Apply them with a driver
/// that does not fold (walkAndApplyPatterns): the upstream folder of
/// `quant.dcast(quant.qcast(x))` returns x, dropping the rounding.
void populateQPrepLowerQuantPatterns(RewritePatternSet &patterns);

} // namespace qprep
} // namespace mlir

#endif // QPREP_CONVERSION_LOWERQUANT_LOWERQUANT_H
