// Round-trip of every qprep attribute: print -> parse -> print is stable, and
// parameters equal to their defaults are elided.
// RUN: qprep-opt %s -split-input-file --mlir-print-local-scope | qprep-opt -split-input-file --mlir-print-local-scope | FileCheck %s

// CHECK-LABEL: func.func private @observers
// CHECK-SAME: a = #qprep.observer<minmax>
// CHECK-SAME: b = #qprep.observer<histogram(eps = 2.44140625E-4, bins = 1024, upsample_rate = 8)>
// CHECK-SAME: c = #qprep.observer<moving_average_minmax(reduce_range, averaging_constant = 1.000000e+00, fake_quant)>
// CHECK-SAME: d = #qprep.observer<per_channel_minmax>
// CHECK-SAME: e = #qprep.observer<placeholder>
// CHECK-SAME: f = #qprep.observer<moving_average_per_channel_minmax>
// CHECK-SAME: g = #qprep.observer<minmax>
func.func private @observers() attributes {
  t.a = #qprep.observer<minmax>,
  t.b = #qprep.observer<histogram(bins = 1024, upsample_rate = 8, eps = 0.000244140625)>,
  t.c = #qprep.observer<moving_average_minmax(fake_quant, averaging_constant = 1.0, reduce_range)>,
  t.d = #qprep.observer<per_channel_minmax>,
  t.e = #qprep.observer<placeholder>,
  t.f = #qprep.observer<moving_average_per_channel_minmax(averaging_constant = 0.01)>,
  // Defaults written out are the same attribute as defaults left out.
  t.g = #qprep.observer<minmax(eps = 1.1920928955078125e-07, bins = 2048, upsample_rate = 16)>
}

// -----

// CHECK-LABEL: func.func private @qspecs
// CHECK-SAME: a = #qprep.qspec<i8>
// CHECK-SAME: b = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram>
// CHECK-SAME: c = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK-SAME: d = #qprep.qspec<f32, dynamic, observer = placeholder>
// CHECK-SAME: e = #qprep.qspec<i16, qscheme = per_tensor_symmetric>
// CHECK-SAME: f = #qprep.qspec<ui16, quant_min = 0, quant_max = 1000>
// CHECK-SAME: g = #qprep.qspec<i32, quant_min = -2147483648, quant_max = 2147483647>
// CHECK-SAME: h = #qprep.qspec<f8E4M3FN, quant_min = -448, quant_max = 448, qscheme = per_tensor_symmetric>
// CHECK-SAME: i = #qprep.qspec<f8E5M2>
// CHECK-SAME: j = #qprep.qspec<f16, observer = placeholder>
// CHECK-SAME: k = #qprep.qspec<ui8, qscheme = per_channel_affine_float_qparams, ch_axis = 1>
// CHECK-SAME: l = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 2, observer = moving_average_per_channel_minmax(averaging_constant = 1.000000e-01)>
// CHECK-SAME: m = #qprep.qspec<i8, qscheme = per_tensor_affine, ch_axis = 3>
// CHECK-SAME: n = #qprep.qspec<i8, observer = moving_average_minmax(averaging_constant = 1.000000e+00)>
// CHECK-SAME: o = #qprep.qspec<i8, dynamic, observer = moving_average_minmax(averaging_constant = 1.000000e+00)>
func.func private @qspecs() attributes {
  t.a = #qprep.qspec<i8>,
  t.b = #qprep.qspec<ui8, observer = histogram, qscheme = per_tensor_affine, quant_max = 255, quant_min = 0>,
  t.c = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>,
  t.d = #qprep.qspec<f32, dynamic, observer = placeholder>,
  t.e = #qprep.qspec<i16, qscheme = per_tensor_symmetric>,
  t.f = #qprep.qspec<ui16, quant_min = 0, quant_max = 1000>,
  t.g = #qprep.qspec<i32, quant_min = -2147483648, quant_max = 2147483647>,
  t.h = #qprep.qspec<f8E4M3FN, quant_min = -448, quant_max = 448, qscheme = per_tensor_symmetric>,
  t.i = #qprep.qspec<f8E5M2>,
  t.j = #qprep.qspec<f16, observer = placeholder>,
  // The default observer of a per-channel scheme is per_channel_minmax.
  t.k = #qprep.qspec<ui8, qscheme = per_channel_affine_float_qparams, ch_axis = 1, observer = per_channel_minmax>,
  t.l = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 2, observer = moving_average_per_channel_minmax(averaging_constant = 0.1)>,
  // ch_axis on a per-tensor spec is kept: PyTorch compares it for implicit
  // sharing even though the observer drops it.
  t.m = #qprep.qspec<i8, qscheme = per_tensor_affine, ch_axis = 3>,
  t.n = #qprep.qspec<i8, observer = moving_average_minmax(averaging_constant = 1.0)>,
  t.o = #qprep.qspec<i8, dynamic, observer = moving_average_minmax(averaging_constant = 1.0)>
}

// -----

// An explicit observer equal to the default is elided, and an absent range is
// not the same attribute as an explicit one.
// CHECK-LABEL: func.func private @qspec_canonical
// CHECK-SAME: a = #qprep.qspec<i8>
// CHECK-SAME: b = #qprep.qspec<i8, quant_min = -128, quant_max = 127>
// CHECK-SAME: c = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK-SAME: d = #qprep.qspec<i8, qscheme = per_tensor_affine>
func.func private @qspec_canonical() attributes {
  t.a = #qprep.qspec<i8, observer = minmax>,
  t.b = #qprep.qspec<i8, quant_min = -128, quant_max = 127>,
  t.c = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax>,
  t.d = #qprep.qspec<i8, qscheme = per_tensor_affine, observer = minmax()>
}

// -----

// CHECK-LABEL: func.func private @fixed
// CHECK-SAME: a = #qprep.fixed_qspec<ui8, scale = 3.906250e-03, zero_point = 0>
// CHECK-SAME: b = #qprep.fixed_qspec<ui8, scale = 7.812500e-03, zero_point = 128, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine>
// CHECK-SAME: c = #qprep.fixed_qspec<i8, scale = 3.906250e-03, zero_point = -128>
// CHECK-SAME: d = #qprep.fixed_qspec<ui8, scale = 1.250000e-01, zero_point = 42>
func.func private @fixed() attributes {
  t.a = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>,
  t.b = #qprep.fixed_qspec<ui8, zero_point = 128, scale = 0.0078125, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine>,
  t.c = #qprep.fixed_qspec<i8, scale = 0.00390625, zero_point = -128>,
  t.d = #qprep.fixed_qspec<ui8, scale = 0.125, zero_point = 42>
}

// -----

// CHECK-LABEL: func.func private @refs
// CHECK-SAME: a = #qprep.ref<edge 0>
// CHECK-SAME: b = #qprep.ref<operand 2>
// CHECK-SAME: c = #qprep.ref<result 1 of "conv1">
// CHECK-SAME: d = #qprep.shared<edge 1>
// CHECK-SAME: e = #qprep.shared<result 0 of "cat">
// CHECK-SAME: f = #qprep.shared<operand 0>
// CHECK-SAME: g = #qprep.none
func.func private @refs() attributes {
  t.a = #qprep.ref<edge 0>,
  t.b = #qprep.ref<operand 2>,
  t.c = #qprep.ref<result 1 of "conv1">,
  t.d = #qprep.shared<edge 1>,
  t.e = #qprep.shared<result 0 of "cat">,
  t.f = #qprep.shared<operand 0>,
  t.g = #qprep.none
}

// -----

// CHECK-LABEL: func.func private @derived
// CHECK-SAME: a = #qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_tensor_symmetric>
// CHECK-SAME: b = #qprep.derived<i32, from = [edge 1 of "conv"], quant_min = -2147483647, quant_max = 2147483647, qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK-SAME: c = #qprep.derived<i32, from = [@obs0, @obs1], derive = @bias_qparams>
// CHECK-SAME: d = #qprep.derived<i32, from = [operand 0, result 0 of "x"]>
// CHECK-SAME: e = #qprep.derived<i16, from = [edge 0], dynamic>
func.func private @derived() attributes {
  t.a = #qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_tensor_symmetric>,
  t.b = #qprep.derived<i32, quant_min = -2147483647, quant_max = 2147483647, from = [edge 1 of "conv"], qscheme = per_channel_symmetric, ch_axis = 0>,
  t.c = #qprep.derived<i32, from = [@obs0, @obs1], derive = @bias_qparams>,
  // derive = scale_product is the default and is elided.
  t.d = #qprep.derived<i32, from = [operand 0, result 0 of "x"], derive = scale_product>,
  t.e = #qprep.derived<i16, from = [edge 0], dynamic>
}

// -----

// Without --mlir-print-local-scope, specs get module-level aliases.
// RUN: qprep-opt %s -split-input-file | FileCheck %s --check-prefix=ALIAS
// ALIAS: #[[FQ:fixed_qspec[0-9]*]] = #qprep.fixed_qspec<ui8, scale = 3.906250e-03, zero_point = 0>
// ALIAS: #[[Q:qspec[0-9]*]] = #qprep.qspec<i8>
// ALIAS-LABEL: func.func private @aliases
// ALIAS-SAME: t.a = #[[Q]], t.b = #[[Q]], t.c = #[[FQ]]
func.func private @aliases() attributes {
  t.a = #qprep.qspec<i8>, t.b = #qprep.qspec<i8>,
  t.c = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>
}
