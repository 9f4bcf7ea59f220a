/*===- QPrepAlloc.h - buffers of lowered code, cached across calls -*- C -*-===*
 *
 * A model's forward allocates its intermediate buffers on every call
 * (memref.alloc after bufferization). Through malloc, glibc returns the
 * large ones to the kernel at free and the next call faults every page in
 * again (measured: a third of a ResNet layer's time in page faults). With
 * `finalize-memref-to-llvm{use-generic-functions}` (what qprep-lower-to-llvm
 * uses with its `kernels` option) lowered code calls the three functions
 * below instead, upstream MLIR's generic allocation entry points;
 * libQPrepRuntime implements them with a cache of freed blocks by size, so
 * the same buffers are reused call after call. Blocks of 2 MiB and more are
 * 2 MiB-aligned and advised for transparent huge pages.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QPREP_RUNTIME_QPREPALLOC_H
#define QPREP_RUNTIME_QPREPALLOC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called by lowered code (names and signatures fixed by MLIR's
 * finalize-memref-to-llvm with use-generic-functions). */
void *_mlir_memref_to_llvm_alloc(size_t size);
void *_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size);
void _mlir_memref_to_llvm_free(void *ptr);

/* Returns every cached block to the system; the bytes it held. */
int64_t qprep_rt_release_cached_buffers(void);

/* Bytes currently held in the cache (freed, not returned to the system). */
int64_t qprep_rt_cached_buffer_bytes(void);

#ifdef __cplusplus
}
#endif

#endif /* QPREP_RUNTIME_QPREPALLOC_H */
