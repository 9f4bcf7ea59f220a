// qprep-insert-observers alone, on annotations that already name observers.
// RUN: qprep-opt %s -split-input-file -allow-unregistered-dialect --qprep-insert-observers | FileCheck %s

// Output observers: right after the op, every other use rerouted; a consumer
// whose edge uses the producer's output observer gets nothing more.
// CHECK-LABEL: func.func @output
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[P:.*]] = "t.p"(%[[X]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[O:.*]] = qprep.observe %[[P]], @a : tensor<4xf32>
// CHECK-NEXT: "t.c"(%[[O]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: "t.d"(%[[O]]) : (tensor<4xf32>) -> tensor<4xf32>
// CHECK-NOT: qprep.observe %
module {
  qprep.observer @a = #qprep.qspec<i8>
  func.func @output(%x: tensor<4xf32>) {
    %p = "t.p"(%x) {qprep.outputs = [@a]} : (tensor<4xf32>) -> tensor<4xf32>
    %c = "t.c"(%p) {qprep.inputs = [@a]} : (tensor<4xf32>) -> tensor<4xf32>
    %d = "t.d"(%p) : (tensor<4xf32>) -> tensor<4xf32>
    return
  }
}

// -----

// A different input observer goes after the producer's output observer:
// producer -> out_obs -> in_obs -> op. A second consumer with the same input
// observer reuses it; a third with another observer gets its own.
// CHECK-LABEL: func.func @input_after_output
// CHECK-NEXT: %[[P:.*]] = "t.p"
// CHECK-NEXT: %[[O:.*]] = qprep.observe %[[P]], @a
// CHECK-NEXT: %[[I2:.*]] = qprep.observe %[[O]], @c
// CHECK-NEXT: %[[I:.*]] = qprep.observe %[[O]], @b
// CHECK-NEXT: "t.c1"(%[[I]])
// CHECK-NEXT: "t.c2"(%[[I]])
// CHECK-NEXT: "t.c3"(%[[I2]])
module {
  qprep.observer @a = #qprep.qspec<i8>
  qprep.observer @b = #qprep.qspec<ui8>
  qprep.observer @c = #qprep.qspec<i16>
  func.func @input_after_output(%x: tensor<4xf32>) {
    %p = "t.p"(%x) {qprep.outputs = [@a]} : (tensor<4xf32>) -> tensor<4xf32>
    %c1 = "t.c1"(%p) {qprep.inputs = [@b]} : (tensor<4xf32>) -> tensor<4xf32>
    %c2 = "t.c2"(%p) {qprep.inputs = [@b]} : (tensor<4xf32>) -> tensor<4xf32>
    %c3 = "t.c3"(%p) {qprep.inputs = [@c]} : (tensor<4xf32>) -> tensor<4xf32>
    return
  }
}

// -----

// One edge from a value used twice (cat([y, y])): one observe op feeds both
// operands. #qprep.none and unit entries get nothing.
// CHECK-LABEL: func.func @same_value
// CHECK-NEXT: %[[I:.*]] = qprep.observe %{{.*}}, @a
// CHECK-NEXT: "t.cat"(%[[I]], %[[I]], %{{.*}}, %{{.*}})
// CHECK-NOT: qprep.observe %
module {
  qprep.observer @a = #qprep.qspec<i8>
  func.func @same_value(%y: tensor<4xf32>, %z: tensor<4xf32>, %w: tensor<4xf32>) {
    %c = "t.cat"(%y, %y, %z, %w) {qprep.inputs = [@a, @a, #qprep.none, unit]} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<16xf32>
    return
  }
}

// -----

// Arguments (placeholders) are observed first, in argument order; input
// observers on arguments keep FX order (after their argument's observers);
// the annotations are consumed.
// CHECK-LABEL: func.func @args
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf32>, %[[Y:[^:]*]]: tensor<4xf32>)
// CHECK-NEXT: %[[OX:.*]] = qprep.observe %[[X]], @a
// CHECK-NEXT: %[[OY:.*]] = qprep.observe %[[Y]], @c
// CHECK-NEXT: %[[IY:.*]] = qprep.observe %[[OY]], @b
// CHECK-NEXT: "t.add"(%[[OX]], %[[IY]])
// CHECK-NOT: qprep.inputs
// CHECK-NOT: qprep.output
module {
  qprep.observer @a = #qprep.qspec<i8>
  qprep.observer @b = #qprep.qspec<ui8>
  qprep.observer @c = #qprep.qspec<i16>
  func.func @args(%x: tensor<4xf32> {qprep.output = @a}, %y: tensor<4xf32> {qprep.output = @c}) {
    %s = "t.add"(%x, %y) {qprep.inputs = [@a, @b], qprep.allow_implicit_sharing = false} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return
  }
}

// -----

// One shared observer across two arguments: called in argument order, as FX
// places the calls after each placeholder.
// CHECK-LABEL: func.func @shared_args
// CHECK-NEXT: qprep.observe %arg0, @a
// CHECK-NEXT: qprep.observe %arg1, @a
module {
  qprep.observer @a = #qprep.qspec<i8, observer = moving_average_minmax>
  func.func @shared_args(%x: tensor<4xf32>, %y: tensor<4xf32>) {
    %c = "t.cat"(%x, %y) {qprep.inputs = [@a, @a]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
    return
  }
}

// -----

// The original producer is found by looking through observe ops: after c1's
// input observer, c2's edge still names the producer's output observer, so it
// uses the output observer directly.
// CHECK-LABEL: func.func @look_through
// CHECK-NEXT: %[[P:.*]] = "t.p"
// CHECK-NEXT: %[[O:.*]] = qprep.observe %[[P]], @a
// CHECK-NEXT: %[[I:.*]] = qprep.observe %[[O]], @b
// CHECK-NEXT: "t.c1"(%[[I]])
// CHECK-NEXT: "t.c2"(%[[O]], %[[O]])
// CHECK-NOT: qprep.observe %
module {
  qprep.observer @a = #qprep.qspec<i8>
  qprep.observer @b = #qprep.qspec<ui8>
  func.func @look_through(%x: tensor<4xf32>) {
    %p = "t.p"(%x) {qprep.outputs = [@a]} : (tensor<4xf32>) -> tensor<4xf32>
    %c1 = "t.c1"(%p) {qprep.inputs = [@b]} : (tensor<4xf32>) -> tensor<4xf32>
    %c2 = "t.c2"(%p, %p) {qprep.inputs = [@a, @a]} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    return
  }
}
