//===- AllocTest.cpp - the buffer cache behind lowered memref.alloc -------===//

#include "qprep/Runtime/QPrepAlloc.h"

#include "gtest/gtest.h"

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

namespace {
bool aligned(void *p, size_t a) {
  return reinterpret_cast<uintptr_t>(p) % a == 0;
}

TEST(Alloc, LargeBlocksAreReusedSmallOnesAreNot) {
  qprep_rt_release_cached_buffers();
  void *a = _mlir_memref_to_llvm_aligned_alloc(64, 800 * 1024);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(aligned(a, 64));
  std::memset(a, 1, 800 * 1024);
  _mlir_memref_to_llvm_free(a);
  EXPECT_GE(qprep_rt_cached_buffer_bytes(), 800 * 1024);
  // The same size class comes back: no new pages to fault in.
  void *b = _mlir_memref_to_llvm_aligned_alloc(64, 800 * 1024 - 10);
  EXPECT_EQ(a, b);
  EXPECT_EQ(qprep_rt_cached_buffer_bytes(), 0);
  _mlir_memref_to_llvm_free(b);

  void *s = _mlir_memref_to_llvm_alloc(100);
  ASSERT_NE(s, nullptr);
  std::memset(s, 2, 100);
  _mlir_memref_to_llvm_free(s);
  EXPECT_GE(qprep_rt_release_cached_buffers(), 800 * 1024);
  EXPECT_EQ(qprep_rt_cached_buffer_bytes(), 0);
  _mlir_memref_to_llvm_free(nullptr);
}

TEST(Alloc, AlignmentsAndHugeBlocks) {
  for (size_t align : {8, 16, 64, 128, 4096}) {
    for (size_t size : {1, 1000, 70000, 3 << 20}) {
      void *p = _mlir_memref_to_llvm_aligned_alloc(align, size);
      ASSERT_NE(p, nullptr);
      EXPECT_TRUE(aligned(p, align)) << align << " " << size;
      std::memset(p, 3, size);
      _mlir_memref_to_llvm_free(p);
      // Reused with the same alignment.
      void *q = _mlir_memref_to_llvm_aligned_alloc(align, size);
      EXPECT_TRUE(aligned(q, align));
      std::memset(q, 4, size);
      _mlir_memref_to_llvm_free(q);
    }
  }
  qprep_rt_release_cached_buffers();
}

TEST(Alloc, ThreadsAllocateAndFreeConcurrently) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      for (int i = 0; i < 500; ++i) {
        size_t size = (64 + (i * 7 + t) % 5) * 1024;
        auto *p = static_cast<unsigned char *>(
            _mlir_memref_to_llvm_aligned_alloc(64, size));
        std::memset(p, t, size);
        for (size_t k = 0; k < size; k += 4096)
          ASSERT_EQ(p[k], t);
        _mlir_memref_to_llvm_free(p);
      }
    });
  for (std::thread &t : threads)
    t.join();
  qprep_rt_release_cached_buffers();
}
} // namespace
