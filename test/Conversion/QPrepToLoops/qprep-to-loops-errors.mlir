// RUN: qprep-opt %s -split-input-file -verify-diagnostics --convert-qprep-to-loops

// expected-error @+1 {{has observer histogram, which convert-qprep-to-loops does not lower yet}}
qprep.observer @h = #qprep.qspec<i8, observer = histogram>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @h : memref<4xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{observes a tensor: run one-shot-bufferize first}}
  %0 = qprep.observe %x, @a : tensor<4xf32>
  return
}

// -----

qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>
func.func @f(%x: memref<?xf32>) {
  // expected-error @+1 {{per-channel observer @pc needs the same static size on ch_axis 0 at every call site}}
  %0 = qprep.observe %x, @pc : memref<?xf32>
  return
}

// -----

qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>
func.func @f(%x: memref<4xf32>, %y: memref<5xf32>) {
  %0 = qprep.observe %x, @pc : memref<4xf32>
  // expected-error @+1 {{per-channel observer @pc needs the same static size on ch_axis 0 at every call site}}
  %1 = qprep.observe %y, @pc : memref<5xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: memref<4xf32>) {
  // expected-error @+1 {{is not lowered by convert-qprep-to-loops yet}}
  %0 = qprep.fake_quantize %x, @a : memref<4xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @a : memref<4xf32>
  return
}
// expected-error @+1 {{clashes with the generated qprep_reset: expected a declaration of type '() -> ()'}}
func.func @qprep_reset() { return }
