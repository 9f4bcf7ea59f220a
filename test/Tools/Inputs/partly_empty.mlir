// Two observers, one of which only sees an empty value.
func.func @forward(%x: tensor<4xf32> {qprep.output = #qprep.qspec<i8>},
                   %e: tensor<0x4xf32> {qprep.output = #qprep.qspec<ui8>}) {
  return
}
