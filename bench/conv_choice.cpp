// The ResNet layer (1x56x56x64, 3x3, 64 -> 64, padding 1) through the
// candidates considered for qprep's forward, for bench/conv_choice.py:
//
//   dnnl:     oneDNN (Debian's libdnnl 2.6, the library torch 1.13 calls),
//             NHWC source/destination, weights reordered once to the
//             primitive's preferred layout;
//   openblas: im2col into a [56*56, 9*64] buffer, then cblas_sgemm;
//   blocked:  the register-blocked loop qprep-linalg-to-kernels generates,
//             written in C++ (14 pixels x 2 vectors of 16 lanes, reduction
//             (kh, kw, c) with one fused multiply-add per term).
//
// Built with QPREP_WITH_DNNL / QPREP_WITH_OPENBLAS when the libraries are
// installed. Every function computes y = conv(x, w) + b on NHWC x [56][56][64],
// OHWI w [64][3][3][64] (TOSA's layout), y [56][56][64]; one thread.
#include <cstdint>
#include <cstring>
#include <vector>

namespace {
constexpr int H = 56, W = 56, C = 64, F = 64, K = 3;

void padInput(const float *x, std::vector<float> &xp) {
  xp.assign((H + 2) * (W + 2) * C, 0.0f);
  for (int h = 0; h < H; ++h)
    std::memcpy(&xp[((h + 1) * (W + 2) + 1) * C], &x[h * W * C],
                W * C * sizeof(float));
}
} // namespace

extern "C" void blocked_conv(const float *x, const float *w, const float *b,
                             float *y) {
  typedef float v16 __attribute__((vector_size(64)));
  static std::vector<float> xp, wt;
  static const float *packedFrom = nullptr;
  padInput(x, xp);
  if (packedFrom != w) { // HWCF once, as qprep-conv-filter-to-hwcf does
    wt.resize(K * K * C * F);
    for (int f = 0; f < F; ++f)
      for (int i = 0; i < K * K * C; ++i)
        wt[i * F + f] = w[f * K * K * C + i];
    packedFrom = w;
  }
  constexpr int R = 14, V = 2, Wp = W + 2;
  for (int fb = 0; fb < F; fb += 16 * V)
    for (int oh = 0; oh < H; ++oh)
      for (int ow = 0; ow < W; ow += R) {
        v16 acc[R][V];
        for (int r = 0; r < R; ++r)
          for (int j = 0; j < V; ++j)
            std::memcpy(&acc[r][j], b + fb + 16 * j, 64);
        for (int kh = 0; kh < K; ++kh)
          for (int kw = 0; kw < K; ++kw) {
            const float *ip = &xp[((oh + kh) * Wp + ow + kw) * C];
            const float *wp = &wt[(kh * K + kw) * C * F + fb];
            for (int c = 0; c < C; ++c) {
              v16 wv[V];
              for (int j = 0; j < V; ++j)
                std::memcpy(&wv[j], wp + c * F + 16 * j, 64);
              for (int r = 0; r < R; ++r) {
                v16 s = ip[r * C + c] - (v16){};
                for (int j = 0; j < V; ++j)
                  acc[r][j] = __builtin_elementwise_fma(s, wv[j], acc[r][j]);
              }
            }
          }
        for (int r = 0; r < R; ++r)
          for (int j = 0; j < V; ++j)
            std::memcpy(y + ((oh * W) + ow + r) * F + fb + 16 * j, &acc[r][j],
                        64);
      }
}

#ifdef QPREP_WITH_OPENBLAS
#include <cblas.h>
extern "C" void openblas_set_num_threads(int);
extern "C" void openblas_conv(const float *x, const float *w, const float *b,
                              float *y) {
  static std::vector<float> xp, cols;
  openblas_set_num_threads(1);
  padInput(x, xp);
  cols.resize(H * W * K * K * C);
  for (int oh = 0; oh < H; ++oh)
    for (int ow = 0; ow < W; ++ow)
      for (int kh = 0; kh < K; ++kh)
        std::memcpy(&cols[((oh * W + ow) * K + kh) * K * C],
                    &xp[((oh + kh) * (W + 2) + ow) * C], K * C * sizeof(float));
  for (int p = 0; p < H * W; ++p)
    std::memcpy(y + p * F, b, F * sizeof(float));
  // y[p][f] += cols[p][:] . w[f][:]  (w is OHWI: F rows of K*K*C)
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, H * W, F, K * K * C,
              1.0f, cols.data(), K * K * C, w, K * K * C, 1.0f, y, F);
}
#endif

#ifdef QPREP_WITH_DNNL
#include <dnnl.hpp>
extern "C" void dnnl_conv(const float *x, const float *w, const float *b,
                          float *y) {
  using namespace dnnl;
  static engine eng(engine::kind::cpu, 0);
  static stream s(eng);
  static memory::desc src({1, C, H, W}, memory::data_type::f32,
                          memory::format_tag::nhwc);
  static memory::desc wt({F, C, K, K}, memory::data_type::f32,
                         memory::format_tag::ohwi);
  static memory::desc bias({F}, memory::data_type::f32, memory::format_tag::x);
  static memory::desc dst({1, F, H, W}, memory::data_type::f32,
                          memory::format_tag::nhwc);
  static auto pd = convolution_forward::primitive_desc(
      convolution_forward::desc(
          prop_kind::forward_inference, algorithm::convolution_direct, src,
          memory::desc({F, C, K, K}, memory::data_type::f32,
                       memory::format_tag::any),
          bias, dst, {1, 1}, {1, 1}, {1, 1}),
      eng);
  static convolution_forward conv(pd);
  static memory packed(pd.weights_desc(), eng);
  static const float *packedFrom = nullptr;
  memory mw(wt, eng, const_cast<float *>(w));
  if (packedFrom != w) { // weights are constants: reorder once
    reorder(mw, packed).execute(s, mw, packed);
    packedFrom = w;
  }
  memory mx(src, eng, const_cast<float *>(x)), mb(bias, eng, const_cast<float *>(b)),
      my(dst, eng, y);
  conv.execute(s, {{DNNL_ARG_SRC, mx},
                   {DNNL_ARG_WEIGHTS, packed},
                   {DNNL_ARG_BIAS, mb},
                   {DNNL_ARG_DST, my}});
  s.wait();
}
#endif
