// No annotation, no observer.
func.func @forward(%x: tensor<4xf32>) {
  return
}
