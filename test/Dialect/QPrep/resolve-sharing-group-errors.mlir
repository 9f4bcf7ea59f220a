// Grouping errors of qprep-resolve-sharing.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect -verify-diagnostics --qprep-collect-qspecs --qprep-resolve-sharing

func.func @cycle(%x: tensor<4xf32>) {
  // expected-error @+1 {{sharing group has no concrete spec: every member (2) holds a #qprep.shared spec, so the sharing is a cycle}}
  %a = "t.a"(%x) {qprep.id = "a", qprep.outputs = [#qprep.shared<edge 0 of "b">]} : (tensor<4xf32>) -> tensor<4xf32>
  // expected-note @+1 {{member: input edge 0 of 't.b'}}
  %b = "t.b"(%a) {qprep.id = "b", qprep.inputs = [#qprep.shared<result 0 of "a">], qprep.allow_implicit_sharing = false} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @self(%x: tensor<4xf32>) {
  // expected-error @+1 {{sharing group has no concrete spec: every member (1) holds a #qprep.shared spec}}
  %a = "t.a"(%x) {qprep.inputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @derived_self(%x: tensor<4xf32>) {
  // expected-error @+1 {{#qprep.derived spec of result 0 of 't.a' derives from itself (through its sharing group)}}
  %a = "t.a"(%x) {qprep.inputs = [#qprep.qspec<i8>], qprep.outputs = [#qprep.derived<i32, from = [result 0]>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @derived_cycle(%x: tensor<4xf32>, %y: tensor<4xf32>) {
  // expected-error @+1 {{derives from itself (through its sharing group)}}
  %a = "t.a"(%x, %y) {qprep.id = "a", qprep.inputs = [#qprep.derived<i32, from = [edge 1]>, #qprep.derived<i32, from = [edge 0]>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @derived_from_none(%x: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{#qprep.derived derives from input edge 0 of 't.conv', whose sharing group has no observer (#qprep.none)}}
  %c = "t.conv"(%x, %b) {qprep.inputs = [#qprep.none, #qprep.derived<i32, from = [edge 0]>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @derive_fn(%x: tensor<4xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{derive function @nope is not a function}}
  %c = "t.conv"(%x, %b) {qprep.inputs = [#qprep.qspec<i8>, #qprep.derived<i32, from = [edge 0], derive = @nope>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}
