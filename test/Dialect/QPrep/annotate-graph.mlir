// The node graph qprep-annotate builds (print-graph=true: one remark per node
// with its kind, PyTorch arguments, weight / bias channel axes and users):
// named decompositions are one node of the right kind, layout transposes are
// no node at all. Named locations have no file position, so the remarks are
// checked with FileCheck.
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack print-graph=true" -o /dev/null 2>&1 | FileCheck %s

// The exporter's decompositions of one fx node each.
// CHECK-LABEL: loc("silu"): silu "silu": args [placeholder], users [hardswish]
// CHECK-NEXT: loc("hardswish"): hardswish "hardswish": args [silu], users [hardsigmoid]
// CHECK-NEXT: loc("hardsigmoid"): hardsigmoid "hardsigmoid": args [hardswish], users [gelu]
// CHECK-NEXT: loc("gelu"): gelu "gelu": args [hardsigmoid], users [leaky_relu]
// CHECK-NEXT: loc("leaky_relu"): leaky_relu "leaky_relu": args [gelu], users [softmax]
// CHECK-NEXT: loc("softmax"): softmax "softmax": args [leaky_relu], users [mean, layer_norm]
// CHECK-NEXT: loc("mean"): mean "mean": args [softmax], users [output]
// CHECK-NEXT: loc("layer_norm"): layer_norm "layer_norm": args [softmax], users [output]
// CHECK-NEXT: loc("output"): output: args [mean, layer_norm], users []
func.func @decompositions(%x: tensor<1x4xf32>) -> (tensor<1x1xf32>, tensor<1x4xf32>) {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c3 = "tosa.const"() {values = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %c6 = "tosa.const"() {values = dense<0.1666666> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %half = "tosa.const"() {values = dense<0.5> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %rs2 = "tosa.const"() {values = dense<0.7071067> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %one = "tosa.const"() {values = dense<1.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %slope = "tosa.const"() {values = dense<0.01> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %quarter = "tosa.const"() {values = dense<0.25> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  %eps = "tosa.const"() {values = dense<1.0e-5> : tensor<1x1xf32>} : () -> tensor<1x1xf32>
  // silu: x * sigmoid(x)
  %s0 = tosa.sigmoid %x : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("silu")
  %s1 = tosa.mul %x, %s0, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("silu")
  // hardswish: x * relu6(x + 3) / 6, divided last
  %h0 = tosa.add %s1, %c3 : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32> loc("hardswish")
  %h1 = tosa.clamp %h0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("hardswish")
  %h2 = tosa.mul %s1, %h1, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("hardswish")
  %h3 = tosa.mul %h2, %c6, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("hardswish")
  // hardsigmoid: relu6(x + 3) / 6
  %g0 = tosa.add %h3, %c3 : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32> loc("hardsigmoid")
  %g1 = tosa.clamp %g0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("hardsigmoid")
  %g2 = tosa.mul %g1, %c6, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("hardsigmoid")
  // gelu: x / 2 * (1 + erf(x / sqrt(2)))
  %e0 = tosa.mul %g2, %rs2, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("gelu")
  %e1 = tosa.erf %e0 : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("gelu")
  %e2 = tosa.add %e1, %one : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32> loc("gelu")
  %e3 = tosa.mul %g2, %half, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("gelu")
  %e4 = tosa.mul %e3, %e2, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("gelu")
  // leaky_relu: maximum(x, 0.01 * x)
  %l0 = tosa.mul %e4, %slope, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("leaky_relu")
  %l1 = tosa.maximum %e4, %l0 : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32> loc("leaky_relu")
  // softmax: exp(x - max) / sum
  %m0 = tosa.reduce_max %l1 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32> loc("softmax")
  %m1 = tosa.sub %l1, %m0 : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32> loc("softmax")
  %m2 = tosa.exp %m1 : (tensor<1x4xf32>) -> tensor<1x4xf32> loc("softmax")
  %m3 = tosa.reduce_sum %m2 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32> loc("softmax")
  %m4 = tosa.reciprocal %m3 : (tensor<1x1xf32>) -> tensor<1x1xf32> loc("softmax")
  %m5 = tosa.mul %m2, %m4, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("softmax")
  // mean over the last dim
  %a0 = tosa.reduce_sum %m5 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32> loc("mean")
  %a1 = tosa.mul %a0, %quarter, %shift : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x1xf32> loc("mean")
  // layer_norm (no affine)
  %n0 = tosa.reduce_sum %m5 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32> loc("layer_norm")
  %n1 = tosa.mul %n0, %quarter, %shift : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x1xf32> loc("layer_norm")
  %n2 = tosa.sub %m5, %n1 : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32> loc("layer_norm")
  %n3 = tosa.mul %n2, %n2, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("layer_norm")
  %n4 = tosa.reduce_sum %n3 {axis = 1 : i32} : (tensor<1x4xf32>) -> tensor<1x1xf32> loc("layer_norm")
  %n5 = tosa.mul %n4, %quarter, %shift : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x1xf32> loc("layer_norm")
  %n6 = tosa.add %n5, %eps : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32> loc("layer_norm")
  %n7 = tosa.rsqrt %n6 : (tensor<1x1xf32>) -> tensor<1x1xf32> loc("layer_norm")
  %n8 = tosa.mul %n2, %n7, %shift : (tensor<1x4xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<1x4xf32> loc("layer_norm")
  return %a1, %n8 : tensor<1x1xf32>, tensor<1x4xf32> loc("output")
}

// -----

// A grouped convolution (groups = 2): slices of the input, two convs on
// slices of one weight, a concat, all named "conv_g": one conv2d node whose
// weight axis 0 is the constant's. Layout transposes (the input's, and the
// output's) are not nodes: conv_g's argument is the placeholder and the
// output node's argument is conv_g.
// CHECK-LABEL: loc("conv_g"): conv2d "conv_g": args [placeholder, constant, constant], weight arg 1 axis 0, bias arg 2 axis 0, users [output]
// CHECK-NEXT: loc("output"): output: args [conv2d], users []
func.func @grouped(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.5> : tensor<4x1x1x2xf32>} : () -> tensor<4x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %xt = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x2x2xf32>) -> tensor<1x2x2x4xf32> loc("x")
  %s0 = tosa.const_shape {values = dense<[0, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv_g")
  %s1 = tosa.const_shape {values = dense<[0, 0, 0, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv_g")
  %sz = tosa.const_shape {values = dense<[1, 2, 2, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv_g")
  %wz = tosa.const_shape {values = dense<[2, 1, 1, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv_g")
  %ws1 = tosa.const_shape {values = dense<[2, 0, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc("conv_g")
  %bz = tosa.const_shape {values = dense<[2]> : tensor<1xindex>} : () -> !tosa.shape<1> loc("conv_g")
  %b0s = tosa.const_shape {values = dense<[0]> : tensor<1xindex>} : () -> !tosa.shape<1> loc("conv_g")
  %b1s = tosa.const_shape {values = dense<[2]> : tensor<1xindex>} : () -> !tosa.shape<1> loc("conv_g")
  %x0 = tosa.slice %xt, %s0, %sz : (tensor<1x2x2x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x2xf32> loc("conv_g")
  %x1 = tosa.slice %xt, %s1, %sz : (tensor<1x2x2x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x2xf32> loc("conv_g")
  %w0 = tosa.slice %w, %s0, %wz : (tensor<4x1x1x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x1x2xf32> loc("conv_g")
  %w1 = tosa.slice %w, %ws1, %wz : (tensor<4x1x1x2xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<2x1x1x2xf32> loc("conv_g")
  %b0 = tosa.slice %b, %b0s, %bz : (tensor<4xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<2xf32> loc("conv_g")
  %b1 = tosa.slice %b, %b1s, %bz : (tensor<4xf32>, !tosa.shape<1>, !tosa.shape<1>) -> tensor<2xf32> loc("conv_g")
  %c0 = tosa.conv2d %x0, %w0, %b0, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("conv_g")
  %c1 = tosa.conv2d %x1, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32> loc("conv_g")
  %c = tosa.concat %c0, %c1 {axis = 3 : i32} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x4xf32> loc("conv_g")
  %o = tosa.transpose %c {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x4xf32>) -> tensor<1x4x2x2xf32> loc("output")
  return %o : tensor<1x4x2x2xf32> loc("output")
}

// -----

// Reshapes: flatten (merges contiguous dims, here after the exporter's NCHW
// transpose, one name), view (any other); a named group of transposes that
// are not all layout changes is a permute.
// CHECK-LABEL: loc("flatten"): flatten "flatten": args [placeholder], users [view]
// CHECK-NEXT: loc("view"): view "view": args [flatten], users [permute]
// CHECK-NEXT: loc("permute"): permute "permute": args [view], users [output]
func.func @reshapes(%x: tensor<1x2x2x3xf32>) -> tensor<3x4xf32> {
  %t = tosa.transpose %x {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x3xf32>) -> tensor<1x3x2x2xf32> loc("flatten")
  %s = tosa.const_shape {values = dense<[1, 12]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("flatten")
  %f = tosa.reshape %t, %s : (tensor<1x3x2x2xf32>, !tosa.shape<2>) -> tensor<1x12xf32> loc("flatten")
  %s2 = tosa.const_shape {values = dense<[4, 3]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("view")
  %v = tosa.reshape %f, %s2 : (tensor<1x12xf32>, !tosa.shape<2>) -> tensor<4x3xf32> loc("view")
  %p = tosa.transpose %v {perms = array<i32: 1, 0>} : (tensor<4x3xf32>) -> tensor<3x4xf32> loc("permute")
  return %p : tensor<3x4xf32>
}

// -----

// A named run whose inner value escapes is not one fx node: it is split.
// CHECK-LABEL: loc("twice"): add "twice": args [placeholder, placeholder], users [add, output]
// CHECK-NEXT: loc("twice"): add "twice": args [add, placeholder], users [output]
func.func @split_group(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %a = tosa.add %x, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("twice")
  %b = tosa.add %a, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> loc("twice")
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

// qprep.torch's export of a grouped conv (groups=2: one conv per group, each
// with its own weight and bias constants), max_pool2d(ceil_mode=True),
// avg_pool2d(3, 1, padding=1) with count_include_pad's correction (a mul by a
// constant) and adaptive_avg_pool2d((2, 2)) of a 3x3 input (a pool per output
// cell on a slice, concatenated): one node each. The grouped conv lists both
// weights and biases.
// CHECK-LABEL: model.py:13:0: remark: conv2d "gconv": args [placeholder, constant, constant, constant, constant], weight arg 1 axis 0, bias arg 2 axis 0, weight arg 3 axis 0, bias arg 4 axis 0, users [max_pool2d]
// CHECK-NEXT: model.py:14:0: remark: max_pool2d "pool": args [conv2d], users [avg_pool2d]
// CHECK-NEXT: model.py:15:0: remark: avg_pool2d "avg": args [max_pool2d], users [adaptive_avg_pool2d]
// CHECK-NEXT: model.py:16:0: remark: adaptive_avg_pool2d "ada": args [avg_pool2d], users [output]
// CHECK-NEXT: loc("output"): output: args [adaptive_avg_pool2d], users []
#loc0 = loc("x")
#loc1 = loc("gconv"("model.py":13:0))
#loc2 = loc("pool"("model.py":14:0))
#loc3 = loc("avg"("model.py":15:0))
#loc4 = loc("ada"("model.py":16:0))
#loc5 = loc("output")
module {
  func.func @forward(%arg0: tensor<1x4x5x5xf32> loc(#loc0)) -> tensor<1x4x2x2xf32> {
    %0 = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x5x5xf32>) -> tensor<1x5x5x4xf32> loc(#loc0)
    %1 = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc1)
    %2 = tosa.const_shape {values = dense<[1, 5, 5, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc1)
    %3 = tosa.slice %0, %1, %2 : (tensor<1x5x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x5x5x2xf32> loc(#loc1)
    %4 = "tosa.const"() <{values = dense<[[[[-0.005293981172144413, 0.37932288646698]]], [[[-0.5819807648658752, -0.5203874707221985]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32> loc(#loc1)
    %5 = "tosa.const"() <{values = dense<[-0.06275151669979095, 0.1871093362569809]> : tensor<2xf32>}> : () -> tensor<2xf32> loc(#loc1)
    %6 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc1)
    %7 = tosa.conv2d %3, %4, %5, %6, %6 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x2xf32> loc(#loc1)
    %8 = tosa.const_shape {values = dense<[0, 0, 0, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc1)
    %9 = tosa.const_shape {values = dense<[1, 5, 5, 2]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc1)
    %10 = tosa.slice %0, %8, %9 : (tensor<1x5x5x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x5x5x2xf32> loc(#loc1)
    %11 = "tosa.const"() <{values = dense<[[[[-0.27234524488449097, 0.1896158903837204]]], [[[-0.014010033570230007, 0.5606575012207031]]]]> : tensor<2x1x1x2xf32>}> : () -> tensor<2x1x1x2xf32> loc(#loc1)
    %12 = "tosa.const"() <{values = dense<[-0.2136969119310379, -0.13899271190166473]> : tensor<2xf32>}> : () -> tensor<2xf32> loc(#loc1)
    %13 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc1)
    %14 = tosa.conv2d %10, %11, %12, %13, %13 {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x5x5x2xf32> loc(#loc1)
    %15 = tosa.concat %7, %14 {axis = 3 : i32} : (tensor<1x5x5x2xf32>, tensor<1x5x5x2xf32>) -> tensor<1x5x5x4xf32> loc(#loc1)
    %16 = tosa.max_pool2d %15 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 1, 0, 1>, stride = array<i64: 2, 2>} : (tensor<1x5x5x4xf32>) -> tensor<1x3x3x4xf32> loc(#loc2)
    %17 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc3)
    %18 = tosa.avg_pool2d %16, %17, %17 {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x3x3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x4xf32> loc(#loc3)
    %19 = "tosa.const"() <{values = dense<[[[[0.444444448], [0.666666686], [0.444444448]], [[0.666666686], [1.0], [0.666666686]], [[0.444444448], [0.666666686], [0.444444448]]]]> : tensor<1x3x3x1xf32>}> : () -> tensor<1x3x3x1xf32> loc(#loc3)
    %20 = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8> loc(#loc3)
    %21 = tosa.mul %18, %19, %20 : (tensor<1x3x3x4xf32>, tensor<1x3x3x1xf32>, tensor<1xi8>) -> tensor<1x3x3x4xf32> loc(#loc3)
    %22 = tosa.const_shape {values = dense<0> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %23 = tosa.const_shape {values = dense<[1, 2, 2, 4]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %24 = tosa.slice %21, %22, %23 : (tensor<1x3x3x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x4xf32> loc(#loc4)
    %25 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc4)
    %26 = tosa.avg_pool2d %24, %25, %25 {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32> loc(#loc4)
    %27 = tosa.const_shape {values = dense<[0, 0, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %28 = tosa.const_shape {values = dense<[1, 2, 2, 4]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %29 = tosa.slice %21, %27, %28 : (tensor<1x3x3x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x4xf32> loc(#loc4)
    %30 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc4)
    %31 = tosa.avg_pool2d %29, %30, %30 {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32> loc(#loc4)
    %32 = tosa.concat %26, %31 {axis = 2 : i32} : (tensor<1x1x1x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x1x2x4xf32> loc(#loc4)
    %33 = tosa.const_shape {values = dense<[0, 1, 0, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %34 = tosa.const_shape {values = dense<[1, 2, 2, 4]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %35 = tosa.slice %21, %33, %34 : (tensor<1x3x3x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x4xf32> loc(#loc4)
    %36 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc4)
    %37 = tosa.avg_pool2d %35, %36, %36 {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32> loc(#loc4)
    %38 = tosa.const_shape {values = dense<[0, 1, 1, 0]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %39 = tosa.const_shape {values = dense<[1, 2, 2, 4]> : tensor<4xindex>} : () -> !tosa.shape<4> loc(#loc4)
    %40 = tosa.slice %21, %38, %39 : (tensor<1x3x3x4xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x2x2x4xf32> loc(#loc4)
    %41 = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32> loc(#loc4)
    %42 = tosa.avg_pool2d %40, %41, %41 {acc_type = f32, kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x4xf32> loc(#loc4)
    %43 = tosa.concat %37, %42 {axis = 2 : i32} : (tensor<1x1x1x4xf32>, tensor<1x1x1x4xf32>) -> tensor<1x1x2x4xf32> loc(#loc4)
    %44 = tosa.concat %32, %43 {axis = 1 : i32} : (tensor<1x1x2x4xf32>, tensor<1x1x2x4xf32>) -> tensor<1x2x2x4xf32> loc(#loc4)
    %45 = tosa.transpose %44 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x4xf32>) -> tensor<1x4x2x2xf32> loc(#loc5)
    return %45 : tensor<1x4x2x2xf32> loc(#loc5)
  }
}
