// Quantization-aware training: fixed qparams become fake-quantize with
// is-qat; observers whose constructor asks for fake_quant are fake-quantize in
// both modes.
// RUN: qprep-opt %s -allow-unregistered-dialect --qprep-insert-observers=is-qat=true | FileCheck %s --check-prefix=QAT
// RUN: qprep-opt %s -allow-unregistered-dialect --qprep-insert-observers | FileCheck %s --check-prefix=PTQ
// RUN: qprep-opt %s -allow-unregistered-dialect --qprep-prepare=is-qat=true | FileCheck %s --check-prefix=QAT

// QAT: qprep.fake_quantize %{{.*}}, @fixed
// QAT: qprep.fake_quantize %{{.*}}, @fq
// QAT: qprep.observe %{{.*}}, @plain
// PTQ: qprep.observe %{{.*}}, @fixed
// PTQ: qprep.fake_quantize %{{.*}}, @fq
// PTQ: qprep.observe %{{.*}}, @plain
module {
  qprep.observer @fixed = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>
  qprep.observer @fq = #qprep.qspec<i8, observer = moving_average_minmax(fake_quant)>
  qprep.observer @plain = #qprep.qspec<i8>
  func.func @f(%x: tensor<4xf32>) {
    %s = "t.sigmoid"(%x) {qprep.outputs = [@fixed]} : (tensor<4xf32>) -> tensor<4xf32>
    %a = "t.a"(%s) {qprep.outputs = [@fq]} : (tensor<4xf32>) -> tensor<4xf32>
    %b = "t.b"(%a) {qprep.outputs = [@plain]} : (tensor<4xf32>) -> tensor<4xf32>
    return
  }
}
