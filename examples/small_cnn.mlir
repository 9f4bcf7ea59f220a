// A small CNN in TOSA, annotated the way PyTorch's XNNPACKQuantizer annotates
// a model: int8 activations (histogram observer, eps 2^-12), per-channel
// symmetric int8 weights, biases derived from the input and weight scales,
// and max_pool / reshape / concat sharing their input's observer.
//
// qprep-prepare turns these annotations into sharing groups, one
// qprep.observer per group, and qprep.observe ops on the observed edges.

#act = #qprep.qspec<i8, quant_min = -128, quant_max = 127, qscheme = per_tensor_affine, observer = histogram(eps = 0.000244140625)>
#wt  = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0, observer = per_channel_minmax(eps = 0.000244140625)>
#wt_t = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 2, observer = per_channel_minmax(eps = 0.000244140625)>
#bias = #qprep.derived<i32, from = [edge 0, edge 1], quant_min = -2147483648, quant_max = 2147483647, qscheme = per_channel_symmetric, ch_axis = 0>

module {
  func.func @forward(%x: tensor<1x16x16x3xf32> {qprep.output = #act}) -> tensor<1x1x10xf32> {
    %w1 = "tosa.const"() {values = dense<0.05> : tensor<8x3x3x3xf32>} : () -> tensor<8x3x3x3xf32>
    %b1 = "tosa.const"() {values = dense<0.01> : tensor<8xf32>} : () -> tensor<8xf32>
    %w2 = "tosa.const"() {values = dense<-0.03> : tensor<8x3x3x8xf32>} : () -> tensor<8x3x3x8xf32>
    %b2 = "tosa.const"() {values = dense<0.02> : tensor<8xf32>} : () -> tensor<8xf32>
    %fc = "tosa.const"() {values = dense<0.1> : tensor<1x256x10xf32>} : () -> tensor<1x256x10xf32>
    %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>

    // conv -> relu6, two branches that are concatenated.
    %c1 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
            qprep.id = "conv1", qprep.inputs = [#act, #wt, #bias], qprep.outputs = [#act]}
          : (tensor<1x16x16x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x8xf32>
    %r1 = tosa.clamp %c1 {min_val = 0.0 : f32, max_val = 6.0 : f32,
            qprep.inputs = [#qprep.shared<operand 0>], qprep.outputs = [#qprep.shared<operand 0>]}
          : (tensor<1x16x16x8xf32>) -> tensor<1x16x16x8xf32>
    %c2 = tosa.conv2d %r1, %w2, %b2, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>,
            qprep.id = "conv2", qprep.inputs = [#act, #wt, #bias], qprep.outputs = [#act]}
          : (tensor<1x16x16x8xf32>, tensor<8x3x3x8xf32>, tensor<8xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x16x16x8xf32>
    // concat shares its first input edge with its other input and its output.
    %cat = tosa.concat %r1, %c2 {axis = 3 : i32, qprep.id = "cat",
            qprep.inputs = [#act, #qprep.shared<edge 0>], qprep.outputs = [#qprep.shared<edge 0>]}
          : (tensor<1x16x16x8xf32>, tensor<1x16x16x8xf32>) -> tensor<1x16x16x16xf32>
    %p = tosa.max_pool2d %cat {kernel = array<i64: 4, 4>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 4, 4>,
            qprep.inputs = [#qprep.shared<operand 0>], qprep.outputs = [#qprep.shared<operand 0>]}
          : (tensor<1x16x16x16xf32>) -> tensor<1x4x4x16xf32>
    %shape = tosa.const_shape {values = dense<[1, 1, 256]> : tensor<3xindex>} : () -> !tosa.shape<3>
    %flat = tosa.reshape %p, %shape {qprep.inputs = [#qprep.shared<operand 0>], qprep.outputs = [#qprep.shared<operand 0>]}
          : (tensor<1x4x4x16xf32>, !tosa.shape<3>) -> tensor<1x1x256xf32>
    %y = tosa.matmul %flat, %fc, %zp, %zp {qprep.inputs = [#act, #wt_t], qprep.outputs = [#act]}
          : (tensor<1x1x256xf32>, tensor<1x256x10xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x10xf32>
    return %y : tensor<1x1x10xf32>
  }
}
