// RUN: qprep-opt %s --qprep-lower-quant --split-input-file | FileCheck %s

// PyTorch's quantize: x * float32(1 / scale), round half to even, + zero
// point, clamp in float (maxnumf/minnumf: NaN becomes qmin), convert.
// 1 / 0.5 = 2.0; zero point 3.

// A per-tensor cast is one loop over the value viewed as 1-D.

// CHECK-LABEL: func.func @qcast_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<2x?xf32>)
// CHECK-DAG: %[[INV:.*]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[ZP:.*]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[D1:.*]] = tensor.dim %[[X]], %[[C1]]
// CHECK: %[[F:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1]] : tensor<2x?xf32> into tensor<?xf32>
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?xi8>
// CHECK: %[[I:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[F]] : tensor<?xf32>) outs(%[[E]] : tensor<?xi8>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: i8):
// CHECK:   %[[M:.*]] = arith.mulf %[[IN]], %[[INV]] : f32
// CHECK:   %[[R:.*]] = math.roundeven %[[M]] : f32
// CHECK:   %[[V:.*]] = arith.addf %[[R]], %[[ZP]] : f32
// CHECK:   %[[LO:.*]] = arith.constant -1.280000e+02 : f32
// CHECK:   %[[V1:.*]] = arith.maxnumf %[[V]], %[[LO]] : f32
// CHECK:   %[[HI:.*]] = arith.constant 1.270000e+02 : f32
// CHECK:   %[[V2:.*]] = arith.minnumf %[[V1]], %[[HI]] : f32
// CHECK:   %[[W:.*]] = arith.fptosi %[[V2]] : f32 to i64
// CHECK:   %[[T:.*]] = arith.trunci %[[W]] : i64 to i8
// CHECK:   linalg.yield %[[T]] : i8
// CHECK: %[[U:.*]] = tensor.expand_shape %[[I]] {{\[\[}}0, 1]] output_shape [2, %[[D1]]] : tensor<?xi8> into tensor<2x?xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[U]] : tensor<2x?xi8> to tensor<2x?x!quant.uniform<i8:f32, 5.000000e-01:3>>
// CHECK: return %[[Q]]
func.func @qcast_per_tensor(%x: tensor<2x?xf32>) -> tensor<2x?x!quant.uniform<i8:f32, 0.5:3>> {
  %0 = quant.qcast %x : tensor<2x?xf32> to tensor<2x?x!quant.uniform<i8:f32, 0.5:3>>
  return %0 : tensor<2x?x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// PyTorch's dequantize: (q - zero point) in integers, to float32, * scale.
// Unsigned storage is zero-extended.

// CHECK-LABEL: func.func @dcast_per_tensor_u8
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>>)
// CHECK: %[[I:.*]] = quant.scast %[[Q]] : tensor<4x!quant.uniform<u8:f32, 2.500000e-01:128>> to tensor<4xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[ZP:.*]] = arith.constant 128 : i64
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<4xi8>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: ^bb0(%[[IN:.*]]: i8, %{{.*}}: f32):
// CHECK:   %[[W:.*]] = arith.extui %[[IN]] : i8 to i64
// CHECK:   %[[D:.*]] = arith.subi %[[W]], %[[ZP]] : i64
// CHECK:   %[[F:.*]] = arith.sitofp %[[D]] : i64 to f32
// CHECK:   %[[R:.*]] = arith.mulf %[[F]], %[[S]] : f32
// CHECK:   linalg.yield %[[R]] : f32
func.func @dcast_per_tensor_u8(%q: tensor<4x!quant.uniform<u8:f32, 0.25:128>>) -> tensor<4xf32> {
  %0 = quant.dcast %q : tensor<4x!quant.uniform<u8:f32, 0.25:128>> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Per axis: the channel's 1 / scale and zero point come from constant
// tables indexed by the channel dimension (here 1).

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @per_axis
// CHECK-SAME: (%[[X:.*]]: tensor<3x2xf32>)
// CHECK-DAG: %[[INV:.*]] = arith.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[ZPF:.*]] = arith.constant dense<[0.000000e+00, -1.000000e+00]> : tensor<2xf32>
// CHECK: %[[I:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]], {{.*}}} ins(%[[X]], %[[INV]], %[[ZPF]] : tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>) outs(%{{.*}} : tensor<3x2xi8>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[IV:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: i8):
// CHECK:   arith.mulf %[[IN]], %[[IV]] : f32
// CHECK:   arith.addf %{{.*}}, %[[Z]] : f32
// CHECK-DAG: %[[S:.*]] = arith.constant dense<[5.000000e-01, 2.500000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant dense<[0, -1]> : tensor<2xi64>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[ID]]], {{.*}}} ins(%[[I]], %[[S]], %[[ZP]] : tensor<3x2xi8>, tensor<2xf32>, tensor<2xi64>) outs(%{{.*}} : tensor<3x2xf32>)
// CHECK-NOT: quant.
// CHECK: return
func.func @per_axis(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %0 = quant.qcast %x : tensor<3x2xf32> to tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 0.25:-1}>>
  %1 = quant.dcast %0 : tensor<3x2x!quant.uniform<i8:f32:1, {0.5, 0.25:-1}>> to tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}

// -----

// Per axis on a higher rank: the value is viewed as [before, channel, after].

// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[CH3:.*]] = affine_map<(d0, d1, d2) -> (d1)>
// CHECK-LABEL: func.func @per_axis_rank4
// CHECK: %[[F:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<2x3x20xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[CH3]], #[[CH3]], #[[ID3]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[F]], {{.*}}) outs(%{{.*}} : tensor<2x3x20xi8>)
// CHECK: tensor.expand_shape %{{.*}} {{\[\[}}0], [1], [2, 3]] output_shape [2, 3, 4, 5] : tensor<2x3x20xi8> into tensor<2x3x4x5xi8>
func.func @per_axis_rank4(%x: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> {
  %0 = quant.qcast %x : tensor<2x3x4x5xf32> to tensor<2x3x4x5x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
  return %0 : tensor<2x3x4x5x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>
}

// -----

// A dynamic channel dimension is checked at run time.

// CHECK-LABEL: func.func @per_axis_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[D:.*]] = tensor.dim %[[X]], %[[C0]]
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[D]], %[[C2]] : index
// CHECK: cf.assert %[[OK]], "qprep: per-axis quantized type expects 2 channels on axis 0"
func.func @per_axis_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>> {
  %0 = quant.qcast %x : tensor<?x4xf32> to tensor<?x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  return %0 : tensor<?x4x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
}

// -----

// 32-bit storage: 2^31 - 1 has no float32, so the float clamp (to 2^31) is
// followed by an integer one; -2^31 is exact and needs none.

// CHECK-LABEL: func.func @i32
// CHECK: arith.minnumf
// CHECK: %[[W:.*]] = arith.fptosi %{{.*}} : f32 to i64
// CHECK-NOT: arith.maxsi
// CHECK: %[[MAX:.*]] = arith.constant 2147483647 : i64
// CHECK: %[[C:.*]] = arith.minsi %[[W]], %[[MAX]] : i64
// CHECK: arith.trunci %[[C]] : i64 to i32
// CHECK: arith.extsi %{{.*}} : i32 to i64
func.func @i32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i32:f32, 0.001>>
  %1 = quant.dcast %0 : tensor<4x!quant.uniform<i32:f32, 0.001>> to tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Scalars; f16 values are widened to f32 to quantize (PyTorch:
// input.to(float32)) and the dequantized f32 product is rounded to f16.

// CHECK-LABEL: func.func @scalar_f16
// CHECK-SAME: (%[[X:.*]]: f16)
// CHECK: %[[W:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK: arith.mulf %[[W]], %{{.*}} : f32
// CHECK: %[[I:.*]] = arith.trunci %{{.*}} : i64 to i16
// CHECK: %[[E:.*]] = arith.extsi %[[I]] : i16 to i64
// CHECK: %[[R:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: %[[H:.*]] = arith.truncf %[[R]] : f32 to f16
// CHECK: return %[[H]] : f16
func.func @scalar_f16(%x: f16) -> f16 {
  %0 = quant.qcast %x : f16 to !quant.uniform<i16:f16, 0.125>
  %1 = quant.dcast %0 : !quant.uniform<i16:f16, 0.125> to f16
  return %1 : f16
}

// -----

// Quantized values that cross a function boundary keep their type through
// quant.scast; a weight stored as integers loses its casts.

// CHECK-LABEL: func.func @boundary
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01>>)
// CHECK: %[[I:.*]] = quant.scast %[[Q]] : tensor<4x!quant.uniform<i8:f32, 5.000000e-01>> to tensor<4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[I]] : tensor<4xi8>)
// CHECK: %[[W:.*]] = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[W]] : tensor<4xi8>)
// CHECK-NOT: quant.scast
func.func @boundary(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  %c = arith.constant dense<[1, 2, 3, 4]> : tensor<4xi8>
  %w = quant.scast %c : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  %1 = quant.dcast %w : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}
