// qprep-annotate{preset=xnnpack}: one split per rule of torchao's
// XNNPACKQuantizer (torchao/testing/pt2e/_xnnpack_quantizer_utils.py, "U:"
// lines at pytorch/ao 36027d82). Activations: int8 [-128, 127], histogram,
// eps 2^-12; weights: int8 [-127, 127] per channel; bias: None.
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack" | FileCheck %s
// The output is valid input for prepare (every reference resolves):
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack" --qprep-prepare -o /dev/null

// conv + relu (U:344-401 _do_annotate_conv_relu): the conv annotates its
// activation, weight and (None) bias; the relu carries the output spec.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W0:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_relu
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W0]], #qprep.none]
// CHECK-NOT: qprep.outputs
// CHECK-SAME: -> tensor<1x8x8x4xf32>
// CHECK-NEXT: tosa.clamp
// CHECK-NOT: qprep.inputs
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
func.func @conv_relu(%x: tensor<1x8x8x3xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}

// -----

// A conv whose output has another user is not fused with its relu
// (U:365 `len(conv_node.users) > 1`): U:296-341 _annotate_conv gives it an
// output spec, and U:1070-1102 propagate_annotation makes the relu share it.
// A zero bias is the exporter's bias=False: no bias entry.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W0:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_two_users
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.id = "conv2d"
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W0]]]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "conv2d">]
// CHECK-SAME: qprep.outputs = [#qprep.shared<result 0 of "conv2d">]
func.func @conv_two_users(%x: tensor<1x8x8x3xf32>) -> (tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>) {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %r, %c : tensor<1x8x8x4xf32>, tensor<1x8x8x4xf32>
}

// -----

// relu6 is aten.hardtanh, not relu: no fusion; the conv has the output spec
// and the clamp shares it (U:1049-1067 _is_share_obs_or_fq_op). A depthwise
// weight [KH, KW, C, 1] is observed per channel on axis 2.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W2:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @depthwise_relu6
// CHECK: tosa.depthwise_conv2d
// CHECK-SAME: qprep.id = "depthwise_conv2d"
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W2]], #qprep.none]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "depthwise_conv2d">]
// CHECK-SAME: qprep.outputs = [#qprep.shared<result 0 of "depthwise_conv2d">]
func.func @depthwise_relu6(%x: tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<3x3x4x1xf32>} : () -> tensor<3x3x4x1xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<3x3x4x1xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}

// -----

// linear as qprep's exporter writes it (one location name for reshape,
// matmul with the transposed weight [1, K, M], bias add, reshape back):
// U:182-227 _annotate_linear. The input edge goes where x enters the node
// (the first reshape), the weight is per channel on axis 2, the bias entry is
// None, the output is on the last op.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W2:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @linear
// CHECK: tosa.reshape %arg0
// CHECK-SAME: qprep.inputs = [#[[ACT]]]
// CHECK: tosa.matmul
// CHECK-SAME: qprep.inputs = [unit, #[[W2]]]
// CHECK: tosa.add
// CHECK-SAME: qprep.inputs = [unit, #qprep.none]
// CHECK: tosa.reshape
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
func.func @linear(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %s1 = tosa.const_shape {values = dense<[1, 2, 4]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc")
  %x3 = tosa.reshape %x, %s1 : (tensor<2x4xf32>, !tosa.shape<3>) -> tensor<1x2x4xf32> loc("fc")
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x4x3xf32>} : () -> tensor<1x4x3xf32> loc("fc.weight")
  %m = tosa.matmul %x3, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("fc")
  %b = "tosa.const"() {values = dense<0.5> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32> loc("fc.bias")
  %a = tosa.add %m, %b : (tensor<1x2x3xf32>, tensor<1x1x3xf32>) -> tensor<1x2x3xf32> loc("fc")
  %s2 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("fc")
  %y = tosa.reshape %a, %s2 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32> loc("fc")
  return %y : tensor<2x3xf32>
}

// -----

// linear + relu (U:230-293 _annotate_linear_relu): the linear node has the
// inputs only, the relu the output. A hand-written linear: one matmul with a
// constant right-hand side, no bias.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W2:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @linear_relu
// CHECK: tosa.matmul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W2]]]
// CHECK-NOT: qprep.outputs
// CHECK-SAME: -> tensor<1x2x3xf32>
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
func.func @linear_relu(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x4x3xf32>} : () -> tensor<1x4x3xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %r = tosa.clamp %m {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  return %r : tensor<1x2x3xf32>
}

// -----

// A matmul of two activations (bmm) has no XNNPACK pattern; nothing is
// annotated.
// CHECK-LABEL: func.func @bmm
// CHECK-NOT: qprep.
func.func @bmm(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.matmul %a, %b, %zp, %zp : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x5xf32>
  return %m : tensor<2x3x5xf32>
}

// -----

// add + relu (U:747-819 _annotate_add_relu) and add with a scalar, which the
// exporter turns into a constant tensor that is annotated as an input
// (U:1106-1135 _convert_scalars_to_attrs makes it a get_attr node too);
// U:822-872 _annotate_add gives the second add its output.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @add
// CHECK: tosa.add
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-NOT: qprep.outputs
// CHECK-SAME: -> tensor<1x4xf32>
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.add
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
func.func @add(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %one = "tosa.const"() {values = dense<1.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %a = tosa.add %x, %y : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %b = tosa.add %r, %one : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  return %b : tensor<1x4xf32>
}

// -----

// An add whose output has two users keeps its output spec (no fusion); the
// relu shares it. U:723-735: a constant beyond histc's bound (3.4e15) leaves
// the whole add unannotated.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @add_two_users
// CHECK: tosa.add
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "add">]
// CHECK-NEXT: tosa.add
// CHECK-NOT: qprep.
// CHECK: return
func.func @add_two_users(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> (tensor<1x4xf32>, tensor<1x4xf32>) {
  %big = "tosa.const"() {values = dense<1.0e+16> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %a = tosa.add %x, %y : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %b = tosa.add %a, %big : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  return %r, %b : tensor<1x4xf32>, tensor<1x4xf32>
}

// -----

// mul + relu (U:875-946) and mul (U:949-999); the shift operand is not an
// input of aten.mul.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @mul
// CHECK: tosa.mul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-NOT: qprep.outputs
// CHECK-SAME: -> tensor<1x4xf32>
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.mul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
func.func @mul(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %x, %y, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %r = tosa.clamp %m {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %n = tosa.mul %r, %y, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  return %n : tensor<1x4xf32>
}

// -----

// cat (U:1003-1046 _annotate_cat): input 0 gets the activation spec; the
// other inputs and the output share the edge (input 0, cat). cat([x, x]) is
// one edge.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @cat
// CHECK: tosa.concat %arg0, %arg1, %arg0
// CHECK-SAME: qprep.inputs = [#[[ACT]], #qprep.shared<edge 0>, #[[ACT]]]
// CHECK-SAME: qprep.outputs = [#qprep.shared<edge 0>]
// CHECK: tosa.concat %arg1, %arg1
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-SAME: qprep.outputs = [#qprep.shared<edge 0>]
func.func @cat(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) -> (tensor<1x12xf32>, tensor<1x8xf32>) {
  %c = tosa.concat %x, %y, %x {axis = 1 : i32} : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x12xf32>
  %d = tosa.concat %y, %y {axis = 1 : i32} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  return %c, %d : tensor<1x12xf32>, tensor<1x8xf32>
}

// -----

// max_pool2d, reshape (view / flatten) and slice share their input's observer
// when the input's output is annotated (U:1070-1102 propagate_annotation);
// on an argument, whose output is not annotated, they are left alone.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @share_ops
// CHECK: tosa.max_pool2d %arg0
// CHECK-NOT: qprep.
// CHECK-SAME: -> tensor<1x2x2x4xf32>
// CHECK: tosa.add
// CHECK-SAME: qprep.id = "add"
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.max_pool2d
// CHECK-SAME: qprep.id = "max_pool2d"
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "add">], qprep.outputs = [#qprep.shared<result 0 of "add">]
// CHECK: tosa.reshape
// CHECK-SAME: qprep.id = "reshape"
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "max_pool2d">], qprep.outputs = [#qprep.shared<result 0 of "max_pool2d">]
// CHECK: tosa.slice
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "reshape">], qprep.outputs = [#qprep.shared<result 0 of "reshape">]
func.func @share_ops(%x: tensor<1x4x4x4xf32>) -> (tensor<1x2x2x4xf32>, tensor<1x8xf32>) {
  %p0 = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32>
  %a = tosa.add %x, %x : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tosa.max_pool2d %a {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32>
  %s = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %p, %s : (tensor<1x2x2x4xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  %start = tosa.const_shape {values = dense<[0, 0]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %size = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %sl = tosa.slice %f, %start, %size : (tensor<1x16xf32>, !tosa.shape<2>, !tosa.shape<2>) -> tensor<1x8xf32>
  return %p0, %sl : tensor<1x2x2x4xf32>, tensor<1x8xf32>
}

// -----

// adaptive_avg_pool2d (U:673-720; the exporter's avg_pool2d whose windows
// tile the input): the input edge gets the activation spec (the input's
// output is not annotated yet when this annotator runs, before add_relu),
// the output shares the input edge. A plain overlapping avg_pool2d has no
// XNNPACK rule.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @adaptive_avg_pool
// CHECK: tosa.clamp
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.avg_pool2d
// CHECK-SAME: qprep.inputs = [#[[ACT]]], qprep.outputs = [#qprep.shared<edge 0>]
// CHECK-NEXT: tosa.avg_pool2d
// CHECK-NOT: qprep.
// CHECK: return
func.func @adaptive_avg_pool(%x: tensor<1x4x4x4xf32>) -> (tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %a = tosa.add %x, %x : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %g = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
  %o = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %g, %o : tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// Layout transposes are not nodes. The input's NCHW -> NHWC transpose
// carries the conv's input edge (so the observer sees the argument itself);
// flatten's NHWC -> NCHW transpose and reshape are one node (one name); the
// output transpose is not annotated.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @layout
// CHECK: tosa.transpose %arg0
// CHECK-SAME: qprep.inputs = [#[[ACT]]]
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.id = "conv"
// CHECK-SAME: qprep.inputs = [unit, #{{qspec[0-9]*}}]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK: tosa.transpose
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "conv">]
// CHECK: tosa.reshape
// CHECK-NOT: qprep.inputs
// CHECK-SAME: qprep.outputs = [#qprep.shared<result 0 of "conv">]
// CHECK: tosa.transpose
// CHECK-NOT: qprep.
// CHECK: return
func.func @layout(%x: tensor<1x3x4x4xf32>) -> (tensor<1x64xf32>, tensor<1x4x4x4xf32>) {
  %xt = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x4x4x3xf32> loc("x")
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %xt, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32> loc("conv")
  %ct = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("flatten")
  %s = tosa.const_shape {values = dense<[1, 64]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("flatten")
  %f = tosa.reshape %ct, %s : (tensor<1x4x4x4xf32>, !tosa.shape<2>) -> tensor<1x64xf32> loc("flatten")
  %o = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("output")
  return %f, %o : tensor<1x64xf32>, tensor<1x4x4x4xf32>
}

// -----

// A layout transpose feeding two nodes is cloned, so that each consumer's
// edge is annotated for that consumer only; the argument keeps its plain
// transpose for the return.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @layout_shared
// CHECK: %[[T:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} :
// CHECK: %[[T1:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>, qprep.inputs = [#[[ACT]]]}
// CHECK-NEXT: tosa.conv2d %[[T1]]
// CHECK: %[[T2:.*]] = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>, qprep.inputs = [#[[ACT]]]}
// CHECK-NEXT: tosa.conv2d %[[T2]]
// CHECK: return %{{.*}}, %[[T]]
func.func @layout_shared(%x: tensor<1x3x4x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>) {
  %xt = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x4x4x3xf32>
  %w1 = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %xt, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %c2 = tosa.conv2d %xt, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c1, %c2, %xt : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x4x4x3xf32>
}

// -----

// A transpose that is not a layout change is aten.permute: it shares its
// input's observer. Ops without a rule (exp, sigmoid) are not annotated,
// and neither is what follows them.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @permute_and_unknown
// CHECK: tosa.add
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.transpose
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "add">], qprep.outputs = [#qprep.shared<result 0 of "add">]
// CHECK-NEXT: tosa.exp
// CHECK-NOT: qprep.
// CHECK: return
func.func @permute_and_unknown(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %a = tosa.add %x, %x : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %t = tosa.transpose %a {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %e = tosa.exp %t : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %s = tosa.sigmoid %e : (tensor<3x2xf32>) -> tensor<3x2xf32>
  %r = tosa.clamp %s {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<3x2xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

// Ops that are annotated already are left alone, and count as annotated
// (a relu after an annotated conv is not fused; it shares the conv's
// output).
// CHECK-DAG: #[[U8:qspec[0-9]*]] = #qprep.qspec<ui8>
// CHECK-LABEL: func.func @pre_annotated
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.id = "mine"
// CHECK-SAME: qprep.inputs = [#[[U8]]], qprep.outputs = [#[[U8]]]
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "mine">], qprep.outputs = [#qprep.shared<result 0 of "mine">]
func.func @pre_annotated(%x: tensor<1x8x8x3xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, qprep.id = "mine", qprep.inputs = [#qprep.qspec<ui8>], qprep.outputs = [#qprep.qspec<ui8>]} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}

// -----

// TOSA as torch-mlir's TorchToTosa writes it: no names, NCHW <-> NHWC
// transposes around every conv and pool, OIHW weights transposed in the IR,
// relu on NCHW, linear's weight as transpose + reshape of the [out, in]
// parameter. The transposes are not nodes (conv + relu still fuse; the
// conv weight is observed as the OIHW constant on axis 0), the weight
// preparation counts as a constant (so the matmul is a linear, weight axis
// 2), the pool and the reshapes share.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W0:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W2:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @torch_mlir_tosa
// CHECK: tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>, qprep.inputs = [#[[W0]]]} : (tensor<4x3x1x1xf32>)
// CHECK: tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>, qprep.inputs = [#[[ACT]]]}
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.inputs = [unit, unit, #qprep.none]
// CHECK: tosa.clamp
// CHECK-SAME: qprep.id = "clamp", qprep.outputs = [#[[ACT]]]
// CHECK: tosa.transpose %{{.*}} {perms = array<i32: 0, 2, 3, 1>, qprep.inputs = [#qprep.shared<result 0 of "clamp">]}
// CHECK: tosa.max_pool2d
// CHECK-SAME: qprep.outputs = [#qprep.shared<result 0 of "clamp">]
// CHECK: tosa.transpose %{{.*}} {perms = array<i32: 0, 3, 1, 2>, qprep.inputs = [#qprep.shared<result 0 of "max_pool2d">]}
// CHECK: tosa.reshape
// CHECK-SAME: qprep.outputs = [#qprep.shared<result 0 of "max_pool2d">]
// CHECK: tosa.transpose %{{.*}} {perms = array<i32: 1, 0>}
// CHECK: tosa.reshape
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "reshape">]
// CHECK: tosa.reshape
// CHECK-NOT: qprep.
// CHECK-SAME: -> tensor<1x16x2xf32>
// CHECK: tosa.matmul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W2]]], qprep.outputs = [#[[ACT]]]
func.func @torch_mlir_tosa(%x: tensor<1x3x4x4xf32>) -> tensor<1x1x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x1x1xf32>} : () -> tensor<4x3x1x1xf32>
  %wt = tosa.transpose %w {perms = array<i32: 0, 2, 3, 1>} : (tensor<4x3x1x1xf32>) -> tensor<4x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %xt = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x4x4xf32>) -> tensor<1x4x4x3xf32>
  %c = tosa.conv2d %xt, %wt, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %ct = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = tosa.clamp %ct {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %rt = tosa.transpose %r {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tosa.max_pool2d %rt {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x2x2x4xf32>
  %pt = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x4xf32>) -> tensor<1x4x2x2xf32>
  %s = tosa.const_shape {values = dense<[1, 16]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %f = tosa.reshape %pt, %s : (tensor<1x4x2x2xf32>, !tosa.shape<2>) -> tensor<1x16xf32>
  %fw = "tosa.const"() {values = dense<0.25> : tensor<2x16xf32>} : () -> tensor<2x16xf32>
  %fwt = tosa.transpose %fw {perms = array<i32: 1, 0>} : (tensor<2x16xf32>) -> tensor<16x2xf32>
  %s3 = tosa.const_shape {values = dense<[1, 1, 16]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %f3 = tosa.reshape %f, %s3 : (tensor<1x16xf32>, !tosa.shape<3>) -> tensor<1x1x16xf32>
  %sw = tosa.const_shape {values = dense<[1, 16, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %fw3 = tosa.reshape %fwt, %sw : (tensor<16x2xf32>, !tosa.shape<3>) -> tensor<1x16x2xf32>
  %m = tosa.matmul %f3, %fw3, %zp, %zp : (tensor<1x1x16xf32>, tensor<1x16x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %m : tensor<1x1x2xf32>
}

// -----

// conv_transpose + relu (U:415-423) is annotated, per output channel (axis 0
// of TOSA's [OC, KH, KW, IC]; ExecuTorch's ch_axis=1 of torch's [in, out,
// kh, kw]); a conv_transpose alone is not in torchao's STATIC_OPS.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W0:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK: tosa.transpose_conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W0]], #qprep.none]
// CHECK-NEXT: tosa.clamp
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK-NEXT: tosa.transpose_conv2d
// CHECK-NOT: qprep.
// CHECK: return
func.func @conv_transpose(%x: tensor<1x4x4x3xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) {
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %d = tosa.transpose_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, out_pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %r, %d : tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>
}
