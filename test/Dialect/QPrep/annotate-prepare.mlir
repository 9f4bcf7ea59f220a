// qprep-annotate then qprep-prepare on PyTorch's own PT2E test scenarios
// (pytorch/ao test/quantization/pt2e/test_quantize_pt2e.py), written in the
// TOSA forms of qprep's exporter: NCHW arguments with layout transposes,
// OHWI weights, named locations. The observers and their call sites are
// those XNNPACKQuantizer + prepare_pt2e give.
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack" --qprep-prepare | FileCheck %s
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack bias=derived" --qprep-prepare | FileCheck %s --check-prefix=DERIVED

// test_shared_qspec (Conv2dWithCat): conv1(x1), conv2(x2) -> cat. The two
// inputs and two weights get an observer each; the conv outputs, both cat
// inputs and the cat output share one observer (the cat's inputs already go
// through it): 5 observers, 7 call sites. The inputs are observed as NCHW
// arguments, before the layout transposes, as in PyTorch.
// CHECK-LABEL: qprep.observer @obs0
// CHECK-COUNT-4: qprep.observer @obs
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @shared_qspec
// CHECK-NEXT: %[[X1:.*]] = qprep.observe %arg0, @[[IN1:obs[0-9]+]] : tensor<1x3x5x5xf32>
// CHECK-NEXT: %[[X2:.*]] = qprep.observe %arg1, @[[IN2:obs[0-9]+]] : tensor<1x3x5x5xf32>
// CHECK: tosa.transpose %[[X1]]
// CHECK: qprep.observe %{{.*}}, @[[W1:obs[0-9]+]] : tensor<3x3x3x3xf32>
// CHECK: %[[C1:.*]] = tosa.conv2d
// CHECK-NEXT: %[[O1:.*]] = qprep.observe %[[C1]], @[[G:obs[0-9]+]]
// CHECK: tosa.transpose %[[X2]]
// CHECK: qprep.observe %{{.*}}, @[[W2:obs[0-9]+]] : tensor<3x3x3x3xf32>
// CHECK: %[[C2:.*]] = tosa.conv2d
// CHECK-NEXT: %[[O2:.*]] = qprep.observe %[[C2]], @[[G]]
// CHECK-NEXT: %[[CAT:.*]] = tosa.concat %[[O1]], %[[O2]]
// CHECK-NEXT: qprep.observe %[[CAT]], @[[G]]
// CHECK-NOT: qprep.observe %
// CHECK: return
// DERIVED-LABEL: func.func @shared_qspec
// DERIVED-COUNT-2: qprep.observe {{.*}} : tensor<3xf32>
func.func @shared_qspec(%x1: tensor<1x3x5x5xf32>, %x2: tensor<1x3x5x5xf32>) -> tensor<1x6x3x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t1 = tosa.transpose %x1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32> loc("x1")
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<3x3x3x3xf32>} : () -> tensor<3x3x3x3xf32> loc("conv1.weight")
  %b1 = "tosa.const"() {values = dense<0.2> : tensor<3xf32>} : () -> tensor<3xf32> loc("conv1.bias")
  %c1 = tosa.conv2d %t1, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x3xf32>, tensor<3x3x3x3xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32> loc("conv1")
  %t2 = tosa.transpose %x2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32> loc("x2")
  %w2 = "tosa.const"() {values = dense<0.3> : tensor<3x3x3x3xf32>} : () -> tensor<3x3x3x3xf32> loc("conv2.weight")
  %b2 = "tosa.const"() {values = dense<0.4> : tensor<3xf32>} : () -> tensor<3xf32> loc("conv2.bias")
  %c2 = tosa.conv2d %t2, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x3xf32>, tensor<3x3x3x3xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32> loc("conv2")
  %cat = tosa.concat %c1, %c2 {axis = 3 : i32} : (tensor<1x3x3x3xf32>, tensor<1x3x3x3xf32>) -> tensor<1x3x3x6xf32> loc("cat")
  %y = tosa.transpose %cat {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x3x3x6xf32>) -> tensor<1x6x3x3xf32> loc("output")
  return %y : tensor<1x6x3x3xf32>
}

// -----

// test_shared_qspec_transitivity (Conv2dWithTwoCat): y = cat(conv1(x1),
// conv2(x2)); z = x3 + x4; w = cat(z, y). Everything that touches either cat
// is one group: 7 observers (x1, w1, x2, w2, x3, x4 and the group).
// CHECK-LABEL: qprep.observer @obs0
// CHECK-COUNT-6: qprep.observer @obs
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @shared_qspec_transitivity
// CHECK: %[[C1:.*]] = tosa.conv2d
// CHECK-NEXT: %[[O1:.*]] = qprep.observe %[[C1]], @[[G:obs[0-9]+]]
// CHECK: %[[C2:.*]] = tosa.conv2d
// CHECK-NEXT: %[[O2:.*]] = qprep.observe %[[C2]], @[[G]]
// CHECK-NEXT: %[[Y:.*]] = tosa.concat %[[O1]], %[[O2]]
// CHECK-NEXT: %[[OY:.*]] = qprep.observe %[[Y]], @[[G]]
// CHECK: %[[Z:.*]] = tosa.add
// CHECK-NEXT: %[[OZ:.*]] = qprep.observe %[[Z]], @[[G]]
// CHECK-NEXT: %[[W:.*]] = tosa.concat %[[OZ]], %[[OY]]
// CHECK-NEXT: qprep.observe %[[W]], @[[G]]
func.func @shared_qspec_transitivity(%x1: tensor<1x3x5x5xf32>, %x2: tensor<1x3x5x5xf32>, %x3: tensor<1x6x3x3xf32>, %x4: tensor<1x6x3x3xf32>) -> tensor<2x6x3x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t1 = tosa.transpose %x1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32> loc("x1")
  %w1 = "tosa.const"() {values = dense<0.1> : tensor<3x3x3x3xf32>} : () -> tensor<3x3x3x3xf32>
  %b1 = "tosa.const"() {values = dense<0.2> : tensor<3xf32>} : () -> tensor<3xf32>
  %c1 = tosa.conv2d %t1, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x3xf32>, tensor<3x3x3x3xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32> loc("conv1")
  %t2 = tosa.transpose %x2 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x3x5x5xf32>) -> tensor<1x5x5x3xf32> loc("x2")
  %w2 = "tosa.const"() {values = dense<0.3> : tensor<3x3x3x3xf32>} : () -> tensor<3x3x3x3xf32>
  %b2 = "tosa.const"() {values = dense<0.4> : tensor<3xf32>} : () -> tensor<3xf32>
  %c2 = tosa.conv2d %t2, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x3xf32>, tensor<3x3x3x3xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x3x3xf32> loc("conv2")
  %y = tosa.concat %c1, %c2 {axis = 3 : i32} : (tensor<1x3x3x3xf32>, tensor<1x3x3x3xf32>) -> tensor<1x3x3x6xf32> loc("cat")
  %t3 = tosa.transpose %x3 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x6x3x3xf32>) -> tensor<1x3x3x6xf32> loc("x3")
  %t4 = tosa.transpose %x4 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x6x3x3xf32>) -> tensor<1x3x3x6xf32> loc("x4")
  %z = tosa.add %t3, %t4 : (tensor<1x3x3x6xf32>, tensor<1x3x3x6xf32>) -> tensor<1x3x3x6xf32> loc("add")
  %w = tosa.concat %z, %y {axis = 0 : i32} : (tensor<1x3x3x6xf32>, tensor<1x3x3x6xf32>) -> tensor<2x3x3x6xf32> loc("cat_1")
  %o = tosa.transpose %w {perms = array<i32: 0, 3, 1, 2>} : (tensor<2x3x3x6xf32>) -> tensor<2x6x3x3xf32> loc("output")
  return %o : tensor<2x6x3x3xf32>
}

// -----

// test_max_pool2d_quantizer with XNNPACK's rules: conv -> max_pool2d; the
// pool shares the conv's output observer on its input and output (its input
// edge already goes through it): 3 observers, 4 call sites.
// CHECK-LABEL: qprep.observer @obs0
// CHECK-COUNT-2: qprep.observer @obs
// CHECK-NOT: qprep.observer
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[C:.*]] = tosa.conv2d
// CHECK-NEXT: %[[OC:.*]] = qprep.observe %[[C]], @[[G:obs[0-9]+]]
// CHECK-NEXT: %[[P:.*]] = tosa.max_pool2d %[[OC]]
// CHECK-NEXT: qprep.observe %[[P]], @[[G]]
// CHECK-NOT: qprep.observe %
// CHECK: return
func.func @max_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("x")
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %p = tosa.max_pool2d %c {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> loc("maxpool")
  %o = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> loc("output")
  return %o : tensor<1x2x2x2xf32>
}

// -----

// conv + relu fused (the conv's output is not observed, the relu's is), and
// with bias=derived the int32 bias observer derives from the conv's input
// and weight observers (per channel, axis 0 of the [O] bias), as
// examples/small_cnn.mlir does; XNNPACK itself leaves the bias float.
// CHECK-LABEL: func.func @conv_relu
// CHECK: %[[C:.*]] = tosa.conv2d
// CHECK-NEXT: %[[R:.*]] = tosa.clamp %[[C]]
// CHECK-NEXT: qprep.observe %[[R]]
// CHECK-NOT: qprep.observe %
// CHECK: return
// DERIVED: qprep.observer @[[IN:obs[0-9]+]] = #qspec
// DERIVED-NEXT: qprep.observer @[[W:obs[0-9]+]] = #qspec1
// DERIVED-NEXT: qprep.observer @{{obs[0-9]+}} = #qprep.derived<i32, from = [@[[IN]], @[[W]]], quant_min = -2147483648, quant_max = 2147483647, qscheme = per_channel_symmetric, ch_axis = 0>
// DERIVED-LABEL: func.func @conv_relu
func.func @conv_relu(%x: tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %t = tosa.transpose %x {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x4x4xf32>) -> tensor<1x4x4x2xf32> loc("x")
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<2xf32>} : () -> tensor<2xf32>
  %c = tosa.conv2d %t, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %r = tosa.clamp %c {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("relu")
  return %r : tensor<1x4x4x2xf32>
}
