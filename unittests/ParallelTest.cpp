//===- ParallelTest.cpp - the thread pool behind lowered parallel loops ---===//
//
// qprep_rt_parallel_for must run every iteration of [0, n) exactly once for
// any n and thread count, inline when nested, and stay correct when several
// threads call it at once (the Python Calibrator may run on any thread).
//
//===----------------------------------------------------------------------===//

#include "qprep/Runtime/QPrepParallel.h"

#include "gtest/gtest.h"

#include <atomic>
#include <thread>
#include <vector>

namespace {
struct Counts {
  std::vector<std::atomic<int>> hits;
  std::atomic<int> calls{0};
  std::atomic<int> nested{0};
  explicit Counts(int64_t n) : hits(n) {}
};

void countBody(void *ctx, int64_t begin, int64_t end) {
  auto *c = static_cast<Counts *>(ctx);
  ++c->calls;
  for (int64_t i = begin; i < end; ++i)
    ++c->hits[i];
}

TEST(Parallel, EveryIterationOnceForAnySizeAndThreadCount) {
  for (int threads : {1, 2, 3, 8}) {
    qprep_rt_set_num_threads(threads);
    EXPECT_EQ(qprep_rt_get_num_threads(), threads);
    for (int64_t n : {0, 1, 2, 3, 7, 31, 32, 33, 1000, 100003}) {
      Counts c(n);
      qprep_rt_parallel_for(n, countBody, &c);
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(c.hits[i].load(), 1)
            << "n=" << n << " threads=" << threads << " i=" << i;
      // At most 4 parts per thread, never more parts than iterations.
      EXPECT_LE(c.calls.load(),
                std::max<int64_t>(1, std::min<int64_t>(n, 4 * threads)));
      if (n == 0)
        EXPECT_EQ(c.calls.load(), 0);
      if (threads == 1 && n > 0)
        EXPECT_EQ(c.calls.load(), 1);
    }
  }
  qprep_rt_set_num_threads(0);
}

TEST(Parallel, DefaultIsEveryAvailableCore) {
  qprep_rt_set_num_threads(0);
  EXPECT_GE(qprep_rt_available_cores(), 1);
  EXPECT_EQ(qprep_rt_get_num_threads(), qprep_rt_available_cores());
  qprep_rt_set_num_threads(-3);
  EXPECT_EQ(qprep_rt_get_num_threads(), qprep_rt_available_cores());
}

// A loop started inside a body runs inline, on the body's thread, as one
// range.
void outerBody(void *ctx, int64_t begin, int64_t end) {
  auto *c = static_cast<Counts *>(ctx);
  for (int64_t i = begin; i < end; ++i) {
    Counts inner(10);
    qprep_rt_parallel_for(10, countBody, &inner);
    if (inner.calls.load() == 1)
      ++c->nested;
    for (int k = 0; k < 10; ++k)
      if (inner.hits[k].load() != 1)
        return;
    ++c->hits[i];
  }
}

TEST(Parallel, NestedLoopsRunInline) {
  qprep_rt_set_num_threads(4);
  Counts c(64);
  qprep_rt_parallel_for(64, outerBody, &c);
  for (int64_t i = 0; i < 64; ++i)
    EXPECT_EQ(c.hits[i].load(), 1);
  EXPECT_EQ(c.nested.load(), 64);
  qprep_rt_set_num_threads(0);
}

// Several callers at once: one uses the pool, the others run inline; each
// loop still runs every iteration once. The thread count is per caller.
TEST(Parallel, ConcurrentCallers) {
  std::vector<std::thread> callers;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t)
    callers.emplace_back([&, t] {
      qprep_rt_set_num_threads(t + 1);
      if (qprep_rt_get_num_threads() != t + 1)
        ++bad;
      for (int rep = 0; rep < 200; ++rep) {
        int64_t n = 1 + (rep * 37 + t) % 5000;
        Counts c(n);
        qprep_rt_parallel_for(n, countBody, &c);
        for (int64_t i = 0; i < n; ++i)
          if (c.hits[i].load() != 1)
            ++bad;
      }
    });
  for (std::thread &c : callers)
    c.join();
  EXPECT_EQ(bad.load(), 0);
}
} // namespace
