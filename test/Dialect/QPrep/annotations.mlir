// Annotations on ops of any dialect (registered or not), on results, and on
// function arguments; aliases name specs once.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect | qprep-opt -split-input-file -allow-unregistered-dialect | FileCheck %s

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 0.000244140625)>
#w = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>

// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0>
// CHECK-LABEL: func.func @conv
// CHECK-SAME: %{{.*}}: tensor<1x8x8x3xf32> {qprep.output = #[[ACT]]}
// CHECK: tosa.conv2d
// CHECK-SAME: qprep.id = "conv"
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W]], #qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_channel_symmetric, ch_axis = 0>]
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK: tosa.clamp
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "conv">]
// CHECK-SAME: qprep.outputs = [#qprep.shared<operand 0>]
func.func @conv(%x: tensor<1x8x8x3xf32> {qprep.output = #act}, %w: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x6x6x4xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>,
         qprep.id = "conv",
         qprep.inputs = [#act, #w, #qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_channel_symmetric, ch_axis = 0>],
         qprep.outputs = [#act]}
       : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x6x6x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32,
         qprep.inputs = [#qprep.shared<result 0 of "conv">],
         qprep.outputs = [#qprep.shared<operand 0>]}
       : (tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  return %1 : tensor<1x6x6x4xf32>
}

// -----

// unit marks an operand that is not annotated; #qprep.none is annotated
// without an observer; an operand used twice may repeat its spec; multi-result
// ops annotate each result; allow_implicit_sharing is per op.
// CHECK: #[[U8:qspec[0-9]*]] = #qprep.qspec<ui8>
// CHECK-LABEL: func.func @holes
// CHECK: "foo.split"
// CHECK-SAME: qprep.allow_implicit_sharing = false
// CHECK-SAME: qprep.inputs = [unit, #qprep.none, #[[U8]]]
// CHECK-SAME: qprep.outputs = [unit, #[[U8]]]
// CHECK: "foo.add"
// CHECK-SAME: qprep.inputs = [#[[U8]], #[[U8]]]
// CHECK: "foo.add"
// CHECK-SAME: qprep.inputs = [@obs0, @obs0]
// CHECK-SAME: qprep.outputs = [@obs1]
func.func @holes(%a: tensor<4xf32>, %b: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  %0:2 = "foo.split"(%a, %b, %c) {qprep.inputs = [unit, #qprep.none, #qprep.qspec<ui8>], qprep.outputs = [unit, #qprep.qspec<ui8>], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
  %1 = "foo.add"(%0#1, %0#1) {qprep.inputs = [#qprep.qspec<ui8>, #qprep.qspec<ui8>]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // After sharing resolution, entries name observers.
  %2 = "foo.add"(%1, %1) {qprep.inputs = [@obs0, @obs0], qprep.outputs = [@obs1]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// Annotations also work on ops nested in regions; non-tensor values take
// #qprep.none (annotated, no observer; an observer there is an error, see
// unobservable.mlir).
// CHECK: #[[I8:qspec[0-9]*]] = #qprep.qspec<i8>
// CHECK-LABEL: func.func @nested
// CHECK: scf.for
// CHECK: "foo.op"
// CHECK-SAME: qprep.inputs = [#[[I8]]]
// CHECK: "foo.scalar"
// CHECK-SAME: qprep.inputs = [#qprep.none]
func.func @nested(%x: tensor<4xf32>, %n: index) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4xf32> {
    %y = "foo.op"(%acc) {qprep.inputs = [#qprep.qspec<i8>]} : (tensor<4xf32>) -> tensor<4xf32>
    scf.yield %y : tensor<4xf32>
  }
  %s = "foo.scalar"(%n) {qprep.inputs = [#qprep.none]} : (index) -> f32
  return %r : tensor<4xf32>
}
