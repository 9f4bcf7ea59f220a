// qprep-lower-quant under mlir-runner: quantize / dequantize edge values and
// print the stored integers and the dequantized floats.
// RUN: qprep-opt %s --qprep-lower-quant \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   --buffer-deallocation-pipeline --convert-bufferization-to-memref --convert-linalg-to-loops \
// RUN:   --convert-scf-to-cf --expand-strided-metadata --lower-affine --finalize-memref-to-llvm \
// RUN:   --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so \
// RUN: | FileCheck %s

// Expected values: torch 1.13's torch.quantize_per_tensor /
// quantize_per_channel (.int_repr(), .dequantize()) on the same inputs, except
// 1e30 and +inf, where torch 1.13's x86 kernel gives qmin (an int64
// conversion artifact) and qprep saturates like the decomposed formula
// clamp(round(x * (1 / scale)) + zp, qmin, qmax) (docs/Convert.md).
//
// i8, scale 0.5, zero point 3: 1.25 * 2 = 2.5 and 1.75 * 2 = 3.5 are ties
// (to even: 2 and 4), then + 3; +-0 -> 3; 63.75 -> 127.5 -> 128 + 3 and 64
// saturate to 127; -66 -> -129 -> -128; 1e30, +inf -> 127; NaN -> -128.
// CHECK: [5,  7,  1,  -1,  3,  3,  127,  127,  -128,  127,  127,  -128]
// CHECK: [1,  2,  -1,  -2,  0,  0,  62,  62,  -65.5,  62,  62,  -65.5]
// u8 per axis 0, {0.25:128, 2.0:0}: 0.125 * 4 = 0.5 -> 0 + 128; -32.125 * 4 =
// -128.5 -> -128 + 128 = 0; 40 * 4 + 128 = 288 -> 255; 3 * 0.5 = 1.5 -> 2;
// -1 * 0.5 = -0.5 -> -0 -> 0; 600 * 0.5 = 300 -> 255.
// CHECK: {{\[\[}}128,   0,   255],
// CHECK-NEXT: [2,   0,   255]]
// CHECK: {{\[\[}}0,   -32,   31.75],
// CHECK-NEXT: [4,   0,   510]]
// i32, scale 1: 3e9 and -3e9 saturate (2^31 - 1 has no float32: the float
// clamp gives 2^31, clamped again in integers); 2.5 -> 2;
// 16777217 is 16777216 in float32.
// CHECK: [2147483647,  -2147483648,  2,  16777216]

func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefF32(memref<*xf32>)

#id1 = affine_map<(d0) -> (d0)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>

func.func @widen_i8(%i: tensor<12xi8>) -> tensor<12xi32> {
  %e = tensor.empty() : tensor<12xi32>
  %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
      ins(%i : tensor<12xi8>) outs(%e : tensor<12xi32>) {
  ^bb0(%v: i8, %o: i32):
    %w = arith.extsi %v : i8 to i32
    linalg.yield %w : i32
  } -> tensor<12xi32>
  return %r : tensor<12xi32>
}

func.func @widen_u8(%i: tensor<2x3xi8>) -> tensor<2x3xi32> {
  %e = tensor.empty() : tensor<2x3xi32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%i : tensor<2x3xi8>) outs(%e : tensor<2x3xi32>) {
  ^bb0(%v: i8, %o: i32):
    %w = arith.extui %v : i8 to i32
    linalg.yield %w : i32
  } -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

func.func @printI(%t: tensor<*xi32>) {
  %m = bufferization.to_buffer %t : tensor<*xi32> to memref<*xi32>
  call @printMemrefI32(%m) : (memref<*xi32>) -> ()
  return
}

func.func @printF(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}

func.func @main() {
  %x = arith.constant dense<[1.25, 1.75, -1.25, -1.75, 0.0, -0.0, 63.75, 64.0, -66.0, 1.0e30, 0x7F800000, 0x7FC00000]> : tensor<12xf32>
  %q = quant.qcast %x : tensor<12xf32> to tensor<12x!quant.uniform<i8:f32, 0.5:3>>
  %d = quant.dcast %q : tensor<12x!quant.uniform<i8:f32, 0.5:3>> to tensor<12xf32>
  %i = quant.scast %q : tensor<12x!quant.uniform<i8:f32, 0.5:3>> to tensor<12xi8>
  %iw = call @widen_i8(%i) : (tensor<12xi8>) -> tensor<12xi32>
  %iu = tensor.cast %iw : tensor<12xi32> to tensor<*xi32>
  call @printI(%iu) : (tensor<*xi32>) -> ()
  %du = tensor.cast %d : tensor<12xf32> to tensor<*xf32>
  call @printF(%du) : (tensor<*xf32>) -> ()

  %y = arith.constant dense<[[0.125, -32.125, 40.0], [3.0, -1.0, 600.0]]> : tensor<2x3xf32>
  %qy = quant.qcast %y : tensor<2x3xf32> to tensor<2x3x!quant.uniform<u8:f32:0, {0.25:128, 2.0:0}>>
  %dy = quant.dcast %qy : tensor<2x3x!quant.uniform<u8:f32:0, {0.25:128, 2.0:0}>> to tensor<2x3xf32>
  %iy = quant.scast %qy : tensor<2x3x!quant.uniform<u8:f32:0, {0.25:128, 2.0:0}>> to tensor<2x3xi8>
  %iyw = call @widen_u8(%iy) : (tensor<2x3xi8>) -> tensor<2x3xi32>
  %iyu = tensor.cast %iyw : tensor<2x3xi32> to tensor<*xi32>
  call @printI(%iyu) : (tensor<*xi32>) -> ()
  %dyu = tensor.cast %dy : tensor<2x3xf32> to tensor<*xf32>
  call @printF(%dyu) : (tensor<*xf32>) -> ()

  %z = arith.constant dense<[3.0e9, -3.0e9, 2.5, 16777217.0]> : tensor<4xf32>
  %qz = quant.qcast %z : tensor<4xf32> to tensor<4x!quant.uniform<i32:f32, 1.0>>
  %iz = quant.scast %qz : tensor<4x!quant.uniform<i32:f32, 1.0>> to tensor<4xi32>
  %izu = tensor.cast %iz : tensor<4xi32> to tensor<*xi32>
  call @printI(%izu) : (tensor<*xi32>) -> ()
  return
}
