// Outlined loops on libQPrepRuntime's threads, run with mlir-runner: every
// iteration of a 2-D loop with non-zero lower bounds and steps runs exactly
// once (each adds 1 to its own element, and its linear index to a second
// buffer), with a captured scalar and a nested parallel loop; large trip
// counts are split into parts across the threads.
// RUN: qprep-opt %s --qprep-parallel-to-runtime --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata --finalize-memref-to-llvm --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN: | FileCheck %s

// i in {1, 3, 5}, j in {0, ..., 3}: count 1 there and 0 elsewhere; value 10 i + j + 0.5.
// CHECK: sizes = [6, 4]
// CHECK-NEXT: {{\[}}[0,   0,   0,   0],
// CHECK-NEXT: [1,   1,   1,   1],
// CHECK-NEXT: [0,   0,   0,   0],
// CHECK-NEXT: [1,   1,   1,   1],
// CHECK-NEXT: [0,   0,   0,   0],
// CHECK-NEXT: [1,   1,   1,   1]]
// CHECK: sizes = [6, 4]
// CHECK-NEXT: {{\[}}[0,   0,   0,   0],
// CHECK-NEXT: [10.5,   11.5,   12.5,   13.5],
// CHECK-NEXT: [0,   0,   0,   0],
// CHECK-NEXT: [30.5,   31.5,   32.5,   33.5],
// CHECK-NEXT: [0,   0,   0,   0],
// CHECK-NEXT: [50.5,   51.5,   52.5,   53.5]]
// 100000 iterations, each incrementing its own element: the sum is 100000
// and no element is above 1.
// CHECK: sizes = [2]
// CHECK-NEXT: [100000,  1]

module {
  func.func private @printMemrefF32(memref<*xf32>)

  func.func @grid(%count: memref<6x4xf32>, %value: memref<6x4xf32>, %half: f32) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c6 = arith.constant 6 : index
    %c4 = arith.constant 4 : index
    %ten = arith.constant 10.0 : f32
    %one = arith.constant 1.0 : f32
    scf.parallel (%i, %j) = (%c1, %c0) to (%c6, %c4) step (%c2, %c1) {
      %old = memref.load %count[%i, %j] : memref<6x4xf32>
      %new = arith.addf %old, %one : f32
      memref.store %new, %count[%i, %j] : memref<6x4xf32>
      // A nested parallel loop runs inline on this iteration's thread.
      scf.parallel (%k) = (%c0) to (%c1) step (%c1) {
        %ii = arith.index_cast %i : index to i32
        %jj = arith.index_cast %j : index to i32
        %fi = arith.sitofp %ii : i32 to f32
        %fj = arith.sitofp %jj : i32 to f32
        %a = arith.mulf %fi, %ten : f32
        %b = arith.addf %a, %fj : f32
        %v = arith.addf %b, %half : f32
        memref.store %v, %value[%i, %j] : memref<6x4xf32>
        scf.reduce
      }
      scf.reduce
    }
    return
  }

  func.func @many(%m: memref<100000xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %n = arith.constant 100000 : index
    %one = arith.constant 1.0 : f32
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      %old = memref.load %m[%i] : memref<100000xf32>
      %new = arith.addf %old, %one : f32
      memref.store %new, %m[%i] : memref<100000xf32>
      scf.reduce
    }
    return
  }

  func.func @main() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %n = arith.constant 100000 : index
    %zero = arith.constant 0.0 : f32
    %half = arith.constant 0.5 : f32
    %count = memref.alloc() : memref<6x4xf32>
    %value = memref.alloc() : memref<6x4xf32>
    linalg.fill ins(%zero : f32) outs(%count : memref<6x4xf32>)
    linalg.fill ins(%zero : f32) outs(%value : memref<6x4xf32>)
    call @grid(%count, %value, %half) : (memref<6x4xf32>, memref<6x4xf32>, f32) -> ()
    %u0 = memref.cast %count : memref<6x4xf32> to memref<*xf32>
    call @printMemrefF32(%u0) : (memref<*xf32>) -> ()
    %u1 = memref.cast %value : memref<6x4xf32> to memref<*xf32>
    call @printMemrefF32(%u1) : (memref<*xf32>) -> ()

    %m = memref.alloc() : memref<100000xf32>
    linalg.fill ins(%zero : f32) outs(%m : memref<100000xf32>)
    call @many(%m) : (memref<100000xf32>) -> ()
    %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%s = %zero, %mx = %zero) -> (f32, f32) {
      %v = memref.load %m[%i] : memref<100000xf32>
      %s2 = arith.addf %s, %v : f32
      %mx2 = arith.maximumf %mx, %v : f32
      scf.yield %s2, %mx2 : f32, f32
    }
    %out = memref.alloc() : memref<2xf32>
    memref.store %r#0, %out[%c0] : memref<2xf32>
    memref.store %r#1, %out[%c1] : memref<2xf32>
    %u2 = memref.cast %out : memref<2xf32> to memref<*xf32>
    call @printMemrefF32(%u2) : (memref<*xf32>) -> ()
    return
  }
}
