// A malformed override (no '=<setting>') is an error on the module.
// RUN: qprep-opt %s --qprep-annotate="preset=xnnpack override=name:layer1" -verify-diagnostics

// expected-error @+1 {{qprep-annotate: malformed override 'name:layer1': expected <selector>=<setting>[+<setting>...]}}
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
