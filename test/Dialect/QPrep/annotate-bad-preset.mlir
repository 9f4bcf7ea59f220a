// An unknown preset is an error on the module.
// RUN: qprep-opt %s --qprep-annotate="preset=tflite" -verify-diagnostics

// expected-error @+1 {{qprep-annotate: unknown preset 'tflite'; presets: xnnpack, x86}}
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
