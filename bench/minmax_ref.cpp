// The hand-written C++ reference for bench/calib_bench.py: running min/max
// over a raw float32 file, compiled by the bench with clang++ -O3
// -march=native -ffast-math (so the compiler vectorizes the reduction).
// Prints the best time of `repeat` passes in seconds, then min and max.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

int main(int argc, char **argv) {
  if (argc != 4)
    return 2;
  FILE *f = std::fopen(argv[1], "rb");
  long offset = std::atol(argv[2]);
  int repeat = std::atoi(argv[3]);
  std::fseek(f, 0, SEEK_END);
  long bytes = std::ftell(f) - offset;
  std::fseek(f, offset, SEEK_SET);
  std::vector<float> x(bytes / sizeof(float));
  if (std::fread(x.data(), sizeof(float), x.size(), f) != x.size())
    return 1;
  double best = 1e30;
  float mn = 0, mx = 0;
  for (int r = 0; r < repeat; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    float lo = x[0], hi = x[0];
    for (float v : x) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::min(best, dt);
    mn = lo;
    mx = hi;
  }
  std::printf("%.9g %.9g %.9g\n", best, mn, mx);
  return 0;
}
