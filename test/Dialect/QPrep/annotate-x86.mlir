// qprep-annotate{preset=x86}: one split per rule of torchao's
// X86InductorQuantizer (torchao/quantization/pt2e/quantizer/
// x86_inductor_quantizer.py, "X:" lines at pytorch/ao 36027d82), following
// the patterns of its tests (test/quantization/pt2e/test_x86inductor_quantizer.py).
// Activations: uint8 [0, 255], histogram, eps 2^-12; weights: int8
// [-128, 127] per channel; conv and linear annotate their inputs only.
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=x86" | FileCheck %s
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=x86" --qprep-prepare | FileCheck %s --check-prefix=PREP

// test_conv2d (X:1202-1224 _annotate_conv2d): input and weight, no output;
// prepare puts observers on the input and the weight only.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W0:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv2d
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W0]], #qprep.none]
// CHECK-NOT: qprep.outputs
// PREP-LABEL: func.func @conv2d
// PREP-COUNT-2: qprep.observe %
// PREP-NOT: qprep.observe %
// PREP: return
func.func @conv2d(%x: tensor<1x8x8x3xf32>) -> tensor<1x8x8x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  return %c : tensor<1x8x8x4xf32>
}

// -----

// test_conv2d_unary + test_maxpool2d_recipe: conv + relu6 (X:1158-1200
// _annotate_conv2d_unary) makes the clamp the output of a quantized
// pattern, so the max_pool2d after it is annotated (X:1296-1361): its input
// edge gets the activation spec and its output shares that edge
// (X:1381-1429). Observers: input, weight, and one for the pool's input and
// output (2 call sites).
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_unary_maxpool
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}, #qprep.none]
// CHECK-NEXT: tosa.clamp
// CHECK-NOT: qprep.
// CHECK-SAME: -> tensor<1x8x8x4xf32>
// CHECK-NEXT: tosa.max_pool2d
// CHECK-SAME: qprep.inputs = [#[[ACT]]], qprep.outputs = [#qprep.shared<edge 0>]
// PREP-LABEL: func.func @conv_unary_maxpool
// PREP: %[[R:.*]] = tosa.clamp
// PREP-NEXT: %[[OR:.*]] = qprep.observe %[[R]], @[[P:obs[0-9]+]]
// PREP-NEXT: %[[M:.*]] = tosa.max_pool2d %[[OR]]
// PREP-NEXT: qprep.observe %[[M]], @[[P]]
func.func @conv_unary_maxpool(%x: tensor<1x8x8x3xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x3x3x3xf32>} : () -> tensor<4x3x3x3xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %p = tosa.max_pool2d %r {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// A max_pool2d whose input is not the output of a quantized pattern (here
// an argument) is not annotated (X:1320-1331).
// CHECK-LABEL: func.func @maxpool_unquantized_input
// CHECK-NOT: qprep.
// CHECK: return
func.func @maxpool_unquantized_input(%x: tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32> {
  %p = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
  return %p : tensor<1x4x4x4xf32>
}

// -----

// test_conv2d_binary (X:1107-1156 _annotate_conv2d_binary): conv + add; the
// add's other input gets the activation spec, the add is the pattern's
// output. NodePosType.both: conv1(x) + conv2(x): conv1 fuses with the add,
// conv2 (the add's extra input) is annotated alone.
// After prepare: 2 activation observers (x, conv2 -> add) and 2 weights.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_binary_both
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.add
// CHECK-SAME: qprep.inputs = [unit, #[[ACT]]]
// CHECK-NOT: qprep.outputs
// PREP-LABEL: qprep.observer @obs0
// PREP-COUNT-3: qprep.observer @obs
// PREP-NOT: qprep.observer
// PREP-LABEL: func.func @conv_binary_both
func.func @conv_binary_both(%x: tensor<1x6x6x3xf32>) -> tensor<1x6x6x4xf32> {
  %w1 = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %c2 = tosa.conv2d %x, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %a = tosa.add %c1, %c2 : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %a : tensor<1x6x6x4xf32>
}

// -----

// test_conv2d_binary2: tmp = conv1(x); tmp2 = conv2(tmp); tmp + tmp2. conv1
// has two users, so conv2 fuses with the add and tmp is the extra input; the
// two edges of tmp share one observer.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_binary2
// CHECK: tosa.conv2d %arg0
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.add
// CHECK-SAME: qprep.inputs = [#[[ACT]]]
// PREP-LABEL: func.func @conv_binary2
// PREP: %[[T:.*]] = tosa.conv2d
// PREP-NEXT: %[[OT:.*]] = qprep.observe %[[T]]
// PREP-NEXT: tosa.conv2d %[[OT]]
// PREP-NEXT: tosa.add %[[OT]]
// PREP-NOT: qprep.observe %
// PREP: return
func.func @conv_binary2(%x: tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32> {
  %w1 = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %t2 = tosa.conv2d %t, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x6x6x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %a = tosa.add %t, %t2 : (tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %a : tensor<1x6x6x4xf32>
}

// -----

// test_conv2d_binary_unary (X:1054-1105): conv + add + relu, as in a
// residual block; the relu is the pattern's output, so an adaptive pool
// after it is annotated and shares its input edge. avg_pool2d likewise
// (test_avg_pool2d_recipe).
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @conv_binary_unary_pool
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.add
// CHECK-SAME: qprep.inputs = [unit, #[[ACT]]]
// CHECK-NEXT: tosa.clamp
// CHECK-NOT: qprep.
// CHECK-SAME: -> tensor<1x4x4x4xf32>
// CHECK-NEXT: tosa.avg_pool2d
// CHECK-SAME: qprep.inputs = [#[[ACT]]], qprep.outputs = [#qprep.shared<edge 0>]
// CHECK-NEXT: tosa.avg_pool2d
// CHECK-SAME: qprep.inputs = [#[[ACT]]], qprep.outputs = [#qprep.shared<edge 0>]
func.func @conv_binary_unary_pool(%x: tensor<1x4x4x4xf32>) -> (tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>) {
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x4xf32>} : () -> tensor<4x1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %a = tosa.add %c, %x : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = tosa.clamp %a {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %g = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32>
  %o = tosa.avg_pool2d %r, %zp, %zp {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %g, %o : tensor<1x1x1x4xf32>, tensor<1x4x4x4xf32>
}

// -----

// test_cat_recipe: conv1, conv2 -> cat -> max_pool2d. The cat's inputs come
// from quantized patterns (X:1332-1336): input 0 gets the activation spec,
// input 1 shares that edge (X:1255-1283), the output shares it too; the pool
// joins the same observer.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @cat_recipe
// CHECK: tosa.concat
// CHECK-SAME: qprep.inputs = [#[[ACT]], #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]
// CHECK-NEXT: tosa.max_pool2d
// CHECK-SAME: qprep.inputs = [#[[ACT]]], qprep.outputs = [#qprep.shared<edge 0>]
// PREP-LABEL: func.func @cat_recipe
// PREP: %[[C1:.*]] = tosa.conv2d
// PREP-NEXT: %[[O1:.*]] = qprep.observe %[[C1]], @[[G:obs[0-9]+]]
// PREP: %[[C2:.*]] = tosa.conv2d
// PREP-NEXT: %[[O2:.*]] = qprep.observe %[[C2]], @[[G]]
// PREP-NEXT: %[[CAT:.*]] = tosa.concat %[[O1]], %[[O2]]
// PREP-NEXT: %[[OC:.*]] = qprep.observe %[[CAT]], @[[G]]
// PREP-NEXT: %[[P:.*]] = tosa.max_pool2d %[[OC]]
// PREP-NEXT: qprep.observe %[[P]], @[[G]]
func.func @cat_recipe(%x: tensor<1x4x4x3xf32>) -> tensor<1x2x2x8xf32> {
  %w1 = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %w2 = "tosa.const"() {values = dense<0.25> : tensor<4x1x1x3xf32>} : () -> tensor<4x1x1x3xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %c1 = tosa.conv2d %x, %w1, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %c2 = tosa.conv2d %x, %w2, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x3xf32>, tensor<4x1x1x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %cat = tosa.concat %c1, %c2 {axis = 3 : i32} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x8xf32>
  %p = tosa.max_pool2d %cat {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x2x2x8xf32>
  return %p : tensor<1x2x2x8xf32>
}

// -----

// test_flatten_recipe (X:1337-1345): a flatten is annotated only if one of
// its users is a quantizable op: here the linear, so the flatten (layout
// transpose + reshape, one name) gets the input edge and shares it to its
// output; a second flatten feeding only the output is left alone.
// test_linear (X:1431-1457): input and weight (axis 2 of [1, K, M]), bias
// None, no output.
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W2:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @flatten_linear
// CHECK: tosa.transpose
// CHECK-SAME: qprep.id = "flatten/transpose", qprep.inputs = [#[[ACT]]]
// CHECK: tosa.reshape
// CHECK-SAME: qprep.outputs = [#qprep.shared<edge 0 of "flatten/transpose">]
// CHECK: tosa.reshape
// CHECK-SAME: qprep.inputs = [#[[ACT]]]
// CHECK: tosa.matmul
// CHECK-SAME: qprep.inputs = [unit, #[[W2]]]
// CHECK: tosa.add
// CHECK-SAME: qprep.inputs = [unit, #qprep.none]
// CHECK: tosa.reshape
// CHECK-NOT: qprep.
// CHECK: tosa.transpose
// CHECK-NOT: qprep.
// CHECK: tosa.reshape
// CHECK-NOT: qprep.
// CHECK: return
func.func @flatten_linear(%x: tensor<1x2x2x2xf32>) -> (tensor<1x3xf32>, tensor<1x8xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("conv")
  %t = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("flatten")
  %s = tosa.const_shape {values = dense<[1, 8]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("flatten")
  %f = tosa.reshape %t, %s : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32> loc("flatten")
  %s3 = tosa.const_shape {values = dense<[1, 1, 8]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc")
  %f3 = tosa.reshape %f, %s3 : (tensor<1x8xf32>, !tosa.shape<3>) -> tensor<1x1x8xf32> loc("fc")
  %wfc = "tosa.const"() {values = dense<0.25> : tensor<1x8x3xf32>} : () -> tensor<1x8x3xf32> loc("fc.weight")
  %m = tosa.matmul %f3, %wfc, %zp, %zp : (tensor<1x1x8xf32>, tensor<1x8x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32> loc("fc")
  %bfc = "tosa.const"() {values = dense<0.5> : tensor<1x1x3xf32>} : () -> tensor<1x1x3xf32> loc("fc.bias")
  %a = tosa.add %m, %bfc : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("fc")
  %s2 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("fc")
  %y = tosa.reshape %a, %s2 : (tensor<1x1x3xf32>, !tosa.shape<2>) -> tensor<1x3xf32> loc("fc")
  %t2 = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("flatten_1")
  %f2 = tosa.reshape %t2, %s : (tensor<1x2x2x2xf32>, !tosa.shape<2>) -> tensor<1x8xf32> loc("flatten_1")
  return %y, %f2 : tensor<1x3xf32>, tensor<1x8xf32>
}

// -----

// test_linear_unary (X:1459-1502): linear + relu / tanh: the linear has its
// inputs, the post-op nothing. test_linear_binary (X:1504-1598): linear +
// add: the add's other input gets no observer ("accuracy issues").
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @linear_unary_binary
// CHECK: tosa.matmul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.tanh
// CHECK-NOT: qprep.
// CHECK-SAME: -> tensor<1x2x3xf32>
// CHECK-NEXT: tosa.matmul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #{{qspec[0-9]*}}]
// CHECK-NEXT: tosa.add
// CHECK-NOT: qprep.
// CHECK: return
func.func @linear_unary_binary(%x: tensor<1x2x4xf32>, %y: tensor<1x2x3xf32>) -> (tensor<1x2x3xf32>, tensor<1x2x3xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x4x3xf32>} : () -> tensor<1x4x3xf32>
  %w2 = "tosa.const"() {values = dense<0.5> : tensor<1x4x3xf32>} : () -> tensor<1x4x3xf32>
  %m = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %t = tosa.tanh %m : (tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  %m2 = tosa.matmul %x, %w2, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32>
  %a = tosa.add %m2, %y : (tensor<1x2x3xf32>, tensor<1x2x3xf32>) -> tensor<1x2x3xf32>
  return %t, %a : tensor<1x2x3xf32>, tensor<1x2x3xf32>
}

// -----

// test_annotate_mul_tensor (X:1600-1640): a mul of two tensors of one shape
// has both inputs annotated; a mul by a broadcast constant (a scalar in
// PyTorch) is not. A matmul of two activations is not a default quantizable
// op (X:88-99): only a kind override annotates it (annotate-options.mlir).
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @mul_and_matmul
// CHECK: tosa.mul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]]
// CHECK-NOT: qprep.outputs
// CHECK-NEXT: tosa.mul
// CHECK-NOT: qprep.
// CHECK: tosa.matmul
// CHECK-NOT: qprep.
// CHECK: return
func.func @mul_and_matmul(%x: tensor<1x4x4xf32>, %y: tensor<1x4x4xf32>) -> (tensor<1x4x4xf32>, tensor<1x4x4xf32>) {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %two = "tosa.const"() {values = dense<2.0> : tensor<1x1x1xf32>} : () -> tensor<1x1x1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %m = tosa.mul %x, %y, %shift : (tensor<1x4x4xf32>, tensor<1x4x4xf32>, tensor<1xi8>) -> tensor<1x4x4xf32>
  %n = tosa.mul %m, %two, %shift : (tensor<1x4x4xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<1x4x4xf32>
  %mm = tosa.matmul %x, %y, %zp, %zp : (tensor<1x4x4xf32>, tensor<1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4xf32>
  return %n, %mm : tensor<1x4x4xf32>, tensor<1x4x4xf32>
}
