//===- QPrepOps.td - qprep ops -----------------------------*- tablegen -*-===//
//
// Observer instances (module-level symbols, one per sharing group) and the ops
// that feed values to them.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPOPS_TD
#define QPREP_DIALECT_QPREP_IR_QPREPOPS_TD

include "qprep/Dialect/QPrep/IR/QPrepDialect.td"
include "qprep/Dialect/QPrep/IR/QPrepAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"

def QPrep_ObservableType : AnyTypeOf<[RankedTensorOf<[AnyFloat]>,
                                      MemRefOf<[AnyFloat]>],
                                     "ranked tensor or memref of floats">;

def QPrep_ObserverSpecAttr : AnyAttrOf<[QPrep_QSpecAttr, QPrep_FixedQSpecAttr,
                                        QPrep_DerivedQSpecAttr]>;

//===----------------------------------------------------------------------===//
// ObserverOp
//===----------------------------------------------------------------------===//

def QPrep_ObserverOp : QPrep_Op<"observer", [
    Symbol, HasParent<"::mlir::ModuleOp">,
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "an observer instance: the state of one sharing group";
  let description = [{
    One observer (PyTorch: one `ObserverOrFakeQuantize` instance) per sharing
    group, built from the spec the group was resolved to. Every `qprep.observe`
    and `qprep.fake_quantize` that names it feeds the same state, in program
    order.

    The spec is a `#qprep.qspec`, a `#qprep.fixed_qspec`, or a
    `#qprep.derived` whose `from` list names the observers it derives from by
    symbol.

    Once calibrated it may carry its statistics (`min_val`, `max_val`: one
    entry per channel, or one for per-tensor) and qparams (`scale`,
    `zero_point`; the zero point is float for
    `per_channel_affine_float_qparams`).

    ```mlir
    qprep.observer @obs0 = #qprep.qspec<i8, qscheme = per_tensor_affine>
    qprep.observer @obs1 = #qprep.qspec<i8, qscheme = per_tensor_symmetric>
    qprep.observer @obs2 = #qprep.derived<i32, from = [@obs0, @obs1],
                                          qscheme = per_tensor_symmetric>
    qprep.observer @obs3 = #qprep.qspec<ui8> {
        min_val = array<f32: -1.0>, max_val = array<f32: 3.0>,
        scale = array<f32: 0.0156862754>, zero_point = array<i64: 64>}
    ```
  }];
  let arguments = (ins
    SymbolNameAttr:$sym_name,
    QPrep_ObserverSpecAttr:$spec,
    OptionalAttr<DenseF32ArrayAttr>:$min_val,
    OptionalAttr<DenseF32ArrayAttr>:$max_val,
    OptionalAttr<DenseF32ArrayAttr>:$scale,
    OptionalAttr<AnyAttrOf<[DenseI64ArrayAttr, DenseF32ArrayAttr]>>:$zero_point
  );
  let assemblyFormat = "$sym_name `=` $spec attr-dict";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True if the observer's spec is a per-channel one.
    bool isPerChannel();
    /// The channel axis of a per-channel spec.
    std::optional<int64_t> getChannelAxis();
  }];
}

//===----------------------------------------------------------------------===//
// ObserveOp / FakeQuantizeOp
//===----------------------------------------------------------------------===//

class QPrep_ObserveLikeOp<string mnemonic, list<Trait> traits = []>
    : QPrep_Op<mnemonic, !listconcat(traits, [
        AllTypesMatch<["input", "output"]>,
        DeclareOpInterfaceMethods<SymbolUserOpInterface>])> {
  let arguments = (ins QPrep_ObservableType:$input,
                       FlatSymbolRefAttr:$observer);
  let results = (outs QPrep_ObservableType:$output);
  let assemblyFormat = "$input `,` $observer attr-dict `:` type($input)";
}

def QPrep_ObserveOp : QPrep_ObserveLikeOp<"observe"> {
  let summary = "record statistics of a value into an observer";
  let description = [{
    Identity on its operand; records the operand's statistics into the named
    `qprep.observer` (PyTorch: a call to an observer module). Works on ranked
    tensors and memrefs of floats, with static or dynamic shapes.

    ```mlir
    %1 = qprep.observe %0, @obs0 : tensor<?x16xf32>
    ```
  }];
}

def QPrep_FakeQuantizeOp : QPrep_ObserveLikeOp<"fake_quantize"> {
  let summary = "observe, then quantize-dequantize with the current qparams (QAT)";
  let description = [{
    PyTorch's FakeQuantize: records statistics into the named observer (unless
    its qparams are fixed), then returns the operand quantized and dequantized
    with the observer's current qparams (round half to even, clamped to the
    range).

    ```mlir
    %1 = qprep.fake_quantize %0, @obs0 : tensor<8x16xf32>
    ```
  }];
}

#endif // QPREP_DIALECT_QPREP_IR_QPREPOPS_TD
