// RUN: qprep-opt %s -split-input-file --convert-qprep-to-loops --canonicalize --mlir-print-elementsattrs-with-hex-if-larger=1000 | FileCheck %s

// Per tensor, contiguous: a 1-D view, four vector<16xf32> accumulator pairs
// carried by the bulk loop (step 32), a horizontal reduction, a scalar tail;
// then the state update (first call sets, else minimum/maximum). The state
// lives in the module's arenas, one per element type and initial value; the
// module lists each observer's public layout.
// CHECK: module attributes {qprep.observer_layouts = [{bins = 0 : i64, channels = 1 : i64, histogram = false, index = 0 : i64, observer = "a", stats = true}]}
// CHECK-DAG: memref.global "private" @__qprep_state_min : memref<1xf32> = dense<0x7F800000>
// CHECK-DAG: memref.global "private" @__qprep_state_max : memref<1xf32> = dense<0xFF800000>
// CHECK-DAG: memref.global "private" @__qprep_state_scale : memref<1xf32> = dense<1.000000e+00>
// CHECK-DAG: memref.global "private" @__qprep_state_status : memref<1xi32> = dense<1>
// The readers' table: channels, bins, then the offsets of scale, zero_point_f,
// zero_point, status, min, max, hist (-1: none).
// CHECK-DAG: memref.global "private" constant @__qprep_observers : memref<9xi64> = dense<[1, 0, 0, 0, 0, 0, 0, 0, -1]>
// The update table (CalibrationABI.h: kind 0 = min/max, 1 channel, offsets,
// then per_tensor_affine, dtype kind 0, [-128, 127], eps as float bits).
// CHECK-DAG: memref.global "private" constant @__qprep_update_table : memref<21xi64> = dense<[0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, -128, 127, 0, 872415232, 0, 0, 0, 0]>
// CHECK-NOT: qprep.
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: memref<?x4xf32>)
// CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[X]] {{\[\[}}0, 1]] : memref<?x4xf32> into memref<?xf32>
// CHECK: %[[ACC:.*]]:8 = scf.for %{{.*}} = %c0 to %{{.*}} step %c64 iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-4: vector.load %[[FLAT]]
// CHECK: scf.yield
// CHECK: vector.reduction <minimumf>
// CHECK: vector.reduction <maximumf>
// CHECK: scf.for {{.*}} -> (f32, f32)
// CHECK: memref.load %[[FLAT]]
// CHECK: scf.if
// CHECK: memref.get_global @__qprep_state_min
// CHECK: memref.get_global @__qprep_state_max
// CHECK: arith.cmpf oeq
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// CHECK: arith.select
// qprep_update_qparams has the runtime walk the update table (kind,
// channels, bins, dst_nbins, the state's offsets, the qparams config, ...:
// CalibrationABI.h) into the arenas; qprep_qparams(index, ...) copies them
// out after checking the index and the buffers.
// CHECK-LABEL: func.func @qprep_update_qparams() attributes {llvm.emit_c_interface}
// CHECK: call @qprep_rt_update_qparams({{.*}}, %c0_i64, %c1_i64,
// CHECK: func.func @qprep_qparams(%{{.*}}: i64, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xi64>, %{{.*}}: memref<?xf32>) -> i32 attributes {llvm.emit_c_interface}
// CHECK: memref.get_global @__qprep_observers
// CHECK: scf.if %{{.*}} -> (i32)
// CHECK: func.func @qprep_stats(%{{.*}}: i64, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32>) -> i32 attributes {llvm.emit_c_interface}
// CHECK: func.func @qprep_histogram(%{{.*}}: i64, %{{.*}}: memref<?xf32>) -> i32 attributes {llvm.emit_c_interface}
// CHECK: func.func @qprep_reset() attributes {llvm.emit_c_interface}
qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: memref<?x4xf32>) {
  %0 = qprep.observe %x, @a : memref<?x4xf32>
  return
}

// -----

// Per channel, last axis: the running minima of 16 channels at a time are
// vectors loaded from and stored to the per-channel buffer; a scalar tail for
// the channels left over (36 = 32 + 4). No transpose, no copy of the value.
// CHECK-LABEL: func.func @f
// CHECK: %[[FLAT:.*]] = memref.collapse_shape
// CHECK: scf.for %[[ROW:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[C:.*]] = %c0 to %c32 step %c16
// CHECK: vector.load %[[FLAT]]
// CHECK: vector.load %[[CUR:.*]][%[[C]]] : memref<36xf32>, vector<16xf32>
// CHECK: arith.minimumf {{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}}, %[[CUR]][%[[C]]] : memref<36xf32>, vector<16xf32>
// CHECK: scf.for %{{.*}} = %c32 to %c36 step %c1
qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 1>
func.func @f(%x: memref<?x36xf32>) {
  %0 = qprep.observe %x, @pc : memref<?x36xf32>
  return
}

// -----

// Per channel, a middle axis: [outer, C, inner] with each contiguous inner
// run reduced by the vector loop; f16 values are widened to f32
// (PyTorch: x.to(float32)); the moving average is state + c * (cur - state).
// CHECK-LABEL: func.func @f
// CHECK-DAG: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: scf.for %[[O:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[C:.*]] = %c0 to %c3 step %c1
// CHECK: scf.for {{.*}} step %c64 iter_args
// CHECK: vector.load {{.*}} : memref<?xf16>, vector<16xf16>
// CHECK: arith.extf {{.*}} : vector<16xf16> to vector<16xf32>
// CHECK: vector.reduction <minimumf>
// CHECK: memref.load %{{.*}}[%[[C]]] : memref<3xf32>
// CHECK: %[[D:.*]] = arith.subf
// CHECK: %[[M:.*]] = arith.mulf %[[D]], %[[HALF]]
// CHECK: arith.addf {{.*}}%[[M]]
qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1, observer = moving_average_per_channel_minmax(averaging_constant = 0.5)>
func.func @f(%x: memref<?x3x?xf16>) {
  %0 = qprep.observe %x, @pc : memref<?x3x?xf16>
  return
}

// -----

// A strided (non-contiguous) value: one scalar loop per dimension in its own
// order; the channel index is the ch_axis induction variable.
// CHECK-LABEL: func.func @f
// CHECK-NOT: vector.load
// CHECK: scf.for %[[I:.*]] = %c0 to %c4
// CHECK: scf.for %[[J:.*]] = %c0 to %c5
// CHECK: memref.load %{{.*}}[%[[I]], %[[J]]] : memref<4x5xf32, strided<[10, 1]>>
// CHECK: memref.load %{{.*}}[%[[I]]] : memref<4xf32>
qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>
func.func @f(%x: memref<4x5xf32, strided<[10, 1]>>) {
  %0 = qprep.observe %x, @pc : memref<4x5xf32, strided<[10, 1]>>
  return
}

// -----

// Histogram: state in the arenas (counts over 4 int32 sub-histograms of
// bins + 1 slots, the last one for values outside the range), finite min/max
// with NaN/inf masked out, the runtime's range, histc positions computed as
// vector<16xi32> (an overflowing product recomputed, NaN to 0, clamped to
// [0, bins - 1] before the conversion), one increment per lane, then the
// runtime's merge.
// CHECK: observer_layouts = [{bins = 100 : i64, channels = 1 : i64, histogram = true, index = 0 : i64, observer = "h", stats = true}]
// CHECK-DAG: memref.global "private" @__qprep_state_f32 : memref<103xf32> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" @__qprep_state_counts : memref<404xi32> = dense<0>
// Update table: kind 1 (histogram), 100 bins, dst_nbins 256, hist at 0.
// CHECK-DAG: @__qprep_update_table : memref<21xi64> = dense<[1, 1, 100, 256, 0, 0, 0,
// CHECK-LABEL: func.func @f
// CHECK: math.absf {{.*}} : vector<16xf32>
// CHECK: arith.cmpf olt
// CHECK: arith.select
// CHECK: scf.if
// CHECK: call @qprep_rt_histogram_range(
// CHECK: scf.for {{.*}} step %c16
// CHECK: arith.cmpf oge
// CHECK: arith.cmpf ole
// CHECK: arith.subf
// CHECK: arith.mulf
// CHECK: arith.divf
// CHECK: arith.cmpf oeq
// CHECK: arith.select
// CHECK: %[[NN:.*]] = arith.maxnumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: %[[CL:.*]] = arith.minnumf %[[NN]], %{{.*}} : vector<16xf32>
// CHECK: arith.fptosi %[[CL]] : vector<16xf32> to vector<16xi32>
// CHECK-COUNT-16: vector.extract
// CHECK: call @qprep_rt_histogram_merge(
qprep.observer @h = #qprep.qspec<ui8, observer = histogram(bins = 100)>
func.func @f(%x: memref<?x7xf32>) {
  %0 = qprep.observe %x, @h : memref<?x7xf32>
  return
}

// -----

// Fixed, derived and placeholder observers keep no statistics and no loops
// at their call sites. The update table lists the observers sources first
// (@d after @act and @w): fixed (kind 2, scale 1/256 as float bits
// 998244352, zero point 128), placeholder (kind 3), min/max (kind 0), and a
// derived scale product (kind 4) whose two sources are rows 2 and 3.
// CHECK: memref.global "private" constant @__qprep_update_sources : memref<2xi64> = dense<[2, 3]>
// CHECK: memref.global "private" constant @__qprep_update_table : memref<105xi64> = dense<[
// CHECK-SAME: 2, 1, 0, 0, -1, -1, -1, 0, 0, 0, 0, 0, 1, 0, 255, 0, 0, 998244352, 128, 0, 0,
// CHECK-SAME: 3, 1, 0, 0, -1, -1, -1, 1, 1, 1, 1,
// CHECK-SAME: 4, 4, 0, 0, -1, -1, -1, 7, 7, 7, 4, 3, 0, -2147483648, 2147483647, 0, 0, 0, 0, 0, 2]>
// CHECK-LABEL: func.func @f
// CHECK-NEXT: return
// CHECK: func.func @qprep_update_qparams()
// CHECK: memref.get_global @__qprep_update_table
// CHECK: call @qprep_rt_update_qparams({{.*}}, %c0_i64, %c5_i64,
// CHECK-NOT: call
// CHECK: return
qprep.observer @fx = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 128>
qprep.observer @ph = #qprep.qspec<f16, dynamic, observer = placeholder>
qprep.observer @act = #qprep.qspec<ui8>
qprep.observer @w = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0>
qprep.observer @d = #qprep.derived<i32, from = [@act, @w], qscheme = per_channel_symmetric, ch_axis = 0>
func.func @f(%x: memref<8xf32>, %w: memref<4x2xf32>) {
  %0 = qprep.observe %x, @fx : memref<8xf32>
  %1 = qprep.observe %x, @ph : memref<8xf32>
  %2 = qprep.observe %x, @d : memref<8xf32>
  return
}
func.func @g(%x: memref<8xf32>, %w: memref<4x2xf32>) {
  %0 = qprep.observe %x, @act : memref<8xf32>
  %1 = qprep.observe %w, @w : memref<4x2xf32>
  return
}

// -----

// fake_quantize: observe, compute the current qparams into the observer's
// state, then quantize-dequantize in place: round half to even of
// x * (1 / scale), add the zero point, clamp to [qmin, qmax] (here the
// reduce_range int8 range [-64, 63]), subtract the zero point and multiply
// by the scale in double.
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: memref<?xf32>)
// CHECK-DAG: %[[QMIN:.*]] = arith.constant -6.400000e+01 : f32
// CHECK-DAG: %[[QMAX:.*]] = arith.constant 6.300000e+01 : f32
// CHECK: call @qprep_rt_qparams(
// CHECK: scf.for %[[I:.*]] = %c0 to
// CHECK: memref.load %[[X]][%[[I]]]
// CHECK: arith.divf %cst{{.*}}, %{{.*}} : f32
// CHECK: arith.mulf
// CHECK: math.roundeven
// CHECK: arith.sitofp
// CHECK: arith.addf
// CHECK: %[[LO:.*]] = arith.maximumf %{{.*}}, %[[QMIN]]
// CHECK: arith.minimumf %[[LO]], %[[QMAX]]
// CHECK: arith.extf {{.*}} : f32 to f64
// CHECK: arith.mulf {{.*}} : f64
// CHECK: arith.truncf {{.*}} : f64 to f32
// CHECK: memref.store {{.*}}, %[[X]][%[[I]]]
qprep.observer @a = #qprep.qspec<i8, observer = minmax(reduce_range, fake_quant)>
func.func @f(%x: memref<?xf32>) -> memref<?xf32> {
  %0 = qprep.fake_quantize %x, @a : memref<?xf32>
  return %0 : memref<?xf32>
}
