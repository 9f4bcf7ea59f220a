// Inputs qprep-annotate cannot annotate as the preset asks get an error at
// the op, never a wrong spec.
// RUN: qprep-opt %s -split-input-file --qprep-annotate="preset=xnnpack" -verify-diagnostics

// A depthwise weight [KH, KW, C, M] with a channel multiplier M > 1 has its
// output channels on two axes: no per-channel observer can follow PyTorch's
// [C * M, 1, KH, KW] weight. Per-tensor weights work (annotate-options.mlir).
func.func @depthwise_multiplier(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x1x2x2xf32>} : () -> tensor<1x1x2x2xf32>
  %b = "tosa.const"() {values = dense<0.1> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // expected-error @+1 {{cannot observe the weight of 'conv2d' per channel: the depthwise weight has a channel multiplier (2) > 1, so its output channels span two axes; use weights=per-tensor for it (override) or exclude it}}
  %c = tosa.depthwise_conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<1x1x2x2xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  return %c : tensor<1x4x4x4xf32>
}

// -----

// A weight reshaped so that its output channels merge with another axis.
func.func @weight_axis_lost(%x: tensor<1x2x4xf32>) -> tensor<1x2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %w = "tosa.const"() {values = dense<0.25> : tensor<12xf32>} : () -> tensor<12xf32>
  %s = tosa.const_shape {values = dense<[1, 4, 3]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc")
  %w3 = tosa.reshape %w, %s : (tensor<12xf32>, !tosa.shape<3>) -> tensor<1x4x3xf32> loc("fc")
  // (a location that is only a name has no file position: @unknown)
  // expected-error @unknown {{cannot observe the weight of 'linear' ('fc') per channel: the weight's output-feature axis is lost in a reshape}}
  %m = tosa.matmul %x, %w3, %zp, %zp : (tensor<1x2x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("fc")
  return %m : tensor<1x2x3xf32>
}

// -----

// Functions with several blocks are not fx graphs.
// expected-error @+1 {{'func.func' op qprep-annotate handles functions with one block; this one has 2}}
func.func @blocks(%x: tensor<4xf32>) -> tensor<4xf32> {
  cf.br ^bb1(%x : tensor<4xf32>)
^bb1(%y: tensor<4xf32>):
  return %y : tensor<4xf32>
}
