// The kernels against scalar references, run with mlir-runner (parallel loops
// on libQPrepRuntime's threads). Without `contract` a kernel computes each
// element with the ops' own mulf/addf in the scalar loops' order, so it must
// match the reference bit for bit on any data (here non-integer values),
// whatever the tile shape (three vector shapes) or the split over threads.
// Each line: the largest |kernel - reference| and whether the kernel wrote
// its output at all.
// RUN: qprep-opt %s --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{parallel-threshold=1}),qprep-parallel-to-runtime,convert-linalg-to-loops,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,finalize-memref-to-llvm,convert-vector-to-llvm,convert-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN: | FileCheck %s
// RUN: qprep-opt %s --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{lanes=8 registers=16 parallel-threshold=1}),qprep-parallel-to-runtime,convert-linalg-to-loops,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,finalize-memref-to-llvm,convert-vector-to-llvm,convert-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN: | FileCheck %s
// RUN: qprep-opt %s --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{lanes=4 registers=8}),convert-linalg-to-loops,convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,lower-affine,finalize-memref-to-llvm,convert-vector-to-llvm,convert-to-llvm,reconcile-unrealized-casts)" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// CHECK: conv
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: conv strided dilated
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: matmul
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: batch_matmul
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: depthwise
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: depthwise hwcm 1
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: depthwise hwcm 3
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: max pool
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: sum pool
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: elementwise
// CHECK: data =
// CHECK-NEXT: [0,  1]
// CHECK: pad
// CHECK: data =
// CHECK-NEXT: [0,  1]

#conv_in = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh + kh, ow + kw, c)>
#conv_w = affine_map<(n, oh, ow, f, kh, kw, c) -> (kh, kw, c, f)>
#conv_out = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh, ow, f)>
#sconv_in = affine_map<(n, oh, ow, f, kh, kw, c) -> (n, oh * 2 + kh * 2, ow * 2 + kw * 2, c)>
#mm_a = affine_map<(b, m, n, k) -> (b, m, k)>
#mm_b = affine_map<(b, m, n, k) -> (b, k, n)>
#mm_c = affine_map<(b, m, n, k) -> (b, m, n)>
#dw_in = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh * 2 + kh, ow * 2 + kw, c)>
#dw_w = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw, c)>
#dwm_in = affine_map<(n, oh, ow, c, m, kh, kw) -> (n, oh + kh, ow + kw * 2, c)>
#dwm_w = affine_map<(n, oh, ow, c, m, kh, kw) -> (kh, kw, c, m)>
#dwm_out = affine_map<(n, oh, ow, c, m, kh, kw) -> (n, oh, ow, c, m)>
#win_in = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh * 2 + kh, ow * 2 + kw, c)>
#win_out = affine_map<(n, oh, ow, c, kh, kw) -> (n, oh, ow, c)>
#win_w = affine_map<(n, oh, ow, c, kh, kw) -> (kh, kw)>
#id3 = affine_map<(i, j, k) -> (i, j, k)>
#bias3 = affine_map<(i, j, k) -> (k)>
#row3 = affine_map<(i, j, k) -> (i, j)>

module {
  func.func private @printString(!llvm.ptr)
  func.func private @printMemrefF32(memref<*xf32>)
  llvm.mlir.global internal constant @s_conv("conv\0A\00")
  llvm.mlir.global internal constant @s_sconv("conv strided dilated\0A\00")
  llvm.mlir.global internal constant @s_mm("matmul\0A\00")
  llvm.mlir.global internal constant @s_bmm("batch_matmul\0A\00")
  llvm.mlir.global internal constant @s_dw("depthwise\0A\00")
  llvm.mlir.global internal constant @s_max("max pool\0A\00")
  llvm.mlir.global internal constant @s_dwm1("depthwise hwcm 1\0A\00")
  llvm.mlir.global internal constant @s_dwm3("depthwise hwcm 3\0A\00")
  llvm.mlir.global internal constant @s_sum("sum pool\0A\00")
  llvm.mlir.global internal constant @s_ew("elementwise\0A\00")
  llvm.mlir.global internal constant @s_pad("pad\0A\00")

  // x[i] = (((i * step) mod 13) - 6) * 0.37 + 0.011: products and sums round.
  func.func @fill(%m: memref<?xf32>, %step: index) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c13 = arith.constant 13 : index
    %c6 = arith.constant 6 : index
    %scale = arith.constant 0.37 : f32
    %shift = arith.constant 0.011 : f32
    %n = memref.dim %m, %c0 : memref<?xf32>
    scf.for %i = %c0 to %n step %c1 {
      %p = arith.muli %i, %step : index
      %r = arith.remui %p, %c13 : index
      %v = arith.subi %r, %c6 : index
      %vi = arith.index_cast %v : index to i32
      %f = arith.sitofp %vi : i32 to f32
      %g = arith.mulf %f, %scale : f32
      %h = arith.addf %g, %shift : f32
      memref.store %h, %m[%i] : memref<?xf32>
    }
    return
  }

  // (max |a - b|, 1 if a differs anywhere from `init`, else 0).
  func.func @report(%label: !llvm.ptr, %a: memref<?xf32>, %b: memref<?xf32>, %init: memref<?xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %zero = arith.constant 0.0 : f32
    %one = arith.constant 1.0 : f32
    %n = memref.dim %a, %c0 : memref<?xf32>
    %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%d = %zero, %ch = %zero) -> (f32, f32) {
      %x = memref.load %a[%i] : memref<?xf32>
      %y = memref.load %b[%i] : memref<?xf32>
      %z = memref.load %init[%i] : memref<?xf32>
      %e = arith.subf %x, %y : f32
      %ae = math.absf %e : f32
      %dm = arith.maximumf %d, %ae : f32
      %ne = arith.cmpf une, %x, %z : f32
      %c = arith.select %ne, %one, %ch : f32
      scf.yield %dm, %c : f32, f32
    }
    call @printString(%label) : (!llvm.ptr) -> ()
    %out = memref.alloca() : memref<2xf32>
    memref.store %r#0, %out[%c0] : memref<2xf32>
    memref.store %r#1, %out[%c1] : memref<2xf32>
    %u = memref.cast %out : memref<2xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }

  func.func @conv(%x: memref<1x9x30x5xf32>, %w: memref<3x3x5x37xf32>, %o: memref<1x7x28x37xf32>) {
    linalg.conv_2d_nhwc_hwcf ins(%x, %w : memref<1x9x30x5xf32>, memref<3x3x5x37xf32>) outs(%o : memref<1x7x28x37xf32>)
    return
  }
  func.func @conv_ref(%x: memref<1x9x30x5xf32>, %w: memref<3x3x5x37xf32>, %o: memref<1x7x28x37xf32>) {
    linalg.generic {indexing_maps = [#conv_in, #conv_w, #conv_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<1x9x30x5xf32>, memref<3x3x5x37xf32>) outs(%o : memref<1x7x28x37xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
  func.func @sconv(%x: memref<2x11x13x3xf32>, %w: memref<2x3x3x20xf32>, %o: memref<2x4x4x20xf32>) {
    linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : memref<2x11x13x3xf32>, memref<2x3x3x20xf32>) outs(%o : memref<2x4x4x20xf32>)
    return
  }
  func.func @sconv_ref(%x: memref<2x11x13x3xf32>, %w: memref<2x3x3x20xf32>, %o: memref<2x4x4x20xf32>) {
    linalg.generic {indexing_maps = [#sconv_in, #conv_w, #conv_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
        ins(%x, %w : memref<2x11x13x3xf32>, memref<2x3x3x20xf32>) outs(%o : memref<2x4x4x20xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
  func.func @mm(%a3: memref<1x19x7xf32>, %b3: memref<1x7x35xf32>, %c3: memref<1x19x35xf32>) {
    %a = memref.collapse_shape %a3 [[0, 1], [2]] : memref<1x19x7xf32> into memref<19x7xf32>
    %b = memref.collapse_shape %b3 [[0, 1], [2]] : memref<1x7x35xf32> into memref<7x35xf32>
    %c = memref.collapse_shape %c3 [[0, 1], [2]] : memref<1x19x35xf32> into memref<19x35xf32>
    linalg.matmul ins(%a, %b : memref<19x7xf32>, memref<7x35xf32>) outs(%c : memref<19x35xf32>)
    return
  }
  func.func @bmm(%a: memref<3x1x40xf32>, %b: memref<3x40x300xf32>, %c: memref<3x1x300xf32>) {
    linalg.batch_matmul ins(%a, %b : memref<3x1x40xf32>, memref<3x40x300xf32>) outs(%c : memref<3x1x300xf32>)
    return
  }
  func.func @bmm_ref(%a: memref<?x?x?xf32>, %b: memref<?x?x?xf32>, %c: memref<?x?x?xf32>) {
    linalg.generic {indexing_maps = [#mm_a, #mm_b, #mm_c], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
        ins(%a, %b : memref<?x?x?xf32>, memref<?x?x?xf32>) outs(%c : memref<?x?x?xf32>) {
    ^bb0(%x: f32, %y: f32, %acc: f32):
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
  func.func @dw(%x: memref<1x12x12x21xf32>, %w: memref<3x3x21xf32>, %o: memref<1x5x5x21xf32>) {
    linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %w : memref<1x12x12x21xf32>, memref<3x3x21xf32>) outs(%o : memref<1x5x5x21xf32>)
    return
  }
  func.func @dw_ref(%x: memref<1x12x12x21xf32>, %w: memref<3x3x21xf32>, %o: memref<1x5x5x21xf32>) {
    linalg.generic {indexing_maps = [#dw_in, #dw_w, #win_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
        ins(%x, %w : memref<1x12x12x21xf32>, memref<3x3x21xf32>) outs(%o : memref<1x5x5x21xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
  // depthwise_conv_2d_nhwc_hwcm, multipliers 1 and 3, dilation 2 along w.
  func.func @dwm(%x: memref<1x7x9x19xf32>, %w1: memref<2x2x19x1xf32>, %w3: memref<2x2x19x3xf32>,
                 %o1: memref<1x6x7x19x1xf32>, %o3: memref<1x6x7x19x3xf32>) {
    linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w1 : memref<1x7x9x19xf32>, memref<2x2x19x1xf32>) outs(%o1 : memref<1x6x7x19x1xf32>)
    linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w3 : memref<1x7x9x19xf32>, memref<2x2x19x3xf32>) outs(%o3 : memref<1x6x7x19x3xf32>)
    return
  }
  func.func @dwm_ref(%x: memref<1x7x9x19xf32>, %w1: memref<2x2x19x1xf32>, %w3: memref<2x2x19x3xf32>,
                     %o1: memref<1x6x7x19x1xf32>, %o3: memref<1x6x7x19x3xf32>) {
    linalg.generic {indexing_maps = [#dwm_in, #dwm_w, #dwm_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
        ins(%x, %w1 : memref<1x7x9x19xf32>, memref<2x2x19x1xf32>) outs(%o1 : memref<1x6x7x19x1xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    linalg.generic {indexing_maps = [#dwm_in, #dwm_w, #dwm_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
        ins(%x, %w3 : memref<1x7x9x19xf32>, memref<2x2x19x3xf32>) outs(%o3 : memref<1x6x7x19x3xf32>) {
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    }
    return
  }
  func.func @pool(%x: memref<1x12x12x21xf32>, %win: memref<3x3xf32>, %mo: memref<1x5x5x21xf32>, %so: memref<1x5x5x21xf32>) {
    linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : memref<1x12x12x21xf32>, memref<3x3xf32>) outs(%mo : memref<1x5x5x21xf32>)
    linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %win : memref<1x12x12x21xf32>, memref<3x3xf32>) outs(%so : memref<1x5x5x21xf32>)
    return
  }
  func.func @pool_ref(%x: memref<1x12x12x21xf32>, %win: memref<3x3xf32>, %mo: memref<1x5x5x21xf32>, %so: memref<1x5x5x21xf32>) {
    linalg.generic {indexing_maps = [#win_in, #win_w, #win_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
        ins(%x, %win : memref<1x12x12x21xf32>, memref<3x3xf32>) outs(%mo : memref<1x5x5x21xf32>) {
    ^bb0(%a: f32, %unused: f32, %acc: f32):
      %m = arith.maximumf %acc, %a : f32
      linalg.yield %m : f32
    }
    linalg.generic {indexing_maps = [#win_in, #win_w, #win_out],
                    iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
        ins(%x, %win : memref<1x12x12x21xf32>, memref<3x3xf32>) outs(%so : memref<1x5x5x21xf32>) {
    ^bb0(%a: f32, %unused: f32, %acc: f32):
      %s = arith.addf %acc, %a : f32
      linalg.yield %s : f32
    }
    return
  }
  // relu(x + bias) * row, elementwise with broadcasts.
  func.func @ew(%x: memref<3x5x37xf32>, %b: memref<37xf32>, %r: memref<3x5xf32>, %o: memref<3x5x37xf32>) {
    %zero = arith.constant 0.0 : f32
    linalg.generic {indexing_maps = [#id3, #bias3, #row3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
        ins(%x, %b, %r : memref<3x5x37xf32>, memref<37xf32>, memref<3x5xf32>) outs(%o : memref<3x5x37xf32>) {
    ^bb0(%xi: f32, %bi: f32, %ri: f32, %oi: f32):
      %s = arith.addf %xi, %bi : f32
      %m = arith.maximumf %s, %zero : f32
      %p = arith.mulf %m, %ri : f32
      linalg.yield %p : f32
    }
    return
  }
  func.func @ew_ref(%x: memref<3x5x37xf32>, %b: memref<37xf32>, %r: memref<3x5xf32>, %o: memref<3x5x37xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c3 = arith.constant 3 : index
    %c5 = arith.constant 5 : index
    %c37 = arith.constant 37 : index
    %zero = arith.constant 0.0 : f32
    scf.for %i = %c0 to %c3 step %c1 {
      scf.for %j = %c0 to %c5 step %c1 {
        scf.for %k = %c0 to %c37 step %c1 {
          %xi = memref.load %x[%i, %j, %k] : memref<3x5x37xf32>
          %bi = memref.load %b[%k] : memref<37xf32>
          %ri = memref.load %r[%i, %j] : memref<3x5xf32>
          %s = arith.addf %xi, %bi : f32
          %m = arith.maximumf %s, %zero : f32
          %p = arith.mulf %m, %ri : f32
          memref.store %p, %o[%i, %j, %k] : memref<3x5x37xf32>
        }
      }
    }
    return
  }
  // Padding as bufferized tensor.pad: fill, then copy into the interior.
  func.func @pad(%x: memref<1x6x7x19xf32>, %o: memref<1x8x9x19xf32>) {
    %v = arith.constant -1.5 : f32
    linalg.fill ins(%v : f32) outs(%o : memref<1x8x9x19xf32>)
    %sub = memref.subview %o[0, 1, 1, 0] [1, 6, 7, 19] [1, 1, 1, 1] : memref<1x8x9x19xf32> to memref<1x6x7x19xf32, strided<[1368, 171, 19, 1], offset: 190>>
    memref.copy %x, %sub : memref<1x6x7x19xf32> to memref<1x6x7x19xf32, strided<[1368, 171, 19, 1], offset: 190>>
    return
  }
  func.func @pad_ref(%x: memref<1x6x7x19xf32>, %o: memref<1x8x9x19xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c6 = arith.constant 6 : index
    %c7 = arith.constant 7 : index
    %c8 = arith.constant 8 : index
    %c9 = arith.constant 9 : index
    %c19 = arith.constant 19 : index
    %v = arith.constant -1.5 : f32
    scf.for %i = %c0 to %c8 step %c1 {
      scf.for %j = %c0 to %c9 step %c1 {
        scf.for %k = %c0 to %c19 step %c1 {
          memref.store %v, %o[%c0, %i, %j, %k] : memref<1x8x9x19xf32>
        }
      }
    }
    scf.for %i = %c0 to %c6 step %c1 {
      scf.for %j = %c0 to %c7 step %c1 {
        scf.for %k = %c0 to %c19 step %c1 {
          %e = memref.load %x[%c0, %i, %j, %k] : memref<1x6x7x19xf32>
          %i1 = arith.addi %i, %c1 : index
          %j1 = arith.addi %j, %c1 : index
          memref.store %e, %o[%c0, %i1, %j1, %k] : memref<1x8x9x19xf32>
        }
      }
    }
    return
  }

  func.func @main() {
    %f1 = memref.alloc() : memref<1350xf32>
    %d1 = memref.cast %f1 : memref<1350xf32> to memref<?xf32>
    %s1 = arith.constant 3 : index
    call @fill(%d1, %s1) : (memref<?xf32>, index) -> ()
    %v1 = memref.expand_shape %f1 [[0, 1, 2, 3]] output_shape [1, 9, 30, 5] : memref<1350xf32> into memref<1x9x30x5xf32>
    %f2 = memref.alloc() : memref<1665xf32>
    %d2 = memref.cast %f2 : memref<1665xf32> to memref<?xf32>
    %s2 = arith.constant 5 : index
    call @fill(%d2, %s2) : (memref<?xf32>, index) -> ()
    %v2 = memref.expand_shape %f2 [[0, 1, 2, 3]] output_shape [3, 3, 5, 37] : memref<1665xf32> into memref<3x3x5x37xf32>
    %f3 = memref.alloc() : memref<7252xf32>
    %d3 = memref.cast %f3 : memref<7252xf32> to memref<?xf32>
    %s3 = arith.constant 7 : index
    call @fill(%d3, %s3) : (memref<?xf32>, index) -> ()
    %v3 = memref.expand_shape %f3 [[0, 1, 2, 3]] output_shape [1, 7, 28, 37] : memref<7252xf32> into memref<1x7x28x37xf32>
    %f4 = memref.alloc() : memref<7252xf32>
    %d4 = memref.cast %f4 : memref<7252xf32> to memref<?xf32>
    %s4 = arith.constant 7 : index
    call @fill(%d4, %s4) : (memref<?xf32>, index) -> ()
    %v4 = memref.expand_shape %f4 [[0, 1, 2, 3]] output_shape [1, 7, 28, 37] : memref<7252xf32> into memref<1x7x28x37xf32>
    %f5 = memref.alloc() : memref<7252xf32>
    %d5 = memref.cast %f5 : memref<7252xf32> to memref<?xf32>
    %s5 = arith.constant 7 : index
    call @fill(%d5, %s5) : (memref<?xf32>, index) -> ()
    %v5 = memref.expand_shape %f5 [[0, 1, 2, 3]] output_shape [1, 7, 28, 37] : memref<7252xf32> into memref<1x7x28x37xf32>
    call @conv(%v1, %v2, %v3) : (memref<1x9x30x5xf32>, memref<3x3x5x37xf32>, memref<1x7x28x37xf32>) -> ()
    call @conv_ref(%v1, %v2, %v4) : (memref<1x9x30x5xf32>, memref<3x3x5x37xf32>, memref<1x7x28x37xf32>) -> ()
    %l6 = llvm.mlir.addressof @s_conv : !llvm.ptr
    call @report(%l6, %d3, %d4, %d5) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f7 = memref.alloc() : memref<858xf32>
    %d7 = memref.cast %f7 : memref<858xf32> to memref<?xf32>
    %s7 = arith.constant 3 : index
    call @fill(%d7, %s7) : (memref<?xf32>, index) -> ()
    %v7 = memref.expand_shape %f7 [[0, 1, 2, 3]] output_shape [2, 11, 13, 3] : memref<858xf32> into memref<2x11x13x3xf32>
    %f8 = memref.alloc() : memref<360xf32>
    %d8 = memref.cast %f8 : memref<360xf32> to memref<?xf32>
    %s8 = arith.constant 5 : index
    call @fill(%d8, %s8) : (memref<?xf32>, index) -> ()
    %v8 = memref.expand_shape %f8 [[0, 1, 2, 3]] output_shape [2, 3, 3, 20] : memref<360xf32> into memref<2x3x3x20xf32>
    %f9 = memref.alloc() : memref<640xf32>
    %d9 = memref.cast %f9 : memref<640xf32> to memref<?xf32>
    %s9 = arith.constant 7 : index
    call @fill(%d9, %s9) : (memref<?xf32>, index) -> ()
    %v9 = memref.expand_shape %f9 [[0, 1, 2, 3]] output_shape [2, 4, 4, 20] : memref<640xf32> into memref<2x4x4x20xf32>
    %f10 = memref.alloc() : memref<640xf32>
    %d10 = memref.cast %f10 : memref<640xf32> to memref<?xf32>
    %s10 = arith.constant 7 : index
    call @fill(%d10, %s10) : (memref<?xf32>, index) -> ()
    %v10 = memref.expand_shape %f10 [[0, 1, 2, 3]] output_shape [2, 4, 4, 20] : memref<640xf32> into memref<2x4x4x20xf32>
    %f11 = memref.alloc() : memref<640xf32>
    %d11 = memref.cast %f11 : memref<640xf32> to memref<?xf32>
    %s11 = arith.constant 7 : index
    call @fill(%d11, %s11) : (memref<?xf32>, index) -> ()
    %v11 = memref.expand_shape %f11 [[0, 1, 2, 3]] output_shape [2, 4, 4, 20] : memref<640xf32> into memref<2x4x4x20xf32>
    call @sconv(%v7, %v8, %v9) : (memref<2x11x13x3xf32>, memref<2x3x3x20xf32>, memref<2x4x4x20xf32>) -> ()
    call @sconv_ref(%v7, %v8, %v10) : (memref<2x11x13x3xf32>, memref<2x3x3x20xf32>, memref<2x4x4x20xf32>) -> ()
    %l12 = llvm.mlir.addressof @s_sconv : !llvm.ptr
    call @report(%l12, %d9, %d10, %d11) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f13 = memref.alloc() : memref<133xf32>
    %d13 = memref.cast %f13 : memref<133xf32> to memref<?xf32>
    %s13 = arith.constant 3 : index
    call @fill(%d13, %s13) : (memref<?xf32>, index) -> ()
    %v13 = memref.expand_shape %f13 [[0, 1, 2]] output_shape [1, 19, 7] : memref<133xf32> into memref<1x19x7xf32>
    %f14 = memref.alloc() : memref<245xf32>
    %d14 = memref.cast %f14 : memref<245xf32> to memref<?xf32>
    %s14 = arith.constant 5 : index
    call @fill(%d14, %s14) : (memref<?xf32>, index) -> ()
    %v14 = memref.expand_shape %f14 [[0, 1, 2]] output_shape [1, 7, 35] : memref<245xf32> into memref<1x7x35xf32>
    %f15 = memref.alloc() : memref<665xf32>
    %d15 = memref.cast %f15 : memref<665xf32> to memref<?xf32>
    %s15 = arith.constant 7 : index
    call @fill(%d15, %s15) : (memref<?xf32>, index) -> ()
    %v15 = memref.expand_shape %f15 [[0, 1, 2]] output_shape [1, 19, 35] : memref<665xf32> into memref<1x19x35xf32>
    %f16 = memref.alloc() : memref<665xf32>
    %d16 = memref.cast %f16 : memref<665xf32> to memref<?xf32>
    %s16 = arith.constant 7 : index
    call @fill(%d16, %s16) : (memref<?xf32>, index) -> ()
    %v16 = memref.expand_shape %f16 [[0, 1, 2]] output_shape [1, 19, 35] : memref<665xf32> into memref<1x19x35xf32>
    %f17 = memref.alloc() : memref<665xf32>
    %d17 = memref.cast %f17 : memref<665xf32> to memref<?xf32>
    %s17 = arith.constant 7 : index
    call @fill(%d17, %s17) : (memref<?xf32>, index) -> ()
    %v17 = memref.expand_shape %f17 [[0, 1, 2]] output_shape [1, 19, 35] : memref<665xf32> into memref<1x19x35xf32>
    call @mm(%v13, %v14, %v15) : (memref<1x19x7xf32>, memref<1x7x35xf32>, memref<1x19x35xf32>) -> ()
    %c18 = memref.cast %v13 : memref<1x19x7xf32> to memref<?x?x?xf32>
    %c19 = memref.cast %v14 : memref<1x7x35xf32> to memref<?x?x?xf32>
    %c20 = memref.cast %v16 : memref<1x19x35xf32> to memref<?x?x?xf32>
    call @bmm_ref(%c18, %c19, %c20) : (memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
    %l21 = llvm.mlir.addressof @s_mm : !llvm.ptr
    call @report(%l21, %d15, %d16, %d17) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f22 = memref.alloc() : memref<120xf32>
    %d22 = memref.cast %f22 : memref<120xf32> to memref<?xf32>
    %s22 = arith.constant 3 : index
    call @fill(%d22, %s22) : (memref<?xf32>, index) -> ()
    %v22 = memref.expand_shape %f22 [[0, 1, 2]] output_shape [3, 1, 40] : memref<120xf32> into memref<3x1x40xf32>
    %f23 = memref.alloc() : memref<36000xf32>
    %d23 = memref.cast %f23 : memref<36000xf32> to memref<?xf32>
    %s23 = arith.constant 5 : index
    call @fill(%d23, %s23) : (memref<?xf32>, index) -> ()
    %v23 = memref.expand_shape %f23 [[0, 1, 2]] output_shape [3, 40, 300] : memref<36000xf32> into memref<3x40x300xf32>
    %f24 = memref.alloc() : memref<900xf32>
    %d24 = memref.cast %f24 : memref<900xf32> to memref<?xf32>
    %s24 = arith.constant 7 : index
    call @fill(%d24, %s24) : (memref<?xf32>, index) -> ()
    %v24 = memref.expand_shape %f24 [[0, 1, 2]] output_shape [3, 1, 300] : memref<900xf32> into memref<3x1x300xf32>
    %f25 = memref.alloc() : memref<900xf32>
    %d25 = memref.cast %f25 : memref<900xf32> to memref<?xf32>
    %s25 = arith.constant 7 : index
    call @fill(%d25, %s25) : (memref<?xf32>, index) -> ()
    %v25 = memref.expand_shape %f25 [[0, 1, 2]] output_shape [3, 1, 300] : memref<900xf32> into memref<3x1x300xf32>
    %f26 = memref.alloc() : memref<900xf32>
    %d26 = memref.cast %f26 : memref<900xf32> to memref<?xf32>
    %s26 = arith.constant 7 : index
    call @fill(%d26, %s26) : (memref<?xf32>, index) -> ()
    %v26 = memref.expand_shape %f26 [[0, 1, 2]] output_shape [3, 1, 300] : memref<900xf32> into memref<3x1x300xf32>
    call @bmm(%v22, %v23, %v24) : (memref<3x1x40xf32>, memref<3x40x300xf32>, memref<3x1x300xf32>) -> ()
    %c27 = memref.cast %v22 : memref<3x1x40xf32> to memref<?x?x?xf32>
    %c28 = memref.cast %v23 : memref<3x40x300xf32> to memref<?x?x?xf32>
    %c29 = memref.cast %v25 : memref<3x1x300xf32> to memref<?x?x?xf32>
    call @bmm_ref(%c27, %c28, %c29) : (memref<?x?x?xf32>, memref<?x?x?xf32>, memref<?x?x?xf32>) -> ()
    %l30 = llvm.mlir.addressof @s_bmm : !llvm.ptr
    call @report(%l30, %d24, %d25, %d26) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f31 = memref.alloc() : memref<3024xf32>
    %d31 = memref.cast %f31 : memref<3024xf32> to memref<?xf32>
    %s31 = arith.constant 3 : index
    call @fill(%d31, %s31) : (memref<?xf32>, index) -> ()
    %v31 = memref.expand_shape %f31 [[0, 1, 2, 3]] output_shape [1, 12, 12, 21] : memref<3024xf32> into memref<1x12x12x21xf32>
    %f32 = memref.alloc() : memref<189xf32>
    %d32 = memref.cast %f32 : memref<189xf32> to memref<?xf32>
    %s32 = arith.constant 5 : index
    call @fill(%d32, %s32) : (memref<?xf32>, index) -> ()
    %v32 = memref.expand_shape %f32 [[0, 1, 2]] output_shape [3, 3, 21] : memref<189xf32> into memref<3x3x21xf32>
    %f33 = memref.alloc() : memref<525xf32>
    %d33 = memref.cast %f33 : memref<525xf32> to memref<?xf32>
    %s33 = arith.constant 7 : index
    call @fill(%d33, %s33) : (memref<?xf32>, index) -> ()
    %v33 = memref.expand_shape %f33 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f34 = memref.alloc() : memref<525xf32>
    %d34 = memref.cast %f34 : memref<525xf32> to memref<?xf32>
    %s34 = arith.constant 7 : index
    call @fill(%d34, %s34) : (memref<?xf32>, index) -> ()
    %v34 = memref.expand_shape %f34 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f35 = memref.alloc() : memref<525xf32>
    %d35 = memref.cast %f35 : memref<525xf32> to memref<?xf32>
    %s35 = arith.constant 7 : index
    call @fill(%d35, %s35) : (memref<?xf32>, index) -> ()
    %v35 = memref.expand_shape %f35 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    call @dw(%v31, %v32, %v33) : (memref<1x12x12x21xf32>, memref<3x3x21xf32>, memref<1x5x5x21xf32>) -> ()
    call @dw_ref(%v31, %v32, %v34) : (memref<1x12x12x21xf32>, memref<3x3x21xf32>, memref<1x5x5x21xf32>) -> ()
    %l36 = llvm.mlir.addressof @s_dw : !llvm.ptr
    call @report(%l36, %d33, %d34, %d35) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f159 = memref.alloc() : memref<1197xf32>
    %d159 = memref.cast %f159 : memref<1197xf32> to memref<?xf32>
    %s159 = arith.constant 3 : index
    call @fill(%d159, %s159) : (memref<?xf32>, index) -> ()
    %v159 = memref.expand_shape %f159 [[0, 1, 2, 3]] output_shape [1, 7, 9, 19] : memref<1197xf32> into memref<1x7x9x19xf32>
    %f160 = memref.alloc() : memref<76xf32>
    %d160 = memref.cast %f160 : memref<76xf32> to memref<?xf32>
    %s160 = arith.constant 5 : index
    call @fill(%d160, %s160) : (memref<?xf32>, index) -> ()
    %v160 = memref.expand_shape %f160 [[0, 1, 2, 3]] output_shape [2, 2, 19, 1] : memref<76xf32> into memref<2x2x19x1xf32>
    %f161 = memref.alloc() : memref<228xf32>
    %d161 = memref.cast %f161 : memref<228xf32> to memref<?xf32>
    %s161 = arith.constant 4 : index
    call @fill(%d161, %s161) : (memref<?xf32>, index) -> ()
    %v161 = memref.expand_shape %f161 [[0, 1, 2, 3]] output_shape [2, 2, 19, 3] : memref<228xf32> into memref<2x2x19x3xf32>
    %f162 = memref.alloc() : memref<798xf32>
    %d162 = memref.cast %f162 : memref<798xf32> to memref<?xf32>
    %s162 = arith.constant 7 : index
    call @fill(%d162, %s162) : (memref<?xf32>, index) -> ()
    %v162 = memref.expand_shape %f162 [[0, 1, 2, 3, 4]] output_shape [1, 6, 7, 19, 1] : memref<798xf32> into memref<1x6x7x19x1xf32>
    %f163 = memref.alloc() : memref<798xf32>
    %d163 = memref.cast %f163 : memref<798xf32> to memref<?xf32>
    %s163 = arith.constant 7 : index
    call @fill(%d163, %s163) : (memref<?xf32>, index) -> ()
    %v163 = memref.expand_shape %f163 [[0, 1, 2, 3, 4]] output_shape [1, 6, 7, 19, 1] : memref<798xf32> into memref<1x6x7x19x1xf32>
    %f164 = memref.alloc() : memref<798xf32>
    %d164 = memref.cast %f164 : memref<798xf32> to memref<?xf32>
    %s164 = arith.constant 7 : index
    call @fill(%d164, %s164) : (memref<?xf32>, index) -> ()
    %v164 = memref.expand_shape %f164 [[0, 1, 2, 3, 4]] output_shape [1, 6, 7, 19, 1] : memref<798xf32> into memref<1x6x7x19x1xf32>
    %f165 = memref.alloc() : memref<2394xf32>
    %d165 = memref.cast %f165 : memref<2394xf32> to memref<?xf32>
    %s165 = arith.constant 7 : index
    call @fill(%d165, %s165) : (memref<?xf32>, index) -> ()
    %v165 = memref.expand_shape %f165 [[0, 1, 2, 3, 4]] output_shape [1, 6, 7, 19, 3] : memref<2394xf32> into memref<1x6x7x19x3xf32>
    %f166 = memref.alloc() : memref<2394xf32>
    %d166 = memref.cast %f166 : memref<2394xf32> to memref<?xf32>
    %s166 = arith.constant 7 : index
    call @fill(%d166, %s166) : (memref<?xf32>, index) -> ()
    %v166 = memref.expand_shape %f166 [[0, 1, 2, 3, 4]] output_shape [1, 6, 7, 19, 3] : memref<2394xf32> into memref<1x6x7x19x3xf32>
    %f167 = memref.alloc() : memref<2394xf32>
    %d167 = memref.cast %f167 : memref<2394xf32> to memref<?xf32>
    %s167 = arith.constant 7 : index
    call @fill(%d167, %s167) : (memref<?xf32>, index) -> ()
    %v167 = memref.expand_shape %f167 [[0, 1, 2, 3, 4]] output_shape [1, 6, 7, 19, 3] : memref<2394xf32> into memref<1x6x7x19x3xf32>
    call @dwm(%v159, %v160, %v161, %v162, %v165) : (memref<1x7x9x19xf32>, memref<2x2x19x1xf32>, memref<2x2x19x3xf32>, memref<1x6x7x19x1xf32>, memref<1x6x7x19x3xf32>) -> ()
    call @dwm_ref(%v159, %v160, %v161, %v163, %v166) : (memref<1x7x9x19xf32>, memref<2x2x19x1xf32>, memref<2x2x19x3xf32>, memref<1x6x7x19x1xf32>, memref<1x6x7x19x3xf32>) -> ()
    %l168 = llvm.mlir.addressof @s_dwm1 : !llvm.ptr
    call @report(%l168, %d162, %d163, %d164) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %l169 = llvm.mlir.addressof @s_dwm3 : !llvm.ptr
    call @report(%l169, %d165, %d166, %d167) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f37 = memref.alloc() : memref<3024xf32>
    %d37 = memref.cast %f37 : memref<3024xf32> to memref<?xf32>
    %s37 = arith.constant 3 : index
    call @fill(%d37, %s37) : (memref<?xf32>, index) -> ()
    %v37 = memref.expand_shape %f37 [[0, 1, 2, 3]] output_shape [1, 12, 12, 21] : memref<3024xf32> into memref<1x12x12x21xf32>
    %f38 = memref.alloc() : memref<9xf32>
    %d38 = memref.cast %f38 : memref<9xf32> to memref<?xf32>
    %s38 = arith.constant 5 : index
    call @fill(%d38, %s38) : (memref<?xf32>, index) -> ()
    %v38 = memref.expand_shape %f38 [[0, 1]] output_shape [3, 3] : memref<9xf32> into memref<3x3xf32>
    %f39 = memref.alloc() : memref<525xf32>
    %d39 = memref.cast %f39 : memref<525xf32> to memref<?xf32>
    %s39 = arith.constant 7 : index
    call @fill(%d39, %s39) : (memref<?xf32>, index) -> ()
    %v39 = memref.expand_shape %f39 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f40 = memref.alloc() : memref<525xf32>
    %d40 = memref.cast %f40 : memref<525xf32> to memref<?xf32>
    %s40 = arith.constant 7 : index
    call @fill(%d40, %s40) : (memref<?xf32>, index) -> ()
    %v40 = memref.expand_shape %f40 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f41 = memref.alloc() : memref<525xf32>
    %d41 = memref.cast %f41 : memref<525xf32> to memref<?xf32>
    %s41 = arith.constant 7 : index
    call @fill(%d41, %s41) : (memref<?xf32>, index) -> ()
    %v41 = memref.expand_shape %f41 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f42 = memref.alloc() : memref<525xf32>
    %d42 = memref.cast %f42 : memref<525xf32> to memref<?xf32>
    %s42 = arith.constant 7 : index
    call @fill(%d42, %s42) : (memref<?xf32>, index) -> ()
    %v42 = memref.expand_shape %f42 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f43 = memref.alloc() : memref<525xf32>
    %d43 = memref.cast %f43 : memref<525xf32> to memref<?xf32>
    %s43 = arith.constant 7 : index
    call @fill(%d43, %s43) : (memref<?xf32>, index) -> ()
    %v43 = memref.expand_shape %f43 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    %f44 = memref.alloc() : memref<525xf32>
    %d44 = memref.cast %f44 : memref<525xf32> to memref<?xf32>
    %s44 = arith.constant 7 : index
    call @fill(%d44, %s44) : (memref<?xf32>, index) -> ()
    %v44 = memref.expand_shape %f44 [[0, 1, 2, 3]] output_shape [1, 5, 5, 21] : memref<525xf32> into memref<1x5x5x21xf32>
    call @pool(%v37, %v38, %v39, %v42) : (memref<1x12x12x21xf32>, memref<3x3xf32>, memref<1x5x5x21xf32>, memref<1x5x5x21xf32>) -> ()
    call @pool_ref(%v37, %v38, %v40, %v43) : (memref<1x12x12x21xf32>, memref<3x3xf32>, memref<1x5x5x21xf32>, memref<1x5x5x21xf32>) -> ()
    %l45 = llvm.mlir.addressof @s_max : !llvm.ptr
    call @report(%l45, %d39, %d40, %d41) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %l46 = llvm.mlir.addressof @s_sum : !llvm.ptr
    call @report(%l46, %d42, %d43, %d44) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f47 = memref.alloc() : memref<555xf32>
    %d47 = memref.cast %f47 : memref<555xf32> to memref<?xf32>
    %s47 = arith.constant 3 : index
    call @fill(%d47, %s47) : (memref<?xf32>, index) -> ()
    %v47 = memref.expand_shape %f47 [[0, 1, 2]] output_shape [3, 5, 37] : memref<555xf32> into memref<3x5x37xf32>
    %f48 = memref.alloc() : memref<37xf32>
    %d48 = memref.cast %f48 : memref<37xf32> to memref<?xf32>
    %s48 = arith.constant 5 : index
    call @fill(%d48, %s48) : (memref<?xf32>, index) -> ()
    %f49 = memref.alloc() : memref<15xf32>
    %d49 = memref.cast %f49 : memref<15xf32> to memref<?xf32>
    %s49 = arith.constant 2 : index
    call @fill(%d49, %s49) : (memref<?xf32>, index) -> ()
    %v49 = memref.expand_shape %f49 [[0, 1]] output_shape [3, 5] : memref<15xf32> into memref<3x5xf32>
    %f50 = memref.alloc() : memref<555xf32>
    %d50 = memref.cast %f50 : memref<555xf32> to memref<?xf32>
    %s50 = arith.constant 7 : index
    call @fill(%d50, %s50) : (memref<?xf32>, index) -> ()
    %v50 = memref.expand_shape %f50 [[0, 1, 2]] output_shape [3, 5, 37] : memref<555xf32> into memref<3x5x37xf32>
    %f51 = memref.alloc() : memref<555xf32>
    %d51 = memref.cast %f51 : memref<555xf32> to memref<?xf32>
    %s51 = arith.constant 7 : index
    call @fill(%d51, %s51) : (memref<?xf32>, index) -> ()
    %v51 = memref.expand_shape %f51 [[0, 1, 2]] output_shape [3, 5, 37] : memref<555xf32> into memref<3x5x37xf32>
    %f52 = memref.alloc() : memref<555xf32>
    %d52 = memref.cast %f52 : memref<555xf32> to memref<?xf32>
    %s52 = arith.constant 7 : index
    call @fill(%d52, %s52) : (memref<?xf32>, index) -> ()
    %v52 = memref.expand_shape %f52 [[0, 1, 2]] output_shape [3, 5, 37] : memref<555xf32> into memref<3x5x37xf32>
    call @ew(%v47, %f48, %v49, %v50) : (memref<3x5x37xf32>, memref<37xf32>, memref<3x5xf32>, memref<3x5x37xf32>) -> ()
    call @ew_ref(%v47, %f48, %v49, %v51) : (memref<3x5x37xf32>, memref<37xf32>, memref<3x5xf32>, memref<3x5x37xf32>) -> ()
    %l53 = llvm.mlir.addressof @s_ew : !llvm.ptr
    call @report(%l53, %d50, %d51, %d52) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    %f54 = memref.alloc() : memref<798xf32>
    %d54 = memref.cast %f54 : memref<798xf32> to memref<?xf32>
    %s54 = arith.constant 3 : index
    call @fill(%d54, %s54) : (memref<?xf32>, index) -> ()
    %v54 = memref.expand_shape %f54 [[0, 1, 2, 3]] output_shape [1, 6, 7, 19] : memref<798xf32> into memref<1x6x7x19xf32>
    %f55 = memref.alloc() : memref<1368xf32>
    %d55 = memref.cast %f55 : memref<1368xf32> to memref<?xf32>
    %s55 = arith.constant 7 : index
    call @fill(%d55, %s55) : (memref<?xf32>, index) -> ()
    %v55 = memref.expand_shape %f55 [[0, 1, 2, 3]] output_shape [1, 8, 9, 19] : memref<1368xf32> into memref<1x8x9x19xf32>
    %f56 = memref.alloc() : memref<1368xf32>
    %d56 = memref.cast %f56 : memref<1368xf32> to memref<?xf32>
    %s56 = arith.constant 7 : index
    call @fill(%d56, %s56) : (memref<?xf32>, index) -> ()
    %v56 = memref.expand_shape %f56 [[0, 1, 2, 3]] output_shape [1, 8, 9, 19] : memref<1368xf32> into memref<1x8x9x19xf32>
    %f57 = memref.alloc() : memref<1368xf32>
    %d57 = memref.cast %f57 : memref<1368xf32> to memref<?xf32>
    %s57 = arith.constant 7 : index
    call @fill(%d57, %s57) : (memref<?xf32>, index) -> ()
    %v57 = memref.expand_shape %f57 [[0, 1, 2, 3]] output_shape [1, 8, 9, 19] : memref<1368xf32> into memref<1x8x9x19xf32>
    call @pad(%v54, %v55) : (memref<1x6x7x19xf32>, memref<1x8x9x19xf32>) -> ()
    call @pad_ref(%v54, %v56) : (memref<1x6x7x19xf32>, memref<1x8x9x19xf32>) -> ()
    %l58 = llvm.mlir.addressof @s_pad : !llvm.ptr
    call @report(%l58, %d55, %d56, %d57) : (!llvm.ptr, memref<?xf32>, memref<?xf32>, memref<?xf32>) -> ()
    return
  }
}
