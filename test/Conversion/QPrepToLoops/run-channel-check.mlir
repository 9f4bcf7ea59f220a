// A per-channel observer whose channel count is static at one call site and
// dynamic at another: the dynamic site is checked when it runs.
// RUN: qprep-opt %s --convert-qprep-to-loops | FileCheck %s --check-prefix=IR
// RUN: qprep-opt %s --convert-qprep-to-loops --canonicalize --convert-vector-to-scf --convert-scf-to-cf \
// RUN:   --expand-strided-metadata --lower-affine --finalize-memref-to-llvm --convert-vector-to-llvm --convert-to-llvm \
// RUN:   --reconcile-unrealized-casts > %t.ll.mlir
// RUN: mlir-runner %t.ll.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN: | FileCheck %s --check-prefix=OK
// RUN: not --crash mlir-runner %t.ll.mlir -e bad -entry-point-result=void \
// RUN:   -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%qprep_runtime_lib \
// RUN:   2>&1 | FileCheck %s --check-prefix=BAD

// IR: memref.global "private" constant @pc_name : memref<2xi8> = dense<[112, 99]>
// IR-LABEL: func.func @model
// IR: %[[D:.*]] = memref.dim %{{.*}}, %{{.*}} : memref<2x?xf32>
// IR: %[[NE:.*]] = arith.cmpi ne, %[[D]], %c3
// IR: scf.if %[[NE]]
// IR: memref.get_global @pc_name
// IR: call @qprep_rt_channel_mismatch(

// Max per column of x = [[1, -2, 3], [4, 5, -6]] seen through both sites.
// OK: data =
// OK-NEXT: [4, 5, 3]
// BAD: qprep: per-channel observer @pc expects 3 channels on ch_axis 1, got a value with 4

module {
  qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 1>
  memref.global "private" constant @x : memref<2x3xf32> = dense<[[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]]>
  memref.global "private" constant @w : memref<2x4xf32> = dense<1.0>
  func.func private @printMemrefF32(memref<*xf32>)
  func.func private @qprep_stats_pc(memref<3xf32>, memref<3xf32>)

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
    call @qprep_stats_pc(%mn, %mx) : (memref<3xf32>, memref<3xf32>) -> ()
    %u = memref.cast %mx : memref<3xf32> to memref<*xf32>
    call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }

  // Four channels where the observer has three.
  func.func @bad() {
    %x = memref.get_global @x : memref<2x3xf32>
    %w = memref.get_global @w : memref<2x4xf32>
    %wd = memref.cast %w : memref<2x4xf32> to memref<2x?xf32>
    call @model(%x, %wd) : (memref<2x3xf32>, memref<2x?xf32>) -> ()
    return
  }
}
