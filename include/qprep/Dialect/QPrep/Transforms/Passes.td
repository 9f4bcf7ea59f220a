//===- Passes.td - qprep passes ----------------------------*- tablegen -*-===//

#ifndef QPREP_DIALECT_QPREP_TRANSFORMS_PASSES_TD
#define QPREP_DIALECT_QPREP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CollectQSpecsPass : Pass<"qprep-collect-qspecs", "::mlir::ModuleOp"> {
  let summary = "Validate and normalize quantization annotations";
  let description = [{
    Reads every annotation of every function in PyTorch's key order (the
    function's annotated arguments, then a pre-order walk of the body; per op
    its input edges in operand order, then its results), checks every
    reference, and rewrites the annotations into a normal form that no longer
    depends on where they are written:

    * every `#qprep.shared` and `#qprep.derived` reference takes one
      canonical form: `edge i` (with `i` the first operand that carries the
      value), `result i` for a node that is an op result, and `operand i` for
      a node that is a block argument, reached through an op that uses it.
      References to the annotated op itself stay relative (they move with
      it); references to any other op name it with `of "id"`, and ops that
      are referenced but have no `qprep.id` get one (`"<op name>#<n>"`);
    * an operand that repeats an annotated operand's value (one edge) gets the
      same entry.

    Annotations already in normal form are left untouched.

    Errors point at the annotated op: duplicate ids, references to missing ids
    or out-of-range indices, shared or derived specs that name an edge or node
    without an annotation, and `derive = @fn` naming no function.

    Before:
    ```mlir
    %1 = tosa.clamp %0 {..., qprep.inputs = [#qprep.shared<operand 0>]} : ...
    ```
    After (`%0` is the result of the op at position 3 in the function):
    ```mlir
    %1 = tosa.clamp %0 {..., qprep.inputs = [#qprep.shared<result 0 of "tosa.conv2d#3">]} : ...
    ```
  }];
  let statistics = [
    Statistic<"numKeys", "num-keys", "Annotated edges and nodes">,
  ];
}

def ResolveSharingPass : Pass<"qprep-resolve-sharing", "::mlir::ModuleOp"> {
  let summary = "Form sharing groups and create one qprep.observer per group";
  let description = [{
    PyTorch's `_get_edge_or_node_to_group_id` and `_get_obs_or_fq_map`:
    unions annotated edges and nodes into sharing groups (explicit
    `#qprep.shared` specs, transitively, and implicit sharing between the
    edges and the node of one value when their root specs agree on dtype,
    dynamic, quant_min, quant_max, qscheme, ch_axis, scale and zero_point),
    creates one `qprep.observer` symbol per group from the spec PyTorch would
    build it from, and rewrites every annotation entry to the symbol of its
    group's observer.

    Groups whose spec is `#qprep.none` get no observer; their entries become
    `#qprep.none`. Derived observers name the observers they derive from.
    Resolution is order-independent where PyTorch fails only because of
    visiting order (see docs/Sharing.md).

    Implicit sharing does not compare derived specs' sources (PyTorch's
    rule): two derived specs on one value, as when `--cse` merges two convs'
    identical bias constants, join one group whose observer derives from the
    first one's sources. The pass warns, naming both consumers;
    `keep-derived-apart=true` keeps them in separate groups.

    Before:
    ```mlir
    %0 = "foo.conv"(%x) {qprep.outputs = [#act]} : ...
    %1 = "foo.relu"(%0) {qprep.inputs = [#act], qprep.outputs = [#qprep.shared<edge 0>]} : ...
    ```
    After:
    ```mlir
    qprep.observer @obs0 = #act
    ...
    %0 = "foo.conv"(%x) {qprep.outputs = [@obs0]} : ...
    %1 = "foo.relu"(%0) {qprep.inputs = [@obs0], qprep.outputs = [@obs0]} : ...
    ```
  }];
  let dependentDialects = ["::mlir::qprep::QPrepDialect"];
  let options = [
    Option<"keepDerivedApart", "keep-derived-apart", "bool", /*default=*/"false",
           "Keep derived specs with different sources in separate groups "
           "when implicit sharing would merge them (PyTorch merges them, with "
           "a warning here)">,
  ];
  let statistics = [
    Statistic<"numGroups", "num-groups", "Sharing groups">,
    Statistic<"numObservers", "num-observers", "Observers created">,
  ];
}

def InsertObserversPass : Pass<"qprep-insert-observers", "::mlir::ModuleOp"> {
  let summary = "Insert qprep.observe ops where PyTorch inserts observers";
  let description = [{
    PyTorch's `_maybe_insert_input_and_output_observers_for_node`, for
    annotations whose entries name observers (after `qprep-resolve-sharing`).

    Function arguments with an observer get a `qprep.observe` at the top of
    the entry block. Then, for every annotated op in program order (as it was
    before insertion):

    * inputs: for each operand whose entry names an observer, the original
      producer is found by looking through observe ops. If the producer's
      output observer is the same observer, nothing is inserted (the operand
      already goes through it); else if the operand's value already feeds a
      `qprep.observe` of that observer, that one is reused; else a new one is
      inserted right after the value's definition (so after the producer's
      output observer when there is one: producer -> out_obs -> in_obs -> op)
      and the operand is routed through it;
    * outputs: each result with an observer whose type is a ranked float
      tensor or memref gets a `qprep.observe` right after the op, and every
      other use of the result goes through it. Other results get none.

    One observer may appear at several call sites; each is one observe op,
    called in program order. Each observe op carries the location of the op
    it observes (the consumer for an input edge, the producer for an output).
    With `is-qat`, fixed-qparams observers get `qprep.fake_quantize`; so do
    observers whose constructor asks for `fake_quant`, in either mode.

    The annotations (`qprep.inputs`, `qprep.outputs`,
    `qprep.allow_implicit_sharing`, argument `qprep.output`) are consumed and
    removed. Annotated ops inside nested regions are rejected.
  }];
  let dependentDialects = ["::mlir::qprep::QPrepDialect"];
  let options = [
    Option<"isQat", "is-qat", "bool", /*default=*/"false",
           "Prepare for quantization-aware training (fake-quantize ops)">,
  ];
  let statistics = [
    Statistic<"numObserves", "num-observes", "observe/fake_quantize ops inserted">,
    Statistic<"numReused", "num-reused", "input edges that reused an observe op">,
  ];
}

def AnnotatePass : Pass<"qprep-annotate", "::mlir::ModuleOp"> {
  let summary = "Annotate TOSA and linalg ops the way a PyTorch quantizer does";
  let description = [{
    Writes `qprep.inputs` / `qprep.outputs` annotations on the ops of every
    function, following the rules of a PyTorch PT2E quantizer (`preset`), so
    that `qprep-prepare` then inserts the observers that quantizer's
    `prepare_pt2e` would:

    * `xnnpack`: torchao's XNNPACKQuantizer (int8 activations with a
      histogram observer, symmetric int8 weights per channel, conv/linear
      fused with a following relu, add/mul (+relu), cat sharing its first
      input's observer, and relu, hardtanh, max_pool2d, mean, views and
      adaptive_avg_pool2d sharing their input's observer);
    * `x86`: torchao's X86InductorQuantizer (uint8 activations observed on
      the inputs of conv, linear and mul, int8 per-channel weights, pooling,
      cat and flatten sharing their input's observer when their inputs come
      from quantized patterns).

    The pass sees the function as PyTorch's quantizer sees an fx graph: ops
    that share a location name (`loc("layer1.0.conv1")`) are one node, the
    last op producing its value; layout transposes (NCHW <-> NHWC) are not
    nodes and an edge across them is annotated where the producer's value
    enters the transpose. It recognizes TOSA (`tosa.conv2d`,
    `tosa.depthwise_conv2d`, `tosa.matmul` with a constant right-hand side
    as linear, `tosa.clamp`, `tosa.add`, `tosa.mul`, `tosa.concat`, pooling,
    `tosa.reshape`, ...) and linalg named ops (convolutions, `linalg.matmul`,
    `linalg.batch_matmul`, elementwise and pooling ops). Ops that already
    carry annotations are left alone. See docs/Annotate.md for every rule,
    the PyTorch source it follows, and the IR before and after.

    Options: `weights=per-channel|per-tensor`, `activations=histogram|minmax`,
    `mode=static|dynamic`, `qat`, `bias=none|derived`, `reduce-range` (x86),
    `override=<selector>=<setting>[+<setting>...]` and `exclude=<selector>`,
    where a selector is an op kind (`conv2d`, `linear`, `add`, ...) or
    `name:<pattern>` (a location name; `layer1` selects `layer1` and
    `layer1.*`; `*` and `?` are wildcards), and a setting is `none` (not
    quantized), `per-channel`, `per-tensor`, `histogram`, `minmax`,
    `static`, `dynamic`, `derived-bias` or `float-bias`.

    Before (`qprep-annotate{preset=xnnpack}`):
    ```mlir
    %0 = tosa.conv2d %x, %w, %b, %zp, %zp {...} : ...
    %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.40282347e+38 : f32} : ...
    ```
    After:
    ```mlir
    %0 = tosa.conv2d %x, %w, %b, %zp, %zp {..., qprep.inputs = [#act, #wt, #qprep.none]} : ...
    %1 = tosa.clamp %0 {..., qprep.outputs = [#act]} : ...
    ```
  }];
  let dependentDialects = ["::mlir::qprep::QPrepDialect"];
  let options = [
    Option<"preset", "preset", "std::string", /*default=*/"\"\"",
           "The quantizer whose rules to follow: xnnpack or x86">,
    Option<"weights", "weights", "std::string", /*default=*/"\"per-channel\"",
           "Weight granularity: per-channel or per-tensor">,
    Option<"activations", "activations", "std::string",
           /*default=*/"\"histogram\"",
           "Activation observer of static post-training quantization: "
           "histogram or minmax">,
    Option<"mode", "mode", "std::string", /*default=*/"\"static\"",
           "static or dynamic (activations quantized at run time)">,
    Option<"qat", "qat", "bool", /*default=*/"false",
           "Quantization-aware training: fake-quantize observers">,
    Option<"bias", "bias", "std::string", /*default=*/"\"none\"",
           "none (float bias, as the presets do) or derived (int32, scale = "
           "input scale * weight scale)">,
    Option<"reduceRange", "reduce-range", "bool", /*default=*/"false",
           "x86: activations in [0, 127] (CPUs without VNNI)">,
    ListOption<"overrides", "override", "std::string",
               "<selector>=<setting>[+<setting>...]: a config for the ops a "
               "selector picks (name selectors first, then kinds)">,
    ListOption<"exclusions", "exclude", "std::string",
               "<selector>: ops left unannotated">,
    Option<"printGraph", "print-graph", "bool", /*default=*/"false",
           "Emit a remark per node: its kind, arguments and users (the "
           "graph the preset sees)">,
  ];
  let statistics = [
    Statistic<"numNodes", "num-nodes", "Nodes (fx-like) seen">,
    Statistic<"numAnnotated", "num-annotated", "Nodes annotated">,
  ];
}

#endif // QPREP_DIALECT_QPREP_TRANSFORMS_PASSES_TD
