// RUN: qprep-opt %s -split-input-file --convert-qprep-to-loops --canonicalize | FileCheck %s

// State globals start at +inf / -inf; one per channel for per-channel
// observers; observe ops become loops and forward their operand; observers
// without statistics (fixed, placeholder, derived) just forward.
// CHECK-DAG: memref.global "private" @a_min : memref<1xf32> = dense<0x7F800000>
// CHECK-DAG: memref.global "private" @a_max : memref<1xf32> = dense<0xFF800000>
// CHECK-DAG: memref.global "private" @pc_min : memref<4xf32> = dense<0x7F800000>
// CHECK-NOT: qprep.
// CHECK-LABEL: func.func @f
// CHECK-SAME: (%[[X:.*]]: memref<8x4xf32>, %[[H:.*]]: memref<?x4xf16>)
// CHECK: scf.for %[[I:[a-z0-9]+]] = %{{.*}} to %c8
// CHECK-NEXT: scf.for %[[J:[a-z0-9]+]] = %{{.*}} to %c4
// CHECK-NEXT: memref.load %[[X]][%[[I]], %[[J]]]
// CHECK: arith.minimumf
// CHECK: arith.maximumf
// The per-channel state is indexed by the ch_axis loop (no transpose).
// CHECK: scf.for %[[I2:[a-z0-9]+]] = %{{.*}} to %c8
// CHECK-NEXT: scf.for %[[J2:[a-z0-9]+]] = %{{.*}} to %c4
// CHECK-NEXT: memref.load %[[X]][%[[I2]], %[[J2]]]
// CHECK-NEXT: memref.load %{{.*}}[%[[J2]]] : memref<4xf32>
// f16 values are widened to f32 first (PyTorch: x.to(float32)).
// CHECK: memref.load %[[H]]
// CHECK: arith.extf
// CHECK: return %[[X]], %[[X]]
// CHECK-LABEL: func.func @qprep_reset()
// CHECK-SAME: llvm.emit_c_interface
// CHECK-LABEL: func.func @qprep_stats_a() -> (memref<1xf32>, memref<1xf32>)
// CHECK-SAME: llvm.emit_c_interface
// CHECK: memref.get_global @a_min
// CHECK: memref.get_global @a_max
// CHECK-LABEL: func.func @qprep_stats_pc() -> (memref<4xf32>, memref<4xf32>)
module {
  qprep.observer @a = #qprep.qspec<i8>
  qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 1>
  qprep.observer @fixed = #qprep.fixed_qspec<ui8, scale = 0.00390625, zero_point = 0>
  qprep.observer @ph = #qprep.qspec<f16, dynamic, observer = placeholder>
  func.func @f(%x: memref<8x4xf32>, %h: memref<?x4xf16>) -> (memref<8x4xf32>, memref<8x4xf32>) {
    %0 = qprep.observe %x, @a : memref<8x4xf32>
    %1 = qprep.observe %0, @pc : memref<8x4xf32>
    %2 = qprep.observe %h, @pc : memref<?x4xf16>
    %3 = qprep.observe %1, @fixed : memref<8x4xf32>
    %4 = qprep.observe %1, @ph : memref<8x4xf32>
    return %3, %4 : memref<8x4xf32>, memref<8x4xf32>
  }
}
