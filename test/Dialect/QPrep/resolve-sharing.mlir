// Sharing groups and observers for the PyTorch PT2E test scenarios
// (shared/research/anchors.md part C) and the examples in prepare.py.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect --mlir-print-local-scope \
// RUN:   --qprep-collect-qspecs --qprep-resolve-sharing | FileCheck %s

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram>
#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric>

// test_shared_qspec: conv1, conv2 -> cat; cat input 1 and output share
// (input 0, cat). Both cat inputs use one observer, and implicit sharing puts
// the two conv outputs in it too: 4 input observers + 1 shared = 5.
// CHECK-LABEL: module
// CHECK-COUNT-5: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @shared_qspec
// CHECK: "t.conv"{{.*}}qprep.inputs = [@[[X1:obs[0-9]+]], @[[W1:obs[0-9]+]]], qprep.outputs = [@[[CAT:obs[0-9]+]]]
// CHECK: "t.conv"{{.*}}qprep.inputs = [@[[X2:obs[0-9]+]], @[[W2:obs[0-9]+]]], qprep.outputs = [@[[CAT]]]
// CHECK: "t.cat"{{.*}}qprep.inputs = [@[[CAT]], @[[CAT]]], qprep.outputs = [@[[CAT]]]
func.func @shared_qspec(%x1: tensor<4xf32>, %x2: tensor<4xf32>, %w1: tensor<4xf32>, %w2: tensor<4xf32>) -> tensor<8xf32> {
  %c1 = "t.conv"(%x1, %w1) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c2 = "t.conv"(%x2, %w2) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cat = "t.cat"(%c1, %c2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  return %cat : tensor<8xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram>
#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric>

// test_shared_qspec_transitivity: conv1, conv2 -> cat1 -> cat2 <- add(x3, x4).
// (cat1) and (cat1, cat2) are implicitly shared, which joins the two cat
// groups: conv outputs, both cats' edges and outputs, and add's output are one
// observer.
// CHECK-LABEL: func.func @transitivity
// CHECK: "t.conv"{{.*}}qprep.outputs = [@[[G:obs[0-9]+]]]
// CHECK: "t.conv"{{.*}}qprep.outputs = [@[[G]]]
// CHECK: "t.cat"{{.*}}qprep.inputs = [@[[G]], @[[G]]], qprep.outputs = [@[[G]]]
// CHECK: "t.add"{{.*}}qprep.inputs = [@[[A:obs[0-9]+]], @[[B:obs[0-9]+]]], qprep.outputs = [@[[G]]]
// CHECK: "t.cat"{{.*}}qprep.inputs = [@[[G]], @[[G]]], qprep.outputs = [@[[G]]]
func.func @transitivity(%x1: tensor<4xf32>, %x2: tensor<4xf32>, %x3: tensor<8xf32>, %x4: tensor<8xf32>, %w: tensor<4xf32>) -> tensor<16xf32> {
  %c1 = "t.conv"(%x1, %w) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c2 = "t.conv"(%x2, %w) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cat1 = "t.cat"(%c1, %c2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %add = "t.add"(%x3, %x4) {qprep.inputs = [#act, #act], qprep.outputs = [#act]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %cat2 = "t.cat"(%cat1, %add) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<16xf32>
  return %cat2 : tensor<16xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram>
#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric>

// test_shared_qspec_transitivity_case_2: the cats anchor on input 1 instead.
// CHECK-LABEL: func.func @transitivity_case_2
// CHECK: "t.conv"{{.*}}qprep.outputs = [@[[G:obs[0-9]+]]]
// CHECK: "t.conv"{{.*}}qprep.outputs = [@[[G]]]
// CHECK: "t.cat"{{.*}}qprep.inputs = [@[[G]], @[[G]]], qprep.outputs = [@[[G]]]
// CHECK: "t.add"{{.*}}qprep.outputs = [@[[G]]]
// CHECK: "t.cat"{{.*}}qprep.inputs = [@[[G]], @[[G]]], qprep.outputs = [@[[G]]]
func.func @transitivity_case_2(%x1: tensor<4xf32>, %x2: tensor<4xf32>, %x3: tensor<8xf32>, %x4: tensor<8xf32>, %w: tensor<4xf32>) -> tensor<16xf32> {
  %c1 = "t.conv"(%x1, %w) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c2 = "t.conv"(%x2, %w) {qprep.inputs = [#act, #wt], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %cat1 = "t.cat"(%c1, %c2) {qprep.inputs = [#qprep.shared<edge 1>, #act], qprep.outputs = [#qprep.shared<edge 1>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %add = "t.add"(%x3, %x4) {qprep.inputs = [#act, #act], qprep.outputs = [#act]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<8xf32>
  %cat2 = "t.cat"(%cat1, %add) {qprep.inputs = [#qprep.shared<edge 1>, #act], qprep.outputs = [#qprep.shared<edge 1>]} : (tensor<8xf32>, tensor<8xf32>) -> tensor<16xf32>
  return %cat2 : tensor<16xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>

// test_allow_implicit_sharing: add3(add1(x1, x2), add2(x3, x4)), every add
// sharing its inputs and output, with allow_implicit_sharing = false: three
// distinct observers, one per add.
// CHECK-LABEL: module
// CHECK-COUNT-3: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @no_implicit_sharing
// CHECK: "t.add"{{.*}}qprep.inputs = [@[[A1:obs[0-9]+]], @[[A1]]], qprep.outputs = [@[[A1]]]
// CHECK: "t.add"{{.*}}qprep.inputs = [@[[A2:obs[0-9]+]], @[[A2]]], qprep.outputs = [@[[A2]]]
// CHECK-NOT: @[[A1]]
// CHECK: "t.add"{{.*}}qprep.inputs = [@[[A3:obs[0-9]+]], @[[A3]]], qprep.outputs = [@[[A3]]]
func.func @no_implicit_sharing(%x1: tensor<4xf32>, %x2: tensor<4xf32>, %x3: tensor<4xf32>, %x4: tensor<4xf32>) -> tensor<4xf32> {
  %a1 = "t.add"(%x1, %x2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a2 = "t.add"(%x3, %x4) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %a3 = "t.add"(%a1, %a2) {qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a3 : tensor<4xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>

// test_allow_implicit_sharing_with_shared_input_edge (executorch#13842,
// ao#3011): a = clone(x); eq(a, x). (x, clone) is concrete, clone's output
// shares (x, clone); (clone, eq) is concrete and (x, eq) shares (clone, eq).
// PyTorch used to recurse forever; it must terminate with one observer.
// CHECK-LABEL: module
// CHECK-COUNT-1: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @clone_eq
// CHECK: "t.clone"{{.*}}qprep.inputs = [@[[G:obs[0-9]+]]], qprep.outputs = [@[[G]]]
// CHECK: "t.eq"{{.*}}qprep.inputs = [@[[G]], @[[G]]]
func.func @clone_eq(%x: tensor<4xf32>) -> tensor<4xi1> {
  %a = "t.clone"(%x) {qprep.id = "clone", qprep.inputs = [#act], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  %e = "t.eq"(%a, %x) {qprep.inputs = [#act, #qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  return %e : tensor<4xi1>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>

// test_max_pool2d_quantizer: maxpool's output shares (input, maxpool), which is
// implicitly shared with conv's output. test_wo_annotate_conv_output: a conv
// without output spec gets no output entry and no observer for it.
// CHECK-LABEL: func.func @max_pool
// CHECK: "t.conv"{{.*}}qprep.outputs = [@[[G:obs[0-9]+]]]
// CHECK: "t.maxpool"{{.*}}qprep.inputs = [@[[G]]], qprep.outputs = [@[[G]]]
// CHECK: "t.conv"
// CHECK-NOT: qprep.outputs
// CHECK-SAME: -> tensor<4xf32>
func.func @max_pool(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = "t.conv"(%x) {qprep.inputs = [#act], qprep.outputs = [#act]} : (tensor<4xf32>) -> tensor<4xf32>
  %p = "t.maxpool"(%c) {qprep.inputs = [#act], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  %d = "t.conv"(%p) {qprep.inputs = [#act]} : (tensor<4xf32>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>
#wt = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric>
#wt_pc = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>

// test_derived_qspec: the bias derives from the input and weight observers.
// test_derived_qspec_per_channel: derived only from the per-channel weight.
// CHECK-LABEL: module
// CHECK-DAG: qprep.observer @[[X:obs[0-9]+]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>
// CHECK-DAG: qprep.observer @[[W:obs[0-9]+]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_tensor_symmetric>
// CHECK-DAG: qprep.observer @[[B:obs[0-9]+]] = #qprep.derived<i32, from = [@[[X]], @[[W]]], quant_min = -2147483648, quant_max = 2147483647, qscheme = per_tensor_symmetric>
// CHECK-DAG: qprep.observer @[[WPC:obs[0-9]+]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK-DAG: qprep.observer @[[BPC:obs[0-9]+]] = #qprep.derived<i32, from = [@[[WPC]]], qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK-LABEL: func.func @derived
// CHECK: "t.conv"{{.*}}qprep.inputs = [@[[X]], @[[W]], @[[B]]]
// CHECK: "t.conv"{{.*}}qprep.inputs = [@{{obs[0-9]+}}, @[[WPC]], @[[BPC]]]
func.func @derived(%x: tensor<1x4xf32>, %w: tensor<4x4xf32>, %b: tensor<4xf32>) -> tensor<1x4xf32> {
  %c = "t.conv"(%x, %w, %b) {qprep.inputs = [#act, #wt, #qprep.derived<i32, from = [edge 0, edge 1], quant_min = -2147483648, quant_max = 2147483647, qscheme = per_tensor_symmetric>]} : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %d = "t.conv"(%c, %w, %b) {qprep.inputs = [#act, #wt_pc, #qprep.derived<i32, from = [edge 1], qscheme = per_channel_symmetric, ch_axis = 0>]} : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return %d : tensor<1x4xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>
#sig = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine>

// test_fixed_qparams_qspec_observer_dedup: sigmoid(x) + y. The sigmoid output
// and (sigmoid, add) have the same fixed spec and share one observer: four
// observers in all.
// CHECK-LABEL: module
// CHECK-COUNT-4: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @fixed_dedup
// CHECK: "t.sigmoid"{{.*}}qprep.inputs = [@[[IN:obs[0-9]+]]], qprep.outputs = [@[[OUT:obs[0-9]+]]]
// CHECK: "t.add"{{.*}}qprep.inputs = [@[[OUT]], @[[Y:obs[0-9]+]]], qprep.outputs = [@[[SUM:obs[0-9]+]]]
func.func @fixed_dedup(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %s = "t.sigmoid"(%x) {qprep.inputs = [#sig], qprep.outputs = [#sig]} : (tensor<4xf32>) -> tensor<4xf32>
  %a = "t.add"(%s, %y) {qprep.inputs = [#sig, #act], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

#act = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine>

// test_cat_recipe_same_inputs (pt#129038): cat([y, y]) is one edge and one
// observer, shared with the output; a conv weight used by two convs is one
// observer through implicit sharing of the two edges.
// CHECK-LABEL: module
// CHECK-COUNT-3: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @same_value
// CHECK: "t.conv"{{.*}}qprep.inputs = [@[[X:obs[0-9]+]], @[[W:obs[0-9]+]]], qprep.outputs = [@[[Y:obs[0-9]+]]]
// CHECK: "t.cat"{{.*}}qprep.inputs = [@[[Y]], @[[Y]]], qprep.outputs = [@[[Y]]]
// CHECK: "t.conv"{{.*}}qprep.inputs = [@[[Y]], @[[W]]]
func.func @same_value(%x: tensor<4xf32>, %w: tensor<4xf32>) -> tensor<8xf32> {
  %y = "t.conv"(%x, %w) {qprep.inputs = [#act, #qprep.qspec<i8>], qprep.outputs = [#act]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %c = "t.cat"(%y, %y) {qprep.inputs = [#act, #act], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %z = "t.conv"(%y, %w) {qprep.inputs = [#act, #qprep.qspec<i8>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %c : tensor<8xf32>
}

// -----

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>

// pytorch/ao#4421: the first member of a group (relu's output) shares with an
// anchor that appears later in the graph. PyTorch asserts; qprep builds the
// group from its first concrete member. A derived spec listed before its
// sources (operand 0 derives from operands 1 and 2) is PyTorch's KeyError path.
// CHECK-LABEL: module
// CHECK-DAG: qprep.observer @[[G:obs[0-9]+]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine>
// CHECK-DAG: qprep.observer @[[B:obs[0-9]+]] = #qprep.derived<i32, from = [@[[A:obs[0-9]+]], @[[W:obs[0-9]+]]]>
// CHECK-LABEL: func.func @forward_refs
// CHECK: "t.relu"{{.*}}qprep.outputs = [@[[G]]]
// CHECK: "t.anchor"{{.*}}qprep.inputs = [@[[G]]]
// CHECK: "t.linear"{{.*}}qprep.inputs = [@[[B]], @[[A]], @[[W]]]
func.func @forward_refs(%x: tensor<4xf32>, %b: tensor<4xf32>, %w: tensor<4xf32>) {
  %r = "t.relu"(%x) {qprep.outputs = [#qprep.shared<edge 0 of "anchor">]} : (tensor<4xf32>) -> tensor<4xf32>
  %s = "t.anchor"(%r) {qprep.id = "anchor", qprep.inputs = [#act]} : (tensor<4xf32>) -> tensor<4xf32>
  %l = "t.linear"(%b, %s, %w) {qprep.inputs = [#qprep.derived<i32, from = [edge 1, edge 2]>, #qprep.qspec<ui8>, #qprep.qspec<i8, qscheme = per_tensor_symmetric>]} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

#q = #qprep.qspec<i8>

// The docstring example of _get_edge_or_node_to_group_id:
//   op2 -> cat1 -> cat2 ; op1 -> cat1 ; op3 -> cat2
// Everything is one group, because (cat1) and (cat1, cat2) are implicitly
// shared, which connects the groups around cat1 and cat2.
// CHECK-LABEL: module
// CHECK-COUNT-1: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @docstring_cat
// CHECK: "t.op1"{{.*}}qprep.outputs = [@[[G:obs[0-9]+]]]
// CHECK: "t.op2"{{.*}}qprep.outputs = [@[[G]]]
// CHECK: "t.cat1"{{.*}}qprep.inputs = [@[[G]], @[[G]]], qprep.outputs = [@[[G]]]
// CHECK: "t.op3"{{.*}}qprep.outputs = [@[[G]]]
// CHECK: "t.cat2"{{.*}}qprep.inputs = [@[[G]], @[[G]]], qprep.outputs = [@[[G]]]
func.func @docstring_cat(%x: tensor<4xf32>) -> tensor<12xf32> {
  %1 = "t.op1"(%x) {qprep.outputs = [#q]} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "t.op2"(%x) {qprep.outputs = [#q]} : (tensor<4xf32>) -> tensor<4xf32>
  %c1 = "t.cat1"(%1, %2) {qprep.inputs = [#q, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
  %3 = "t.op3"(%x) {qprep.outputs = [#q]} : (tensor<4xf32>) -> tensor<4xf32>
  %c2 = "t.cat2"(%3, %c1) {qprep.inputs = [#q, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>, tensor<8xf32>) -> tensor<12xf32>
  return %c2 : tensor<12xf32>
}

// -----

#q = #qprep.qspec<i8>

// The docstring's note on order: node1 -> node2, node1 -> node3, all with the
// same spec. Other users are unioned before the producer's output, so no
// circular sharing forms: one group.
// CHECK-LABEL: module
// CHECK-COUNT-1: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @docstring_order
// CHECK: "t.node1"{{.*}}qprep.outputs = [@[[G:obs[0-9]+]]]
// CHECK: "t.node2"{{.*}}qprep.inputs = [@[[G]]]
// CHECK: "t.node3"{{.*}}qprep.inputs = [@[[G]]]
func.func @docstring_order(%x: tensor<4xf32>) {
  %1 = "t.node1"(%x) {qprep.outputs = [#q]} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = "t.node2"(%1) {qprep.inputs = [#q]} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = "t.node3"(%1) {qprep.inputs = [#q]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Implicit sharing needs equal root specs: a different dtype, an explicit
// range against an absent one, or a different ch_axis keep groups apart; and
// a #qprep.none edge (and whatever shares with it) gets no observer.
// CHECK-LABEL: module
// CHECK-COUNT-4: qprep.observer
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @no_match
// CHECK: "t.p"{{.*}}qprep.outputs = [@[[P:obs[0-9]+]]]
// CHECK: "t.a"{{.*}}qprep.inputs = [@[[A:obs[0-9]+]]]
// CHECK: "t.b"{{.*}}qprep.inputs = [@[[B:obs[0-9]+]]]
// CHECK: "t.c"{{.*}}qprep.inputs = [@[[C:obs[0-9]+]]]
// CHECK: "t.n"{{.*}}qprep.inputs = [#qprep.none], qprep.outputs = [#qprep.none]
func.func @no_match(%x: tensor<4xf32>) {
  %p = "t.p"(%x) {qprep.outputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  %a = "t.a"(%p) {qprep.inputs = [#qprep.qspec<ui8>]} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "t.b"(%p) {qprep.inputs = [#qprep.qspec<i8, quant_min = -128, quant_max = 127>]} : (tensor<4xf32>) -> tensor<4xf32>
  %c = "t.c"(%p) {qprep.inputs = [#qprep.qspec<i8, ch_axis = 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  %n = "t.n"(%p) {qprep.inputs = [#qprep.none], qprep.outputs = [#qprep.shared<edge 0>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

// Function arguments (PyTorch placeholders) are keys before any op: the
// argument's output observer is shared with its consumers' edges.
// CHECK-LABEL: func.func @args
// CHECK-SAME: qprep.output = @[[G:obs[0-9]+]]
// CHECK: "t.a"{{.*}}qprep.inputs = [@[[G]]]
// CHECK: "t.b"{{.*}}qprep.inputs = [@[[G]]]
func.func @args(%x: tensor<4xf32> {qprep.output = #qprep.qspec<i8>}) {
  %a = "t.a"(%x) {qprep.inputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  %b = "t.b"(%x) {qprep.inputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
  return
}
