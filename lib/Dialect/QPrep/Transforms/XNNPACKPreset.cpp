//===- XNNPACKPreset.cpp - preset=xnnpack of qprep-annotate ---------------===//
//
// PyTorch's XNNPACKQuantizer, as torchao keeps it:
//   pytorch/ao torchao/testing/pt2e/_xnnpack_quantizer.py        (Q below)
//   pytorch/ao torchao/testing/pt2e/_xnnpack_quantizer_utils.py  (U below)
// at pytorch/ao 36027d82 (Aug 2026). Line numbers below refer to those
// files. Each annotator is a port of the function it names; the table
// kStaticPatterns is Q:267-281 (STATIC_OPS) and kDynamicPatterns Q:283-285.
// Where ExecuTorch's maintained copy (pytorch/executorch
// backends/xnnpack/quantizer/) differs, docs/Annotate.md says so.
//
//===----------------------------------------------------------------------===//

#include "AnnotatePresets.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::annotate;

namespace {
using Annotator = void (*)(AnnotationState &, const QuantConfig &,
                           const NodeFilter &);

/// One entry of the quantizer's pattern list.
struct QuantPattern {
  const char *name;
  /// The op kinds a kind override of this pattern selects (ExecuTorch's
  /// QuantPattern.op_overloads).
  std::initializer_list<NodeKind> kinds;
  Annotator annotate;
};
} // namespace

/// `filter_fn and any(not filter_fn(n) for n in partition)`: the filter sees
/// the op nodes of a partition (qprep's constants carry no module).
static bool filteredOut(const NodeFilter &filter, ArrayRef<Node *> partition) {
  if (!filter)
    return false;
  return llvm::any_of(partition,
                      [&](Node *n) { return n && n->isOp() && !filter(n); });
}

/// The conv/linear input_qspec_map: activation, weight, bias.
static NodeAnnotation convLikeInputs(AnnotationState &state,
                                     const QuantConfig &c, Node *n) {
  NodeAnnotation a;
  a.setInput(n->getArg(0), getInputActSpec(c));
  addWeightInputs(state, c, n, a);
  return a;
}

/// The partition of a conv/linear: the op, its weight and bias nodes.
static SmallVector<Node *, 4> weightPartition(Node *n) {
  SmallVector<Node *, 4> p{n};
  for (const Node::WeightGroup &w : n->weights) {
    p.push_back(n->getArg(w.weightArg));
    if (w.biasArg >= 0)
      p.push_back(n->getArg(w.biasArg));
  }
  return p;
}

// U:182-227 _annotate_linear.
static void annotateLinear(AnnotationState &state, const QuantConfig &c,
                           const NodeFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *node = np.get();
    if (node->kind != NodeKind::Linear)
      continue;
    if (filter && !filter(node))
      continue;
    if (state.isAnnotated(node))
      continue;
    NodeAnnotation &a = state.get(node);
    NodeAnnotation inputs = convLikeInputs(state, c, node);
    for (auto &[p, s] : inputs.inputs)
      a.setInput(p, s);
    a.output = getOutputActSpec(c);
    state.markAnnotated(weightPartition(node));
  }
}

// U:230-293 _annotate_linear_relu.
static void annotateLinearRelu(AnnotationState &state, const QuantConfig &c,
                               const NodeFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *relu = np.get();
    if (relu->kind != NodeKind::Relu)
      continue;
    Node *linear = relu->getArg(0);
    if (!linear || linear->kind != NodeKind::Linear)
      continue;
    if (linear->users.size() > 1)
      continue;
    SmallVector<Node *, 4> partition{relu};
    partition.append(weightPartition(linear));
    if (state.isAnyAnnotated(partition) || filteredOut(filter, partition))
      continue;
    state.get(linear) = convLikeInputs(state, c, linear);
    state.get(linear).annotated = true;
    NodeAnnotation &r = state.get(relu);
    r = NodeAnnotation();
    r.output = getOutputActSpec(c);
    r.annotated = true;
    state.markAnnotated(partition);
  }
}

// U:296-341 _annotate_conv: aten.conv1d / conv2d only.
static void annotateConv(AnnotationState &state, const QuantConfig &c,
                         const NodeFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *conv = np.get();
    if (conv->kind != NodeKind::Conv || conv->convDims > 2)
      continue;
    SmallVector<Node *, 4> partition = weightPartition(conv);
    if (state.isAnyAnnotated(partition) || filteredOut(filter, partition))
      continue;
    NodeAnnotation &a = state.get(conv);
    a = convLikeInputs(state, c, conv);
    a.output = getOutputActSpec(c);
    a.annotated = true;
    state.markAnnotated(partition);
  }
}

// U:344-401 _do_annotate_conv_relu (_is_conv_node: conv1d/2d/3d, or
// _is_conv_transpose_node).
static void doAnnotateConvRelu(AnnotationState &state, const QuantConfig &c,
                               const NodeFilter &filter, bool transposed) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *relu = np.get();
    if (relu->kind != NodeKind::Relu)
      continue;
    Node *conv = relu->getArg(0);
    NodeKind want = transposed ? NodeKind::ConvTranspose : NodeKind::Conv;
    if (!conv || conv->kind != want)
      continue;
    if (conv->users.size() > 1)
      continue;
    SmallVector<Node *, 4> partition{relu};
    partition.append(weightPartition(conv));
    if (state.isAnyAnnotated(partition) || filteredOut(filter, partition))
      continue;
    state.get(conv) = convLikeInputs(state, c, conv);
    state.get(conv).annotated = true;
    NodeAnnotation &r = state.get(relu);
    r = NodeAnnotation();
    r.output = getOutputActSpec(c);
    r.annotated = true;
    state.markAnnotated(partition);
  }
}

// U:404-412 _annotate_conv_relu.
static void annotateConvRelu(AnnotationState &state, const QuantConfig &c,
                             const NodeFilter &filter) {
  doAnnotateConvRelu(state, c, filter, /*transposed=*/false);
}

// U:415-423 _annotate_conv_transpose_relu.
static void annotateConvTransposeRelu(AnnotationState &state,
                                      const QuantConfig &c,
                                      const NodeFilter &filter) {
  doAnnotateConvRelu(state, c, filter, /*transposed=*/true);
}

// U:673-720 _annotate_adaptive_avg_pool2d.
static void annotateAdaptiveAvgPool2d(AnnotationState &state,
                                      const QuantConfig &c,
                                      const NodeFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *pool = np.get();
    if (pool->kind != NodeKind::AdaptiveAvgPool2d)
      continue;
    // get_source_partitions(..., filter_fn) drops filtered nodes.
    if (filter && !filter(pool))
      continue;
    if (state.isAnnotated(pool))
      continue;
    Node *input = pool->getArg(0);
    if (!input)
      continue;
    // Share the input's observer only if the input's output is annotated.
    Spec in = state.isAnnotated(input) && state.hasOutputSpec(input)
                  ? Spec::sharedNode(input)
                  : getInputActSpec(c);
    NodeAnnotation &a = state.get(pool);
    a = NodeAnnotation();
    a.setInput(input, in);
    a.output = Spec::sharedEdge(input, pool);
    a.annotated = true;
  }
}

/// U:723-735 _is_input_large_scalar: a one-element constant beyond histc's
/// bound.
static bool isLargeScalar(Node *n) {
  if (n->kind != NodeKind::Constant || !n->value)
    return false;
  DenseElementsAttr attr;
  if (!matchPattern(n->value, m_Constant(&attr)) ||
      attr.getNumElements() != 1 ||
      !isa<FloatType>(attr.getElementType()))
    return false;
  const double kHistcUpperBound = 3.4028235e15;
  return std::fabs((*attr.getValues<APFloat>().begin()).convertToDouble()) >
         kHistcUpperBound;
}

/// U:738-744 _is_input_non_float_tensor.
static bool isNonFloatTensor(Node *n) {
  auto t = dyn_cast_or_null<RankedTensorType>(n->value ? n->value.getType()
                                                       : Type());
  return !t || !t.getElementType().isF32();
}

/// The binary-op input map of add/mul (with or without relu); false if an
/// input disqualifies the node.
static bool binaryInputs(const QuantConfig &c, Node *op, NodeAnnotation &a) {
  for (unsigned i = 0; i < 2; ++i) {
    Node *in = op->getArg(i);
    if (!in)
      continue;
    if (isLargeScalar(in) || isNonFloatTensor(in))
      return false;
    a.setInput(in, getInputActSpec(c));
  }
  return true;
}

// U:747-819 _annotate_add_relu, U:875-946 _annotate_mul_relu.
static void annotateBinaryRelu(AnnotationState &state, const QuantConfig &c,
                               const NodeFilter &filter, NodeKind kind) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *relu = np.get();
    if (relu->kind != NodeKind::Relu)
      continue;
    Node *op = relu->getArg(0);
    if (!op || op->kind != kind)
      continue;
    if (op->users.size() > 1)
      continue;
    SmallVector<Node *, 2> partition{relu, op};
    if (state.isAnyAnnotated(partition) || filteredOut(filter, partition))
      continue;
    NodeAnnotation inputs;
    if (!binaryInputs(c, op, inputs))
      continue;
    inputs.annotated = true;
    state.get(op) = inputs;
    NodeAnnotation &r = state.get(relu);
    r = NodeAnnotation();
    r.output = getOutputActSpec(c);
    r.annotated = true;
  }
}

// U:822-872 _annotate_add, U:949-999 _annotate_mul.
static void annotateBinary(AnnotationState &state, const QuantConfig &c,
                           const NodeFilter &filter, NodeKind kind) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *op = np.get();
    if (op->kind != kind)
      continue;
    if (state.isAnnotated(op) || filteredOut(filter, {op}))
      continue;
    NodeAnnotation a;
    if (!binaryInputs(c, op, a))
      continue;
    a.output = getOutputActSpec(c);
    a.annotated = true;
    state.get(op) = a;
  }
}

static void annotateAddRelu(AnnotationState &s, const QuantConfig &c,
                            const NodeFilter &f) {
  annotateBinaryRelu(s, c, f, NodeKind::Add);
}
static void annotateAdd(AnnotationState &s, const QuantConfig &c,
                        const NodeFilter &f) {
  annotateBinary(s, c, f, NodeKind::Add);
}
static void annotateMulRelu(AnnotationState &s, const QuantConfig &c,
                            const NodeFilter &f) {
  annotateBinaryRelu(s, c, f, NodeKind::Mul);
}
static void annotateMul(AnnotationState &s, const QuantConfig &c,
                        const NodeFilter &f) {
  annotateBinary(s, c, f, NodeKind::Mul);
}

// U:1003-1046 _annotate_cat: input 0 gets the activation spec; the other
// inputs and the output share the edge (input 0, cat).
static void annotateCat(AnnotationState &state, const QuantConfig &c,
                        const NodeFilter &filter) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *cat = np.get();
    if (cat->kind != NodeKind::Cat || cat->args.empty())
      continue;
    if (filter && !filter(cat))
      continue;
    if (state.isAnnotated(cat))
      continue;
    Node *input0 = cat->getArg(0);
    NodeAnnotation a;
    a.setInput(input0, getInputActSpec(c));
    Spec shared = Spec::sharedEdge(input0, cat);
    for (const Arg &in : ArrayRef(cat->args).drop_front())
      if (llvm::none_of(a.inputs,
                        [&](auto &e) { return e.first == in.producer; }))
        a.setInput(in.producer, shared);
    a.output = shared;
    a.annotated = true;
    state.get(cat) = a;
  }
}

// Q:267-281 STATIC_OPS, in order ("Preserve the order that fusions come
// before singular ops"). conv_bn(_relu) (Q:258-263, QAT only) never matches:
// BatchNorm is folded before export. gru_io_only has no TOSA form.
static const QuantPattern kStaticPatterns[] = {
    {"linear_relu", {NodeKind::Linear}, annotateLinearRelu},
    {"linear", {NodeKind::Linear}, annotateLinear},
    {"conv_relu", {NodeKind::Conv}, annotateConvRelu},
    {"conv", {NodeKind::Conv}, annotateConv},
    {"conv_transpose_relu", {NodeKind::ConvTranspose},
     annotateConvTransposeRelu},
    {"adaptive_avg_pool2d", {NodeKind::AdaptiveAvgPool2d},
     annotateAdaptiveAvgPool2d},
    {"add_relu", {NodeKind::Add}, annotateAddRelu},
    {"add", {NodeKind::Add}, annotateAdd},
    {"mul_relu", {NodeKind::Mul}, annotateMulRelu},
    {"mul", {NodeKind::Mul}, annotateMul},
    {"cat", {NodeKind::Cat}, annotateCat},
};

// Q:283-285 DYNAMIC_OPS.
static const QuantPattern kDynamicPatterns[] = {
    {"linear", {NodeKind::Linear}, annotateLinear},
};

// U:1049-1067 _is_share_obs_or_fq_op, in qprep's kinds (squeeze and
// view_copy are reshapes, permute_copy a transpose).
static bool isShareObsOp(NodeKind k) {
  switch (k) {
  case NodeKind::Relu:
  case NodeKind::Hardtanh:
  case NodeKind::MaxPool2d:
  case NodeKind::Mean:
  case NodeKind::Permute:
  case NodeKind::AdaptiveAvgPool2d:
  case NodeKind::View:
  case NodeKind::Slice:
  case NodeKind::Flatten:
    return true;
  default:
    return false;
  }
}

// U:1070-1102 propagate_annotation: an op that shares its input's observer
// (relu, hardtanh, max_pool2d, views, ...) gets Shared(prev) on its input and
// output, if the input's output is annotated.
static void propagateAnnotation(AnnotationState &state) {
  for (auto &np : state.getGraph().getNodes()) {
    Node *n = np.get();
    if (!n->isOp() || !isShareObsOp(n->kind))
      continue;
    Node *prev = n->getArg(0);
    if (!prev || !state.lookup(prev) || !state.hasOutputSpec(prev))
      continue;
    if (state.isAnnotated(n))
      continue;
    NodeAnnotation &a = state.get(n);
    a = NodeAnnotation();
    a.setInput(prev, Spec::sharedNode(prev));
    a.output = Spec::sharedNode(prev);
    a.annotated = true;
  }
}

/// Q:375-404 _annotate_all_static_patterns / _annotate_all_dynamic_patterns:
/// every pattern of the config's table, in order. With `kind`, only the
/// patterns of that op kind (ExecuTorch's set_operator_type).
static void annotateAllPatterns(AnnotationState &state, const QuantConfig &c,
                                const NodeFilter &filter,
                                std::optional<NodeKind> kind) {
  ArrayRef<QuantPattern> table = c.isDynamic ? ArrayRef<QuantPattern>(kDynamicPatterns)
                                        : ArrayRef<QuantPattern>(kStaticPatterns);
  for (const QuantPattern &p : table) {
    if (kind && !llvm::is_contained(p.kinds, *kind))
      continue;
    p.annotate(state, c, filter);
  }
}

/// Q:365-373 annotate() with Q:406-426 _annotate_for_static_quantization_config:
/// module-name configs first, then (ExecuTorch) operator-type configs, then
/// the global config for nodes no name config selects; then
/// propagate_annotation.
static void annotateXNNPACK(AnnotationState &state) {
  auto notNamed = [&](Node *n) {
    return llvm::none_of(state.nameOverrides, [&](const Override &o) {
      return o.selector.matches(*n);
    });
  };
  for (const Override &o : state.nameOverrides) {
    if (!o.config)
      continue; // exclusions are marked before
    Selector sel = o.selector;
    annotateAllPatterns(
        state, *o.config, [sel](Node *n) { return sel.matches(*n); },
        std::nullopt);
  }
  for (const Override &o : state.kindOverrides)
    if (o.config)
      annotateAllPatterns(state, *o.config, notNamed, o.selector.kind);
  annotateAllPatterns(state, state.global, notNamed, std::nullopt);
  propagateAnnotation(state);
}

/// Q:113-196 get_symmetric_quantization_config.
static FailureOr<QuantConfig> makeXNNPACKConfig(MLIRContext *ctx,
                                                const ConfigOptions &o,
                                                std::string &error) {
  if (o.reduceRange) {
    error = "reduce-range is an option of preset x86 "
            "(get_default_x86_inductor_quantization_config); "
            "get_symmetric_quantization_config has none";
    return failure();
  }
  const double eps = 0x1p-12; // extra_args = {"eps": 2**-12}
  Type i8 = IntegerType::get(ctx, 8);
  ObserverAttr act;
  if (o.qat)
    act = o.dynamic
              // FakeQuantize(observer=MovingAverageMinMaxObserver(
              //   averaging_constant=1))
              ? makeObserver(ctx, ObserverKind::moving_average_minmax, eps,
                             /*fakeQuant=*/true, 1.0)
              // FusedMovingAvgObsFakeQuantize (its default observer)
              : makeObserver(ctx, ObserverKind::moving_average_minmax, eps,
                             /*fakeQuant=*/true);
  else if (o.dynamic)
    act = makeObserver(ctx, ObserverKind::placeholder, eps);
  else
    act = makeObserver(ctx,
                       o.activationObserver ==
                               ConfigOptions::Observer::Histogram
                           ? ObserverKind::histogram
                           : ObserverKind::minmax,
                       eps);
  Attribute actSpec = makeQSpec(ctx, i8, -128, 127, QScheme::per_tensor_affine,
                                std::nullopt, o.dynamic, act);
  ObserverKind wKind =
      o.qat ? (o.perChannel ? ObserverKind::moving_average_per_channel_minmax
                            : ObserverKind::moving_average_minmax)
            : (o.perChannel ? ObserverKind::per_channel_minmax
                            : ObserverKind::minmax);
  Attribute weightSpec = makeQSpec(
      ctx, i8, -127, 127,
      o.perChannel ? QScheme::per_channel_symmetric
                   : QScheme::per_tensor_symmetric,
      /*chAxis=*/0, /*isDynamic=*/false, makeObserver(ctx, wKind, eps, o.qat));
  QuantConfig c;
  c.inputActivation = actSpec;
  c.outputActivation = o.dynamic ? Attribute() : actSpec;
  c.weight = weightSpec;
  c.derivedBias = o.derivedBias;
  c.isQat = o.qat;
  c.isDynamic = o.dynamic;
  return c;
}

// The kinds of the patterns above (ExecuTorch's set_operator_type selects
// patterns by these).
static const NodeKind kOverridableKinds[] = {
    NodeKind::Linear,            NodeKind::Conv, NodeKind::ConvTranspose,
    NodeKind::AdaptiveAvgPool2d, NodeKind::Add,  NodeKind::Mul,
    NodeKind::Cat};

const Preset &annotate::getXNNPACKPreset() {
  static const Preset preset{"xnnpack",
                             makeXNNPACKConfig,
                             annotateXNNPACK,
                             /*allowsMixedDynamic=*/true,
                             /*defaultPerChannel=*/true,
                             kOverridableKinds};
  return preset;
}
