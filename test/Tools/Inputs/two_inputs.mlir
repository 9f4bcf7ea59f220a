// Two inputs, each observed; for the missing-file error of qprep-run --data.
func.func @forward(%x: tensor<4xf32> {qprep.output = #qprep.qspec<i8>},
                   %y: tensor<4xf32> {qprep.output = #qprep.qspec<ui8, observer = histogram(bins = 16)>}) {
  return
}
