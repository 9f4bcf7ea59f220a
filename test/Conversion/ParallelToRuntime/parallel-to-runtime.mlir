// RUN: qprep-opt %s --split-input-file --qprep-parallel-to-runtime | FileCheck %s

// A 2-D loop with a dynamic bound, a captured scalar and memref: the body
// function reads them back from the context struct and runs iterations
// [begin, end) of the row-major linearized space (i = 1 + 2 * (l / 7),
// j = l mod 7); the call site stores them and passes the trip count
// ceildiv(n - 1, 2) * 7. Constants are cloned, not captured.
// CHECK-LABEL: func.func private @qprep_rt_parallel_for(i64, (!llvm.ptr, i64, i64) -> (), !llvm.ptr)
// CHECK-LABEL: func.func @two(
// CHECK-SAME:    %[[M:.*]]: memref<5x7xf32>, %[[S:.*]]: f32, %[[N:.*]]: index)
// CHECK:         %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK:         %[[CTX:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(f32, struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>, i64)>
// CHECK:         %[[P0:.*]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK:         llvm.store %[[S]], %[[P0]] : f32, !llvm.ptr
// CHECK:         %[[P1:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK:         %[[D:.*]] = builtin.unrealized_conversion_cast %[[M]] : memref<5x7xf32> to !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK:         llvm.store %[[D]], %[[P1]]
// CHECK:         %[[P2:.*]] = llvm.getelementptr %[[CTX]][0, 2]
// CHECK:         %[[NI:.*]] = builtin.unrealized_conversion_cast %[[N]] : index to i64
// CHECK:         llvm.store %[[NI]], %[[P2]] : i64, !llvm.ptr
// CHECK:         %[[T0:.*]] = arith.ceildivui %{{.*}}, %c2 : index
// CHECK:         %[[T1:.*]] = arith.ceildivui %{{.*}}, %c1 : index
// CHECK:         %[[TOTAL:.*]] = arith.muli %[[T0]], %[[T1]] : index
// CHECK:         %[[T64:.*]] = arith.index_cast %[[TOTAL]] : index to i64
// CHECK:         %[[F:.*]] = constant @two__par : (!llvm.ptr, i64, i64) -> ()
// CHECK:         call @qprep_rt_parallel_for(%[[T64]], %[[F]], %[[CTX]])
// CHECK-NOT:     scf.parallel
// CHECK:       func.func private @two__par(%[[C:.*]]: !llvm.ptr, %[[BEGIN:.*]]: i64, %[[END:.*]]: i64)
// CHECK-DAG:     %[[C7:.*]] = arith.constant 7 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK:         %[[L0:.*]] = llvm.load %{{.*}} : !llvm.ptr -> f32
// CHECK:         %[[L1:.*]] = llvm.load %{{.*}} : !llvm.ptr -> !llvm.struct<(ptr, ptr, i64, array<2 x i64>, array<2 x i64>)>
// CHECK:         %[[MEM:.*]] = builtin.unrealized_conversion_cast %[[L1]] : !llvm.struct<{{.*}}> to memref<5x7xf32>
// CHECK:         %[[B:.*]] = arith.index_cast %[[BEGIN]] : i64 to index
// CHECK:         %[[E:.*]] = arith.index_cast %[[END]] : i64 to index
// CHECK:         %[[TJ:.*]] = arith.ceildivui %{{.*}}, %c1{{.*}} : index
// CHECK:         scf.for %[[L:.*]] = %[[B]] to %[[E]] step
// CHECK:           %[[JJ:.*]] = arith.remui %[[L]], %[[TJ]] : index
// CHECK:           %[[II:.*]] = arith.divui %[[L]], %[[TJ]] : index
// CHECK:           %[[IS:.*]] = arith.muli %[[II]], %[[C2]] : index
// CHECK:           %[[I:.*]] = arith.addi %c1{{.*}}, %[[IS]] : index
// CHECK:           arith.addf %{{.*}}, %[[L0]] : f32
// CHECK:           memref.store %{{.*}}, %[[MEM]][%[[I]], %{{.*}}] : memref<5x7xf32>
// CHECK:         return
func.func @two(%m: memref<5x7xf32>, %s: f32, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c7 = arith.constant 7 : index
  scf.parallel (%i, %j) = (%c1, %c0) to (%n, %c7) step (%c2, %c1) {
    %v = arith.index_cast %i : index to i32
    %f = arith.sitofp %v : i32 to f32
    %g = arith.addf %f, %s : f32
    memref.store %g, %m[%i, %j] : memref<5x7xf32>
    scf.reduce
  }
  return
}

// -----

// Two loops get two body functions; a loop nested in a parallel loop stays
// in the body (it runs on the thread that runs its iteration); a loop with
// reductions is left alone.
// CHECK-LABEL: func.func @several
// CHECK:         constant @several__par :
// CHECK:         constant @several__par_0 :
// CHECK:         scf.parallel {{.*}} {
// CHECK:           scf.reduce(%{{.*}} : f32)
// CHECK:       func.func private @several__par(
// CHECK:         scf.for
// CHECK:           memref.store
// CHECK:       func.func private @several__par_0(
// CHECK:         scf.for
// CHECK:           scf.parallel
// CHECK:             memref.store
func.func @several(%m: memref<8xf32>, %k: memref<4x4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %one, %m[%i] : memref<8xf32>
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    scf.parallel (%j) = (%c0) to (%c4) step (%c1) {
      memref.store %one, %k[%i, %j] : memref<4x4xf32>
      scf.reduce
    }
    scf.reduce
  }
  %sum = scf.parallel (%i) = (%c0) to (%c8) step (%c1) init (%zero) -> f32 {
    %v = memref.load %m[%i] : memref<8xf32>
    scf.reduce(%v : f32) {
    ^bb0(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      scf.reduce.return %s : f32
    }
  }
  return %sum : f32
}
