// A per-channel observer with a static call site (3 channels) and a dynamic
// one that meets 4 at run time; @later is updated after the failing site.
qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1>
qprep.observer @later = #qprep.qspec<i8>
func.func @forward(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) {
  %0 = qprep.observe %a, @pc : tensor<2x3xf32>
  %c = tensor.cast %b : tensor<2x4xf32> to tensor<2x?xf32>
  %1 = qprep.observe %c, @pc : tensor<2x?xf32>
  %2 = qprep.observe %b, @later : tensor<2x4xf32>
  return
}
