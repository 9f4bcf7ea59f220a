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

namespace {
/// qprep_calculate_qparams for `n` channels, with the zero points written
/// both ways: integer ones (0 for float qparams) and as floats.
int32_t qparamsInto(const qprep_qparams_config &config, const float *mins,
                    const float *maxs, int64_t n, float *scale, int64_t *zp,
                    float *zpF) {
  std::vector<float> scales(std::max<int64_t>(n, 1)), zpf(scales.size());
  std::vector<int64_t> zpi(scales.size(), 0);
  int32_t rc = qprep_calculate_qparams(&config, mins, maxs, n, scales.data(),
                                       zpi.data(), zpf.data());
  const bool floatZp =
      config.qscheme == QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS;
  for (int64_t i = 0; i < std::max<int64_t>(n, 1); ++i) {
    scale[i] = scales[i];
    zp[i] = floatZp ? 0 : zpi[i];
    zpF[i] = floatZp ? zpf[i] : static_cast<float>(zpi[i]);
  }
  return rc;
}

float floatBits(int64_t bits) {
  uint32_t u = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}
} // namespace

extern "C" void _mlir_ciface_qprep_rt_update_qparams(
    mlir::qprep::abi::MemRefI64 *tableM, mlir::qprep::abi::MemRefI64 *sourcesM,
    int64_t begin, int64_t end, mlir::qprep::abi::MemRefF32 *minM,
    mlir::qprep::abi::MemRefF32 *maxM, mlir::qprep::abi::MemRefF32 *f32M,
    mlir::qprep::abi::MemRefF32 *scaleM, mlir::qprep::abi::MemRefI64 *zpM,
    mlir::qprep::abi::MemRefI32 *statusM) {
  namespace abi = mlir::qprep::abi;
  // Generated arenas and tables are contiguous.
  const int64_t *table = tableM->data + tableM->offset;
  const int64_t *sources = sourcesM->data + sourcesM->offset;
  const float *mins = minM->data + minM->offset;
  const float *maxs = maxM->data + maxM->offset;
  float *f32 = f32M->data + f32M->offset;
  float *scales = scaleM->data + scaleM->offset;
  int64_t *zps = zpM->data + zpM->offset;
  int32_t *statuses = statusM->data + statusM->offset;
  for (int64_t r = begin; r < end; ++r) {
    const int64_t *row = table + r * abi::kUpdateColumns;
    const int64_t n = row[abi::kUpChannels];
    float *scale = scales + row[abi::kUpScale];
    int64_t *zp = zps + row[abi::kUpZeroPoint];
    float *zpF = f32 + row[abi::kUpZeroPointF];
    const qprep_qparams_config config{
        static_cast<int32_t>(row[abi::kUpQScheme]),
        static_cast<int32_t>(row[abi::kUpDTypeKind]),
        row[abi::kUpQuantMin],
        row[abi::kUpQuantMax],
        static_cast<int32_t>(row[abi::kUpCustomRange]),
        floatBits(row[abi::kUpEps])};
    int32_t rc = QPREP_OK;
    switch (row[abi::kUpKind]) {
    case abi::kUpdateMinMax:
      rc = qparamsInto(config, mins + row[abi::kUpMin],
                       maxs + row[abi::kUpMax], n, scale, zp, zpF);
      break;
    case abi::kUpdateHistogram: {
      float s = 1.0f;
      int64_t z = 0;
      rc = qprep_histogram_qparams(&config, f32 + row[abi::kUpHist],
                                   row[abi::kUpBins], mins[row[abi::kUpMin]],
                                   maxs[row[abi::kUpMax]],
                                   row[abi::kUpDstNbins], &s, &z);
      scale[0] = s;
      zp[0] = z;
      zpF[0] = static_cast<float>(z);
      break;
    }
    case abi::kUpdateFixed:
      scale[0] = floatBits(row[abi::kUpFixedScale]);
      zp[0] = row[abi::kUpFixedZeroPoint];
      zpF[0] = static_cast<float>(zp[0]);
      break;
    case abi::kUpdatePlaceholder:
      // PlaceholderObserver.calculate_qparams raises.
      rc = QPREP_ERR_NO_QPARAMS;
      break;
    case abi::kUpdateScaleProduct: {
      // scale = product of the sources' scales in float32, in `from` order,
      // a one-channel source broadcast; zero point 0. Status: an error of a
      // source (the most negative) wins, else "uncalibrated" if any source
      // is.
      int32_t lowest = QPREP_OK, highest = QPREP_OK;
      const int64_t *src = sources + row[abi::kUpSourcesBegin];
      for (int64_t k = 0; k < row[abi::kUpSourcesCount]; ++k) {
        const int64_t *srow = table + src[k] * abi::kUpdateColumns;
        const float *sscale = scales + srow[abi::kUpScale];
        const bool broadcast = srow[abi::kUpChannels] == 1;
        for (int64_t i = 0; i < n; ++i) {
          const float v = sscale[broadcast ? 0 : i];
          scale[i] = k == 0 ? v : scale[i] * v;
        }
        const int32_t st = statuses[srow[abi::kUpStatus]];
        lowest = std::min(lowest, st);
        highest = std::max(highest, st);
      }
      for (int64_t i = 0; i < n; ++i) {
        zp[i] = 0;
        zpF[i] = 0.0f;
      }
      rc = lowest < 0 ? lowest : highest;
      break;
    }
    default: // kUpdateGenerated: the generated code computes it.
      continue;
    }
    statuses[row[abi::kUpStatus]] = rc;
  }
}

extern "C" void _mlir_ciface_qprep_rt_zero_points_to_float(
    mlir::qprep::abi::MemRefI64 *zpM, mlir::qprep::abi::MemRefF32 *zpFM) {
  auto zp = view(zpM);
  auto zpF = view(zpFM);
  for (int64_t i = 0; i < zp.size && i < zpF.size; ++i)
    zpF[i] = static_cast<float>(zp[i]);
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
