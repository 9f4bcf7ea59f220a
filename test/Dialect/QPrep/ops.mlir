// Round-trip of the qprep ops.
// RUN: qprep-opt %s -split-input-file --mlir-print-local-scope | qprep-opt -split-input-file --mlir-print-local-scope | FileCheck %s

// CHECK-LABEL: module
// CHECK: qprep.observer @obs0 = #qprep.qspec<i8, qscheme = per_tensor_affine>
// CHECK: qprep.observer @obs1 = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK: qprep.observer @bias = #qprep.derived<i32, from = [@obs0, @obs1], qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK: qprep.observer @bias2 = #qprep.derived<i32, from = [@obs0], derive = @bias_fn>
// CHECK: qprep.observer @sig = #qprep.fixed_qspec<ui8, scale = 3.906250e-03, zero_point = 0>
module {
  qprep.observer @obs0 = #qprep.qspec<i8, qscheme = per_tensor_affine>
  qprep.observer @obs1 = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>
  qprep.observer @bias = #qprep.derived<i32, from = [@obs0, @obs1], qscheme = per_channel_symmetric, ch_axis = 0>
  qprep.observer @bias2 = #qprep.derived<i32, from = [@obs0], derive = @bias_fn>
  qprep.observer @sig = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>
  func.func private @bias_fn(tensor<?xf32>, tensor<?xi64>) -> (tensor<?xf32>, tensor<?xi64>)
}

// -----

// Calibrated observers carry statistics and qparams.
// CHECK-LABEL: module
// CHECK: qprep.observer @a = #qprep.qspec<ui8> {max_val = array<f32: 3.000000e+00>, min_val = array<f32: -1.000000e+00>, scale = array<f32: 0.0156862754>, zero_point = array<i64: 64>}
// CHECK: qprep.observer @b = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 1> {max_val = array<f32: 1.000000e+00, 2.000000e+00>, min_val = array<f32: -1.000000e+00, -2.000000e+00>, scale = array<f32: 0.00784313772, 0.0156862754>, zero_point = array<i64: 0, 0>}
// CHECK: qprep.observer @c = #qprep.qspec<ui8, qscheme = per_channel_affine_float_qparams, ch_axis = 0> {scale = array<f32: 1.000000e+00>, zero_point = array<f32: 5.000000e-01>}
module {
  qprep.observer @a = #qprep.qspec<ui8> {min_val = array<f32: -1.0>, max_val = array<f32: 3.0>, scale = array<f32: 0.0156862754>, zero_point = array<i64: 64>}
  qprep.observer @b = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 1> {min_val = array<f32: -1.0, -2.0>, max_val = array<f32: 1.0, 2.0>, scale = array<f32: 0.00784313772, 0.0156862754>, zero_point = array<i64: 0, 0>}
  qprep.observer @c = #qprep.qspec<ui8, qscheme = per_channel_affine_float_qparams, ch_axis = 0> {scale = array<f32: 1.0>, zero_point = array<f32: 0.5>}
}

// -----

// observe and fake_quantize on static and dynamic tensors and memrefs.
// CHECK-LABEL: func.func @observe
// CHECK-SAME: (%[[T:.*]]: tensor<4x8xf32>, %[[D:.*]]: tensor<?x?xf16>, %[[M:.*]]: memref<2x3xf32>, %[[MD:.*]]: memref<?xbf16>)
// CHECK: %[[A:.*]] = qprep.observe %[[T]], @obs0 : tensor<4x8xf32>
// CHECK: %[[B:.*]] = qprep.observe %[[D]], @pc : tensor<?x?xf16>
// CHECK: %{{.*}} = qprep.observe %[[M]], @obs0 : memref<2x3xf32>
// CHECK: %{{.*}} = qprep.observe %[[MD]], @pc : memref<?xbf16>
// CHECK: %[[C:.*]] = qprep.fake_quantize %[[A]], @obs0 : tensor<4x8xf32>
// CHECK: %{{.*}} = qprep.fake_quantize %[[M]], @obs0 : memref<2x3xf32>
// CHECK: return %[[C]], %[[B]]
module {
  qprep.observer @obs0 = #qprep.qspec<i8>
  qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>
  func.func @observe(%t: tensor<4x8xf32>, %d: tensor<?x?xf16>, %m: memref<2x3xf32>, %md: memref<?xbf16>) -> (tensor<4x8xf32>, tensor<?x?xf16>) {
    %a = qprep.observe %t, @obs0 : tensor<4x8xf32>
    %b = qprep.observe %d, @pc : tensor<?x?xf16>
    %c = qprep.observe %m, @obs0 : memref<2x3xf32>
    %e = qprep.observe %md, @pc : memref<?xbf16>
    %f = qprep.fake_quantize %a, @obs0 : tensor<4x8xf32>
    %g = qprep.fake_quantize %m, @obs0 : memref<2x3xf32>
    return %f, %b : tensor<4x8xf32>, tensor<?x?xf16>
  }
}

// -----

// observe has side effects (it updates the observer): it survives even when
// its result is unused.
// RUN: qprep-opt %s -split-input-file -canonicalize -cse | FileCheck %s --check-prefix=EFFECT
// EFFECT-LABEL: func.func @unused
// EFFECT: qprep.observe
// EFFECT: qprep.observe
module {
  qprep.observer @obs0 = #qprep.qspec<i8>
  func.func @unused(%t: tensor<4xf32>) {
    %a = qprep.observe %t, @obs0 : tensor<4xf32>
    %b = qprep.observe %t, @obs0 : tensor<4xf32>
    return
  }
}
