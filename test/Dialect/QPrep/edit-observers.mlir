// PyTorch's test_prepare_obs_or_fq_callback: maxpool -> pixel_shuffle ->
// permute, all sharing one group; the quantizer's callback swaps the group's
// observer to FixedQParamsObserver(scale 0.125, zero_point 42) before
// insertion. In qprep the map is the IR: edit the qprep.observer between
// qprep-resolve-sharing and qprep-insert-observers (here with sed), and every
// call site of the group uses the new observer.
// RUN: qprep-opt %s -allow-unregistered-dialect --qprep-collect-qspecs --qprep-resolve-sharing --mlir-print-local-scope \
// RUN:   | sed -e 's/qprep.observer @obs1 = .*/qprep.observer @obs1 = #qprep.fixed_qspec<ui8, scale = 0.125, zero_point = 42>/' \
// RUN:   | qprep-opt -allow-unregistered-dialect --qprep-insert-observers --mlir-print-local-scope | FileCheck %s

// CHECK: qprep.observer @obs0 = #qprep.qspec<ui8>
// CHECK: qprep.observer @obs1 = #qprep.fixed_qspec<ui8, scale = 1.250000e-01, zero_point = 42>
// CHECK-LABEL: func.func @callback
// CHECK: qprep.observe %arg0, @obs0
// CHECK: "t.maxpool"
// CHECK-NEXT: qprep.observe %{{.*}}, @obs1
// CHECK-NEXT: "t.pixel_shuffle"
// CHECK-NEXT: qprep.observe %{{.*}}, @obs1
// CHECK-NEXT: "t.permute"
// CHECK-NEXT: qprep.observe %{{.*}}, @obs1
func.func @callback(%x: tensor<4xf32>) -> tensor<4xf32> {
  %m = "t.maxpool"(%x) {qprep.inputs = [#qprep.qspec<ui8>], qprep.outputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  %p = "t.pixel_shuffle"(%m) {qprep.inputs = [#qprep.shared<operand 0>], qprep.outputs = [#qprep.shared<operand 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  %q = "t.permute"(%p) {qprep.inputs = [#qprep.shared<operand 0>], qprep.outputs = [#qprep.shared<operand 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return %q : tensor<4xf32>
}
