// An int8 placeholder observer: it calibrates (no statistics), but has no
// qparams, so convert must refuse it.
func.func @forward(%x: tensor<4x3xf32> {qprep.output = #qprep.qspec<i8, observer = placeholder>}) -> tensor<4x3xf32> {
  %0 = tosa.abs %x : (tensor<4x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
