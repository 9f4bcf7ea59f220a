//===- QPrepEnums.td - qprep enums -------------------------*- tablegen -*-===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPENUMS_TD
#define QPREP_DIALECT_QPREP_IR_QPREPENUMS_TD

include "mlir/IR/EnumAttr.td"

// PyTorch's torch.qscheme values.
def QPrep_QScheme : I32EnumAttr<"QScheme", "quantization scheme (torch.qscheme)", [
    I32EnumAttrCase<"per_tensor_affine", 0>,
    I32EnumAttrCase<"per_tensor_symmetric", 1>,
    I32EnumAttrCase<"per_channel_affine", 2>,
    I32EnumAttrCase<"per_channel_symmetric", 3>,
    I32EnumAttrCase<"per_channel_affine_float_qparams", 4>,
  ]> {
  let cppNamespace = "::mlir::qprep";
  let genSpecializedAttr = 0;
}

// The observer classes a QuantizationSpec can be built with.
def QPrep_ObserverKind : I32EnumAttr<"ObserverKind", "observer class", [
    I32EnumAttrCase<"minmax", 0>,
    I32EnumAttrCase<"moving_average_minmax", 1>,
    I32EnumAttrCase<"per_channel_minmax", 2>,
    I32EnumAttrCase<"moving_average_per_channel_minmax", 3>,
    I32EnumAttrCase<"histogram", 4>,
    I32EnumAttrCase<"placeholder", 5>,
  ]> {
  let cppNamespace = "::mlir::qprep";
  let genSpecializedAttr = 0;
}

// What an edge/node reference names, relative to an op.
def QPrep_RefKind : I32EnumAttr<"RefKind", "edge or node reference kind", [
    // The input edge (operand i's value, the op).
    I32EnumAttrCase<"edge", 0>,
    // The node (value) feeding operand i.
    I32EnumAttrCase<"operand", 1>,
    // The node that is the op's result i.
    I32EnumAttrCase<"result", 2>,
  ]> {
  let cppNamespace = "::mlir::qprep";
  let genSpecializedAttr = 0;
}

#endif // QPREP_DIALECT_QPREP_IR_QPREPENUMS_TD
