/* A read-only loop: the machine's read bandwidth for the benchmarks' reports.
 * Built by bench/forward_bench.py (clang -O3 -march=native -ffast-math) and
 * called through ctypes; the sum is returned so that the loop cannot be
 * removed. Eight accumulators keep it load-bound, not add-latency-bound. */
#include <stddef.h>

float qprep_bench_read(const float *x, size_t n) {
  float acc[8] = {0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k)
      acc[k] += x[i + k];
  float s = 0;
  for (int k = 0; k < 8; ++k)
    s += acc[k];
  for (; i < n; ++i)
    s += x[i];
  return s;
}
