/*===- QPrepParallel.h - threads for lowered parallel loops ------*- C -*-===*
 *
 * The contract between `qprep-parallel-to-runtime` (which outlines every
 * outermost scf.parallel into a body function and calls
 * QPREP_PARALLEL_FOR_SYMBOL) and libQPrepRuntime, which runs the body on a
 * pool of threads. No MLIR dependency.
 *
 * Determinism: the iterations of a parallel loop are independent (each
 * writes its own outputs; the lowered kernels keep every reduction inside
 * one iteration, in a fixed order), so how [0, n) is split across threads
 * cannot change any result: a forward on N threads is bit-identical to one
 * thread. Nothing here reorders arithmetic.
 *
 *===----------------------------------------------------------------------===*/

#ifndef QPREP_RUNTIME_QPREPPARALLEL_H
#define QPREP_RUNTIME_QPREPPARALLEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The function lowered code calls; the outlining pass uses this name. */
#define QPREP_PARALLEL_FOR_SYMBOL "qprep_rt_parallel_for"

/* An outlined loop body: runs iterations [begin, end) of the loop's
 * linearized iteration space (row-major over the loop's dimensions). `ctx`
 * points to the loop's captured values, laid out as an LLVM struct of their
 * lowered types, in the order the outlining pass chose (only the body reads
 * it). In MLIR: `(!llvm.ptr, i64, i64) -> ()`. */
typedef void (*qprep_parallel_body)(void *ctx, int64_t begin, int64_t end);

/* Runs body(ctx, begin, end) over contiguous ranges covering [0, n) exactly
 * once, on up to qprep_rt_get_num_threads() threads (the calling thread is
 * one of them), and returns when all are done. Runs inline (one range) when
 * n < 2, when one thread is asked for, when called from inside a body
 * (nested loops), or when another thread is using the pool. */
void qprep_rt_parallel_for(int64_t n, qprep_parallel_body body, void *ctx);

/* The number of threads parallel loops started from the calling thread use
 * (per calling thread, like omp_set_num_threads). n <= 0: every core this
 * process may run on (the default). */
void qprep_rt_set_num_threads(int32_t n);

/* The number the calling thread's parallel loops use (>= 1). */
int32_t qprep_rt_get_num_threads(void);

/* Every core this process may run on (its CPU affinity mask). */
int32_t qprep_rt_available_cores(void);

#ifdef __cplusplus
}
#endif

#endif /* QPREP_RUNTIME_QPREPPARALLEL_H */
