// RUN: qprep-opt %s -split-input-file -verify-diagnostics --convert-qprep-to-loops

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: tensor<4xf32>) {
  // expected-error @+1 {{observes a tensor: run one-shot-bufferize first}}
  %0 = qprep.observe %x, @a : tensor<4xf32>
  return
}

// -----

qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>
func.func @f(%x: memref<?xf32>) {
  // expected-error @+1 {{per-channel observer @pc needs a static size on ch_axis 0 at one call site at least (its state is sized at compile time)}}
  %0 = qprep.observe %x, @pc : memref<?xf32>
  return
}

// -----

qprep.observer @pc = #qprep.qspec<i8, qscheme = per_channel_affine, ch_axis = 0>
func.func @f(%x: memref<4xf32>, %y: memref<5xf32>) {
  %0 = qprep.observe %x, @pc : memref<4xf32>
  // expected-error @+1 {{per-channel observer @pc sees 5 channels on ch_axis 0 here and 4 elsewhere}}
  %1 = qprep.observe %y, @pc : memref<5xf32>
  return
}

// -----

qprep.observer @h = #qprep.qspec<i8, observer = histogram>
func.func @f(%x: memref<4xf16>) {
  // expected-error @+1 {{histogram observer @h needs a contiguous f32 memref of rank >= 1, got 'memref<4xf16>'}}
  %0 = qprep.observe %x, @h : memref<4xf16>
  return
}

// -----

qprep.observer @h = #qprep.qspec<i8, observer = histogram>
func.func @f(%x: memref<4xf32, strided<[2]>>) {
  // expected-error @+1 {{histogram observer @h needs a contiguous f32 memref of rank >= 1}}
  %0 = qprep.observe %x, @h : memref<4xf32, strided<[2]>>
  return
}

// -----

// expected-error @+1 {{has a histogram observer with upsample_rate = 128; the current PyTorch algorithm (and qprep) uses 16}}
qprep.observer @h = #qprep.qspec<i8, observer = histogram(upsample_rate = 128)>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @h : memref<4xf32>
  return
}

// -----

qprep.observer @ph = #qprep.qspec<f16, dynamic, observer = placeholder>
func.func @f(%x: memref<4xf32>) {
  // expected-error @+1 {{fake-quantizes with observer @ph, which has no qparams to quantize with (derived or placeholder)}}
  %0 = qprep.fake_quantize %x, @ph : memref<4xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
qprep.observer @w = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0>
qprep.observer @v = #qprep.qspec<i8, qscheme = per_channel_symmetric, ch_axis = 0>
// expected-error @+1 {{derives from observers with 4 and 3 channels}}
qprep.observer @d = #qprep.derived<i32, from = [@a, @w, @v], qscheme = per_channel_symmetric, ch_axis = 0>
func.func @f(%x: memref<4xf32>, %y: memref<3xf32>) {
  %0 = qprep.observe %x, @w : memref<4xf32>
  %1 = qprep.observe %y, @v : memref<3xf32>
  return
}

// -----

qprep.observer @a = #qprep.qspec<i8>
// expected-error @+1 {{derive function @bad must take (scale, zero_point) memrefs of each source and return this observer's (memref<1xf32>, memref<1xi64>) after bufferization; it has type (memref<1xf32>) -> memref<1xf32>}}
qprep.observer @d = #qprep.derived<i32, from = [@a], derive = @bad>
func.func private @bad(memref<1xf32>) -> memref<1xf32>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @a : memref<4xf32>
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

// -----

qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @a : memref<4xf32>
  return
}
// expected-error @+1 {{clashes with the generated qprep_stats: expected a declaration of type '(i64, memref<?xf32>, memref<?xf32>) -> i32'}}
func.func private @qprep_stats() -> (memref<1xf32>, memref<1xf32>)

// -----

// The state arenas have fixed names: a module that uses one is refused.
// expected-error @+1 {{has the name @__qprep_state_min, which qprep's generated calibration state uses}}
memref.global "private" @__qprep_state_min : memref<1xf32>
qprep.observer @a = #qprep.qspec<i8>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @a : memref<4xf32>
  return
}

// -----

// A cycle of derived observers has no qparams to start from: one error names
// the cycle, a note points at each other member.
qprep.observer @a = #qprep.qspec<i8>
// expected-error @+1 {{derives its qparams from itself: @d1 -> @d2 -> @d1}}
qprep.observer @d1 = #qprep.derived<i32, from = [@a, @d2]>
// expected-note @+1 {{on the cycle}}
qprep.observer @d2 = #qprep.derived<i32, from = [@d1]>
func.func @f(%x: memref<4xf32>) {
  %0 = qprep.observe %x, @a : memref<4xf32>
  return
}
