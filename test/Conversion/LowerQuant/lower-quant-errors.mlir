// RUN: qprep-opt %s --qprep-lower-quant --split-input-file --verify-diagnostics

func.func @unranked(%x: tensor<*xf32>) -> tensor<*x!quant.uniform<i8:f32, 0.5>> {
  // expected-error@+1 {{'quant.qcast' op cannot be lowered by qprep-lower-quant: unranked tensors are not supported}}
  %0 = quant.qcast %x : tensor<*xf32> to tensor<*x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<*x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @f64(%x: tensor<4x!quant.uniform<i8:f64, 0.5>>) -> tensor<4xf64> {
  // expected-error@+1 {{'quant.dcast' op cannot be lowered by qprep-lower-quant: the expressed type must be f32, f16 or bf16}}
  %0 = quant.dcast %x : tensor<4x!quant.uniform<i8:f64, 0.5>> to tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

func.func @sub_channel(%x: tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32:{0:2,1:2}, {{0.5, 0.25}}>> {
  // expected-error@+1 {{'quant.qcast' op cannot be lowered by qprep-lower-quant: only !quant.uniform per-tensor and per-axis types are supported}}
  %0 = quant.qcast %x : tensor<2x4xf32> to tensor<2x4x!quant.uniform<i8:f32:{0:2,1:2}, {{0.5, 0.25}}>>
  return %0 : tensor<2x4x!quant.uniform<i8:f32:{0:2,1:2}, {{0.5, 0.25}}>>
}
