// Every diagnostic of the qprep attributes, annotations and ops.
// RUN: qprep-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

//===----------------------------------------------------------------------===//
// Spec parameters
//===----------------------------------------------------------------------===//

// expected-error @+1 {{unsupported dtype 'i4'; expected one of i8, ui8, i16, ui16, i32, f8E4M3FN, f8E5M2, f16, f32}}
func.func private @f() attributes {t.a = #qprep.qspec<i4>}

// -----

// expected-error @+1 {{unsupported dtype 'si8'}}
func.func private @f() attributes {t.a = #qprep.qspec<si8>}

// -----

// expected-error @+1 {{unsupported dtype 'bf16'}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<bf16, scale = 1.0, zero_point = 0>}

// -----

// expected-error @+1 {{quant_min and quant_max must be given together}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, quant_min = -128>}

// -----

// expected-error @+1 {{quantization range [1, 255] must include 0}}
func.func private @f() attributes {t.a = #qprep.qspec<ui8, quant_min = 1, quant_max = 255>}

// -----

// expected-error @+1 {{quantization range [-10, -1] must include 0}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, quant_min = -10, quant_max = -1>}

// -----

// expected-error @+1 {{quant_min (0) must be less than quant_max (0)}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, quant_min = 0, quant_max = 0>}

// -----

// expected-error @+1 {{quantization range [-200, 100] does not fit dtype 'i8'}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, quant_min = -200, quant_max = 100>}

// -----

// expected-error @+1 {{quantization range [0, 256] does not fit dtype 'ui8'}}
func.func private @f() attributes {t.a = #qprep.derived<ui8, from = [edge 0], quant_min = 0, quant_max = 256>}

// -----

// expected-error @+1 {{quantization range [-500, 500] does not fit dtype 'f8E4M3FN'}}
func.func private @f() attributes {t.a = #qprep.qspec<f8E4M3FN, quant_min = -500, quant_max = 500>}

// -----

// expected-error @+1 {{ch_axis must be non-negative, got -1}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = -1>}

// -----

// expected-error @+1 {{qscheme per_channel_symmetric requires ch_axis}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_channel_symmetric>}

// -----

// A per-channel observer alone implies per_channel_affine, which needs an axis.
// expected-error @+1 {{qscheme per_channel_affine requires ch_axis}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, observer = per_channel_minmax>}

// -----

// expected-error @+1 {{qscheme per_channel_affine requires ch_axis}}
func.func private @f() attributes {t.a = #qprep.derived<i32, from = [edge 0], qscheme = per_channel_affine>}

// -----

// expected-error @+1 {{unknown qscheme 'per_tensor'; expected one of: per_tensor_affine, per_tensor_symmetric, per_channel_affine, per_channel_symmetric, per_channel_affine_float_qparams}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_tensor>}

// -----

// expected-error @+1 {{unknown observer 'minmaxx'; expected one of: minmax, moving_average_minmax, per_channel_minmax, moving_average_per_channel_minmax, histogram, placeholder}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, observer = minmaxx>}

// -----

// expected-error @+1 {{unknown parameter 'axis' in #qprep.qspec; expected one of: quant_min, quant_max, qscheme, ch_axis, dynamic, observer}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, axis = 0>}

// -----

// expected-error @+1 {{unknown parameter 'ch_axis' in #qprep.fixed_qspec; expected one of: scale, zero_point, quant_min, quant_max, qscheme, dynamic}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0, zero_point = 0, ch_axis = 0>}

// -----

// expected-error @+1 {{unknown parameter 'observer' in #qprep.derived}}
func.func private @f() attributes {t.a = #qprep.derived<i32, from = [edge 0], observer = minmax>}

// -----

// expected-error @+1 {{unknown parameter 'bin' in observer; expected one of: eps, reduce_range, averaging_constant, bins, upsample_rate, fake_quant}}
func.func private @f() attributes {t.a = #qprep.observer<histogram(bin = 10)>}

// -----

// expected-error @+1 {{parameter 'quant_min' given twice in #qprep.qspec}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, quant_min = -1, quant_min = -2, quant_max = 3>}

// -----

// expected-error @+1 {{parameter 'eps' given twice in observer}}
func.func private @f() attributes {t.a = #qprep.observer<minmax(eps = 1.0, eps = 2.0)>}

// -----

//===----------------------------------------------------------------------===//
// Observer constructors
//===----------------------------------------------------------------------===//

// expected-error @+1 {{observer minmax does not support qscheme per_channel_affine}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0, observer = minmax>}

// -----

// expected-error @+1 {{observer histogram does not support qscheme per_channel_symmetric}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0, observer = histogram>}

// -----

// expected-error @+1 {{observer per_channel_minmax does not support qscheme per_tensor_affine}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_tensor_affine, observer = per_channel_minmax>}

// -----

// expected-error @+1 {{cannot reduce range for symmetric quantization of ui8}}
func.func private @f() attributes {t.a = #qprep.qspec<ui8, qscheme = per_tensor_symmetric, observer = minmax(reduce_range)>}

// -----

// expected-error @+1 {{observer per_channel_minmax does not support dynamic quantization}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0, dynamic>}

// -----

// expected-error @+1 {{dynamic quantization with a moving-average observer requires averaging_constant = 1.0}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, dynamic, observer = moving_average_minmax>}

// -----

// expected-error @+1 {{eps must be a positive finite number}}
func.func private @f() attributes {t.a = #qprep.observer<minmax(eps = 0.0)>}

// -----

// expected-error @+1 {{eps must be a positive finite number}}
func.func private @f() attributes {t.a = #qprep.observer<minmax(eps = -1.0)>}

// -----

// expected-error @+1 {{averaging_constant must be in (0, 1], got 1.5}}
func.func private @f() attributes {t.a = #qprep.observer<moving_average_minmax(averaging_constant = 1.5)>}

// -----

// expected-error @+1 {{averaging_constant must be in (0, 1], got 0}}
func.func private @f() attributes {t.a = #qprep.observer<moving_average_minmax(averaging_constant = 0.0)>}

// -----

// expected-error @+1 {{averaging_constant applies only to moving-average observers, not minmax}}
func.func private @f() attributes {t.a = #qprep.observer<minmax(averaging_constant = 0.5)>}

// -----

// expected-error @+1 {{bins must be positive, got 0}}
func.func private @f() attributes {t.a = #qprep.observer<histogram(bins = 0)>}

// -----

// expected-error @+1 {{upsample_rate must be positive, got -2}}
func.func private @f() attributes {t.a = #qprep.observer<histogram(upsample_rate = -2)>}

// -----

// expected-error @+1 {{bins and upsample_rate apply only to histogram observers, not minmax}}
func.func private @f() attributes {t.a = #qprep.qspec<i8, observer = minmax(bins = 256)>}

// -----

//===----------------------------------------------------------------------===//
// Fixed, derived and reference syntax
//===----------------------------------------------------------------------===//

// expected-error @+1 {{scale must be a positive finite number}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 0.0, zero_point = 0>}

// -----

// expected-error @+1 {{fixed qparams support only per-tensor qschemes, not per_channel_affine}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0, zero_point = 0, qscheme = per_channel_affine>}

// -----

// expected-error @+1 {{zero_point 300 is outside the quantization range [0, 255]}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0, zero_point = 300>}

// -----

// expected-error @+1 {{zero_point -1 is outside the quantization range [0, 15]}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0, zero_point = -1, quant_min = 0, quant_max = 15>}

// -----

// expected-error @+1 {{#qprep.fixed_qspec requires scale}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, zero_point = 0>}

// -----

// expected-error @+1 {{#qprep.fixed_qspec requires zero_point}}
func.func private @f() attributes {t.a = #qprep.fixed_qspec<ui8, scale = 1.0>}

// -----

// expected-error @+1 {{a derived spec needs at least one source in 'from'}}
func.func private @f() attributes {t.a = #qprep.derived<i32, from = []>}

// -----

// expected-error @+1 {{#qprep.derived requires 'from = [...]'}}
func.func private @f() attributes {t.a = #qprep.derived<i32, qscheme = per_tensor_symmetric>}

// -----

// expected-error @+1 {{unknown derive rule 'sum'; expected scale_product or a function symbol @name}}
func.func private @f() attributes {t.a = #qprep.derived<i32, from = [edge 0], derive = sum>}

// -----

// expected-error @+1 {{unknown reference kind 'input'; expected one of: edge, operand, result}}
func.func private @f() attributes {t.a = #qprep.shared<input 0>}

// -----

// expected-error @+1 {{reference index must be non-negative, got -1}}
func.func private @f() attributes {t.a = #qprep.ref<edge -1>}

// -----

// expected-error @+1 {{op id in a reference must not be empty}}
func.func private @f() attributes {t.a = #qprep.shared<result 0 of "">}

// -----

//===----------------------------------------------------------------------===//
// Annotations
//===----------------------------------------------------------------------===//

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'foo.op' op 'qprep.inputs' must be an array, got #qprep.qspec<i8>}}
  "foo.op"(%x) {qprep.inputs = #qprep.qspec<i8>} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.inputs' has 2 entries but the op has 1 operands}}
  "foo.op"(%x) {qprep.inputs = [#qprep.qspec<i8>, #qprep.qspec<i8>]} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.outputs' has 1 entries but the op has 0 results}}
  "foo.op"(%x) {qprep.outputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.inputs' entry 0 must be a qprep spec or an observer symbol, got 1 : i64}}
  "foo.op"(%x) {qprep.inputs = [1]} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.outputs' entry 0 must be a qprep spec or an observer symbol, got #qprep.ref<edge 0>}}
  %0 = "foo.op"(%x) {qprep.outputs = [#qprep.ref<edge 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%x: f32) {
  // expected-error @+1 {{'qprep.inputs' entry 0: ch_axis 0 needs a ranked shaped value, but operand 0 has type 'f32'}}
  "foo.op"(%x) {qprep.inputs = [#qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>]} : (f32) -> ()
  return
}

// -----

func.func @f(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{'qprep.outputs' entry 0: ch_axis 2 is out of range for result 0 of rank 2}}
  %0 = "foo.op"(%x) {qprep.outputs = [#qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 2>]} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return
}

// -----

func.func @f(%x: tensor<4x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.inputs' entry 1: ch_axis 1 is out of range for operand 1 of rank 1}}
  "foo.op"(%x, %b) {qprep.inputs = [unit, #qprep.derived<i32, from = [edge 0], qscheme = per_channel_symmetric, ch_axis = 1>]} : (tensor<4x3xf32>, tensor<4xf32>) -> ()
  return
}

// -----

// expected-error @+1 {{'qprep.output' entry 0: ch_axis 3 is out of range for argument 0 of rank 1}}
func.func @f(%x: tensor<4xf32> {qprep.output = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 3>}) {
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.inputs' entry 0: reference 'edge 1' is out of range: the op has 1 operands}}
  "foo.op"(%x) {qprep.inputs = [#qprep.shared<edge 1>]} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.outputs' entry 0: reference 'result 1' is out of range: the op has 1 results}}
  %0 = "foo.op"(%x) {qprep.outputs = [#qprep.shared<result 1>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%x: tensor<4xf32>, %w: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.inputs' entry 1: reference 'operand 2' is out of range: the op has 2 operands}}
  "foo.op"(%x, %w) {qprep.inputs = [unit, #qprep.derived<i32, from = [edge 0, operand 2]>]} : (tensor<4xf32>, tensor<4xf32>) -> ()
  return
}

// -----

// expected-error @+1 {{'qprep.output' entry 0: a reference in an argument's spec must name an op with 'of "id"'}}
func.func @f(%x: tensor<4xf32> {qprep.output = #qprep.shared<edge 0>}) {
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{operands 0 and 2 carry the same value (one edge) but have different specs in 'qprep.inputs'}}
  "foo.op"(%x, %x, %x) {qprep.inputs = [#qprep.qspec<i8>, unit, #qprep.qspec<ui8>]} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.allow_implicit_sharing' must be a bool, got 1 : i64}}
  "foo.op"(%x) {qprep.allow_implicit_sharing = 1} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.id' must be a non-empty string, got ""}}
  "foo.op"(%x) {qprep.id = ""} : (tensor<4xf32>) -> ()
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.output' is an argument attribute; annotate op results with 'qprep.outputs'}}
  %0 = "foo.op"(%x) {qprep.output = #qprep.qspec<i8>} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{unknown qprep annotation 'qprep.input'; expected one of qprep.inputs, qprep.outputs, qprep.allow_implicit_sharing, qprep.id}}
  "foo.op"(%x) {qprep.input = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> ()
  return
}

// -----

// expected-error @+1 {{unknown qprep argument attribute 'qprep.outputs'; expected qprep.output}}
func.func @f(%x: tensor<4xf32> {qprep.outputs = [#qprep.qspec<i8>]}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

// expected-error @+1 {{min_val and max_val must be given together}}
qprep.observer @a = #qprep.qspec<i8> {min_val = array<f32: 0.0>}

// -----

// expected-error @+1 {{scale and zero_point must be given together}}
qprep.observer @a = #qprep.qspec<i8> {scale = array<f32: 1.0>}

// -----

// expected-error @+1 {{min_val and max_val have different sizes (1 vs 2)}}
qprep.observer @a = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0> {min_val = array<f32: 0.0>, max_val = array<f32: 1.0, 2.0>}

// -----

// expected-error @+1 {{scale and zero_point have different sizes (2 vs 1)}}
qprep.observer @a = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0> {scale = array<f32: 1.0, 1.0>, zero_point = array<i64: 0>}

// -----

// expected-error @+1 {{a per-tensor observer has one min_val/max_val, got 2}}
qprep.observer @a = #qprep.qspec<i8> {min_val = array<f32: 0.0, 1.0>, max_val = array<f32: 1.0, 2.0>}

// -----

// expected-error @+1 {{a per-tensor observer has one scale/zero_point, got 2}}
qprep.observer @a = #qprep.qspec<i8> {scale = array<f32: 1.0, 1.0>, zero_point = array<i64: 0, 0>}

// -----

// expected-error @+1 {{zero_point must be array<i64: ...>}}
qprep.observer @a = #qprep.qspec<i8> {scale = array<f32: 1.0>, zero_point = array<f32: 0.0>}

// -----

// expected-error @+1 {{zero_point must be array<f32: ...> for per_channel_affine_float_qparams}}
qprep.observer @a = #qprep.qspec<ui8, qscheme = per_channel_affine_float_qparams, ch_axis = 0> {scale = array<f32: 1.0>, zero_point = array<i64: 0>}

// -----

// expected-error @+1 {{a derived observer's sources must be observer symbols, got #qprep.ref<edge 0>}}
qprep.observer @a = #qprep.derived<i32, from = [edge 0]>

// -----

// expected-error @+1 {{derives from @b, which is not a qprep.observer}}
qprep.observer @a = #qprep.derived<i32, from = [@b]>
func.func private @b()

// -----

// expected-error @+1 {{derives from itself}}
qprep.observer @a = #qprep.derived<i32, from = [@a]>

// -----

qprep.observer @a = #qprep.qspec<i8>
// expected-error @+1 {{derive function @nope is not a function}}
qprep.observer @b = #qprep.derived<i32, from = [@a], derive = @nope>

// -----

// expected-error @+1 {{attribute 'spec' failed to satisfy constraint}}
qprep.observer @a = #qprep.shared<edge 0>

// -----

func.func @f() {
  // expected-error @+1 {{'qprep.observer' op expects parent op 'builtin.module'}}
  qprep.observer @a = #qprep.qspec<i8>
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.observe' op 'nope' does not name a qprep.observer}}
  %0 = qprep.observe %x, @nope : tensor<4xf32>
  return
}

// -----

func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.fake_quantize' op 'f' does not name a qprep.observer}}
  %0 = qprep.fake_quantize %x, @f : tensor<4xf32>
  return
}

// -----

qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 2>
func.func @f(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{observer @pc has ch_axis 2, out of range for a value of rank 2}}
  %0 = qprep.observe %x, @pc : tensor<4x3xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor or memref of floats, but got 'tensor<4xi32>'}}
  %0 = qprep.observe %x, @a : tensor<4xi32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: tensor<*xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor or memref of floats, but got 'tensor<*xf32>'}}
  %0 = qprep.observe %x, @a : tensor<*xf32>
  return
}
