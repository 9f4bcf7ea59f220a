//===- Parallel.cpp - a thread pool for lowered parallel loops ------------===//
//
// qprep_rt_parallel_for splits [0, n) into up to 4T contiguous parts (T the
// calling thread's thread count) and runs them on the calling thread and
// T - 1 pool workers. Parts are claimed from an atomic counter, so a slow
// worker never holds up the others. Workers spin briefly after a loop (a
// forward issues dozens of loops back to back; waking a sleeping thread costs
// tens of microseconds on a VM) and then sleep on a condition variable.
//
// The split never changes results: loop iterations are independent by
// construction (include/qprep/Runtime/QPrepParallel.h).
//
//===----------------------------------------------------------------------===//

#include "qprep/Runtime/QPrepParallel.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <sched.h>

namespace {
/// The calling thread's thread count (0: every available core) and whether it
/// is running a loop body (nested loops run inline).
thread_local int32_t requestedThreads = 0;
thread_local bool insideBody = false;

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

/// Claims are one 64-bit word, (loop generation << 32) | next part, so that a
/// claim can never mix two loops: the caller closes the word (part index
/// kClosed) before it rewrites the loop's fields and publishes a new
/// generation after; a worker reads the fields between loading the word and
/// claiming with a compare-and-swap, which fails if the loop changed.
class Pool {
public:
  static Pool &get() {
    // Never destroyed: workers may still be parked when the process exits.
    static Pool *pool = new Pool();
    return *pool;
  }

  /// Runs the loop in `parts` parts on `threads` threads; false if another
  /// thread owns the pool.
  bool tryRun(int64_t n, int32_t parts, int32_t threads, qprep_parallel_body fn,
              void *arg) {
    std::unique_lock<std::mutex> owner(busy, std::try_to_lock);
    if (!owner.owns_lock())
      return false;
    grow(threads - 1);
    uint64_t gen = (claim.load(std::memory_order_relaxed) >> 32) + 1;
    claim.store((gen << 32) | kClosed, std::memory_order_seq_cst);
    body.store(fn, std::memory_order_relaxed);
    ctx.store(arg, std::memory_order_relaxed);
    total.store(n, std::memory_order_relaxed);
    numParts.store(parts, std::memory_order_relaxed);
    pending.store(parts, std::memory_order_relaxed);
    claim.store(gen << 32, std::memory_order_seq_cst);
    if (sleepers.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(m);
      wake.notify_all();
    }
    work();
    // The parts other threads claimed: spin briefly, then yield the core (on
    // a busy machine the worker may be waiting for it).
    auto start = std::chrono::steady_clock::now();
    for (unsigned spins = 0; pending.load(std::memory_order_acquire) != 0;
         ++spins) {
      if ((spins & 63) == 63 && std::chrono::steady_clock::now() - start >
                                    std::chrono::microseconds(50))
        std::this_thread::yield();
      else
        cpuRelax();
    }
    return true;
  }

private:
  static constexpr uint64_t kClosed = 0xffffffffu;

  Pool() = default;

  /// Claims and runs parts of the published loop until none is left.
  void work() {
    for (;;) {
      uint64_t v = claim.load(std::memory_order_acquire);
      uint64_t k = v & kClosed;
      if (k == kClosed)
        return;
      qprep_parallel_body fn = body.load(std::memory_order_relaxed);
      void *arg = ctx.load(std::memory_order_relaxed);
      int64_t n = total.load(std::memory_order_relaxed);
      int64_t parts = numParts.load(std::memory_order_relaxed);
      if (static_cast<int64_t>(k) >= parts)
        return;
      if (!claim.compare_exchange_weak(v, v + 1, std::memory_order_acq_rel))
        continue;
      bool wasInside = insideBody;
      insideBody = true;
      fn(arg, n * k / parts, n * (k + 1) / parts);
      insideBody = wasInside;
      pending.fetch_sub(1, std::memory_order_release);
    }
  }

  void grow(int32_t count) {
    while (static_cast<int32_t>(workers.size()) < count)
      workers.emplace_back([this] { workerLoop(); });
  }

  uint64_t published() const {
    uint64_t v = claim.load(std::memory_order_seq_cst);
    return (v & kClosed) == kClosed ? 0 : v >> 32;
  }

  void workerLoop() {
    insideBody = true;
    uint64_t seen = claim.load(std::memory_order_seq_cst) >> 32;
    for (;;) {
      // Spin up to ~200 us for the next loop, then sleep.
      auto start = std::chrono::steady_clock::now();
      uint64_t now = seen;
      for (unsigned spins = 0;; ++spins) {
        uint64_t g = published();
        if (g != 0 && g != seen) {
          now = g;
          break;
        }
        if ((spins & 63) == 63 && std::chrono::steady_clock::now() - start >
                                      std::chrono::microseconds(200))
          break;
        cpuRelax();
      }
      if (now == seen) {
        std::unique_lock<std::mutex> lock(m);
        sleepers.fetch_add(1, std::memory_order_seq_cst);
        wake.wait(lock, [&] {
          uint64_t g = published();
          return g != 0 && g != seen;
        });
        sleepers.fetch_sub(1, std::memory_order_seq_cst);
        now = published();
      }
      seen = now;
      work();
    }
  }

  std::mutex busy; // one loop at a time uses the pool
  std::mutex m;    // guards sleeping
  std::condition_variable wake;
  std::vector<std::thread> workers;
  std::atomic<uint64_t> claim{0};
  std::atomic<int32_t> pending{0}, sleepers{0};
  std::atomic<qprep_parallel_body> body{nullptr};
  std::atomic<void *> ctx{nullptr};
  std::atomic<int64_t> total{0}, numParts{0};
};
} // namespace

extern "C" int32_t qprep_rt_available_cores(void) {
  static const int32_t cores = [] {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
      return static_cast<int32_t>(CPU_COUNT(&set));
    unsigned hw = std::thread::hardware_concurrency();
    return static_cast<int32_t>(hw ? hw : 1);
  }();
  return cores;
}

extern "C" void qprep_rt_set_num_threads(int32_t n) {
  requestedThreads = n > 0 ? n : 0;
}

extern "C" int32_t qprep_rt_get_num_threads(void) {
  return requestedThreads > 0 ? requestedThreads : qprep_rt_available_cores();
}

extern "C" void qprep_rt_parallel_for(int64_t n, qprep_parallel_body body,
                                      void *ctx) {
  if (n <= 0)
    return;
  int32_t threads = qprep_rt_get_num_threads();
  // A few parts per thread: when the machine is busy and a thread is
  // descheduled, the others take over its unclaimed parts.
  int64_t want = threads > 1 ? int64_t(threads) * 4 : 1;
  int32_t parts = static_cast<int32_t>(want < n ? want : n);
  if (parts > 1 && !insideBody &&
      Pool::get().tryRun(n, parts, threads, body, ctx))
    return;
  body(ctx, 0, n);
}
