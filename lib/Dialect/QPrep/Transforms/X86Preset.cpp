//===- X86Preset.cpp - preset=x86 of qprep-annotate -----------------------===//
//
// PyTorch's X86InductorQuantizer:
//   pytorch/ao torchao/quantization/pt2e/quantizer/x86_inductor_quantizer.py
// at pytorch/ao 36027d82 (Aug 2026); line numbers (X:) refer to that file.
//
// The recipe differs from XNNPACK's in kind: conv and linear annotate their
// inputs only (activation and weight) and mark the last node of their
// fusion pattern as "output of a quantized pattern"; pooling, cat and
// flatten are annotated only when all their inputs come from such patterns,
// and then their output shares the input edge's observer. Activations are
// uint8 [0, 255], weights int8 [-128, 127] per channel.
//
//===----------------------------------------------------------------------===//

#include "AnnotatePresets.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::annotate;

namespace {
/// X:48 FilterFn: a filter over the nodes of one pattern.
using PatternFilter = std::function<bool(ArrayRef<Node *>)>;
using Step = void (*)(AnnotationState &, const QuantConfig *,
                      const PatternFilter &);
} // namespace

/// X:74-80 int8_in_int8_out_ops (= X:84 propagation_quantizable_ops).
static bool isInt8InInt8OutOp(NodeKind k) {
  return k == NodeKind::MaxPool2d || k == NodeKind::Cat ||
         k == NodeKind::AvgPool2d || k == NodeKind::AdaptiveAvgPool2d ||
         k == NodeKind::Flatten;
}

/// X:88-93 default_quantizable_ops (conv1d/conv2d, linear, mul).
static bool isDefaultQuantizableOp(const Node *n) {
  return isInt8InInt8OutOp(n->kind) || n->kind == NodeKind::Linear ||
         n->kind == NodeKind::Mul ||
         (n->kind == NodeKind::Conv && n->convDims <= 2);
}

/// X:97-99 quantizable_ops (default_quantizable_ops and matmul).
static bool isQuantizableOp(const Node *n) {
  return isDefaultQuantizableOp(n) || n->kind == NodeKind::Matmul;
}

/// X:104-116 _skip_annotate.
static bool skipAnnotate(AnnotationState &state, ArrayRef<Node *> nodes,
                         const PatternFilter &filter) {
  if (state.isAnyAnnotated(nodes))
    return true;
  if (filter && filter(nodes))
    return false;
  return true;
}

/// X:365-372 _annotate_nodes_not_quantize.
static void annotateNotQuantize(AnnotationState &state,
                                ArrayRef<Node *> nodes) {
  for (Node *n : nodes) {
    NodeAnnotation &a = state.get(n);
    a = NodeAnnotation();
    a.annotated = true;
  }
}

/// X:266-277 _is_quantized_op_pt2e.
static bool isQuantizedOp(AnnotationState &state, Node *n) {
  const NodeAnnotation *a = state.lookup(n);
  return a && a->annotated && a->outputOfQuantizedPattern;
}

/// X:567-597 _annotate_conv_node_helper and X:599-637
/// _annotate_linear_node_helper (the same map: input, weight, bias).
static void annotateConvLinearHelper(AnnotationState &state, Node *n,
                                     bool annotateOutput,
                                     const QuantConfig *c) {
  if (!c) {
    annotateNotQuantize(state, {n});
    return;
  }
  NodeAnnotation a;
  a.setInput(n->getArg(0), getInputActSpec(*c));
  addWeightInputs(state, *c, n, a);
  a.annotated = true;
  a.outputOfQuantizedPattern = annotateOutput;
  state.get(n) = a;
}

/// A node marked as the output of a quantized pattern, with no specs.
static void markPatternOutput(AnnotationState &state, Node *n) {
  NodeAnnotation &a = state.get(n);
  a = NodeAnnotation();
  a.annotated = true;
  a.outputOfQuantizedPattern = true;
}

/// X:657-679 _get_input_idx_for_binary_node: the other input of a binary op
/// that reads `producer`, or null.
static Node *getExtraInput(Node *binary, Node *producer) {
  Node *a0 = binary->getArg(0), *a1 = binary->getArg(1);
  if (a0 == producer && a0 && a0->isOp())
    return a1;
  if (a1 == producer && a1 && a1->isOp())
    return a0;
  return nullptr;
}

static bool isConv2d(const Node *n) {
  return n->kind == NodeKind::Conv && n->convDims == 2;
}

// X:1054-1105 _annotate_conv2d_binary_unary (conv2d + add + relu) and
// X:1107-1156 _annotate_conv2d_binary (conv2d + add).
static void annotateConv2dBinary(AnnotationState &state, const QuantConfig *c,
                                 const PatternFilter &filter, bool withUnary) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *conv = np.get();
    if (!isConv2d(conv))
      continue;
    for (Node *binary : SmallVector<Node *, 2>(conv->users)) {
      if (binary->kind != NodeKind::Add)
        continue;
      SmallVector<Node *> unaries;
      if (withUnary) {
        for (Node *u : binary->users)
          if (u->kind == NodeKind::Relu)
            unaries.push_back(u);
      } else {
        unaries.push_back(nullptr);
      }
      for (Node *unary : unaries) {
        if (conv->users.size() != 1)
          continue;
        Node *extra = getExtraInput(binary, conv);
        if (!extra)
          continue;
        SmallVector<Node *, 3> nodes;
        if (unary)
          nodes.push_back(unary);
        nodes.append({binary, conv});
        if (skipAnnotate(state, nodes, filter))
          continue;
        if (!c) {
          annotateNotQuantize(state, nodes);
          continue;
        }
        annotateConvLinearHelper(state, conv, false, c);
        NodeAnnotation b;
        b.setInput(extra, getInputActSpec(*c));
        b.annotated = true;
        b.outputOfQuantizedPattern = !unary;
        state.get(binary) = b;
        if (unary)
          markPatternOutput(state, unary);
      }
    }
  }
}

static void annotateConv2dBinaryUnary(AnnotationState &s, const QuantConfig *c,
                                      const PatternFilter &f) {
  annotateConv2dBinary(s, c, f, /*withUnary=*/true);
}
static void annotateConv2dBinaryOnly(AnnotationState &s, const QuantConfig *c,
                                     const PatternFilter &f) {
  annotateConv2dBinary(s, c, f, /*withUnary=*/false);
}

// X:1158-1200 _annotate_conv2d_unary: conv + relu / hardtanh / hardswish /
// relu6 / silu (relu also after conv1d), in that order of patterns.
static void annotateConv2dUnary(AnnotationState &state, const QuantConfig *c,
                                const PatternFilter &filter) {
  struct UnaryPattern {
    NodeKind unary;
    bool conv1d;
  };
  // relu6 and hardtanh are both clamps (NodeKind::Hardtanh).
  static const UnaryPattern kPatterns[] = {{NodeKind::Relu, false},
                                           {NodeKind::Hardtanh, false},
                                           {NodeKind::Hardswish, false},
                                           {NodeKind::Silu, false},
                                           {NodeKind::Relu, true}};
  for (const UnaryPattern &p : kPatterns) {
    for (auto &np : state.getGraph().getNodes()) {
      Node *conv = np.get();
      if (conv->kind != NodeKind::Conv || conv->convDims != (p.conv1d ? 1 : 2))
        continue;
      for (Node *unary : SmallVector<Node *, 2>(conv->users)) {
        if (unary->kind != p.unary)
          continue;
        if (skipAnnotate(state, {unary, conv}, filter))
          continue;
        if (!c) {
          annotateNotQuantize(state, {conv, unary});
          continue;
        }
        annotateConvLinearHelper(state, conv, false, c);
        markPatternOutput(state, unary);
      }
    }
  }
}

// X:1202-1224 _annotate_conv2d.
static void annotateConv2d(AnnotationState &state, const QuantConfig *c,
                           const PatternFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *conv = np.get();
    if (!isConv2d(conv))
      continue;
    if (skipAnnotate(state, {conv}, filter))
      continue;
    annotateConvLinearHelper(state, conv, true, c);
  }
}

// X:1504-1598 _annotate_linear_binary_unary: linear + add (+ relu); the
// add's other input gets no observer ("accuracy issues").
static void annotateLinearBinaryUnary(AnnotationState &state,
                                      const QuantConfig *c,
                                      const PatternFilter &filter) {
  for (bool hasUnary : {true, false}) {
    for (auto &np : state.getGraph().getNodes()) {
      Node *linear = np.get();
      if (linear->kind != NodeKind::Linear)
        continue;
      for (Node *binary : SmallVector<Node *, 2>(linear->users)) {
        if (binary->kind != NodeKind::Add)
          continue;
        SmallVector<Node *> unaries;
        if (hasUnary) {
          for (Node *u : binary->users)
            if (u->kind == NodeKind::Relu)
              unaries.push_back(u);
        } else {
          unaries.push_back(nullptr);
        }
        for (Node *unary : unaries) {
          if (linear->users.size() != 1)
            continue;
          if (!getExtraInput(binary, linear))
            continue;
          SmallVector<Node *, 3> nodes;
          if (unary)
            nodes.push_back(unary);
          nodes.append({binary, linear});
          if (skipAnnotate(state, nodes, filter))
            continue;
          if (!c) {
            annotateNotQuantize(state, nodes);
            continue;
          }
          annotateConvLinearHelper(state, linear, false, c);
          NodeAnnotation b;
          b.annotated = true;
          b.outputOfQuantizedPattern = !hasUnary;
          state.get(binary) = b;
          if (unary)
            markPatternOutput(state, unary);
        }
      }
    }
  }
}

// X:1459-1502 _annotate_linear_unary: linear + relu / leaky_relu / tanh /
// gelu.
static void annotateLinearUnary(AnnotationState &state, const QuantConfig *c,
                                const PatternFilter &filter) {
  static const NodeKind kPostOps[] = {NodeKind::Relu, NodeKind::LeakyRelu,
                                      NodeKind::Tanh, NodeKind::Gelu};
  for (NodeKind post : kPostOps) {
    for (auto &np : state.getGraph().getNodes()) {
      Node *linear = np.get();
      if (linear->kind != NodeKind::Linear)
        continue;
      for (Node *unary : SmallVector<Node *, 2>(linear->users)) {
        if (unary->kind != post)
          continue;
        if (skipAnnotate(state, {unary, linear}, filter))
          continue;
        if (!c) {
          annotateNotQuantize(state, {linear, unary});
          continue;
        }
        annotateConvLinearHelper(state, linear, false, c);
        markPatternOutput(state, unary);
      }
    }
  }
}

// X:1431-1457 _annotate_linear.
static void annotateLinear(AnnotationState &state, const QuantConfig *c,
                           const PatternFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *linear = np.get();
    if (linear->kind != NodeKind::Linear)
      continue;
    if (skipAnnotate(state, {linear}, filter))
      continue;
    annotateConvLinearHelper(state, linear, true, c);
  }
}

// X:1028-1052 _annotate_matmul: both inputs get the activation spec. The
// global filter never selects matmul (not a default quantizable op): it is
// annotated only through a kind override.
static void annotateMatmul(AnnotationState &state, const QuantConfig *c,
                           const PatternFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *mm = np.get();
    if (mm->kind != NodeKind::Matmul)
      continue;
    if (skipAnnotate(state, {mm}, filter))
      continue;
    if (!c) {
      annotateNotQuantize(state, {mm});
      continue;
    }
    NodeAnnotation a;
    for (const Arg &in : mm->args)
      a.setInput(in.producer, getInputActSpec(*c));
    a.annotated = true;
    a.outputOfQuantizedPattern = true;
    state.get(mm) = a;
  }
}

// X:1600-1640 _annotate_mul_tensor: a mul of two tensors of one shape.
static void annotateMulTensor(AnnotationState &state, const QuantConfig *c,
                              const PatternFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *mul = np.get();
    if (mul->kind != NodeKind::Mul)
      continue;
    if (skipAnnotate(state, {mul}, filter))
      continue;
    if (!c) {
      annotateNotQuantize(state, {mul});
      continue;
    }
    if (mul->args.size() != 2 || !mul->getArg(0) || !mul->getArg(1))
      continue;
    // _same_shape, on the operands as the op sees them.
    Operation *op = mul->principal;
    if (!op || op->getNumOperands() < 2 ||
        op->getOperand(0).getType() != op->getOperand(1).getType())
      continue;
    NodeAnnotation a;
    for (const Arg &in : mul->args)
      a.setInput(in.producer, getInputActSpec(*c));
    a.annotated = true;
    a.outputOfQuantizedPattern = true;
    state.get(mul) = a;
  }
}

// X:1296-1361 _annotate_propagation_quantizable_pattern, with X:1226-1253
// _annotate_maxpool2d and X:1255-1283 _annotate_cat.
static void annotatePropagation(AnnotationState &state, const QuantConfig *c,
                                const PatternFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *node = np.get();
    if (!node->isOp() || !isInt8InInt8OutOp(node->kind) ||
        state.isAnnotated(node) || node->args.empty())
      continue;
    auto allInputsQuantized = [&](ArrayRef<Node *> inputs) {
      return llvm::all_of(inputs,
                          [&](Node *in) { return isQuantizedOp(state, in); });
    };
    if (skipAnnotate(state, {node}, filter))
      continue;
    if (!c) {
      annotateNotQuantize(state, {node});
      continue;
    }
    NodeAnnotation a;
    if (node->kind == NodeKind::MaxPool2d) {
      if (!allInputsQuantized({node->getArg(0)}))
        continue;
      a.setInput(node->getArg(0), getInputActSpec(*c));
    } else if (node->kind == NodeKind::Cat) {
      // all_input_nodes: each distinct input once.
      SmallVector<Node *> inputs;
      for (const Arg &in : node->args)
        if (!llvm::is_contained(inputs, in.producer))
          inputs.push_back(in.producer);
      if (!allInputsQuantized(inputs))
        continue;
      Node *first = node->getArg(0);
      a.setInput(first, getInputActSpec(*c));
      for (Node *in : ArrayRef(inputs).drop_front())
        a.setInput(in, Spec::sharedEdge(first, node));
    } else if (node->kind == NodeKind::Flatten && !node->users.empty() &&
               llvm::none_of(node->users, isQuantizableOp)) {
      // flatten: only when a user is a quantizable op.
      continue;
    } else {
      if (!allInputsQuantized({node->getArg(0)}))
        continue;
      a.setInput(node->getArg(0), getInputActSpec(*c));
    }
    a.annotated = true;
    a.outputOfQuantizedPattern = true;
    state.get(node) = a;
  }
}

// X:1381-1429 _annotate_output_for_int8_in_int8_out_pattern(_entry): the
// output of an annotated pooling / cat / flatten shares the edge from its
// first input.
static void annotateInt8InInt8OutOutputs(AnnotationState &state) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *node = np.get();
    if (!node->isOp() || !isInt8InInt8OutOp(node->kind) ||
        !state.isAnnotated(node) || node->args.empty())
      continue;
    NodeAnnotation &a = state.get(node);
    if (a.outputOfQuantizedPattern)
      a.output = Spec::sharedEdge(node->getArg(0), node);
  }
}

// X:722-750 _annotate_with_config: the steps, in order. The QAT-only
// conv-bn patterns (X:752-1000) never match: BatchNorm is folded before
// export.
static const Step kSteps[] = {
    // X:1002-1016 _annotate_conv2d_fusion_pattern
    annotateConv2dBinaryUnary,
    annotateConv2dBinaryOnly,
    annotateConv2dUnary,
    annotateConv2d,
    // X:1018-1026 _annotate_linear_fusion_pattern
    annotateLinearBinaryUnary,
    annotateLinearUnary,
    annotateLinear,
    annotateMatmul,
    annotateMulTensor,
    annotatePropagation,
};

static void annotateWithConfig(AnnotationState &state, const QuantConfig *c,
                               const PatternFilter &filter) {
  for (Step step : kSteps)
    step(state, c, filter);
}

/// X:681-720 annotate(): module-name configs, then operator-type configs,
/// then the global config (X:173-186 _global_config_filter: exactly one
/// default quantizable op in the pattern); then the outputs of the
/// int8-in-int8-out ops.
static void annotateX86(AnnotationState &state) {
  // X:119-140 _create_module_name_filter: all nodes come from the module.
  for (const Override &o : state.nameOverrides) {
    if (!o.config)
      continue; // exclusions are marked before
    Selector sel = o.selector;
    annotateWithConfig(state, &*o.config, [sel](ArrayRef<Node *> nodes) {
      return llvm::all_of(nodes, [&](Node *n) { return sel.matches(*n); });
    });
  }
  // X:143-170 _create_operator_type_filter: exactly one node of the type.
  for (const Override &o : state.kindOverrides) {
    if (!o.config)
      continue;
    Selector sel = o.selector;
    annotateWithConfig(state, &*o.config, [sel](ArrayRef<Node *> nodes) {
      return llvm::count_if(nodes, [&](Node *n) { return sel.matches(*n); }) ==
             1;
    });
  }
  annotateWithConfig(state, &state.global, [](ArrayRef<Node *> nodes) {
    return llvm::count_if(nodes, isDefaultQuantizableOp) == 1;
  });
  annotateInt8InInt8OutOutputs(state);
}

/// X:280-343 get_default_x86_inductor_quantization_config.
static FailureOr<QuantConfig> makeX86Config(MLIRContext *ctx,
                                            const ConfigOptions &o,
                                            std::string &error) {
  (void)error;
  const double eps = 0x1p-12; // extra_args = {"eps": 2**-12}
  ObserverAttr act;
  if (o.qat)
    act = o.dynamic ? makeObserver(ctx, ObserverKind::moving_average_minmax,
                                   eps, /*fakeQuant=*/true, 1.0)
                    : makeObserver(ctx, ObserverKind::moving_average_minmax,
                                   eps, /*fakeQuant=*/true);
  else if (o.dynamic)
    act = makeObserver(ctx, ObserverKind::placeholder, eps);
  else
    act = makeObserver(ctx,
                       o.activationObserver ==
                               ConfigOptions::Observer::Histogram
                           ? ObserverKind::histogram
                           : ObserverKind::minmax,
                       eps);
  Type ui8 = IntegerType::get(ctx, 8, IntegerType::Unsigned);
  Type i8 = IntegerType::get(ctx, 8);
  Attribute actSpec =
      makeQSpec(ctx, ui8, 0, o.reduceRange ? 127 : 255,
                QScheme::per_tensor_affine, std::nullopt, o.dynamic, act);
  // Per channel only in PyTorch; per-tensor is a QuantizationConfig of
  // one's own (set_global accepts any).
  ObserverKind wKind =
      o.qat ? (o.perChannel ? ObserverKind::moving_average_per_channel_minmax
                            : ObserverKind::moving_average_minmax)
            : (o.perChannel ? ObserverKind::per_channel_minmax
                            : ObserverKind::minmax);
  Attribute weightSpec = makeQSpec(
      ctx, i8, -128, 127,
      o.perChannel ? QScheme::per_channel_symmetric
                   : QScheme::per_tensor_symmetric,
      /*chAxis=*/0, /*isDynamic=*/false, makeObserver(ctx, wKind, eps, o.qat));
  QuantConfig c;
  c.inputActivation = actSpec;
  c.outputActivation = actSpec;
  c.weight = weightSpec;
  c.derivedBias = o.derivedBias;
  c.isQat = o.qat;
  c.isDynamic = o.dynamic;
  return c;
}

// X:189-228 _map_module_function_to_aten_operator_type / X:554-565: the op
// types a per-operator config may name (quantizable_ops).
static const NodeKind kOverridableKinds[] = {
    NodeKind::Conv,      NodeKind::Linear,    NodeKind::MaxPool2d,
    NodeKind::Cat,       NodeKind::AvgPool2d, NodeKind::AdaptiveAvgPool2d,
    NodeKind::Flatten,   NodeKind::Matmul,    NodeKind::Mul};

const Preset &annotate::getX86Preset() {
  static const Preset preset{"x86",
                             makeX86Config,
                             annotateX86,
                             /*allowsMixedDynamic=*/false,
                             /*defaultPerChannel=*/true,
                             kOverridableKinds};
  return preset;
}
