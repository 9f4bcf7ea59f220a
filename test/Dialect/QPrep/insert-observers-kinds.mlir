// Which results get observers, and where observe ops say they come from.
// RUN: qprep-opt %s -allow-unregistered-dialect --qprep-insert-observers -mlir-print-debuginfo | FileCheck %s

// Non-tensor results are left unit (an observer there is an error, see
// unobservable.mlir); results of multi-result ops each get one; memrefs and dynamic shapes are observed; observe ops carry the
// location of the op they observe (the producer for outputs, the consumer for
// input edges).
// CHECK-LABEL: func.func @kinds
// CHECK: %[[M:.*]]:3 = "t.multi"
// CHECK-NEXT: %[[O0:.*]] = qprep.observe %[[M]]#0, @a : tensor<?xf32> loc(#[[LOC:loc[0-9]*]])
// The consumer's input observer goes right after the output observer it
// reads, as FX's inserting_after(arg) puts it.
// CHECK-NEXT: qprep.observe %[[O0]], @b : tensor<?xf32> loc(#[[CLOC:loc[0-9]*]])
// CHECK-NEXT: qprep.observe %[[M]]#2, @a : memref<2x?xf32> loc(#[[LOC]])
// CHECK-NOT: qprep.observe %
// CHECK-DAG: #[[LOC]] = loc("multi")
// CHECK-DAG: #[[CLOC]] = loc("consumer")
module {
  qprep.observer @a = #qprep.qspec<i8>
  qprep.observer @b = #qprep.qspec<ui8>
  func.func @kinds(%x: tensor<4xf32>) {
    %m:3 = "t.multi"(%x) {qprep.outputs = [@a, unit, @a]} : (tensor<4xf32>) -> (tensor<?xf32>, index, memref<2x?xf32>) loc("multi")
    %c = "t.c"(%m#0) {qprep.inputs = [@b]} : (tensor<?xf32>) -> tensor<?xf32> loc("consumer")
    return
  }
}

