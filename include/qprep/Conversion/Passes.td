//===- Passes.td - passes that leave the qprep dialect -----*- tablegen -*-===//

#ifndef QPREP_CONVERSION_PASSES_TD
#define QPREP_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQPrepToLoopsPass : Pass<"convert-qprep-to-loops", "::mlir::ModuleOp"> {
  let summary = "Lower observers on memrefs to state globals, vector loops and runtime calls";
  let description = [{
    Calibration code for a prepared, bufferized module (docs/Calibration.md).
    Every observer's state is placed in module-wide arenas (a fixed set of
    `memref.global`s, one per element type and initial value) and described by
    a `#qprep.layout`; every `qprep.observe` / `qprep.fake_quantize` on a
    memref becomes loops that update it in place, in program order (a shared
    observer is one state updated once per call site, as PyTorch calls one
    module per site):

    * min/max family (`minmax`, `moving_average_minmax`, `per_channel_minmax`,
      `moving_average_per_channel_minmax`): running min/max (one element, or
      one per channel), +inf/-inf meaning "nothing seen yet". Contiguous
      values are reduced with vector<16xf32> loads into four independent
      accumulators; per channel the value is viewed as [outer, C, inner]
      (last axis: 16 channels per vector op), never copied or transposed;
      other layouts get scalar loop nests. First call sets, then
      minimum/maximum (NaN propagates, as torch.aminmax) or
      `state += c * (current - state)`; empty values change nothing.
    * `histogram`: min/max, histogram and scratch; generated loops find the
      finite min/max and bin with torch.histc's arithmetic into int32
      sub-histograms; the runtime (`libQPrepRuntime`, `qprep_rt_*`) merges
      (the mid-2024 PyTorch algorithm) and runs the L2 search.
    * `qprep.fake_quantize`: observe (if the observer keeps statistics), then
      quantize-dequantize in place with the current qparams (round half to
      even), as PyTorch's FakeQuantize.
    * fixed, derived and placeholder observers keep no statistics.

    Generated entry points, all with `llvm.emit_c_interface` (a declaration
    of the same name in the module gets the body; names and signatures in
    `qprep/Runtime/CalibrationABI.h`): `@qprep_reset()`,
    `@qprep_update_qparams()` (every observer's qparams from its state, via a
    table the runtime walks, so that its code does not grow with the model),
    and readers that take an observer's index: `@qprep_qparams(index, scale,
    zero_point, zero_point_f) -> i32` (status: 0 ok, 1 uncalibrated, negative
    errors: -1 min > max or NaN, -2 infinite statistics, -3 placeholder, -4
    bad index or buffer), `@qprep_stats(index, min, max) -> i32`,
    `@qprep_histogram(index, hist) -> i32`. Derived observers multiply their
    sources' scales (zero point 0) or call the `derive = @fn` function. The
    `qprep.observer` ops are removed; the module attribute
    `qprep.observer_layouts` lists each observer's name, index, channels,
    bins and readable state, as builtin attributes. The lowered module needs
    libQPrepRuntime at run time (mlir-runner `-shared-libs`, or the JIT's
    shared libraries).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def ConvertQPrepToQuantPass : Pass<"qprep-convert", "::mlir::ModuleOp"> {
  let summary = "Calibrated observers to quant.qcast / quant.dcast (PyTorch's convert_pt2e)";
  let description = [{
    PyTorch's `convert_pt2e`: every `qprep.observe` and `qprep.fake_quantize`
    of a calibrated observer (`qprep-run --emit-calibrated`,
    `Calibrator.calibrated_module()`) becomes a `quant.qcast` to the
    observer's `!quant.uniform` type and a `quant.dcast` back, in its place
    (one pair per observer call). The type comes from the observer's spec
    and its `scale` / `zero_point` attributes:

    * per tensor: `!quant.uniform<i8<qmin:qmax>:f32, scale:zero_point>`
      (the range printed only when it is narrower than the storage type);
    * per channel: `!quant.uniform<i8:f32:axis, {s0:z0, s1:z1, ...}>`;
    * storage `i8`, `ui8` (`u8`), `i16`, `ui16` (`u16`), `i32` (derived
      biases); fixed qparams as given; float8 storage and
      `per_channel_affine_float_qparams` (float zero points) have no
      `!quant.uniform` form in MLIR 22 and are errors.

    With `fold-quantize` (the default, as `convert_pt2e(fold_quantize=True)`)
    an observed constant (`arith.constant`, `tosa.const`, any constant-like
    op with dense float elements or a float32 `dense_resource` blob, or pure
    ops on constants that fold) is quantized at compile time, with the
    arithmetic of `qprep-lower-quant`: `arith.constant dense<...> :
    tensor<...xi8>`, `quant.scast` to the quantized type, `quant.dcast`.

    Dynamic specs (`is_dynamic`; i8 / ui8, per tensor affine or symmetric)
    become PyTorch's `choose_qparams.tensor` at run time: a min/max
    reduction, the scale and zero point computed in float32 as
    `determine_qparams` does, and quantize / dequantize `linalg.generic`s
    through an integer tensor (no `!quant.uniform`: the quant dialect has no
    run-time qparams). Placeholder observers of dtype `f16` become a cast to
    f16 and back; of `f32` / `bf16` they are dropped (PyTorch removes
    observers it cannot convert).

    Errors name the observer and list its call sites: no qparams because it
    never saw data, because its statistics are NaN or infinite, because it is
    a placeholder with an integer dtype, or because a derived observer's
    sources have none; memref operands (run it before bufferization); specs
    the quant dialect cannot express. The `qprep.observer` ops are removed.

    Do not canonicalize the result before lowering it: upstream folds
    `quant.dcast(quant.qcast(x))` to `x`. `qprep-lower-quant` lowers it with
    PyTorch's numerics.

    Before:
    ```mlir
    qprep.observer @obs0 = #qprep.qspec<i8> {min_val = array<f32: -1.0>, max_val = array<f32: 2.0>,
        scale = array<f32: 0.0117647061>, zero_point = array<i64: -43>}
    %1 = qprep.observe %0, @obs0 : tensor<4xf32>
    ```
    After:
    ```mlir
    %q = quant.qcast %0 : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.011764706112444401:-43>>
    %1 = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.011764706112444401:-43>> to tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::quant::QuantDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"foldQuantize", "fold-quantize", "bool", /*default=*/"true",
           "Quantize observed constants at compile time (convert_pt2e's "
           "fold_quantize); false keeps q/dq on the float constant">,
  ];
  let statistics = [
    Statistic<"numPairs", "num-qdq", "quant.qcast/quant.dcast pairs inserted">,
    Statistic<"numFolded", "num-folded", "constants quantized at compile time">,
    Statistic<"numDynamic", "num-dynamic", "run-time choose_qparams inserted">,
    Statistic<"numDropped", "num-dropped", "float placeholder observer calls removed">,
  ];
}

def LowerQuantPass : Pass<"qprep-lower-quant"> {
  let summary = "Lower quant.qcast / quant.dcast with PyTorch's numerics";
  let description = [{
    Lowers upstream `quant.qcast` and `quant.dcast` on scalars and ranked
    tensors (per-tensor and per-axis `!quant.uniform`, integer storage of up
    to 32 bits, expressed type f32, f16 or bf16) to one `linalg.generic` per
    cast (over the value collapsed to 1-D, or to [before, channel, after] per
    axis), computing what PyTorch computes, bit for bit:

    ```
    quantize:   q = clamp(round_half_even(x * inv_scale) + zero_point, qmin, qmax)
    dequantize: x = float32(q - zero_point) * scale
    ```

    in float32, with `inv_scale = float32(1 / scale)`; the clamp is done in
    float, NaN becomes qmin, and +-inf and finite values outside the range
    saturate (upstream `--lower-quant-ops` truncates toward zero with
    `arith.fptosi` and does not clamp full-range types). Per-axis casts read
    their channel's qparams from constant tables; a dynamic channel
    dimension is checked at run time (`cf.assert`). The integer storage
    tensor is linked to the quantized type with `quant.scast`; round trips
    are removed, so a module whose function boundaries are float has no
    quant ops left. Casts it cannot lower are errors.

    Run it before any canonicalization (upstream folds
    `quant.dcast(quant.qcast(x))` to `x`). Other pipelines can use the
    patterns through `populateQPrepLowerQuantPatterns`
    (`qprep/Conversion/LowerQuant/LowerQuant.h`).

    Before:
    ```mlir
    %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<4xi8>
    %i = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xi8>) {
    ^bb0(%in: f32, %out: i8):
      %m = arith.mulf %in, %cst_2 : f32          // 1 / scale
      %r = math.roundeven %m : f32
      %v = arith.addf %r, %cst_3 : f32           // zero point
      %lo = arith.maxnumf %v, %cst_m128 : f32
      %hi = arith.minnumf %lo, %cst_127 : f32
      %w = arith.fptosi %hi : f32 to i64
      %t = arith.trunci %w : i64 to i8
      linalg.yield %t : i8
    } -> tensor<4xi8>
    %q = quant.scast %i : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::quant::QuantDialect", "::mlir::tensor::TensorDialect"
  ];
}

//===----------------------------------------------------------------------===//
// The model forward: vector kernels and threads (docs/Forward.md)
//===----------------------------------------------------------------------===//

def ConvFilterToHwcfPass : Pass<"qprep-conv-filter-to-hwcf"> {
  let summary = "Rewrite conv_2d_nhwc_fhwc to conv_2d_nhwc_hwcf, transposing constant filters at compile time";
  let description = [{
    TOSA's conv2d lowers to `linalg.conv_2d_nhwc_fhwc` (filters
    output-channel major, as TOSA stores them). The vector kernels of
    `qprep-linalg-to-kernels` read filters with the output channels
    innermost (HWCF), one vector load per filter row. On tensors, this pass
    rewrites each f32 `conv_2d_nhwc_fhwc` with static filter shape to
    `conv_2d_nhwc_hwcf` on the transposed filter: a constant filter
    (dense, splat or `dense_resource`) is transposed here, once; any other
    filter gets a `linalg.transpose` that runs on every call.

    ```mlir
    %0 = linalg.conv_2d_nhwc_fhwc ins(%x, %w : tensor<1x10x10x3xf32>, tensor<8x3x3x3xf32>) ...
    // becomes
    %wt = linalg.transpose ins(%w : tensor<8x3x3x3xf32>) outs(...) permutation = [1, 2, 3, 0]
    %0 = linalg.conv_2d_nhwc_hwcf ins(%x, %wt : tensor<1x10x10x3xf32>, tensor<3x3x3x8xf32>) ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numConvs", "convs", "Convolutions rewritten">,
    Statistic<"numFolded", "folded-filters", "Constant filters transposed at compile time">
  ];
}

def LinalgToKernelsPass : Pass<"qprep-linalg-to-kernels", "::mlir::func::FuncOp"> {
  let summary = "Lower the heavy linalg ops of a model forward on memrefs to register-blocked vector loops";
  let description = [{
    On a bufferized function (static shapes, f32), replaces

    * `linalg.conv_2d_nhwc_hwcf`, `linalg.matmul`, `linalg.batch_matmul`:
      register tiles of `rows x (vectors x lanes)` accumulators (rows are
      output pixels or matrix rows, lanes are output channels) loaded from
      the output, then for every reduction index in order (kh, kw, c for a
      convolution, k for a matmul) one vector load of the filter row, one
      broadcast input element per row, and multiply-adds (`arith.mulf` +
      `arith.addf` as the ops specify; `vector.fma` with `contract`); the
      tile shape is chosen per op from `lanes` and `registers`;
    * `linalg.depthwise_conv_2d_nhwc_hwc`, `linalg.depthwise_conv_2d_nhwc_hwcm`
      with multiplier 1 (TOSA's depthwise_conv2d), `linalg.pooling_nhwc_{max,sum}`:
      vectors along the channels, the window in order; a depthwise
      multiplier M > 1 is a contraction per input channel with M lanes;
    * elementwise `linalg.generic`, `linalg.map`, `linalg.fill` (all loops
      parallel, projected-permutation maps, outputs contiguous along the
      innermost loop): the body on vectors of the innermost dimension
      (scalar operands broadcast), masked tails;
    * `memref.copy` between unit-innermost-stride memrefs (padding) with
      vector row copies.

    The op initializing a kernel's output just before it (a `linalg.fill`,
    or a broadcast of a bias along the innermost dimension, as TOSA emits
    before every conv2d and matmul) is folded into the kernel: the
    accumulators start from the bias or fill value instead of the output
    being written and read back.

    Every output element is computed by exactly one iteration of the
    outermost loops, with its reduction in the order above (filter index
    order, one multiply-add per term, starting from the output's value, as
    the scalar loops of `convert-linalg-to-loops`): the results do not depend
    on tiling, vector width or how iterations are spread over threads, and
    without `contract` they are bit for bit those of the scalar loops.
    Outer loops are `scf.parallel` when an op has at least
    `parallel-threshold` multiply-adds or elements (`qprep-parallel-to-runtime`
    runs them on threads), `scf.for` otherwise. Ops the pass does not handle
    are left for `convert-linalg-to-loops`.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", "16",
           "f32 lanes of one vector register (16: AVX-512, 8: AVX2)">,
    Option<"registers", "registers", "int64_t", "32",
           "Vector registers available to a kernel tile">,
    Option<"parallelThreshold", "parallel-threshold", "int64_t", "32768",
           "Work (multiply-adds or elements) from which an op's outer loops are scf.parallel">,
    Option<"contract", "contract", "bool", "false",
           "Fuse each multiply-add into one vector.fma (one rounding, as -ffp-contract=fast) "
           "instead of the ops' own arith.mulf + arith.addf">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"];
  let statistics = [
    Statistic<"numKernels", "kernels", "Ops lowered to vector kernels">,
    Statistic<"numFusedInits", "fused-inits",
              "Output initializations (fill, bias broadcast) folded into a kernel's accumulators">
  ];
}

def ParallelToRuntimePass : Pass<"qprep-parallel-to-runtime", "::mlir::ModuleOp"> {
  let summary = "Outline outermost scf.parallel loops and run them through qprep_rt_parallel_for";
  let description = [{
    Each outermost `scf.parallel` without reductions becomes a private body
    function `(!llvm.ptr, i64, i64) -> ()` that runs iterations
    `[begin, end)` of the loop's row-major linearized iteration space, and a
    call of `qprep_rt_parallel_for(n, body, ctx)` (libQPrepRuntime,
    include/qprep/Runtime/QPrepParallel.h) where `ctx` points to a stack
    struct holding the captured values in their LLVM types
    (`builtin.unrealized_conversion_cast` in and out, resolved by the LLVM
    conversions and `reconcile-unrealized-casts`). Constants are cloned into
    the body instead of captured. The runtime splits `[0, n)` over the
    calling thread's thread count (`qprep_rt_set_num_threads`).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect", "::mlir::scf::SCFDialect"];
  let statistics = [
    Statistic<"numOutlined", "outlined", "Parallel loops outlined">
  ];
}

#endif // QPREP_CONVERSION_PASSES_TD
