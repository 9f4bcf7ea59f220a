// RUN: qprep-opt %s --qprep-convert --split-input-file --allow-unregistered-dialect | FileCheck %s
// RUN: qprep-opt %s --qprep-convert=fold-quantize=false --split-input-file --allow-unregistered-dialect | FileCheck %s --check-prefix=NOFOLD

// One q/dq pair per observer call, where the call was; constants quantized
// at compile time. The folded integers are torch 1.13's
// torch.quantize_per_channel(w, scales, zeros, 0, torch.qint8 / qint32)
// .int_repr() of the same values (0.5 / s0 = 63.5 and 0.0236220472 / s1 =
// 1.5 are ties, rounded to even; 100.0 saturates).

// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<1x4xf32>)
// CHECK: %[[Q0:.*]] = quant.qcast %[[X]] : tensor<1x4xf32> to tensor<1x4x!quant.uniform<i8:f32, 0.011764706112444401:-43>>
// CHECK: %[[A:.*]] = quant.dcast %[[Q0]] : tensor<1x4x!quant.uniform<i8:f32, 0.011764706112444401:-43>> to tensor<1x4xf32>
// CHECK: %[[WI:.*]] = arith.constant dense<{{\[\[}}64, -127, 32, 0], [127, -32, 2, 127]]> : tensor<2x4xi8>
// CHECK: %[[WQ:.*]] = quant.scast %[[WI]] : tensor<2x4xi8> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157186985015,0.015748031437397003}>>
// CHECK: %[[W:.*]] = quant.dcast %[[WQ]]
// CHECK: %[[BI:.*]] = arith.constant dense<[5398, -1349]> : tensor<2xi32>
// CHECK: %[[BQ:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {9.2633745225612074E-5,1.8526749045122415E-4}>>
// CHECK: %[[B:.*]] = quant.dcast %[[BQ]] : {{.*}} to tensor<2xf32>
// CHECK: %[[Y:.*]] = "foo.linear"(%[[A]], %[[W]], %[[B]])
// CHECK: %[[Q1:.*]] = quant.qcast %[[Y]] : tensor<1x2xf32> to tensor<1x2x!quant.uniform<i8:f32, 0.011764706112444401:-43>>
// CHECK: %[[R:.*]] = quant.dcast %[[Q1]]
// CHECK: return %[[R]]
// CHECK-NOT: qprep.
// CHECK-NOT: arith.constant {{.*}}xf32>

// Without folding the float constants stay, behind q/dq pairs.
// NOFOLD-LABEL: func.func @linear
// NOFOLD: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2x4xf32>
// NOFOLD: quant.qcast %[[W]] : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157186985015,0.015748031437397003}>>
// NOFOLD: %[[B:.*]] = arith.constant dense<[5.000000e-01, -2.500000e-01]> : tensor<2xf32>
// NOFOLD: quant.qcast %[[B]] : tensor<2xf32> to tensor<2x!quant.uniform<i32:f32:0, {9.2633745225612074E-5,1.8526749045122415E-4}>>

qprep.observer @act = #qprep.qspec<i8> {min_val = array<f32: -1.0>, max_val = array<f32: 2.0>, scale = array<f32: 0.0117647061>, zero_point = array<i64: -43>}
qprep.observer @w = #qprep.qspec<i8, quant_min = -127, quant_max = 127, qscheme = per_channel_symmetric, ch_axis = 0> {min_val = array<f32: -1.0, -0.5>, max_val = array<f32: 0.5, 2.0>, scale = array<f32: 0.00787401571, 0.0157480314>, zero_point = array<i64: 0, 0>}
qprep.observer @b = #qprep.derived<i32, from = [@act, @w], qscheme = per_channel_symmetric, ch_axis = 0> {scale = array<f32: 9.26337458E-5, 1.85267492E-4>, zero_point = array<i64: 0, 0>}
func.func @linear(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %0 = qprep.observe %x, @act : tensor<1x4xf32>
  %w = arith.constant dense<[[0.5, -1.0, 0.25, 0.00393700786], [2.0, -0.5, 0.0236220472, 100.0]]> : tensor<2x4xf32>
  %1 = qprep.observe %w, @w : tensor<2x4xf32>
  %b = arith.constant dense<[0.5, -0.25]> : tensor<2xf32>
  %2 = qprep.observe %b, @b : tensor<2xf32>
  %3 = "foo.linear"(%0, %1, %2) : (tensor<1x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %4 = qprep.observe %3, @act : tensor<1x2xf32>
  return %4 : tensor<1x2xf32>
}

// -----

// Storage types: ui8 (printed u8), i16, ui16, a range narrower than the
// storage (printed <qmin:qmax>), reduce_range (the range in effect), fixed
// qparams; values of f16 get f16 as the expressed type.

// CHECK-LABEL: func.func @storage
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 1.562500e-02:128>>
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<i16:f32, 3.0517578125E-5>>
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<u16:f32, 3.0517578125E-5:32768>>
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<i8<-127:127>:f32, 5.000000e-01>>
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<u8<0:127>:f32, 2.500000e-01:3>>
// CHECK: quant.qcast %{{.*}} : tensor<4xf32> to tensor<4x!quant.uniform<u8:f32, 3.906250e-03>>
// CHECK: quant.qcast %{{.*}} : tensor<4xf16> to tensor<4x!quant.uniform<u8:f16, 3.906250e-03>>
// CHECK: quant.dcast %{{.*}} : tensor<4x!quant.uniform<u8:f16, 3.906250e-03>> to tensor<4xf16>
qprep.observer @u8 = #qprep.qspec<ui8, qscheme = per_tensor_symmetric> {min_val = array<f32: -2.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.015625>, zero_point = array<i64: 128>}
qprep.observer @i16 = #qprep.qspec<i16, qscheme = per_tensor_symmetric> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 3.0517578125E-5>, zero_point = array<i64: 0>}
qprep.observer @u16 = #qprep.qspec<ui16, qscheme = per_tensor_symmetric> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 3.0517578125E-5>, zero_point = array<i64: 32768>}
qprep.observer @narrow = #qprep.qspec<i8, quant_min = -127, quant_max = 127> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.5>, zero_point = array<i64: 0>}
qprep.observer @reduced = #qprep.qspec<ui8, observer = minmax(reduce_range)> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.25>, zero_point = array<i64: 3>}
qprep.observer @fixed = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>
func.func @storage(%x: tensor<4xf32>, %h: tensor<4xf16>) -> (tensor<4xf32>, tensor<4xf16>) {
  %0 = qprep.observe %x, @u8 : tensor<4xf32>
  %1 = qprep.observe %0, @i16 : tensor<4xf32>
  %2 = qprep.observe %1, @u16 : tensor<4xf32>
  %3 = qprep.observe %2, @narrow : tensor<4xf32>
  %4 = qprep.observe %3, @reduced : tensor<4xf32>
  %5 = qprep.observe %4, @fixed : tensor<4xf32>
  %6 = qprep.observe %h, @fixed : tensor<4xf16>
  return %5, %6 : tensor<4xf32>, tensor<4xf16>
}

// -----

// QAT: fake_quantize converts like observe. Dynamic shapes keep their
// dimensions; a per-channel type on a dynamic channel dimension is checked
// by the lowering.

// CHECK-LABEL: func.func @qat
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x2xf32>,
// CHECK: %[[Q:.*]] = quant.qcast %[[X]] : tensor<?x2xf32> to tensor<?x2x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01:-1}>>
// CHECK: quant.dcast %[[Q]] : tensor<?x2x!quant.uniform<i8:f32:1, {5.000000e-01,2.500000e-01:-1}>> to tensor<?x2xf32>
// CHECK: quant.qcast %{{.*}} : tensor<2x?xf32> to tensor<2x?x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01:-1}>>
qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1, observer = per_channel_minmax(fake_quant)> {min_val = array<f32: -64.0, -32.0>, max_val = array<f32: 63.5, 32.0>, scale = array<f32: 0.5, 0.25>, zero_point = array<i64: 0, -1>}
qprep.observer @pc0 = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0> {min_val = array<f32: -64.0, -32.0>, max_val = array<f32: 63.5, 32.0>, scale = array<f32: 0.5, 0.25>, zero_point = array<i64: 0, -1>}
func.func @qat(%x: tensor<?x2xf32>, %y: tensor<2x?xf32>) -> (tensor<?x2xf32>, tensor<2x?xf32>) {
  %0 = qprep.fake_quantize %x, @pc : tensor<?x2xf32>
  %1 = qprep.observe %y, @pc0 : tensor<2x?xf32>
  return %0, %1 : tensor<?x2xf32>, tensor<2x?xf32>
}

// -----

// Placeholders: f16 becomes a cast to f16 and back (PyTorch's
// convert_element_type pair), f32 and bf16 are removed (PyTorch removes
// observers it cannot convert).

// CHECK-LABEL: func.func @placeholders
// CHECK-SAME: (%[[X:.*]]: tensor<3xf32>)
// CHECK: %[[H:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<3xf32>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: } -> tensor<3xf16>
// CHECK: %[[F:.*]] = linalg.generic {{.*}} ins(%[[H]] : tensor<3xf16>)
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: } -> tensor<3xf32>
// CHECK: %[[R:.*]] = "foo.op"(%[[F]])
// CHECK: return %[[R]]
qprep.observer @f16 = #qprep.qspec<f16, observer = placeholder>
qprep.observer @f32 = #qprep.qspec<f32, observer = placeholder>
func.func @placeholders(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = qprep.observe %x, @f16 : tensor<3xf32>
  %1 = qprep.observe %0, @f32 : tensor<3xf32>
  %2 = "foo.op"(%1) : (tensor<3xf32>) -> tensor<3xf32>
  return %2 : tensor<3xf32>
}

// -----

// is_dynamic: PyTorch's choose_qparams.tensor at run time (a min/max
// reduction, determine_qparams in float32), then quantize / dequantize
// through an i8 tensor. Symmetric ui8 has zero point 128.

// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[MINI:.*]] = linalg.fill ins(%[[INF]] : f32)
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MAXI:.*]] = linalg.fill ins(%[[NINF]] : f32)
// CHECK: %[[MM:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "reduction"]{{.*}} ins(%[[X]] : tensor<2x3xf32>) outs(%[[MINI]], %[[MAXI]] : tensor<f32>, tensor<f32>)
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: %[[MN:.*]] = tensor.extract %[[MM]]#0[]
// CHECK: %[[MX:.*]] = tensor.extract %[[MM]]#1[]
// CHECK: %[[NEG:.*]] = arith.minimumf %[[MN]], %{{.*}} : f32
// CHECK: %[[POS:.*]] = arith.maximumf %[[MX]], %{{.*}} : f32
// CHECK: %[[W:.*]] = arith.subf %[[POS]], %[[NEG]] : f32
// CHECK: %[[S0:.*]] = arith.divf %[[W]], %{{.*}} : f32
// CHECK: %[[S:.*]] = arith.maximumf %[[S0]], %{{.*}} : f32
// CHECK: %[[Q:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x3xi8>)
// CHECK: math.roundeven
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%[[Q]] : tensor<2x3xi8>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: arith.mulf %{{.*}}, %[[S]] : f32
// CHECK: %[[Y:.*]] = "foo.op"(%[[D]])
// CHECK-LABEL: func.func @dynamic_symmetric
// CHECK: arith.negf
// CHECK: %[[Z:.*]] = arith.constant 1.280000e+02 : f32
// CHECK: arith.fptosi %[[Z]] : f32 to i64
qprep.observer @dyn = #qprep.qspec<i8, dynamic, observer = placeholder(eps = 0.000244140625)>
qprep.observer @dyn_sym = #qprep.qspec<ui8, qscheme = per_tensor_symmetric, dynamic, observer = moving_average_minmax(averaging_constant = 1.0)>
func.func @dynamic(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qprep.observe %x, @dyn : tensor<2x3xf32>
  %1 = "foo.op"(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}
func.func @dynamic_symmetric(%x: tensor<5xf32>) -> tensor<5xf32> {
  %0 = qprep.observe %x, @dyn_sym : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// A shared observer: one pair per call site, each in place; an observer
// nobody calls is removed without error even if it was never calibrated.

// CHECK-LABEL: func.func @shared
// CHECK: quant.qcast
// CHECK-NEXT: quant.dcast
// CHECK-NEXT: "foo.relu"
// CHECK-NEXT: quant.qcast
// CHECK-NEXT: quant.dcast
// CHECK-NEXT: return
// CHECK-NOT: qprep.observer
qprep.observer @obs0 = #qprep.qspec<i8> {min_val = array<f32: -1.0>, max_val = array<f32: 1.0>, scale = array<f32: 0.00784313772>, zero_point = array<i64: -1>}
qprep.observer @unused = #qprep.qspec<i8>
func.func @shared(%x: tensor<8xf32>) -> tensor<8xf32> {
  %0 = qprep.observe %x, @obs0 : tensor<8xf32>
  %1 = "foo.relu"(%0) : (tensor<8xf32>) -> tensor<8xf32>
  %2 = qprep.observe %1, @obs0 : tensor<8xf32>
  return %2 : tensor<8xf32>
}

// -----

// Constants reached through pure ops that fold (here arith.negf) are
// folded too, and the float chain removed; -0.5 / 0.25 = -2, 0.75 / 0.25 = 3.

// CHECK-LABEL: func.func @through_ops
// CHECK-NEXT: %[[I:.*]] = arith.constant dense<[-2, 3]> : tensor<2xi8>
// CHECK-NEXT: %[[Q:.*]] = quant.scast %[[I]] : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-NEXT: %[[D:.*]] = quant.dcast %[[Q]]
// CHECK-NEXT: return %[[D]]
qprep.observer @w = #qprep.qspec<i8> {min_val = array<f32: -0.5>, max_val = array<f32: 0.75>, scale = array<f32: 0.25>, zero_point = array<i64: 0>}
func.func @through_ops() -> tensor<2xf32> {
  %c = arith.constant dense<[0.5, -0.75]> : tensor<2xf32>
  %n = arith.negf %c : tensor<2xf32>
  %0 = qprep.observe %n, @w : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// An f16 placeholder on bf16 values converts through f32 (bf16 and f16
// have no direct cast).

// CHECK-LABEL: func.func @bf16_placeholder
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
qprep.observer @f16 = #qprep.qspec<f16, observer = placeholder>
func.func @bf16_placeholder(%x: tensor<3xbf16>) -> tensor<3xbf16> {
  %0 = qprep.observe %x, @f16 : tensor<3xbf16>
  return %0 : tensor<3xbf16>
}

// -----

// Weights in a float32 dense_resource blob (what exporters write) are
// folded too: [0.5, -1.0, 0.25, 2.0] / [0.25, 0.5] per channel.

// CHECK-LABEL: func.func @resource
// CHECK-NEXT: %[[I:.*]] = arith.constant dense<{{\[\[}}2, -4], [0, 4]]> : tensor<2x2xi8>
// CHECK-NEXT: quant.scast %[[I]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:0, {2.500000e-01,5.000000e-01}>>
// CHECK-NOT: dense_resource<blob
qprep.observer @w = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0> {min_val = array<f32: -1.0, 0.25>, max_val = array<f32: 0.5, 2.0>, scale = array<f32: 0.25, 0.5>, zero_point = array<i64: 0, 0>}
func.func @resource() -> tensor<2x2xf32> {
  %c = "tosa.const"() {values = dense_resource<blob1> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %0 = qprep.observe %c, @w : tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000003F000080BF0000803E00000040"
    }
  }
#-}
