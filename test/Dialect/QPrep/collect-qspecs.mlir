// qprep-collect-qspecs: references take their canonical form (relative to the
// annotated op itself, by id for any other op); repeated operands get their
// edge's entry.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect --mlir-print-local-scope --qprep-collect-qspecs | FileCheck %s
// Normalizing twice changes nothing.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect --mlir-print-local-scope --qprep-collect-qspecs | qprep-opt -split-input-file -allow-unregistered-dialect --mlir-print-local-scope --qprep-collect-qspecs | FileCheck %s

// CHECK-LABEL: func.func @relative
// CHECK: "t.conv"{{.*}}qprep.id = "t.conv#0"
// CHECK: "t.cat"(%{{.*}}, %{{.*}}) {qprep.id = "t.cat#2", qprep.inputs = [#qprep.qspec<i8>, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]}
// CHECK: "t.relu"(%{{.*}}) {qprep.id = "relu", qprep.inputs = [#qprep.shared<result 0 of "t.cat#2">]}
// CHECK: "t.neg"(%{{.*}}) {qprep.outputs = [#qprep.shared<result 0 of "t.conv#0">]}
func.func @relative(%x: tensor<4xf32>) {
  %c = "t.conv"(%x) {qprep.outputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  %d = "t.other"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %cat = "t.cat"(%c, %d) {qprep.inputs = [#qprep.qspec<i8>, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  // Node references through a consumer ("operand i") become references to
  // the producer's result.
  %r = "t.relu"(%cat) {qprep.id = "relu", qprep.inputs = [#qprep.shared<operand 0>]} : (tensor<8xf32>) -> tensor<8xf32>
  %n = "t.neg"(%c) {qprep.outputs = [#qprep.shared<operand 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// User ids are kept; a repeated value's edge is named by its first operand;
// a block-argument node stays named through an op that uses it.
// CHECK-LABEL: func.func @ids
// CHECK-SAME: qprep.output = #qprep.qspec<i8>
// CHECK: "t.add"(%{{.*}}, %{{.*}}) {qprep.id = "add", qprep.inputs = [#qprep.qspec<ui8>, #qprep.qspec<ui8>], qprep.outputs = [#qprep.shared<edge 0>]}
// CHECK: "t.mul"(%{{.*}}) {qprep.inputs = [#qprep.shared<operand 0 of "add">]}
func.func @ids(%x: tensor<4xf32> {qprep.output = #qprep.qspec<i8>}) {
  %a = "t.add"(%x, %x) {qprep.id = "add", qprep.inputs = [unit, #qprep.qspec<ui8>], qprep.outputs = [#qprep.shared<edge 1>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %m = "t.mul"(%a) {qprep.inputs = [#qprep.shared<operand 0 of "add">]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Derived sources are normalized too; ids do not collide with user ids.
// CHECK-LABEL: func.func @derived
// CHECK: "t.x"{{.*}}qprep.id = "t.x#0.1"
// CHECK: "t.conv"{{.*}}qprep.id = "t.x#0"{{.*}}#qprep.derived<i32, from = [result 0 of "t.x#0.1", edge 1], derive = @fn>
func.func @derived(%x: tensor<4xf32>, %w: tensor<4xf32>, %b: tensor<4xf32>) {
  %y = "t.x"(%x) {qprep.outputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  %c = "t.conv"(%y, %w, %b) {qprep.id = "t.x#0", qprep.inputs = [#qprep.qspec<i8>, #qprep.qspec<i8>, #qprep.derived<i32, from = [operand 0, edge 1], derive = @fn>]} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}
func.func private @fn(tensor<?xf32>, tensor<?xi64>) -> (tensor<?xf32>, tensor<?xi64>)
