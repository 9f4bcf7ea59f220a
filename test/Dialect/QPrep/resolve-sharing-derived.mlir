// Two convs whose identical bias constants are merged by --cse consume one
// value: implicit sharing (PyTorch's rule, which does not compare
// derived_from) puts both bias edges in one group with one derived observer,
// derived from conv1's sources, so conv2's bias would be quantized with
// conv1's scales. qprep keeps that default, warns naming both consumers, and
// keep-derived-apart=true gives each bias its own derived observer.
// RUN: qprep-opt %s -allow-unregistered-dialect --cse --qprep-collect-qspecs --qprep-resolve-sharing -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=MERGED
// RUN: qprep-opt %s -allow-unregistered-dialect --cse --qprep-collect-qspecs "--qprep-resolve-sharing=keep-derived-apart=true" -split-input-file | FileCheck %s --check-prefix=APART
// RUN: qprep-opt %s -allow-unregistered-dialect --cse "--qprep-prepare=keep-derived-apart=true" -split-input-file | FileCheck %s --check-prefix=PREPARE

#act = #qprep.qspec<i8>
#wt = #qprep.qspec<i8, qscheme = per_tensor_symmetric>
#bias = #qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_tensor_symmetric>

// MERGED-LABEL: qprep.observer @obs0 = #qspec
// MERGED: qprep.observer @obs2 = #qprep.derived<i32, from = [@obs0, @obs1], qscheme = per_tensor_symmetric>
// MERGED-NOT: qprep.derived
// MERGED: "t.conv"({{.*}}) {{{.*}}qprep.inputs = [@obs0, @obs1, @obs2]
// MERGED: "t.conv"({{.*}}) {{{.*}}qprep.inputs = [@obs3, @obs4, @obs2]

// APART: qprep.observer @obs2 = #qprep.derived<i32, from = [@obs0, @obs1], qscheme = per_tensor_symmetric>
// APART: qprep.observer @obs5 = #qprep.derived<i32, from = [@obs3, @obs4], qscheme = per_tensor_symmetric>
// APART: "t.conv"({{.*}}) {{{.*}}qprep.inputs = [@obs0, @obs1, @obs2]
// APART: "t.conv"({{.*}}) {{{.*}}qprep.inputs = [@obs3, @obs4, @obs5]

// PREPARE-COUNT-2: qprep.observer @{{.*}} = #qprep.derived
func.func @two_convs(%x: tensor<1x4xf32>, %y: tensor<1x4xf32>) {
  %w1 = arith.constant dense<0.25> : tensor<4x4xf32>
  %w2 = arith.constant dense<0.5> : tensor<4x4xf32>
  %b1 = arith.constant dense<1.0> : tensor<4xf32>
  %b2 = arith.constant dense<1.0> : tensor<4xf32>
  // expected-note @+1 {{the consumer whose sources the observer derives from}}
  %c1 = "t.conv"(%x, %w1, %b1) {qprep.inputs = [#act, #wt, #bias]} : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  // expected-warning @+1 {{input edge 2 of 't.conv' carries the same value as input edge 2 of 't.conv' (a constant merged by CSE?), with a derived spec of other sources: implicit sharing gives both one observer, whose qparams derive from the other's sources (PyTorch's rule: it does not compare derived_from); keep-derived-apart=true (qprep-resolve-sharing, qprep-prepare) gives each its own observer}}
  %c2 = "t.conv"(%y, %w2, %b2) {qprep.inputs = [#act, #wt, #bias]} : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return
}

// -----

// Derived specs with the same sources (both from conv1's edges) merge
// quietly: their qparams are the same anyway.
#act = #qprep.qspec<i8>
#wt = #qprep.qspec<i8, qscheme = per_tensor_symmetric>
#bias = #qprep.derived<i32, from = [edge 0 of "conv1", edge 1 of "conv1"], qscheme = per_tensor_symmetric>
// MERGED-LABEL: qprep.observer @obs0
// MERGED-COUNT-1: qprep.derived
// APART-COUNT-1: qprep.derived<i32, from = [@obs0, @obs1]
func.func @same_sources(%x: tensor<1x4xf32>) {
  %w1 = arith.constant dense<0.25> : tensor<4x4xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %c1 = "t.conv"(%x, %w1, %b) {qprep.id = "conv1", qprep.inputs = [#act, #wt, #bias]} : (tensor<1x4xf32>, tensor<4x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  %c2 = "t.add"(%c1, %b) {qprep.inputs = [#act, #bias]} : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  return
}
