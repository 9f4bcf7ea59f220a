// qprep-annotate on linalg: named ops, the elementwise linalg.generic ops
// torch-mlir lowers aten ops to, and named lowerings (one location name per
// fx node) whose bias is broadcast into the conv's init or added after the
// matmul.
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack" | FileCheck %s
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack print-graph=true" -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRAPH
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack bias=derived" --qprep-prepare | FileCheck %s --check-prefix=PREP

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Named ops: conv_2d_nhwc_hwcf (weight channel axis 3), relu as
// linalg.max(x, fill(0)) fused with the conv, depthwise (axis 2) + relu6 as
// a generic of max/min (hardtanh: shares), pooling_nhwc_max and
// collapse_shape (share), tensor.concat, matmul with a constant (linear,
// weight axis 1), and add of the unnamed bias (an add in PyTorch too).
// CHECK-DAG: #[[ACT:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W3:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 3, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W2:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-DAG: #[[W1:qspec[0-9]*]] = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 1, observer = per_channel_minmax(eps = 2.44140625E-4)>
// CHECK-LABEL: func.func @named_ops
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W3]]]
// CHECK-NOT: qprep.outputs
// CHECK-SAME: -> tensor<1x6x6x4xf32>
// CHECK: linalg.max
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc
// CHECK-SAME: qprep.id = "depthwise_conv_2d_nhwc_hwc", qprep.inputs = [#[[ACT]], #[[W2]]], qprep.outputs = [#[[ACT]]]
// CHECK: linalg.generic
// CHECK-SAME: qprep.id = "generic", qprep.inputs = [#qprep.shared<result 0 of "depthwise_conv_2d_nhwc_hwc">], qprep.outputs = [#qprep.shared<result 0 of "depthwise_conv_2d_nhwc_hwc">]
// CHECK: linalg.pooling_nhwc_max
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "generic">], qprep.outputs = [#qprep.shared<result 0 of "generic">]
// CHECK: tensor.concat
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]], qprep.outputs = [#qprep.shared<edge 0>]
// CHECK: tensor.collapse_shape
// CHECK-SAME: qprep.inputs = [#qprep.shared<result 0 of "concat">], qprep.outputs = [#qprep.shared<result 0 of "concat">]
// CHECK: linalg.matmul
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[W1]]], qprep.outputs = [#[[ACT]]]
// CHECK: linalg.add
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]], qprep.outputs = [#[[ACT]]]
// GRAPH-LABEL: remark: conv2d: args [placeholder, constant], weight arg 1 axis 3, users [relu]
// GRAPH: remark: relu: args [conv2d], users [conv2d]
// GRAPH: remark: conv2d: args [relu, constant], weight arg 1 axis 2, users [hardtanh]
// GRAPH: remark: hardtanh: args [conv2d], users [max_pool2d]
// GRAPH: remark: max_pool2d: args [hardtanh], users [cat]
// GRAPH: remark: cat: args [max_pool2d, max_pool2d], users [flatten]
// GRAPH: remark: flatten: args [cat], users [linear]
// GRAPH: remark: linear: args [flatten, constant], weight arg 1 axis 1, users [add]
// GRAPH: remark: add: args [linear, constant], users [output]
func.func @named_ops(%x: tensor<1x8x8x3xf32>) -> tensor<1x10xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x3x4xf32>
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %e = tensor.empty() : tensor<1x6x6x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%init : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %zeros = linalg.fill ins(%zero : f32) outs(%e : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %r = linalg.max ins(%c, %zeros : tensor<1x6x6x4xf32>, tensor<1x6x6x4xf32>) outs(%e : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %wd = arith.constant dense<0.25> : tensor<3x3x4xf32>
  %e4 = tensor.empty() : tensor<1x4x4x4xf32>
  %init4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %d = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%r, %wd : tensor<1x6x6x4xf32>, tensor<3x3x4xf32>) outs(%init4 : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r6 = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d : tensor<1x4x4x4xf32>) outs(%e4 : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %lo = arith.maximumf %in, %zero : f32
    %hi = arith.minimumf %lo, %six : f32
    linalg.yield %hi : f32
  } -> tensor<1x4x4x4xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %ninf = arith.constant -3.40282347e+38 : f32
  %e5 = tensor.empty() : tensor<1x2x2x4xf32>
  %init5 = linalg.fill ins(%ninf : f32) outs(%e5 : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %p = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%r6, %win : tensor<1x4x4x4xf32>, tensor<2x2xf32>) outs(%init5 : tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  %cat = tensor.concat dim(3) %p, %p : (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) -> tensor<1x2x2x8xf32>
  %f = tensor.collapse_shape %cat [[0], [1, 2, 3]] : tensor<1x2x2x8xf32> into tensor<1x32xf32>
  %wf = arith.constant dense<0.1> : tensor<32x10xf32>
  %e6 = tensor.empty() : tensor<1x10xf32>
  %init6 = linalg.fill ins(%zero : f32) outs(%e6 : tensor<1x10xf32>) -> tensor<1x10xf32>
  %m = linalg.matmul ins(%f, %wf : tensor<1x32xf32>, tensor<32x10xf32>) outs(%init6 : tensor<1x10xf32>) -> tensor<1x10xf32>
  %bf = arith.constant dense<0.2> : tensor<1x10xf32>
  %y = linalg.add ins(%m, %bf : tensor<1x10xf32>, tensor<1x10xf32>) outs(%e6 : tensor<1x10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// torch-mlir's lowerings, each fx node's ops named alike: a conv whose bias
// is broadcast into its init (a copy generic), relu as compare + select, a
// residual add generic, a view as collapses and an expand, and a linear
// whose weight [M, K] is transposed and whose bias is broadcast and added. Biases are recognized (axis 0 of the
// [C] / [M] constants); with bias=derived prepare gives them derived
// observers.
// GRAPH-LABEL: loc("conv1"): conv2d "conv1": args [placeholder, constant, constant], weight arg 1 axis 3, bias arg 2 axis 0, users [relu]
// GRAPH-NEXT: loc("relu"): relu "relu": args [conv2d], users [add]
// GRAPH-NEXT: loc("add"): add "add": args [relu, placeholder], users [view]
// GRAPH-NEXT: loc("view"): view "view": args [add], users [linear]
// GRAPH-NEXT: loc("fc"): linear "fc": args [view, constant, constant], weight arg 1 axis 0, bias arg 2 axis 0, users [output]
// CHECK-LABEL: func.func @torch_mlir_style
// CHECK: linalg.generic
// CHECK-SAME: qprep.inputs = [#qprep.none]
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-SAME: qprep.inputs = [#{{qspec[0-9]*}}, #{{qspec[0-9]*}}]
// CHECK: linalg.generic
// CHECK-SAME: qprep.outputs = [#[[ACT:qspec[0-9]*]]]
// CHECK: linalg.generic
// CHECK-SAME: qprep.inputs = [#[[ACT]], #[[ACT]]], qprep.outputs = [#[[ACT]]]
// CHECK: linalg.transpose
// CHECK-SAME: qprep.inputs = [#[[WFC:qspec[0-9]*]]]
// CHECK: linalg.matmul
// CHECK-SAME: qprep.inputs = [#[[ACT]]]
// CHECK: linalg.broadcast
// CHECK-SAME: qprep.inputs = [#qprep.none]
// CHECK: linalg.add
// CHECK-SAME: qprep.outputs = [#[[ACT]]]
// PREP-LABEL: func.func @torch_mlir_style
// PREP-COUNT-2: qprep.observe %{{.*}} : tensor<4xf32>
func.func @torch_mlir_style(%x: tensor<1x4x4x3xf32>, %skip: tensor<1x4x4x4xf32>) -> tensor<1x4xf32> {
  %w = arith.constant dense<0.5> : tensor<1x1x3x4xf32> loc("conv1.weight")
  %b = arith.constant dense<0.1> : tensor<4xf32> loc("conv1.bias")
  %zero = arith.constant 0.0 : f32 loc("relu")
  %e = tensor.empty() : tensor<1x4x4x4xf32> loc("conv1")
  %bb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d3)>, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x4xf32> loc("conv1")
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x3xf32>, tensor<1x1x3x4xf32>) outs(%bb : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> loc("conv1")
  %e2 = tensor.empty() : tensor<1x4x4x4xf32> loc("relu")
  %r = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x4x4x4xf32>) outs(%e2 : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %gt = arith.cmpf ugt, %in, %zero : f32
    %sel = arith.select %gt, %in, %zero : f32
    linalg.yield %sel : f32
  } -> tensor<1x4x4x4xf32> loc("relu")
  %e3 = tensor.empty() : tensor<1x4x4x4xf32> loc("add")
  %a = linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%r, %skip : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) outs(%e3 : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %s = arith.addf %in, %in2 : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x4xf32> loc("add")
  %f = tensor.collapse_shape %a [[0, 1, 2], [3]] : tensor<1x4x4x4xf32> into tensor<16x4xf32> loc("view")
  %f1 = tensor.collapse_shape %f [[0, 1]] : tensor<16x4xf32> into tensor<64xf32> loc("view")
  %f2 = tensor.expand_shape %f1 [[0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32> loc("view")
  %wf = arith.constant dense<0.01> : tensor<4x64xf32> loc("fc.weight")
  %bf = arith.constant dense<0.2> : tensor<4xf32> loc("fc.bias")
  %et = tensor.empty() : tensor<64x4xf32> loc("fc")
  %wt = linalg.transpose ins(%wf : tensor<4x64xf32>) outs(%et : tensor<64x4xf32>) permutation = [1, 0] loc("fc")
  %em = tensor.empty() : tensor<1x4xf32> loc("fc")
  %zf = linalg.fill ins(%zero : f32) outs(%em : tensor<1x4xf32>) -> tensor<1x4xf32> loc("fc")
  %mm = linalg.matmul ins(%f2, %wt : tensor<1x64xf32>, tensor<64x4xf32>) outs(%zf : tensor<1x4xf32>) -> tensor<1x4xf32> loc("fc")
  %eb = tensor.empty() : tensor<1x4xf32> loc("fc")
  %bb2 = linalg.broadcast ins(%bf : tensor<4xf32>) outs(%eb : tensor<1x4xf32>) dimensions = [0] loc("fc")
  %y = linalg.add ins(%mm, %bb2 : tensor<1x4xf32>, tensor<1x4xf32>) outs(%eb : tensor<1x4xf32>) -> tensor<1x4xf32> loc("fc")
  return %y : tensor<1x4xf32>
}

// -----

// linalg.batch_matmul with a constant right-hand side is linear (the output
// feature is axis 2 of [B, K, N]); of two activations it is a matmul, which
// XNNPACK does not annotate.
// CHECK-LABEL: func.func @batch_matmul
// CHECK: linalg.batch_matmul
// CHECK-SAME: qprep.inputs = [#{{qspec[0-9]*}}, #[[W2:qspec[0-9]*]]], qprep.outputs = [#{{qspec[0-9]*}}]
// CHECK: linalg.batch_matmul
// CHECK-NOT: qprep.
// CHECK-SAME: -> tensor<2x3x5xf32>
// GRAPH-LABEL: remark: linear: args [placeholder, constant], weight arg 1 axis 2, users [output]
// GRAPH: remark: matmul: args [placeholder, placeholder], users [output]
func.func @batch_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> (tensor<2x3x5xf32>, tensor<2x3x5xf32>) {
  %w = arith.constant dense<0.5> : tensor<2x4x5xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x5xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %l = linalg.batch_matmul ins(%a, %w : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%init : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  %m = linalg.batch_matmul ins(%a, %b : tensor<2x3x4xf32>, tensor<2x4x5xf32>) outs(%init : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %l, %m : tensor<2x3x5xf32>, tensor<2x3x5xf32>
}
