// The whole qprep-prepare pipeline on PT2E scenarios: how many observe ops,
// which observer each call site uses, and how operands are routed.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect --qprep-prepare | FileCheck %s

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>
#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric>

// test_shared_qspec: conv1, conv2 -> cat. Inputs x1, w1, x2, w2 get one
// observer each; the conv outputs and the cat output call the one shared
// observer; the cat inputs already go through it (7 observe ops).
// CHECK-LABEL: func.func @shared_qspec
// CHECK-COUNT-4: qprep.observe %arg
// CHECK: %[[C1:.*]] = "t.conv"
// CHECK-NEXT: %[[O1:.*]] = qprep.observe %[[C1]], @[[G:obs[0-9]+]]
// CHECK-NEXT: %[[C2:.*]] = "t.conv"
// CHECK-NEXT: %[[O2:.*]] = qprep.observe %[[C2]], @[[G]]
// CHECK-NEXT: %[[CAT:.*]] = "t.cat"(%[[O1]], %[[O2]])
// CHECK-NEXT: %[[O3:.*]] = qprep.observe %[[CAT]], @[[G]]
// CHECK-NEXT: return %[[O3]]
func.func @shared_qspec(%x1: tensor<4xf32>, %x2: tensor<4xf32>, %w1: tensor<4xf32>, %w2: tensor<4xf32>) -> tensor<8xf32> {
  %c1 = "t.conv"(%x1, %w1) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c2 = "t.conv"(%x2, %w2) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cat = "t.cat"(%c1, %c2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %cat : tensor<8xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>
#sig = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine>

// test_fixed_qparams_qspec_observer_dedup: sigmoid(x) + y gives 4 observers
// and 4 observe ops; (sigmoid, add) reuses the sigmoid's output observer.
// CHECK-LABEL: func.func @fixed_dedup
// CHECK: %[[IX:.*]] = qprep.observe %arg0, @[[IN:obs[0-9]+]]
// CHECK: %[[IY:.*]] = qprep.observe %arg1, @[[Y:obs[0-9]+]]
// CHECK: %[[S:.*]] = "t.sigmoid"(%[[IX]])
// CHECK-NEXT: %[[OS:.*]] = qprep.observe %[[S]], @[[OUT:obs[0-9]+]]
// CHECK-NEXT: %[[A:.*]] = "t.add"(%[[OS]], %[[IY]])
// CHECK-NEXT: qprep.observe %[[A]], @[[SUM:obs[0-9]+]]
// CHECK-NOT: qprep.observe %
func.func @fixed_dedup(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %s = "t.sigmoid"(%x) {qprep.inputs = [#sig], qprep.outputs = [#sig]} : (tensor<4xf32>) -> tensor<4xf32>
  %a = "t.add"(%s, %y) {qprep.inputs = [#sig, #act], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

#act = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine>
#w = #qprep.qspec<i8>

// cat([y, y]) and a weight shared by two convs: the weight is observed once
// (the second conv reuses that observe op), and y's consumers use y's output
// observer: 4 observe ops.
// CHECK-LABEL: func.func @same_value
// CHECK-DAG: %[[OX:.*]] = qprep.observe %arg0, @[[X:obs[0-9]+]]
// CHECK-DAG: %[[OW:.*]] = qprep.observe %arg1, @[[W:obs[0-9]+]]
// CHECK: %[[Y:.*]] = "t.conv"(%[[OX]], %[[OW]])
// CHECK-NEXT: %[[OY:.*]] = qprep.observe %[[Y]], @[[G:obs[0-9]+]]
// CHECK-NEXT: %[[C:.*]] = "t.cat"(%[[OY]], %[[OY]])
// CHECK-NEXT: %[[OC:.*]] = qprep.observe %[[C]], @[[G]]
// CHECK-NEXT: "t.conv"(%[[OY]], %[[OW]])
// CHECK-NOT: qprep.observe %
func.func @same_value(%x: tensor<4xf32>, %w: tensor<4xf32>) -> tensor<8xf32> {
  %y = "t.conv"(%x, %w) {qprep.inputs = [#act, #w], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c = "t.cat"(%y, %y) {qprep.inputs = [#act, #act], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %z = "t.conv"(%y, %w) {qprep.inputs = [#act, #w]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %c : tensor<8xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>

// test_allow_implicit_sharing: three observers; add3's inputs each get an
// input observer after the producers' output observers.
// CHECK-LABEL: func.func @no_implicit_sharing
// CHECK: %[[A1:.*]] = "t.add"
// CHECK-NEXT: %[[O1:.*]] = qprep.observe %[[A1]], @[[G1:obs[0-9]+]]
// CHECK-NEXT: %[[I1:.*]] = qprep.observe %[[O1]], @[[G3:obs[0-9]+]]
// CHECK: %[[A2:.*]] = "t.add"
// CHECK-NEXT: %[[O2:.*]] = qprep.observe %[[A2]], @[[G2:obs[0-9]+]]
// CHECK-NEXT: %[[I2:.*]] = qprep.observe %[[O2]], @[[G3]]
// CHECK-NEXT: %[[A3:.*]] = "t.add"(%[[I1]], %[[I2]])
// CHECK-NEXT: qprep.observe %[[A3]], @[[G3]]
func.func @no_implicit_sharing(%x1: tensor<4xf32>, %x2: tensor<4xf32>, %x3: tensor<4xf32>, %x4: tensor<4xf32>) -> tensor<4xf32> {
  %a1 = "t.add"(%x1, %x2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a2 = "t.add"(%x3, %x4) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a3 = "t.add"(%a1, %a2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a3 : tensor<4xf32>
}
