// One observed input, for qprep-run's data and driver checks.
func.func @forward(%x: tensor<4xf32> {qprep.output = #qprep.qspec<i8>}) {
  return
}
