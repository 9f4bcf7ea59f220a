//===- QPrepAttrs.td - qprep attributes --------------------*- tablegen -*-===//
//
// Quantization specs (PyTorch's QuantizationSpecBase family), observer
// constructors, and edge/node references.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_DIALECT_QPREP_IR_QPREPATTRS_TD
#define QPREP_DIALECT_QPREP_IR_QPREPATTRS_TD

include "qprep/Dialect/QPrep/IR/QPrepDialect.td"
include "qprep/Dialect/QPrep/IR/QPrepEnums.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

//===----------------------------------------------------------------------===//
// ObserverAttr
//===----------------------------------------------------------------------===//

def QPrep_ObserverAttr : QPrep_Attr<"Observer", "observer"> {
  let summary = "an observer constructor: the class and its arguments";
  let description = [{
    PyTorch's `observer_or_fake_quant_ctr`: which observer class to build and
    the arguments it gets beside those that come from the spec (dtype, range,
    qscheme, ch_axis, is_dynamic).

    Syntax: `kind` or `kind(key = value, ...)`. Keys and their defaults
    (PyTorch's): `eps = 1.1920928955078125e-07` (float32 machine epsilon),
    `reduce_range` (a flag), `averaging_constant = 0.01` (moving-average kinds
    only), `bins = 2048` and `upsample_rate = 16` (histogram only), and the flag
    `fake_quant` (build a FakeQuantize around the observer, for QAT). Parameters
    equal to their defaults are not printed. `eps` and `averaging_constant` must
    stay non-zero and finite as float32 (PyTorch computes with them in
    float32); `bins` is at most 1048576.

    ```mlir
    #qprep.observer<minmax>
    #qprep.observer<histogram(bins = 1024, eps = 2.44140625e-04)>
    #qprep.observer<moving_average_minmax(averaging_constant = 1.0, fake_quant)>
    ```
  }];
  let parameters = (ins
    "ObserverKind":$kind,
    APFloatParameter<"eps">:$eps,
    "bool":$reduceRange,
    APFloatParameter<"averaging constant">:$averagingConstant,
    "int64_t":$bins,
    "int64_t":$upsampleRate,
    "bool":$fakeQuant
  );
  let builders = [
    AttrBuilder<(ins "ObserverKind":$kind), [{
      return $_get($_ctxt, kind, ::llvm::APFloat(getDefaultEps()), false,
                   ::llvm::APFloat(getDefaultAveragingConstant()),
                   getDefaultBins(), getDefaultUpsampleRate(), false);
    }]>
  ];
  let skipDefaultBuilders = 0;
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// PyTorch's default eps: torch.finfo(torch.float32).eps.
    static double getDefaultEps() { return 1.1920928955078125e-07; }
    static double getDefaultAveragingConstant() { return 0.01; }
    static int64_t getDefaultBins() { return 2048; }
    static int64_t getDefaultUpsampleRate() { return 16; }
    /// qprep's bound on bins (PyTorch has none; 1e9 bins exhaust memory).
    static int64_t getMaxBins() { return int64_t(1) << 20; }

    /// Parses `kind` or `kind(key = value, ...)` (the body inside `<>`).
    static ::mlir::FailureOr<ObserverAttr> parseBody(::mlir::AsmParser &parser);
    /// Prints what parseBody reads.
    void printBody(::mlir::AsmPrinter &printer) const;

    /// True for the per-channel observer classes.
    bool isPerChannel() const;
    /// True for the moving-average observer classes.
    bool isMovingAverage() const;
  }];
}

//===----------------------------------------------------------------------===//
// RefAttr
//===----------------------------------------------------------------------===//

def QPrep_RefAttr : QPrep_Attr<"Ref", "ref"> {
  let summary = "a reference to an edge or a node";
  let description = [{
    Names an edge (a value and the op that consumes it) or a node (a value)
    relative to an op:

    * `edge i`: the input edge from operand `i`'s value into the op;
    * `operand i`: the node feeding operand `i` (its producer's result, or a
      block argument);
    * `result i`: the node that is the op's result `i`.

    Without `of`, the op is the annotated op that holds the reference. With
    `of "id"`, it is the op whose `qprep.id` is `"id"` in the same function.

    ```mlir
    #qprep.ref<edge 0>
    #qprep.ref<result 0 of "conv1">
    ```
  }];
  let parameters = (ins
    "RefKind":$kind,
    "int64_t":$index,
    OptionalParameter<"::mlir::StringAttr">:$opId
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Parses `kind index [of "id"]`.
    static ::mlir::FailureOr<RefAttr> parseBody(::mlir::AsmParser &parser);
    void printBody(::mlir::AsmPrinter &printer) const;
  }];
}

//===----------------------------------------------------------------------===//
// QSpecAttr
//===----------------------------------------------------------------------===//

def QPrep_QSpecAttr : QPrep_Attr<"QSpec", "qspec"> {
  let summary = "a quantization spec (PyTorch QuantizationSpec)";
  let description = [{
    The spec an observer is built from. The first parameter is the quantized
    dtype as an MLIR type: `i8` (qint8/int8), `ui8` (quint8/uint8), `i16`,
    `ui16`, `i32` (qint32), `f8E4M3FN`, `f8E5M2`, and `f16`/`f32` for float or
    dynamic placeholders. Then, in any order:

    * `quant_min = N`, `quant_max = N`: the quantized range. Absent means
      PyTorch's default for the dtype (see below); absent and explicit are kept
      apart, as in PyTorch, where they compare unequal for implicit sharing.
    * `qscheme = per_tensor_affine | per_tensor_symmetric | per_channel_affine |
      per_channel_symmetric | per_channel_affine_float_qparams`.
    * `ch_axis = N`: the channel axis; required by per-channel schemes.
    * `dynamic`: PyTorch's `is_dynamic = True`.
    * `observer = kind(...)`: the observer constructor (see `#qprep.observer`).
      Default: `per_channel_minmax` for per-channel schemes, `minmax` otherwise.

    Default ranges (PyTorch `calculate_qmin_qmax`): i8 [-128, 127], ui8
    [0, 255], i16 [-32768, 32767], ui16 [0, 65535], i32 [-2^31, 2^31 - 1]; with
    `reduce_range` the 8-bit ranges halve ([-64, 63], [0, 127]). A custom range
    must satisfy quant_min <= 0 <= quant_max and quant_min < quant_max, and fit
    the dtype.

    ```mlir
    #qprep.qspec<i8>
    #qprep.qspec<ui8, quant_min = 0, quant_max = 255, qscheme = per_tensor_affine,
                 observer = histogram(eps = 2.44140625e-04)>
    #qprep.qspec<i8, quant_min = -127, quant_max = 127,
                 qscheme = per_channel_symmetric, ch_axis = 0>
    ```
  }];
  let parameters = (ins
    "::mlir::Type":$dtype,
    OptionalParameter<"std::optional<int64_t>">:$quantMin,
    OptionalParameter<"std::optional<int64_t>">:$quantMax,
    OptionalParameter<"std::optional<QScheme>">:$qscheme,
    OptionalParameter<"std::optional<int64_t>">:$chAxis,
    "bool":$isDynamic,
    "ObserverAttr":$observer
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The qscheme in effect: the explicit one, or the observer's default
    /// (per_channel_affine for per-channel observers, else per_tensor_affine).
    QScheme getEffectiveQScheme() const;
    /// The range in effect, by PyTorch's calculate_qmin_qmax rules (reduce_range
    /// included).
    std::pair<int64_t, int64_t> getEffectiveRange() const;
  }];
}

//===----------------------------------------------------------------------===//
// FixedQSpecAttr
//===----------------------------------------------------------------------===//

def QPrep_FixedQSpecAttr : QPrep_Attr<"FixedQSpec", "fixed_qspec"> {
  let summary = "a fixed-qparams spec (PyTorch FixedQParamsQuantizationSpec)";
  let description = [{
    Quantization with scale and zero point fixed in advance (sigmoid, tanh,
    softmax). Parameters: the dtype, `scale = F`, `zero_point = N`, and
    optionally `quant_min`, `quant_max`, `qscheme` (per-tensor only), `dynamic`.

    ```mlir
    #qprep.fixed_qspec<ui8, scale = 3.906250e-03, zero_point = 0,
                       quant_min = 0, quant_max = 255>
    ```
  }];
  let parameters = (ins
    "::mlir::Type":$dtype,
    APFloatParameter<"scale">:$scale,
    "int64_t":$zeroPoint,
    OptionalParameter<"std::optional<int64_t>">:$quantMin,
    OptionalParameter<"std::optional<int64_t>">:$quantMax,
    OptionalParameter<"std::optional<QScheme>">:$qscheme,
    "bool":$isDynamic
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// SharedQSpecAttr
//===----------------------------------------------------------------------===//

def QPrep_SharedQSpecAttr : QPrep_Attr<"SharedQSpec", "shared"> {
  let summary = "share the observer of another edge or node";
  let description = [{
    PyTorch's `SharedQuantizationSpec(edge_or_node)`: the annotated edge or node
    uses the same observer as the one referenced (transitively).

    ```mlir
    #qprep.shared<edge 0>
    #qprep.shared<result 0 of "conv1">
    ```
  }];
  let parameters = (ins "RefAttr":$target);
  let hasCustomAssemblyFormat = 1;
}

//===----------------------------------------------------------------------===//
// DerivedQSpecAttr
//===----------------------------------------------------------------------===//

def QPrep_DerivedQSpecAttr : QPrep_Attr<"DerivedQSpec", "derived"> {
  let summary = "qparams derived from other observers (PyTorch DerivedQuantizationSpec)";
  let description = [{
    Quantization whose qparams are computed from other observers' qparams, as
    for a bias: `scale = product of the sources' scales, zero_point = 0`.

    Parameters: the dtype, `from = [ref, ...]` (edges or nodes, see
    `#qprep.ref`; after sharing resolution, observer symbols `@obs`), and
    optionally `quant_min`, `quant_max`, `qscheme`, `ch_axis`, `dynamic`, and
    `derive = scale_product` (the default) or `derive = @fn`, a `func.func`
    that takes the sources' scales and zero points and returns the derived
    ones.

    ```mlir
    #qprep.derived<i32, from = [edge 0, edge 1], qscheme = per_tensor_symmetric>
    #qprep.derived<i32, from = [edge 1], qscheme = per_channel_symmetric,
                   ch_axis = 0, derive = @bias_qparams>
    ```
  }];
  let parameters = (ins
    "::mlir::Type":$dtype,
    "::mlir::ArrayAttr":$derivedFrom,
    OptionalParameter<"std::optional<int64_t>">:$quantMin,
    OptionalParameter<"std::optional<int64_t>">:$quantMax,
    OptionalParameter<"std::optional<QScheme>">:$qscheme,
    OptionalParameter<"std::optional<int64_t>">:$chAxis,
    "bool":$isDynamic,
    OptionalParameter<"::mlir::FlatSymbolRefAttr">:$deriveFn
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The qscheme in effect (per_tensor_affine when absent).
    QScheme getEffectiveQScheme() const;
    /// The same spec with other sources (refs, or observer symbols).
    DerivedQSpecAttr withDerivedFrom(::mlir::ArrayAttr derivedFrom) const {
      return get(getContext(), getDtype(), derivedFrom, getQuantMin(),
                 getQuantMax(), getQscheme(), getChAxis(), getIsDynamic(),
                 getDeriveFn());
    }
  }];
}

//===----------------------------------------------------------------------===//
// NoQSpecAttr
//===----------------------------------------------------------------------===//

def QPrep_NoQSpecAttr : QPrep_Attr<"NoQSpec", "none"> {
  let summary = "annotated, but not quantized (PyTorch's None spec)";
  let description = [{
    PyTorch's `None` entry in an `input_qspec_map`: the edge is annotated (so
    it can be referenced and joins sharing groups) but gets no observer.

    ```mlir
    %0 = "foo.op"(%a, %b) {qprep.inputs = [#qprep.none, #act]} : ...
    ```
  }];
}


//===----------------------------------------------------------------------===//
// ObserverLayoutAttr
//===----------------------------------------------------------------------===//

def QPrep_ObserverLayoutAttr : QPrep_Attr<"ObserverLayout", "layout"> {
  let summary = "where lowered calibration code keeps an observer's state";
  let description = [{
    Written on each `qprep.observer` (as `qprep.layout`) by the first step of
    `convert-qprep-to-loops` and read by its observe-op patterns. The state
    of all observers lives in a fixed set of module-wide arenas, one per
    element type and initial value (names in `qprep/Runtime/CalibrationABI.h`),
    so that the lowered module has the same few symbols however many
    observers it has. The layout gives the observer's index (its position in
    `qprep.observer_layouts` and the argument of the generated readers), its
    channel count and histogram size, and the offset of each piece of its
    state in its arena (-1: the observer has no such piece):

    * `min` (+inf arena), `max` (-inf arena): one per channel;
    * `hist` (`bins`), `range` (2: the binning range of the last batch) and
      `zero_point_f` (one per channel) in the f32 zero arena; `scale` (one
      per channel) in the f32 one arena: the qparams of the last
      `qprep_update_qparams`;
    * `zero_point` (i64 zero arena), `counts` (the histogram's int32
      sub-histograms, i32 zero arena), `status` (i32 arena of ones:
      "uncalibrated");
    * `name`: the observer's name in the constant name table (for run-time
      errors).

    `guarded`: the module has run-time checks (a per-channel site with a
    dynamic channel count), so every update first asks the runtime whether a
    check failed in this call.

    When the conversion is done, the module lists each observer's public
    layout (observer, index, channels, bins, and whether statistics and a
    histogram can be read) in `qprep.observer_layouts`, as dictionaries of
    builtin attributes so that upstream tools (mlir-runner, mlir-translate)
    still read the lowered module.

    ```mlir
    qprep.observer @obs0 = #qprep.qspec<i8> {qprep.layout = #qprep.layout<
        observer = "obs0", index = 0, channels = 1, min = 0, max = 0,
        range = 0, scale = 0, zero_point_f = 2, zero_point = 0, status = 0>}
    ```
  }];
  let parameters = (ins
    "::mlir::StringAttr":$observer,
    "int64_t":$index,
    "int64_t":$channels,
    DefaultValuedParameter<"int64_t", "0">:$bins,
    DefaultValuedParameter<"int64_t", "-1">:$min,
    DefaultValuedParameter<"int64_t", "-1">:$max,
    DefaultValuedParameter<"int64_t", "-1">:$hist,
    DefaultValuedParameter<"int64_t", "-1">:$range,
    DefaultValuedParameter<"int64_t", "-1">:$scale,
    DefaultValuedParameter<"int64_t", "-1">:$zero_point_f,
    DefaultValuedParameter<"int64_t", "-1">:$zero_point,
    DefaultValuedParameter<"int64_t", "-1">:$counts,
    DefaultValuedParameter<"int64_t", "-1">:$status,
    DefaultValuedParameter<"int64_t", "-1">:$name,
    DefaultValuedParameter<"bool", "false">:$guarded
  );
  let assemblyFormat = "`<` struct(params) `>`";
}

#endif // QPREP_DIALECT_QPREP_IR_QPREPATTRS_TD
