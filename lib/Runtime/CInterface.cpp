//===- CInterface.cpp - runtime entry points for lowered code -------------===//
//
// convert-qprep-to-loops declares these with `llvm.emit_c_interface`, so the
// lowered calls pass each memref as a pointer to its descriptor. Generated
// state buffers are contiguous; strides are honoured anyway.
//
//===----------------------------------------------------------------------===//

#include "qprep/Runtime/CalibrationABI.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {
template <typename T> struct View {
  T *base;
  int64_t size, stride;
  T &operator[](int64_t i) const { return base[i * stride]; }
};
template <typename T> View<T> view(StridedMemRefType<T, 1> *m) {
  return View<T>{m->data + m->offset, m->sizes[0], m->strides[0]};
}
template <typename T> std::vector<T> load(View<T> v) {
  std::vector<T> out(v.size);
  for (int64_t i = 0; i < v.size; ++i)
    out[i] = v[i];
  return out;
}
} // namespace

extern "C" int32_t _mlir_ciface_qprep_rt_qparams(
    mlir::qprep::abi::MemRefF32 *minM, mlir::qprep::abi::MemRefF32 *maxM, int32_t qscheme,
    int32_t dtypeKind, int64_t qmin, int64_t qmax, int32_t customRange,
    float eps, mlir::qprep::abi::MemRefF32 *scalesM, mlir::qprep::abi::MemRefI64 *zpM,
    mlir::qprep::abi::MemRefF32 *zpFM) {
  qprep_qparams_config config{qscheme, dtypeKind, qmin, qmax, customRange,
                              eps};
  std::vector<float> mins = load(view(minM)), maxs = load(view(maxM));
  const int64_t n = static_cast<int64_t>(mins.size());
  std::vector<float> scales(std::max<int64_t>(n, 1)), zpF(scales.size());
  std::vector<int64_t> zpI(scales.size(), 0);
  int32_t rc = qprep_calculate_qparams(&config, mins.data(), maxs.data(), n,
                                       scales.data(), zpI.data(), zpF.data());
  const bool floatZp = qscheme == QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS;
  auto s = view(scalesM);
  auto z = view(zpM);
  auto zf = view(zpFM);
  for (int64_t i = 0; i < s.size && i < static_cast<int64_t>(scales.size());
       ++i) {
    s[i] = scales[i];
    z[i] = floatZp ? 0 : zpI[i];
    zf[i] = floatZp ? zpF[i] : static_cast<float>(zpI[i]);
  }
  return rc;
}

extern "C" void _mlir_ciface_qprep_rt_histogram_range(
    mlir::qprep::abi::MemRefF32 *stateMin, mlir::qprep::abi::MemRefF32 *stateMax, float xmin,
    float xmax, int64_t bins, mlir::qprep::abi::MemRefF32 *range) {
  auto r = view(range);
  qprep_histogram_range(view(stateMin)[0], view(stateMax)[0], xmin, xmax,
                        bins, &r[0], &r[1]);
}

extern "C" void _mlir_ciface_qprep_rt_histogram_merge(
    mlir::qprep::abi::MemRefF32 *histM, mlir::qprep::abi::MemRefF32 *stateMin,
    mlir::qprep::abi::MemRefF32 *stateMax, mlir::qprep::abi::MemRefI32 *countsM, float xmin,
    float xmax) {
  auto hist = view(histM);
  auto counts = view(countsM);
  const int64_t bins = hist.size, width = bins + 1;
  const int64_t copies = counts.size / width;
  std::vector<float> update(bins, 0.0f);
  for (int64_t c = 0; c < copies; ++c)
    for (int64_t i = 0; i < width; ++i) {
      if (i < bins)
        update[i] += static_cast<float>(counts[c * width + i]);
      counts[c * width + i] = 0;
    }
  std::vector<float> h = load(hist);
  float mn = view(stateMin)[0], mx = view(stateMax)[0];
  qprep_histogram_merge(h.data(), bins, &mn, &mx, update.data(), xmin, xmax);
  for (int64_t i = 0; i < bins; ++i)
    hist[i] = h[i];
  view(stateMin)[0] = mn;
  view(stateMax)[0] = mx;
}

extern "C" int32_t _mlir_ciface_qprep_rt_histogram_qparams(
    mlir::qprep::abi::MemRefF32 *histM, mlir::qprep::abi::MemRefF32 *stateMin,
    mlir::qprep::abi::MemRefF32 *stateMax, int64_t dstNbins, int32_t qscheme,
    int32_t dtypeKind, int64_t qmin, int64_t qmax, int32_t customRange,
    float eps, mlir::qprep::abi::MemRefF32 *scalesM, mlir::qprep::abi::MemRefI64 *zpM,
    mlir::qprep::abi::MemRefF32 *zpFM) {
  qprep_qparams_config config{qscheme, dtypeKind, qmin, qmax, customRange,
                              eps};
  std::vector<float> h = load(view(histM));
  float scale = 1.0f;
  int64_t zp = 0;
  int32_t rc = qprep_histogram_qparams(&config, h.data(), h.size(),
                                       view(stateMin)[0], view(stateMax)[0],
                                       dstNbins, &scale, &zp);
  view(scalesM)[0] = scale;
  view(zpM)[0] = zp;
  view(zpFM)[0] = static_cast<float>(zp);
  return rc;
}

namespace {
/// The pending run-time error of this thread (empty: none).
thread_local std::string pendingError;
} // namespace

extern "C" void _mlir_ciface_qprep_rt_channel_mismatch(mlir::qprep::abi::MemRefI8 *nameM,
                                                       int64_t axis,
                                                       int64_t expected,
                                                       int64_t got) {
  if (!pendingError.empty())
    return; // the first error of a call is the one PyTorch would raise
  auto name = view(nameM);
  std::string s;
  for (int64_t i = 0; i < name.size; ++i)
    s += name[i];
  pendingError = "per-channel observer @" + s + " expects " +
                 std::to_string(expected) + " channels on ch_axis " +
                 std::to_string(axis) + ", got a value with " +
                 std::to_string(got);
}

extern "C" int32_t _mlir_ciface_qprep_rt_failed(void) {
  return !pendingError.empty();
}

extern "C" int32_t qprep_take_error(char *buffer, int64_t size) {
  if (pendingError.empty())
    return 0;
  if (buffer && size > 0) {
    size_t n = std::min<size_t>(pendingError.size(), size - 1);
    std::memcpy(buffer, pendingError.data(), n);
    buffer[n] = '\0';
  }
  pendingError.clear();
  return 1;
}
