// RUN: qprep-opt %s --qprep-conv-filter-to-hwcf --split-input-file | FileCheck %s

// A constant filter is transposed at compile time: w[f][kh][kw][c] = 1000f + 100kh + 10kw + c
// becomes HWCF, so the element (kh, kw, c, f) = (0, 1, 0, 1) is 1010.
// CHECK-LABEL: func @dense
// CHECK-NOT: linalg.transpose
// CHECK-NOT: tensor<2x1x2x2xf32>
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}0.000000e+00, 1.000000e+03], [1.000000e+00, 1.001000e+03]], {{\[\[}}1.000000e+01, 1.010000e+03], [1.100000e+01, 1.011000e+03]]]]> : tensor<1x2x2x2xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %[[W]] : tensor<1x5x5x2xf32>, tensor<1x2x2x2xf32>) outs(%{{.*}} : tensor<1x2x2x2xf32>)
func.func @dense(%x: tensor<1x5x5x2xf32>, %init: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<[[[[0.0, 1.0], [10.0, 11.0]]], [[[1000.0, 1001.0], [1010.0, 1011.0]]]]> : tensor<2x1x2x2xf32>
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
         ins(%x, %w : tensor<1x5x5x2xf32>, tensor<2x1x2x2xf32>) outs(%init : tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// A splat stays a splat of the new shape; convs without strides/dilations keep their defaults.
// CHECK-LABEL: func @splat
// CHECK-NOT: tensor<8x3x3x4xf32>
// CHECK: %[[W:.*]] = arith.constant dense<5.000000e-01> : tensor<3x3x4x8xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf ins(%{{.*}}, %[[W]] : tensor<1x6x6x4xf32>, tensor<3x3x4x8xf32>)
func.func @splat(%x: tensor<1x6x6x4xf32>, %init: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x3x3x4xf32>
  %0 = linalg.conv_2d_nhwc_fhwc ins(%x, %w : tensor<1x6x6x4xf32>, tensor<8x3x3x4xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// dense_resource filters (how exporters store weights) are transposed into a new blob:
// w (F=2, KH=KW=1, C=2) = [[1, 2], [3, 4]] -> HWCF [[1, 3], [2, 4]].
// CHECK-LABEL: func @resource
// CHECK: %[[W:.*]] = arith.constant dense_resource<qprep_hwcf> : tensor<1x1x2x2xf32>
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}}ins(%{{.*}}, %[[W]]
// CHECK-NOT: w0:
// CHECK: qprep_hwcf: "0x040000000000803F000040400000004000008040"
func.func @resource(%x: tensor<1x3x3x2xf32>, %init: tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32> {
  %w = arith.constant dense_resource<w0> : tensor<2x1x1x2xf32>
  %0 = linalg.conv_2d_nhwc_fhwc ins(%x, %w : tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>) outs(%init : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  return %0 : tensor<1x3x3x2xf32>
}
{-# dialect_resources: { builtin: { w0: "0x040000000000803F000000400000404000008040" } } #-}

// -----

// A filter that is not a constant is transposed at run time.
// CHECK-LABEL: func @argument
// CHECK: %[[E:.*]] = tensor.empty() : tensor<3x3x4x8xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg1 : tensor<8x3x3x4xf32>) outs(%[[E]] : tensor<3x3x4x8xf32>) permutation = [1, 2, 3, 0]
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%arg0, %[[T]] : tensor<1x8x8x4xf32>, tensor<3x3x4x8xf32>)
func.func @argument(%x: tensor<1x8x8x4xf32>, %w: tensor<8x3x3x4xf32>, %init: tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = linalg.conv_2d_nhwc_fhwc {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%x, %w : tensor<1x8x8x4xf32>, tensor<8x3x3x4xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %0 : tensor<1x4x4x8xf32>
}

// -----

// Left alone: other element types, dynamic filters, convs on memrefs.
// CHECK-LABEL: func @untouched
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} tensor<8x3x3x4xf16>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} tensor<?x3x3x4xf32>
// CHECK: linalg.conv_2d_nhwc_fhwc {{.*}} memref<8x3x3x4xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @untouched(%x: tensor<1x6x6x4xf16>, %w: tensor<8x3x3x4xf16>, %i: tensor<1x4x4x8xf16>,
                     %xd: tensor<1x6x6x4xf32>, %wd: tensor<?x3x3x4xf32>, %id: tensor<1x4x4x?xf32>,
                     %xm: memref<1x6x6x4xf32>, %wm: memref<8x3x3x4xf32>, %im: memref<1x4x4x8xf32>)
    -> (tensor<1x4x4x8xf16>, tensor<1x4x4x?xf32>) {
  %0 = linalg.conv_2d_nhwc_fhwc ins(%x, %w : tensor<1x6x6x4xf16>, tensor<8x3x3x4xf16>) outs(%i : tensor<1x4x4x8xf16>) -> tensor<1x4x4x8xf16>
  %1 = linalg.conv_2d_nhwc_fhwc ins(%xd, %wd : tensor<1x6x6x4xf32>, tensor<?x3x3x4xf32>) outs(%id : tensor<1x4x4x?xf32>) -> tensor<1x4x4x?xf32>
  linalg.conv_2d_nhwc_fhwc ins(%xm, %wm : memref<1x6x6x4xf32>, memref<8x3x3x4xf32>) outs(%im : memref<1x4x4x8xf32>)
  return %0, %1 : tensor<1x4x4x8xf16>, tensor<1x4x4x?xf32>
}
