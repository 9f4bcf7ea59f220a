// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics --qprep-insert-observers

func.func @unresolved(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.inputs' holds the spec #qprep.qspec<i8>; run qprep-resolve-sharing first (or use qprep-prepare)}}
  %a = "t.a"(%x) {qprep.inputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @not_observer(%x: tensor<4xf32>) {
  // expected-error @+1 {{'qprep.outputs' names @not_observer, which is not a qprep.observer}}
  %a = "t.a"(%x) {qprep.outputs = [@not_observer]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @nested(%x: tensor<4xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{is annotated inside a nested region (of 'scf.for'); qprep-insert-observers handles annotated ops directly in a function body only}}
    %a = "t.a"(%x) {qprep.inputs = [@a]} : (tensor<4xf32>) -> tensor<4xf32>
  }
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @not_float(%x: tensor<4xi32>) {
  // The verifier refuses the annotation before the pass runs.
  // expected-error @+1 {{'qprep.inputs' entry 0: operand 0 has type 'tensor<4xi32>', which cannot be observed}}
  %a = "t.a"(%x) {qprep.inputs = [@a]} : (tensor<4xi32>) -> tensor<4xi32>
  return
}
