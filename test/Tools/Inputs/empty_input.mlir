// An observer that only ever sees an empty value: nothing is calibrated.
func.func @forward(%x: tensor<0x4xf32> {qprep.output = #qprep.qspec<i8>}) {
  return
}
