// Annotations that would name an observer on a value no observer can see
// (integer tensors, scalars, vectors, unranked tensors) are errors where
// they are written; so is qprep.output on a function result. Both used to be
// dropped silently, leaving observers that never calibrate.
// RUN: qprep-opt %s -split-input-file -verify-diagnostics -allow-unregistered-dialect

func.func @int_tensor(%x: tensor<4xi32>) {
  // expected-error @+1 {{'foo.op' op 'qprep.inputs' entry 0: operand 0 has type 'tensor<4xi32>', which cannot be observed (observers take ranked tensors and memrefs of floats); use #qprep.none to annotate it without an observer}}
  "foo.op"(%x) {qprep.inputs = [#qprep.qspec<i8>]} : (tensor<4xi32>) -> ()
  return
}

// -----

func.func @scalar(%x: f32) {
  // expected-error @+1 {{'qprep.inputs' entry 0: operand 0 has type 'f32', which cannot be observed}}
  "foo.op"(%x) {qprep.inputs = [#qprep.shared<edge 0 of "other">]} : (f32) -> ()
  return
}

// -----

func.func @vector(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.outputs' entry 1: result 1 has type 'vector<4xf32>', which cannot be observed (observers take ranked tensors and memrefs of floats); leave the entry unit}}
  %a:2 = "foo.op"(%x) {qprep.outputs = [#qprep.qspec<i8>, #qprep.qspec<i8>]} : (tensor<4xf32>) -> (tensor<4xf32>, vector<4xf32>)
  return
}

// -----

func.func @unranked(%x: tensor<*xf32>) {
  // expected-error @+1 {{'qprep.inputs' entry 0: operand 0 has type 'tensor<*xf32>', which cannot be observed}}
  "foo.op"(%x) {qprep.inputs = [#qprep.derived<i32, from = [edge 0], qscheme = per_tensor_symmetric>]} : (tensor<*xf32>) -> ()
  return
}

// -----

// expected-error @+1 {{'qprep.output' entry 0: argument 0 has type 'tensor<4xi8>', which cannot be observed}}
func.func @int_argument(%x: tensor<4xi8> {qprep.output = #qprep.qspec<i8>}) {
  return
}

// -----

// After sharing resolution an entry is an observer symbol: the same rule.
qprep.observer @o = #qprep.qspec<i8>
func.func @symbol(%x: index) {
  // expected-error @+1 {{'qprep.inputs' entry 0: operand 0 has type 'index', which cannot be observed}}
  "foo.op"(%x) {qprep.inputs = [@o]} : (index) -> ()
  return
}

// -----

// #qprep.none and unit entries go on any value.
func.func @none(%x: tensor<4xi32>, %n: index) -> (tensor<4xf32>, index) {
  %a:2 = "foo.op"(%x, %n) {qprep.inputs = [#qprep.none, unit],
                           qprep.outputs = [#qprep.qspec<i8>, #qprep.none]} : (tensor<4xi32>, index) -> (tensor<4xf32>, index)
  return %a#0, %a#1 : tensor<4xf32>, index
}

// -----

// expected-error @+1 {{'func.func' op result 0 has 'qprep.output', which qprep does not take on results (it would be dropped): annotate the op that produces the value with 'qprep.outputs'}}
func.func @result(%x: tensor<4xf32>) -> (tensor<4xf32> {qprep.output = #qprep.qspec<i8>}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{unknown qprep result attribute 'qprep.inputs'}}
func.func @result_inputs(%x: tensor<4xf32>) -> (tensor<4xf32> {qprep.inputs = []}) {
  return %x : tensor<4xf32>
}
