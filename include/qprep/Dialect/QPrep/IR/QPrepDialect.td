//===- QPrepDialect.td - qprep dialect definition ----------*- tablegen -*-===//
//
// The qprep dialect: PT2E-style quantization preparation in MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPDIALECT_TD
#define QPREP_DIALECT_QPREP_IR_QPREPDIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def QPrep_Dialect : Dialect {
  let name = "qprep";
  let cppNamespace = "::mlir::qprep";
  let summary = "Quantization preparation: annotations, sharing groups, observers";
  let description = [{
    The `qprep` dialect rebuilds PyTorch's PT2E quantization *prepare* step
    (annotate -> sharing groups -> one observer per group -> calibration) as
    MLIR attributes, ops and passes.

    A quantizer annotates ops of any dialect with discardable attributes:

    * `qprep.inputs`: an array with one entry per operand (trailing operands
      may be left out; `unit` marks an operand that is not annotated). Each
      entry is a quantization spec for the *input edge* (operand value, this op).
    * `qprep.outputs`: an array with one entry per result: the spec of the
      result value (the *node*).
    * `qprep.allow_implicit_sharing`: a bool (default `true`), read for this
      op's input edges.
    * `qprep.id`: a string that names the op so that specs elsewhere in the
      function can refer to its edges and nodes.

    Function arguments carry the argument attribute `qprep.output` (PyTorch
    placeholders' output specs).

    ```mlir
    #act = #qprep.qspec<i8, quant_min = -128, quant_max = 127,
                        qscheme = per_tensor_affine, observer = histogram>
    func.func @f(%x: tensor<4xf32> {qprep.output = #act}, %y: tensor<4xf32>)
        -> tensor<8xf32> {
      %0 = "tosa.concat"(%x, %y) {axis = 0 : i32,
             qprep.inputs = [#act, #qprep.shared<edge 0>],
             qprep.outputs = [#qprep.shared<edge 0>]}
           : (tensor<4xf32>, tensor<4xf32>) -> tensor<8xf32>
      return %0 : tensor<8xf32>
    }
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (defined next to their storage classes).
    void registerAttributes();

    /// Discardable attribute: per-operand input-edge specs.
    static constexpr ::llvm::StringLiteral getInputsAttrName() {
      return ::llvm::StringLiteral("qprep.inputs");
    }
    /// Discardable attribute: per-result output (node) specs.
    static constexpr ::llvm::StringLiteral getOutputsAttrName() {
      return ::llvm::StringLiteral("qprep.outputs");
    }
    /// Discardable attribute: whether this op's input edges may be implicitly
    /// shared with other uses of the same value (default true).
    static constexpr ::llvm::StringLiteral getAllowImplicitSharingAttrName() {
      return ::llvm::StringLiteral("qprep.allow_implicit_sharing");
    }
    /// Discardable attribute: a string id that `of "id"` references name.
    static constexpr ::llvm::StringLiteral getIdAttrName() {
      return ::llvm::StringLiteral("qprep.id");
    }
    /// Argument attribute: the output spec of a block argument.
    static constexpr ::llvm::StringLiteral getArgOutputAttrName() {
      return ::llvm::StringLiteral("qprep.output");
    }
    /// Discardable attribute of a qprep.observer while convert-qprep-to-loops
    /// runs: its #qprep.layout with the state globals.
    static constexpr ::llvm::StringLiteral getLayoutAttrName() {
      return ::llvm::StringLiteral("qprep.layout");
    }
    /// Module attribute written by convert-qprep-to-loops: every observer's
    /// public layout (a dictionary of builtin attributes), in observer order.
    static constexpr ::llvm::StringLiteral getObserverLayoutsAttrName() {
      return ::llvm::StringLiteral("qprep.observer_layouts");
    }
  }];
}

class QPrep_Op<string mnemonic, list<Trait> traits = []>
    : Op<QPrep_Dialect, mnemonic, traits>;

class QPrep_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QPrep_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // QPREP_DIALECT_QPREP_IR_QPREPDIALECT_TD
