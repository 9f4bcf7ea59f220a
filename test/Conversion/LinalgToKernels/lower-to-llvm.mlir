// qprep-lower-to-llvm runs the forward's kernels by default: the conv
// becomes an outlined parallel loop (qprep_rt_parallel_for) and buffers come
// from libQPrepRuntime's cache (MLIR's generic allocation functions);
// kernels=false keeps the scalar loops and malloc/free.
// RUN: qprep-opt %s --qprep-lower-to-llvm | FileCheck %s
// RUN: qprep-opt %s --qprep-lower-to-llvm=kernels=false | FileCheck %s --check-prefix=SCALAR
// RUN: qprep-opt %s --qprep-lower-to-llvm="lanes=8 registers=16" | FileCheck %s --check-prefix=AVX2

// CHECK-DAG: llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
// CHECK-DAG: llvm.func @qprep_rt_parallel_for(i64, !llvm.ptr, !llvm.ptr)
// CHECK-DAG: llvm.call @_mlir_memref_to_llvm_alloc
// CHECK-DAG: llvm.mlir.addressof @forward__par
// CHECK-DAG: llvm.func @forward__par(%{{.*}}: !llvm.ptr, %{{.*}}: i64, %{{.*}}: i64)
// CHECK-DAG: vector<16xf32>
// CHECK-NOT: llvm.call @malloc
// SCALAR-NOT: qprep_rt_parallel_for
// SCALAR-NOT: _mlir_memref_to_llvm
// SCALAR: llvm.call @malloc
// AVX2: vector<8xf32>
// AVX2-NOT: vector<16xf32>
func.func @forward(%x: tensor<1x16x16x8xf32>) -> tensor<1x16x16x16xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<16x3x3x8xf32>} : () -> tensor<16x3x3x8xf32>
  %b = "tosa.const"() {values = dense<0.25> : tensor<16xf32>} : () -> tensor<16xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
       : (tensor<1x16x16x8xf32>, tensor<16x3x3x8xf32>, tensor<16xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x16xf32>
  return %0 : tensor<1x16x16x16xf32>
}
