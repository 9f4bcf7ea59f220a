// RUN: qprep-opt %s --qprep-convert --split-input-file --verify-diagnostics --allow-unregistered-dialect

// Every observer that cannot be converted is an error naming it, with a
// note at each of its call sites; nothing is silently skipped.

// expected-error@+1 {{observer @obs0 cannot be converted: it has no statistics: it was never called during calibration}}
qprep.observer @obs0 = #qprep.qspec<i8>
func.func @uncalibrated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here by qprep.observe on block argument 0, used by foo.a, foo.b}}
  %0 = qprep.observe %x, @obs0 : tensor<4xf32>
  %1 = "foo.a"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  // expected-note@+1 {{called here by qprep.observe on a result of foo.a, used by func.return}}
  %2 = qprep.observe %1, @obs0 : tensor<4xf32>
  %3 = "foo.b"(%0) : (tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// expected-error@+1 {{observer @nan cannot be converted: its statistics are NaN (NaN in the calibration data?)}}
qprep.observer @nan = #qprep.qspec<i8> {min_val = array<f32: 0x7FC00000>, max_val = array<f32: 0x7FC00000>}
func.func @nan_stats(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %x, @nan : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error@+1 {{observer @inf cannot be converted: its statistics are infinite (inf in the calibration data?)}}
qprep.observer @inf = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0> {min_val = array<f32: -1.0, 0xFF800000>, max_val = array<f32: 1.0, 2.0>}
func.func @inf_stats(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.fake_quantize %x, @inf : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// expected-error@+1 {{observer @ph cannot be converted: a placeholder observer of i8 has no qparams (PyTorch's PlaceholderObserver raises in calculate_qparams)}}
qprep.observer @ph = #qprep.qspec<i8, observer = placeholder>
func.func @placeholder(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %x, @ph : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

qprep.observer @a = #qprep.qspec<i8>
qprep.observer @w = #qprep.qspec<i8> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.00784313772>, zero_point = array<i64: -1>}
// expected-error@+1 {{observer @b cannot be converted: it is derived from observers without qparams (@a)}}
qprep.observer @b = #qprep.derived<i32, from = [@a, @w]>
func.func @derived(%b: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %b, @b : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error@+1 {{observer @f8 cannot be converted: float8 storage (f8E4M3FN) has no !quant.uniform form: the quant dialect of MLIR 22 stores integers only}}
qprep.observer @f8 = #qprep.qspec<f8E4M3FN> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.5>, zero_point = array<i64: 0>}
func.func @float8(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %x, @f8 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// expected-error@+1 {{observer @fq cannot be converted: per_channel_affine_float_qparams has float zero points, which !quant.uniform cannot express}}
qprep.observer @fq = #qprep.qspec<ui8, qscheme = per_channel_affine_float_qparams, ch_axis = 0> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.5>, zero_point = array<f32: 2.0>}
func.func @float_qparams(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %x, @fq : tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

// expected-error@+1 {{observer @d16 cannot be converted: dynamic quantization to i16 is not supported (PyTorch's reference flow supports i8 and ui8)}}
qprep.observer @d16 = #qprep.qspec<i16, dynamic>
func.func @dynamic_i16(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %x, @d16 : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A dynamic fixed-qparams spec no longer verifies (FixedQParamsObserver
// raises; test/Dialect/QPrep/observer-rules.mlir), so it cannot reach here.
// expected-error@+1 {{fixed qparams do not support dynamic quantization (FixedQParamsObserver raises)}}
qprep.observer @fixed = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0, dynamic>

// -----

// expected-error@+1 {{observer @zero cannot be converted: its scale 0.000000 is not a positive finite number}}
qprep.observer @zero = #qprep.qspec<i8> {min_val = array<f32: 0.0>, max_val = array<f32: 0.0>, scale = array<f32: 0.0>, zero_point = array<i64: 0>}
func.func @zero_scale(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note@+1 {{called here}}
  %0 = qprep.observe %x, @zero : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

qprep.observer @obs = #qprep.qspec<i8> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.00784313772>, zero_point = array<i64: -1>}
func.func @memref(%m: memref<4xf32>) -> memref<4xf32> {
  // expected-error@+1 {{'qprep.observe' op observes a 'memref<4xf32>'; qprep-convert works on tensors (run it before bufferization)}}
  %0 = qprep.observe %m, @obs : memref<4xf32>
  return %0 : memref<4xf32>
}

// -----

qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0> {min_val = array<f32: -1.0, -1.0>, max_val = array<f32: 1.0, 1.0>, scale = array<f32: 0.5, 0.5>, zero_point = array<i64: 0, 0>}
func.func @channels(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // expected-error@+1 {{'qprep.observe' op has 3 channels on axis 0, but observer @pc has 2 scales}}
  %0 = qprep.observe %x, @pc : tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

qprep.observer @dyn = #qprep.qspec<i8, dynamic>
func.func @dynamic_f16(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error@+1 {{'qprep.observe' op dynamic quantization of 'f16' values is not supported (PyTorch's choose_qparams takes float32)}}
  %0 = qprep.observe %x, @dyn : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

qprep.observer @small = #qprep.qspec<i8> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 1.0e-10>, zero_point = array<i64: 0>}
func.func @f16_scale(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error@+1 {{'qprep.observe' op scale out of expressed type range [5.960464e-08, 6.550400e+04]}}
  %0 = qprep.observe %x, @small : tensor<4xf16>
  return %0 : tensor<4xf16>
}
