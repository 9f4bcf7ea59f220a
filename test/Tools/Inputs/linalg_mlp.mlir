// A two-layer MLP in linalg + arith + tensor, annotated: int8 activations
// (the ReLU shares its input's observer), per-channel weights, derived biases.
#act = #qprep.qspec<i8, observer = moving_average_minmax(averaging_constant = 0.1)>
#wt = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 1>
#bias = #qprep.derived<i32, from = [edge 0 of "fc1", edge 1 of "fc1"], qscheme = per_channel_symmetric, ch_axis = 0>
func.func @forward(%x: tensor<4x8xf32> {qprep.output = #act}) -> tensor<4x3xf32> {
  %w1 = arith.constant dense<0.25> : tensor<8x16xf32>
  %b1 = arith.constant dense<0.5> : tensor<16xf32>
  %w2 = arith.constant dense<-0.125> : tensor<16x3xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x16xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m1 = linalg.matmul {qprep.id = "fc1", qprep.inputs = [#act, #wt], qprep.outputs = [#act]}
        ins(%x, %w1 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f1 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %a1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>],
                        iterator_types = ["parallel", "parallel"],
                        qprep.inputs = [#qprep.shared<operand 0>, #bias], qprep.outputs = [#act]}
        ins(%m1, %b1 : tensor<4x16xf32>, tensor<16xf32>) outs(%e1 : tensor<4x16xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %r1 = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                        iterator_types = ["parallel", "parallel"],
                        qprep.inputs = [#qprep.shared<operand 0>], qprep.outputs = [#qprep.shared<operand 0>]}
        ins(%a1 : tensor<4x16xf32>) outs(%e1 : tensor<4x16xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.maximumf %v, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32>
  %e2 = tensor.empty() : tensor<4x3xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %m2 = linalg.matmul {qprep.inputs = [#act, #wt], qprep.outputs = [#act]}
        ins(%r1, %w2 : tensor<4x16xf32>, tensor<16x3xf32>) outs(%f2 : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %m2 : tensor<4x3xf32>
}
