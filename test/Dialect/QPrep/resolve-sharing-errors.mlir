// Invalid sharing is diagnosed at the annotated op, never a crash. The same
// input goes through the collection pass alone (reference errors) and through
// both passes (grouping errors).
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics --qprep-collect-qspecs --qprep-resolve-sharing
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics --qprep-resolve-sharing

func.func @unannotated_edge(%x: tensor<4xf32>) {
  %a = "t.a"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{#qprep.shared refers to 'edge 0 of "a"', which has no annotation}}
  %b = "t.b"(%a) {qprep.inputs = [#qprep.shared<edge 0 of "a">]} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-note @+1 {{referenced op}}
  %c = "t.c"(%b) {qprep.id = "a"} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @unannotated_node(%x: tensor<4xf32>) {
  // expected-note @+1 {{referenced op}}
  %a = "t.a"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{#qprep.shared refers to 'operand 0', which has no annotation}}
  %b = "t.b"(%a) {qprep.outputs = [#qprep.shared<operand 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @missing_id(%x: tensor<4xf32>) {
  // expected-error @+1 {{refers to 'result 0 of "nope"', but no op in this function has qprep.id "nope"}}
  %b = "t.b"(%x) {qprep.inputs = [#qprep.shared<result 0 of "nope">]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @out_of_range(%x: tensor<4xf32>) {
  // expected-note @+1 {{referenced op}}
  %a = "t.a"(%x) {qprep.id = "a", qprep.outputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{reference 'edge 3' is out of range: 't.a' has 1 operands}}
  %b = "t.b"(%a) {qprep.inputs = [#qprep.shared<edge 3 of "a">]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @duplicate_id(%x: tensor<4xf32>) {
  // expected-note @+1 {{first used here}}
  %a = "t.a"(%x) {qprep.id = "a"} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{duplicate qprep.id "a" in this function}}
  %b = "t.b"(%a) {qprep.id = "a"} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @derived_unannotated(%x: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{#qprep.derived refers to 'edge 0', which has no annotation}}
  %c = "t.conv"(%x, %b) {qprep.inputs = [unit, #qprep.derived<i32, from = [edge 0]>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}
