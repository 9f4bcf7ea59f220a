func.func @forward(%x: tensor<4x3xf32> {qprep.output = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1>}) -> tensor<4x3xf32> {
  return %x : tensor<4x3xf32>
}
