//===- FloorDiv.h - torch.div(a, b, rounding_mode="floor") on float -------===//
//
// c10::div_floor_floating computes fmod(a, b), then (a - mod) / b, corrects
// the sign and rounds to the nearest integer: the result is the exact floored
// quotient floor(a / b) of the real numbers (for b > 0 and quotients far
// below 2^24, which is all the histogram search needs). fmod is slow; here
// the float quotient (off by at most one) is corrected with an exact residual:
// a - q * b in double is exact in sign (a float product is exact in double).
// unittests/RuntimeTest.cpp checks both against each other.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_LIB_RUNTIME_FLOORDIV_H
#define QPREP_LIB_RUNTIME_FLOORDIV_H

#include <cmath>

namespace qprep {
/// c10::div_floor_floating, literally (the reference).
inline float divFloorC10(float a, float b) {
  if (b == 0.0f)
    return a / b;
  float mod = std::fmod(a, b);
  float div = (a - mod) / b;
  if (mod != 0.0f && ((b < 0.0f) != (mod < 0.0f)))
    div -= 1.0f;
  if (div == 0.0f)
    return std::copysign(0.0f, a / b);
  float fl = std::floor(div);
  if (div - fl > 0.5f)
    fl += 1.0f;
  return fl;
}

/// floor(a / b) exactly, for b > 0. May differ from divFloorC10 only in the
/// sign of a zero result.
inline float floorDivExact(float a, float b) {
  float q = std::floor(a / b);
  const double ad = a, bd = b;
  if (ad - static_cast<double>(q) * bd < 0.0)
    q -= 1.0f;
  else if (ad - static_cast<double>(q + 1.0f) * bd >= 0.0)
    q += 1.0f;
  return q;
}
} // namespace qprep

#endif // QPREP_LIB_RUNTIME_FLOORDIV_H
