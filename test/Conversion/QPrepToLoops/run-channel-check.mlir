// A per-channel observer whose channel count is static at one call site and
// dynamic at another: the dynamic site is checked when it runs. A failed
// check records an error in the runtime (the caller takes it after the call,
// see qprep_take_error) and the update is skipped, with every later one of
// the call: the statistics stay as they were, nothing crashes.
// RUN: qprep-opt %s --convert-qprep-to-loops | FileCheck %s --check-prefix=IR
// RUN: qprep-opt %s --qprep-lower-to-llvm > %t.ll.mlir
// RUN: mlir-runner %t.ll.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN: | FileCheck %s --check-prefix=OK
// RUN: mlir-runner %t.ll.mlir -e bad -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN:   2>&1 | FileCheck %s --check-prefix=BAD

// IR: memref.global "private" constant @__qprep_names : memref<2xi8> = dense<[112, 99]>
// IR-LABEL: func.func @model
// IR: %[[D:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<2x?xf32>
// IR: %[[NE:.*]] = arith.cmpi ne, %[[D]], %c3
// IR: scf.if %[[NE]]
// IR: memref.get_global @__qprep_names
// IR: call @qprep_rt_channel_mismatch(
// IR: %[[F:.*]] = call @qprep_rt_failed() : () -> i32
// IR: %[[PASS:.*]] = arith.cmpi eq, %[[F]], %c0_i32
// IR: scf.if %[[PASS]] {
// IR: func.func private @qprep_rt_failed() -> i32 attributes {llvm.emit_c_interface}

// Max per column of x = [[1, -2, 3], [4, 5, -6]] seen through both sites.
// OK: data =
// OK-NEXT: [4, 5, 3]
// The bad call leaves an error pending and the statistics of the first,
// good call: the max of x through both sites, then x again (good site) and
// w = 9 (bad site, skipped: 9 would show).
// BAD: {{^}}1{{$}}
// BAD-NEXT: Unranked Memref{{.*}}
// BAD-NEXT: [4, 5, 3]

module {
  func.func private @qprep_stats(i64, memref<?xf32>, memref<?xf32>) -> i32
  // qprep_stats for @pc (observer index 0).
  func.func @stats_pc(%mn: memref<3xf32>, %mx: memref<3xf32>) {
    %i = arith.constant 0 : i64
    %a = memref.cast %mn : memref<3xf32> to memref<?xf32>
    %b = memref.cast %mx : memref<3xf32> to memref<?xf32>
    %r = call @qprep_stats(%i, %a, %b) : (i64, memref<?xf32>, memref<?xf32>) -> i32
    return
  }
  qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1>
  memref.global "private" constant @x : memref<2x3xf32> = dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]>
  memref.global "private" constant @w : memref<2x4xf32> = dense<9.0>
  func.func private @printMemrefF32(memref<*xf32>)

  func.func @model(%a: memref<2x3xf32>, %b: memref<2x?xf32>) {
    %0 = qprep.observe %a, @pc : memref<2x3xf32>
    %1 = qprep.observe %b, @pc : memref<2x?xf32>
    return
  }

  func.func @main() {
    %x = memref.get_global @x : memref<2x3xf32>
    %xd = memref.cast %x : memref<2x3xf32> to memref<2x?xf32>
    call @model(%x, %xd) : (memref<2x3xf32>, memref<2x?xf32>) -> ()
    %mn = memref.alloca() : memref<3xf32>
    %mx = memref.alloca() : memref<3xf32>
    call @stats_pc(%mn, %mx) : (memref<3xf32>, memref<3xf32>) -> ()
    %u = memref.cast %mx : memref<3xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }

  // Four channels where the observer has three.
  func.func private @qprep_rt_failed() -> i32 attributes {llvm.emit_c_interface}
  func.func private @printI64(i64)
  func.func private @printNewline()
  func.func @bad() {
    %x = memref.get_global @x : memref<2x3xf32>
    %xd = memref.cast %x : memref<2x3xf32> to memref<2x?xf32>
    %w = memref.get_global @w : memref<2x4xf32>
    %wd = memref.cast %w : memref<2x4xf32> to memref<2x?xf32>
    call @model(%x, %xd) : (memref<2x3xf32>, memref<2x?xf32>) -> ()
    call @model(%x, %wd) : (memref<2x3xf32>, memref<2x?xf32>) -> ()
    %f = call @qprep_rt_failed() : () -> i32
    %f64 = arith.extsi %f : i32 to i64
    call @printI64(%f64) : (i64) -> ()
    call @printNewline() : () -> ()
    %mn = memref.alloca() : memref<3xf32>
    %mx = memref.alloca() : memref<3xf32>
    call @stats_pc(%mn, %mx) : (memref<3xf32>, memref<3xf32>) -> ()
    %u = memref.cast %mx : memref<3xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }
}
