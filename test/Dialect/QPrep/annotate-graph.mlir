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
