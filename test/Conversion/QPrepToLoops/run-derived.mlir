// Derived qparams at run time (mlir-runner): scale_product multiplies the
// sources' scales (broadcasting the per-tensor one), zero point 0; derive = @fn
// calls the user's function with each source's (scale, zero_point).
// RUN: qprep-opt %s --qprep-lower-to-llvm \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN: | FileCheck %s

// torch 1.13: MinMaxObserver(quint8) on [0, 2.55, 1] -> scale 0.01, zp 0;
// PerChannelMinMaxObserver(qint8, per_channel_symmetric, ch 0) on
// [[-1.27, 0.5], [0.254, -0.1]] -> scales (1.27, 0.254) / 127.5 =
// (0.00996078, 0.00199216); products (9.96078e-05, 1.99216e-05).
// CHECK: data =
// CHECK-NEXT: [9.96078e-05, 1.99216e-05]
// CHECK: data =
// CHECK-NEXT: [0, 0]
// @fn returns the weight's scales and zero point 7 everywhere.
// CHECK: data =
// CHECK-NEXT: [0.00996078, 0.00199216]
// CHECK: data =
// CHECK-NEXT: [7, 7]
// Statuses: @bias 0; from a never-observed source 1 (uncalibrated, scale 1);
// from a placeholder -3 (its error wins over the other source's 0).
// CHECK: data =
// CHECK-NEXT: [0, 1, -3]

module {
  func.func private @qprep_qparams(i64, memref<?xf32>, memref<?xi64>, memref<?xf32>) -> i32
  // qprep_qparams for @bias (observer index 2).
  func.func @qparams_bias(%s: memref<2xf32>, %z: memref<2xi64>, %zf: memref<2xf32>) -> i32 {
    %i = arith.constant 2 : i64
    %a = memref.cast %s : memref<2xf32> to memref<?xf32>
    %b = memref.cast %z : memref<2xi64> to memref<?xi64>
    %d = memref.cast %zf : memref<2xf32> to memref<?xf32>
    %r = call @qprep_qparams(%i, %a, %b, %d) : (i64, memref<?xf32>, memref<?xi64>, memref<?xf32>) -> i32
    return %r : i32
  }
  // qprep_qparams for @custom (observer index 7).
  func.func @qparams_custom(%s: memref<2xf32>, %z: memref<2xi64>, %zf: memref<2xf32>) -> i32 {
    %i = arith.constant 7 : i64
    %a = memref.cast %s : memref<2xf32> to memref<?xf32>
    %b = memref.cast %z : memref<2xi64> to memref<?xi64>
    %d = memref.cast %zf : memref<2xf32> to memref<?xf32>
    %r = call @qprep_qparams(%i, %a, %b, %d) : (i64, memref<?xf32>, memref<?xi64>, memref<?xf32>) -> i32
    return %r : i32
  }
  // qprep_qparams for @dfresh (observer index 5).
  func.func @qparams_dfresh(%s: memref<1xf32>, %z: memref<1xi64>, %zf: memref<1xf32>) -> i32 {
    %i = arith.constant 5 : i64
    %a = memref.cast %s : memref<1xf32> to memref<?xf32>
    %b = memref.cast %z : memref<1xi64> to memref<?xi64>
    %d = memref.cast %zf : memref<1xf32> to memref<?xf32>
    %r = call @qprep_qparams(%i, %a, %b, %d) : (i64, memref<?xf32>, memref<?xi64>, memref<?xf32>) -> i32
    return %r : i32
  }
  // qprep_qparams for @dph (observer index 6).
  func.func @qparams_dph(%s: memref<1xf32>, %z: memref<1xi64>, %zf: memref<1xf32>) -> i32 {
    %i = arith.constant 6 : i64
    %a = memref.cast %s : memref<1xf32> to memref<?xf32>
    %b = memref.cast %z : memref<1xi64> to memref<?xi64>
    %d = memref.cast %zf : memref<1xf32> to memref<?xf32>
    %r = call @qprep_qparams(%i, %a, %b, %d) : (i64, memref<?xf32>, memref<?xi64>, memref<?xf32>) -> i32
    return %r : i32
  }
  qprep.observer @act = #qprep.qspec<ui8>
  qprep.observer @w = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0>
  qprep.observer @bias = #qprep.derived<i32, from = [@act, @w], qscheme = per_channel_symmetric, ch_axis = 0>
  qprep.observer @fresh = #qprep.qspec<ui8>
  qprep.observer @ph = #qprep.qspec<f16, dynamic, observer = placeholder>
  qprep.observer @dfresh = #qprep.derived<i32, from = [@fresh]>
  qprep.observer @dph = #qprep.derived<i32, from = [@act, @ph]>
  qprep.observer @custom = #qprep.derived<i32, from = [@act, @w], qscheme = per_channel_symmetric, ch_axis = 0, derive = @fn>
  memref.global "private" constant @x : memref<3xf32> = dense<[0.0, 2.55, 1.0]>
  memref.global "private" constant @wt : memref<2x2xf32> = dense<[[-1.27, 0.5], [0.254, -0.1]]>

  func.func private @printMemrefF32(memref<*xf32>)
  func.func private @printMemrefI64(memref<*xi64>)
  func.func private @qprep_update_qparams()
  func.func private @printMemrefI32(memref<*xi32>)

  func.func @fn(%sa: memref<1xf32>, %za: memref<1xi64>, %sw: memref<2xf32>, %zw: memref<2xi64>) -> (memref<2xf32>, memref<2xi64>) {
    %z = memref.alloc() : memref<2xi64>
    %seven = arith.constant 7 : i64
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    memref.store %seven, %z[%c0] : memref<2xi64>
    memref.store %seven, %z[%c1] : memref<2xi64>
    return %sw, %z : memref<2xf32>, memref<2xi64>
  }


  func.func @print(%s: memref<2xf32>, %z: memref<2xi64>) {
    %su = memref.cast %s : memref<2xf32> to memref<*xf32>
    %zu = memref.cast %z : memref<2xi64> to memref<*xi64>
    call @printMemrefF32(%su) : (memref<*xf32>) -> ()
    call @printMemrefI64(%zu) : (memref<*xi64>) -> ()
    return
  }

  func.func @main() {
    %x = memref.get_global @x : memref<3xf32>
    %wt = memref.get_global @wt : memref<2x2xf32>
    %0 = qprep.observe %x, @act : memref<3xf32>
    %1 = qprep.observe %wt, @w : memref<2x2xf32>
    %s = memref.alloca() : memref<2xf32>
    %z = memref.alloca() : memref<2xi64>
    %zf = memref.alloca() : memref<2xf32>
    call @qprep_update_qparams() : () -> ()
    %r0 = call @qparams_bias(%s, %z, %zf) : (memref<2xf32>, memref<2xi64>, memref<2xf32>) -> i32
    call @print(%s, %z) : (memref<2xf32>, memref<2xi64>) -> ()
    %r1 = call @qparams_custom(%s, %z, %zf) : (memref<2xf32>, memref<2xi64>, memref<2xf32>) -> i32
    call @print(%s, %z) : (memref<2xf32>, memref<2xi64>) -> ()
    %s1 = memref.alloca() : memref<1xf32>
    %z1 = memref.alloca() : memref<1xi64>
    %zf1 = memref.alloca() : memref<1xf32>
    %r2 = call @qparams_dfresh(%s1, %z1, %zf1) : (memref<1xf32>, memref<1xi64>, memref<1xf32>) -> i32
    %r3 = call @qparams_dph(%s1, %z1, %zf1) : (memref<1xf32>, memref<1xi64>, memref<1xf32>) -> i32
    %rs = memref.alloca() : memref<3xi32>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    memref.store %r0, %rs[%c0] : memref<3xi32>
    memref.store %r2, %rs[%c1] : memref<3xi32>
    memref.store %r3, %rs[%c2] : memref<3xi32>
    %ru = memref.cast %rs : memref<3xi32> to memref<*xi32>
    call @printMemrefI32(%ru) : (memref<*xi32>) -> ()
    return
  }
}
