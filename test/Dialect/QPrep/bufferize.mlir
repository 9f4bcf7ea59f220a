// one-shot-bufferize on observe / fake_quantize (BufferizableOpInterface).
// RUN: qprep-opt %s -split-input-file --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s

// observe reads its operand's buffer and returns it: no copy. fake_quantize
// writes; its input is still returned, so the analysis copies it first.
// CHECK-LABEL: func.func @copy_needed
// CHECK-SAME: (%[[X:.*]]: memref<4x?xf32, strided<[?, ?], offset: ?>>)
// CHECK-NEXT: %[[O:.*]] = qprep.observe %[[X]], @a : memref<4x?xf32, strided<[?, ?], offset: ?>>
// CHECK: %[[ALLOC:.*]] = memref.alloc
// CHECK: memref.copy %[[O]], %[[ALLOC]]
// CHECK: %[[F:.*]] = qprep.fake_quantize %[[ALLOC]], @a : memref<4x?xf32>
// CHECK: return %[[O]], %[[F]]
module {
  qprep.observer @a = #qprep.qspec<i8>
  func.func @copy_needed(%x: tensor<4x?xf32>) -> (tensor<4x?xf32>, tensor<4x?xf32>) {
    %0 = qprep.observe %x, @a : tensor<4x?xf32>
    %1 = qprep.fake_quantize %0, @a : tensor<4x?xf32>
    return %0, %1 : tensor<4x?xf32>, tensor<4x?xf32>
  }
}

// -----

// A fake_quantize whose input is dead afterwards works in place.
// CHECK-LABEL: func.func @in_place
// CHECK: %[[A:.*]] = memref.alloc
// CHECK: linalg.fill {{.*}} outs(%[[A]]
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.copy
// CHECK: %[[F:.*]] = qprep.fake_quantize %[[A]], @a : memref<?xf32>
// CHECK: return %[[F]]
module {
  qprep.observer @a = #qprep.qspec<i8>
  func.func @in_place(%n: index) -> tensor<?xf32> {
    %e = tensor.empty(%n) : tensor<?xf32>
    %c = arith.constant 1.0 : f32
    %f = linalg.fill ins(%c : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    %0 = qprep.fake_quantize %f, @a : tensor<?xf32>
    return %0 : tensor<?xf32>
  }
}
