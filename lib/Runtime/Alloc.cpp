//===- Alloc.cpp - a cache of the buffers lowered code allocates ----------===//
//
// Every block carries a header just before the pointer handed out: the
// block's base and its size class. Blocks of at least kMinCached bytes are
// kept on a free list per size class when freed (up to kMaxCachedBytes in
// all) and handed out again for the same class; smaller ones go straight to
// malloc/free. Size classes round up to 4 KiB, so a model's buffers of one
// shape always meet their class again on the next call.
//
//===----------------------------------------------------------------------===//

#include "qprep/Runtime/QPrepAlloc.h"

#include <cstddef>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <sys/mman.h>

namespace {
constexpr size_t kMinCached = 64 * 1024;
constexpr size_t kMaxCachedBytes = size_t(1) << 30;
constexpr size_t kHuge = size_t(2) << 20;
constexpr size_t kHeader = 64; // keeps the 64-byte alignment of the base

struct Header {
  void *base;       // what posix_memalign returned
  size_t sizeClass; // 0: not cached (freed with free)
  size_t lead;      // bytes from base to the user pointer
};
static_assert(sizeof(Header) <= kHeader, "header must fit its slot");

struct Cache {
  std::mutex m;
  std::unordered_map<size_t, std::vector<void *>> free; // by class: user ptrs
  size_t bytes = 0;
};

Cache &cache() {
  static Cache *c = new Cache(); // never destroyed: blocks may outlive exit
  return *c;
}

Header *headerOf(void *p) {
  return reinterpret_cast<Header *>(static_cast<char *>(p) - kHeader);
}

void *allocate(size_t align, size_t size) {
  if (align < alignof(std::max_align_t))
    align = alignof(std::max_align_t);
  // The header sits in the kHeader bytes before the pointer; a larger
  // alignment pushes the pointer by whole alignment units.
  size_t lead = align > kHeader ? align : kHeader;
  size_t sizeClass = 0;
  if (size >= kMinCached) {
    sizeClass = (size + lead + 4095) / 4096 * 4096;
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.m);
    auto it = c.free.find(sizeClass);
    if (it != c.free.end()) {
      for (size_t i = it->second.size(); i-- > 0;) {
        void *p = it->second[i];
        if (headerOf(p)->lead == lead) { // same usable size and alignment
          it->second.erase(it->second.begin() + i);
          c.bytes -= sizeClass;
          return p;
        }
      }
    }
  }
  size_t total = sizeClass ? sizeClass : size + lead;
  size_t baseAlign = total >= kHuge ? kHuge : 64;
  if (baseAlign < lead)
    baseAlign = lead;
  void *base = nullptr;
  if (posix_memalign(&base, baseAlign, total) != 0)
    return nullptr;
#ifdef MADV_HUGEPAGE
  if (total >= kHuge)
    madvise(base, total / kHuge * kHuge, MADV_HUGEPAGE);
#endif
  void *p = static_cast<char *>(base) + lead;
  *headerOf(p) = Header{base, sizeClass, lead};
  return p;
}
} // namespace

extern "C" void *_mlir_memref_to_llvm_alloc(size_t size) {
  return allocate(alignof(std::max_align_t), size);
}

extern "C" void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment,
                                                    size_t size) {
  return allocate(alignment, size);
}

extern "C" void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  Header *h = headerOf(ptr);
  if (h->sizeClass) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.m);
    if (c.bytes + h->sizeClass <= kMaxCachedBytes) {
      c.free[h->sizeClass].push_back(ptr);
      c.bytes += h->sizeClass;
      return;
    }
  }
  std::free(h->base);
}

extern "C" int64_t qprep_rt_release_cached_buffers(void) {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.m);
  int64_t released = static_cast<int64_t>(c.bytes);
  for (auto &[sizeClass, blocks] : c.free)
    for (void *p : blocks)
      std::free(headerOf(p)->base);
  c.free.clear();
  c.bytes = 0;
  return released;
}

extern "C" int64_t qprep_rt_cached_buffer_bytes(void) {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.m);
  return static_cast<int64_t>(c.bytes);
}
