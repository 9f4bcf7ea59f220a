// RUN: qprep-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{parallel-threshold=64}),canonicalize,cse)" | FileCheck %s
// RUN: qprep-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{lanes=8 registers=16 parallel-threshold=64}),canonicalize,cse)" | FileCheck %s --check-prefix=AVX2
// RUN: qprep-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{parallel-threshold=1000000000}))" | FileCheck %s --check-prefix=SERIAL
// RUN: qprep-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(qprep-linalg-to-kernels{contract=true}),canonicalize,cse)" | FileCheck %s --check-prefix=CONTRACT

// A convolution: one parallel iteration per output row (n, oh; the single
// column block and row block fold away), a tile of 8 pixels x 2 vectors (20
// channels: 16 + a masked 4), accumulators loaded from the output, then
// kh, kw, c in that order: 2 filter vector loads, 8 broadcast pixels, 16
// multiply-adds (the op's mulf then addf; one vector.fma with contract).
// CHECK-LABEL: func @conv
// CHECK:       scf.parallel (%[[OH:.*]]) = (%c0) to (%c4) step (%c1) {
// CHECK:         %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:         vector.load %arg2[%c0, %[[OH]], %c0, %c0] : memref<1x4x8x20xf32>, vector<16xf32>
// CHECK:         vector.maskedload %arg2[%c0, %[[OH]], %c0, %c16], %[[MASK]]
// CHECK:         scf.for %[[KH:.*]] = %c0 to %c3 step %c1 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:           scf.for %[[KW:.*]] = %c0 to %c3
// CHECK:             scf.for %[[C:.*]] = %c0 to %c3
// CHECK:               %[[W0:.*]] = vector.load %arg1[%[[KH]], %[[KW]], %[[C]], %c0] : memref<3x3x3x20xf32>, vector<16xf32>
// CHECK:               %[[W1:.*]] = vector.maskedload %arg1[%[[KH]], %[[KW]], %[[C]], %c16], %[[MASK]]
// CHECK:               %[[IH:.*]] = arith.addi %[[OH]], %[[KH]] : index
// CHECK:               %[[X:.*]] = memref.load %arg0[%c0, %[[IH]], %[[KW]], %[[C]]] : memref<1x6x10x3xf32>
// CHECK:               %[[B:.*]] = vector.broadcast %[[X]] : f32 to vector<16xf32>
// CHECK:               %[[P0:.*]] = arith.mulf %[[B]], %[[W0]] : vector<16xf32>
// CHECK:               arith.addf %{{.*}}, %[[P0]] : vector<16xf32>
// CHECK:               %[[P1:.*]] = arith.mulf %[[B]], %[[W1]] : vector<16xf32>
// CHECK:               arith.addf %{{.*}}, %[[P1]] : vector<16xf32>
// CHECK-COUNT-14:      arith.addf
// CHECK-NOT:           arith.addf
// CHECK-NOT:           vector.fma
// CHECK:               scf.yield
// CHECK:         vector.store %{{.*}}, %arg2[%c0, %[[OH]], %c0, %c0]
// CHECK:         vector.maskedstore %arg2[%c0, %[[OH]], %c0, %c16], %[[MASK]]
// CHECK-NOT:   linalg.conv
// With 8 lanes and 16 registers: 3 vectors (the last masked to 4 lanes) x 4 pixels.
// AVX2-LABEL: func @conv
// AVX2:       vector.constant_mask [4] : vector<8xi1>
// AVX2:       scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// SERIAL-LABEL: func @conv
// SERIAL-NOT:   scf.parallel
// SERIAL:       arith.mulf
// CONTRACT-LABEL: func @conv
// CONTRACT:       %[[W0:.*]] = vector.load %arg1
// CONTRACT:       %[[W1:.*]] = vector.maskedload %arg1
// CONTRACT:       %[[B:.*]] = vector.broadcast
// CONTRACT-NEXT:  vector.fma %[[B]], %[[W0]], %{{.*}} : vector<16xf32>
// CONTRACT-NEXT:  vector.fma %[[B]], %[[W1]], %{{.*}} : vector<16xf32>
// CONTRACT-NOT:   arith.mulf
func.func @conv(%x: memref<1x6x10x3xf32>, %w: memref<3x3x3x20xf32>, %out: memref<1x4x8x20xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x6x10x3xf32>, memref<3x3x3x20xf32>) outs(%out : memref<1x4x8x20xf32>)
  return
}

// -----

// Strides and dilations enter the input indices: ih = 2 oh + 3 kh, iw = 2 ow + 3 kw.
// CHECK-LABEL: func @conv_strided
// CONTRACT-LABEL: func @conv_strided
// CHECK:       scf.parallel (%[[OH:.*]]) =
// CHECK:         scf.for %[[KH:.*]] = %c0 to %c2
// CHECK:           scf.for %[[KW:.*]] = %c0 to %c2
// CHECK:             scf.for %[[C:.*]] = %c0 to %c4
// CHECK-DAG:           %[[A:.*]] = arith.muli %[[OH]], %c2
// CHECK-DAG:           %[[B:.*]] = arith.muli %[[KH]], %c3
// CHECK-DAG:           %[[IH:.*]] = arith.addi %[[A]], %[[B]]
// CHECK-DAG:           %[[IW:.*]] = arith.muli %[[KW]], %c3
// CHECK:               memref.load %arg0[%c0, %[[IH]], %[[IW]], %[[C]]]
func.func @conv_strided(%x: memref<1x9x9x4xf32>, %w: memref<2x2x4x16xf32>, %out: memref<1x3x3x16xf32>) {
  linalg.conv_2d_nhwc_hwcf {dilations = dense<3> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x9x9x4xf32>, memref<2x2x4x16xf32>) outs(%out : memref<1x3x3x16xf32>)
  return
}

// -----

// Many rows: 64 channels in two column blocks of 2 vectors, 45 pixels in
// row blocks of 12 (3 x 12 + 9): (column block, oh, row block) in parallel,
// the tail tile picked with scf.if on the row block.
// CHECK-LABEL: func @conv_row_tail
// CHECK:       scf.parallel (%{{.*}}, %{{.*}}, %[[RB:.*]]) = (%c0, %c0, %c0) to (%c2, %c5, %c4)
// CHECK:         %[[LAST:.*]] = arith.cmpi eq, %[[RB]], %c3 : index
// CHECK:         scf.if %[[LAST]] {
// CHECK:         } else {
func.func @conv_row_tail(%x: memref<1x5x45x16xf32>, %w: memref<1x1x16x64xf32>, %out: memref<1x5x45x64xf32>) {
  linalg.conv_2d_nhwc_hwcf ins(%x, %w : memref<1x5x45x16xf32>, memref<1x1x16x64xf32>) outs(%out : memref<1x5x45x64xf32>)
  return
}

// -----

// matmul: rows are m, columns n (40 = 16 + 16 + masked 8), reduction k.
// CHECK-LABEL: func @matmul
// CHECK:       %[[MASK:.*]] = vector.constant_mask [8] : vector<16xi1>
// CHECK:       scf.for %[[K:.*]] = %c0 to %c5 step %c1 iter_args
// CHECK:         vector.load %arg1[%[[K]], %c0]
// CHECK:         vector.load %arg1[%[[K]], %c16]
// CHECK:         vector.maskedload %arg1[%[[K]], %c32], %[[MASK]]
// CHECK:         memref.load %arg0[%c0, %[[K]]] : memref<3x5xf32>
// CHECK-COUNT-9: arith.addf
// CHECK:       vector.maskedstore %arg2[%c2, %c32], %[[MASK]]
func.func @matmul(%a: memref<3x5xf32>, %b: memref<5x40xf32>, %c: memref<3x40xf32>) {
  linalg.matmul ins(%a, %b : memref<3x5xf32>, memref<5x40xf32>) outs(%c : memref<3x40xf32>)
  return
}

// -----

// batch_matmul with one row (a fully connected layer): up to 8 accumulators
// along n to cover the FMA latency; column blocks and batches in parallel.
// CHECK-LABEL: func @batch_matmul
// CHECK:       scf.parallel (%[[CB:.*]], %[[BATCH:.*]]) = (%c0, %c0) to (%c8, %c2)
// CHECK:         scf.if
// CHECK:           scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:         } else {
// CHECK:           scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:             memref.load %arg0[%[[BATCH]], %c0, %{{.*}}] : memref<2x1x512xf32>
func.func @batch_matmul(%a: memref<2x1x512xf32>, %b: memref<2x512x1000xf32>, %c: memref<2x1x1000xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x1x512xf32>, memref<2x512x1000xf32>) outs(%c : memref<2x1x1000xf32>)
  return
}

// -----

// Depthwise: channels in lanes, input and filter both vector loads, window in order.
// CHECK-LABEL: func @depthwise
// CHECK:       scf.for %[[KH:.*]] = %c0 to %c3
// CHECK:         scf.for %[[KW:.*]] = %c0 to %c3
// CHECK:           vector.load %arg1[%[[KH]], %[[KW]], %c0] : memref<3x3x24xf32>, vector<16xf32>
// CHECK:           vector.maskedload %arg1[%[[KH]], %[[KW]], %c16]
// CHECK:           %[[I:.*]] = vector.load %arg0[%c0, %{{.*}}, %{{.*}}, %c0] : memref<1x10x10x24xf32>, vector<16xf32>
// CHECK:           arith.mulf %[[I]]
func.func @depthwise(%x: memref<1x10x10x24xf32>, %w: memref<3x3x24xf32>, %out: memref<1x4x4x24xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : memref<1x10x10x24xf32>, memref<3x3x24xf32>) outs(%out : memref<1x4x4x24xf32>)
  return
}

// -----

// TOSA's depthwise_conv2d (hwcm, multiplier 1): the depthwise kernel on views
// without the unit dimension. A multiplier of 3: per input channel a
// contraction over the window, the input element broadcast to the 3 outputs.
// CHECK-LABEL: func @depthwise_hwcm
// CHECK-DAG:   %[[W3:.*]] = memref.collapse_shape %arg1 {{\[\[}}0], [1], [2, 3]] : memref<3x3x24x1xf32> into memref<3x3x24xf32>
// CHECK-DAG:   %[[O4:.*]] = memref.collapse_shape %arg2 {{\[\[}}0], [1], [2], [3, 4]] : memref<1x8x8x24x1xf32> into memref<1x8x8x24xf32>
// CHECK:       vector.load %[[W3]]
// CHECK:       vector.store %{{.*}}, %[[O4]]
// CHECK:       scf.parallel (%{{.*}}, %[[C:.*]]) = (%c0, %c0) to (%c8, %c24)
// CHECK:         %[[MASK:.*]] = vector.constant_mask [3] : vector<16xi1>
// CHECK:         scf.for %[[KH:.*]] = %c0 to %c3
// CHECK:           scf.for %[[KW:.*]] = %c0 to %c3
// CHECK:             vector.maskedload %arg3[%[[KH]], %[[KW]], %[[C]], %c0], %[[MASK]]
// CHECK:             memref.load %arg0[%c0, %{{.*}}, %{{.*}}, %[[C]]] : memref<1x10x10x24xf32>
// CHECK:             vector.broadcast
// CHECK:             arith.mulf
// CHECK:             arith.addf
// CHECK:         vector.maskedstore %arg4[%c0, %{{.*}}, %{{.*}}, %[[C]], %c0], %[[MASK]]
func.func @depthwise_hwcm(%x: memref<1x10x10x24xf32>, %w: memref<3x3x24x1xf32>, %out: memref<1x8x8x24x1xf32>,
                          %w3: memref<3x3x24x3xf32>, %out3: memref<1x8x8x24x3xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : memref<1x10x10x24xf32>, memref<3x3x24x1xf32>) outs(%out : memref<1x8x8x24x1xf32>)
  linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w3 : memref<1x10x10x24xf32>, memref<3x3x24x3xf32>) outs(%out3 : memref<1x8x8x24x3xf32>)
  return
}

// -----

// Pooling: max (NaN-propagating, as the linalg op) and sum, window in order.
// CHECK-LABEL: func @pooling
// CHECK:       scf.for %{{.*}} = %c0 to %c3
// CHECK:         scf.for %{{.*}} = %c0 to %c3
// CHECK:           arith.maximumf %{{.*}} : vector<16xf32>
// CHECK-NOT:       arith.mulf
// CHECK:       scf.for %{{.*}} = %c0 to %c3
// CHECK:         scf.for %{{.*}} = %c0 to %c3
// CHECK:           arith.addf %{{.*}} : vector<16xf32>
// CHECK-NOT:   linalg.pooling
func.func @pooling(%x: memref<1x9x9x16xf32>, %win: memref<3x3xf32>, %out: memref<1x4x4x16xf32>, %out2: memref<1x7x7x16xf32>) {
  linalg.pooling_nhwc_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
    ins(%x, %win : memref<1x9x9x16xf32>, memref<3x3xf32>) outs(%out : memref<1x4x4x16xf32>)
  linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>}
    ins(%x, %win : memref<1x9x9x16xf32>, memref<3x3xf32>) outs(%out2 : memref<1x7x7x16xf32>)
  return
}

// -----

// Elementwise with a broadcast bias (d2), a per-row scalar (d0, d1: loaded
// and broadcast), a captured scalar and a payload constant: the payload on
// vectors, a full vector and a masked tail of 4 along d2.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#bc = affine_map<(d0, d1, d2) -> (d2)>
#row = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @elementwise
// CHECK-DAG:   %[[SIX:.*]] = arith.constant dense<6.000000e+00> : vector<16xf32>
// CHECK-DAG:   %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK:       scf.parallel (%[[I:.*]], %[[J:.*]]) = (%c0, %c0) to (%c2, %c3)
// CHECK:         %[[B:.*]] = vector.load %arg0[%c0] : memref<20xf32>, vector<16xf32>
// CHECK:         %[[X:.*]] = vector.load %arg1[%[[I]], %[[J]], %c0] : memref<2x3x20xf32>, vector<16xf32>
// CHECK:         %[[Z:.*]] = memref.load %arg3[%[[I]], %[[J]]] : memref<2x3xf32>
// CHECK:         %[[ZB:.*]] = vector.broadcast %[[Z]] : f32 to vector<16xf32>
// CHECK:         %[[S:.*]] = arith.addf %[[B]], %[[X]] : vector<16xf32>
// CHECK:         %[[T:.*]] = arith.mulf %[[S]], %[[ZB]] : vector<16xf32>
// CHECK:         %[[R:.*]] = arith.maximumf %[[T]], %[[ZERO]] : vector<16xf32>
// CHECK:         %[[M:.*]] = arith.minimumf %[[R]], %[[SIX]] : vector<16xf32>
// CHECK:         vector.store %[[M]], %arg2[%[[I]], %[[J]], %c0]
// CHECK:         %[[MASK:.*]] = vector.constant_mask [4] : vector<16xi1>
// CHECK:         vector.maskedload %arg0[%c16], %[[MASK]]
// CHECK:         vector.maskedstore %arg2[%[[I]], %[[J]], %c16], %[[MASK]]
func.func @elementwise(%b: memref<20xf32>, %x: memref<2x3x20xf32>, %y: memref<2x3x20xf32>, %z: memref<2x3xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [#bc, #id, #row, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b, %x, %z : memref<20xf32>, memref<2x3x20xf32>, memref<2x3xf32>) outs(%y : memref<2x3x20xf32>) {
  ^bb0(%bi: f32, %xi: f32, %zi: f32, %o: f32):
    %s = arith.addf %bi, %xi : f32
    %t = arith.mulf %s, %zi : f32
    %c6 = arith.constant 6.0 : f32
    %r = arith.maximumf %t, %zero : f32
    %m = arith.minimumf %r, %c6 : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Identity maps on contiguous memrefs: one dimension; long ones are split
// into chunks of 8192 for the threads (the last chunk takes the rest).
// CHECK-LABEL: func @flat
// CHECK:       %[[XC:.*]] = memref.collapse_shape %arg0 {{\[\[}}0, 1]] : memref<4x5001xf32> into memref<20004xf32>
// CHECK:       %[[YC:.*]] = memref.collapse_shape %arg1 {{\[\[}}0, 1]] : memref<4x5001xf32> into memref<20004xf32>
// CHECK:       scf.parallel (%[[CH:.*]]) = (%c0) to (%c2) step (%c1)
// CHECK:         scf.if
// CHECK:           scf.for %{{.*}} = %c0 to %c738 step %c1
// CHECK:             math.exp %{{.*}} : vector<16xf32>
// CHECK:           math.exp
// CHECK:           vector.maskedstore %[[YC]]
// CHECK:         } else {
// CHECK:           scf.for %{{.*}} = %c0 to %c512 step %c1
func.func @flat(%x: memref<4x5001xf32>, %y: memref<4x5001xf32>) {
  linalg.map ins(%x : memref<4x5001xf32>) outs(%y : memref<4x5001xf32>)
    (%in: f32, %init: f32) {
      %e = math.exp %in : f32
      linalg.yield %e : f32
    }
  return
}

// -----

// Padding as bufferized tensor.pad leaves it: a fill, and a copy into a
// strided view whose (w, c) rows are contiguous on both sides.
// CHECK-LABEL: func @pad
// CHECK:       %[[FLAT:.*]] = memref.collapse_shape %arg1 {{\[\[}}0, 1, 2, 3]]
// CHECK:       vector.broadcast %arg0 : f32 to vector<16xf32>
// CHECK:       %[[SUB:.*]] = memref.subview
// CHECK:       %[[SRC:.*]] = memref.collapse_shape %arg2 {{\[\[}}0], [1], [2, 3]] : memref<1x7x7x4xf32> into memref<1x7x28xf32>
// CHECK:       %[[DST:.*]] = memref.collapse_shape %[[SUB]] {{\[\[}}0], [1], [2, 3]] {{.*}} into memref<1x7x28xf32, strided<[324, 36, 1], offset: 40>>
// CHECK:       scf.parallel (%[[H:.*]]) = (%c0) to (%c7)
// CHECK:         %[[V:.*]] = vector.load %[[SRC]][%c0, %[[H]], %c0]
// CHECK:         vector.store %[[V]], %[[DST]][%c0, %[[H]], %c0]
// CHECK:         vector.constant_mask [12]
// CHECK-NOT:   memref.copy
func.func @pad(%v: f32, %big: memref<1x9x9x4xf32>, %src: memref<1x7x7x4xf32>) {
  linalg.fill ins(%v : f32) outs(%big : memref<1x9x9x4xf32>)
  %sub = memref.subview %big[0, 1, 1, 0] [1, 7, 7, 4] [1, 1, 1, 1] : memref<1x9x9x4xf32> to memref<1x7x7x4xf32, strided<[324, 36, 4, 1], offset: 40>>
  memref.copy %src, %sub : memref<1x7x7x4xf32> to memref<1x7x7x4xf32, strided<[324, 36, 4, 1], offset: 40>>
  return
}

// -----

// Left for convert-linalg-to-loops: tensors, dynamic shapes, other element
// types for contractions, reductions, transposed and non-unit-stride
// innermost accesses, integer division (masked lanes would divide by zero),
// contiguous copies (memcpy).
#t = affine_map<(d0, d1) -> (d1, d0)>
#i2 = affine_map<(d0, d1) -> (d0, d1)>
#r = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @untouched
// CHECK:       linalg.matmul ins(%{{.*}} : tensor<4x4xf32>
// CHECK:       linalg.matmul ins(%{{.*}} : memref<?x4xf32>
// CHECK:       linalg.matmul ins(%{{.*}} : memref<4x4xf16>
// CHECK:       linalg.conv_2d_nhwc_hwcf {{.*}} memref<1x3x2x2xf32, strided<[24, 8, 4, 2]>>
// CHECK:       linalg.transpose
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK:       linalg.generic {{.*}}ins(%{{.*}} : memref<4x4xf32, strided<[1, 4]>>)
// CHECK:       arith.divsi
// CHECK:       memref.copy %{{.*}}, %{{.*}} : memref<4x4xf32> to memref<4x4xf32>
func.func @untouched(%ta: tensor<4x4xf32>, %tc: tensor<4x4xf32>, %d: memref<?x4xf32>, %m: memref<4x4xf32>,
                     %h: memref<4x4xf16>, %x: memref<1x4x4x2xf32>, %ws: memref<1x3x2x2xf32, strided<[24, 8, 4, 2]>>,
                     %o: memref<1x4x2x2xf32>, %v: memref<4xf32>, %s: memref<4x4xf32, strided<[1, 4]>>,
                     %i: memref<4x4xi32>, %m2: memref<4x4xf32>) -> tensor<4x4xf32> {
  %0 = linalg.matmul ins(%ta, %ta : tensor<4x4xf32>, tensor<4x4xf32>) outs(%tc : tensor<4x4xf32>) -> tensor<4x4xf32>
  linalg.matmul ins(%d, %m : memref<?x4xf32>, memref<4x4xf32>) outs(%d : memref<?x4xf32>)
  linalg.matmul ins(%h, %h : memref<4x4xf16>, memref<4x4xf16>) outs(%h : memref<4x4xf16>)
  linalg.conv_2d_nhwc_hwcf ins(%x, %ws : memref<1x4x4x2xf32>, memref<1x3x2x2xf32, strided<[24, 8, 4, 2]>>) outs(%o : memref<1x4x2x2xf32>)
  linalg.transpose ins(%m : memref<4x4xf32>) outs(%m : memref<4x4xf32>) permutation = [1, 0]
  linalg.generic {indexing_maps = [#i2, #r], iterator_types = ["parallel", "reduction"]}
      ins(%m : memref<4x4xf32>) outs(%v : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %e = arith.addf %a, %acc : f32
    linalg.yield %e : f32
  }
  linalg.generic {indexing_maps = [#i2, #i2], iterator_types = ["parallel", "parallel"]}
      ins(%s : memref<4x4xf32, strided<[1, 4]>>) outs(%m : memref<4x4xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  linalg.generic {indexing_maps = [#i2, #i2], iterator_types = ["parallel", "parallel"]}
      ins(%i : memref<4x4xi32>) outs(%i : memref<4x4xi32>) {
  ^bb0(%a: i32, %b: i32):
    %q = arith.divsi %a, %b : i32
    linalg.yield %q : i32
  }
  memref.copy %m, %m2 : memref<4x4xf32> to memref<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// The op that initializes a kernel's output right before it is folded into
// the accumulators: a bias broadcast along the channels (TOSA's conv2d), a
// fill (TOSA's matmul, pooling). Not when something in between may touch
// memory.
#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @fused_inits
// CHECK-NOT:   linalg.generic
// CHECK:       scf.parallel
// CHECK:         %[[B0:.*]] = vector.load %arg2[%c0] : memref<16xf32>, vector<16xf32>
// CHECK-NOT:     vector.load %arg3
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[B0]], %{{.*}} = %[[B0]],
// CHECK:       %[[Z:.*]] = vector.broadcast %arg6 : f32 to vector<16xf32>
// CHECK:       scf.for {{.*}} iter_args(%{{.*}} = %[[Z]]
// CHECK:       %[[FLAT:.*]] = memref.collapse_shape %arg5
// CHECK:       vector.store %{{.*}}, %[[FLAT]]
// CHECK:       memref.store
// CHECK:       vector.load %arg5[%c0, %c0]
// CHECK-NOT:   linalg.fill
func.func @fused_inits(%x: memref<1x6x6x8xf32>, %w: memref<3x3x8x16xf32>, %b: memref<16xf32>, %out: memref<1x4x4x16xf32>,
                       %a: memref<4x8xf32>, %c: memref<4x16xf32>, %zero: f32, %m: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#bias, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : memref<16xf32>) outs(%out : memref<1x4x4x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.conv_2d_nhwc_hwcf ins(%x, %w : memref<1x6x6x8xf32>, memref<3x3x8x16xf32>) outs(%out : memref<1x4x4x16xf32>)
  %c4 = memref.alloc() : memref<4x16xf32>
  linalg.fill ins(%zero : f32) outs(%c4 : memref<4x16xf32>)
  linalg.matmul ins(%a, %m : memref<4x8xf32>, memref<8x16xf32>) outs(%c4 : memref<4x16xf32>)
  // A store between the fill and the matmul: the fill stays.
  %i0 = arith.constant 0 : index
  linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
  memref.store %zero, %m[%i0, %i0] : memref<8x16xf32>
  linalg.matmul ins(%a, %m : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
  return
}
