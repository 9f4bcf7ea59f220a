//===- AnnotatePresets.h - quantizer presets for qprep-annotate -*- C++ -*-===//
//
// PyTorch's annotation model in C++ (QuantizationSpec, SharedQuantizationSpec,
// DerivedQuantizationSpec, QuantizationAnnotation, QuantizationConfig) over
// the node graph of AnnotateGraph.h, and the interface a preset implements.
// A preset is a table of annotators run in its quantizer's order; each
// annotator is a short port of the PyTorch function it names, so that the
// port can be checked line by line against its source.
//
// Adding a preset: write `const Preset &getMyPreset()` (a name, a config
// builder, and the annotation driver, usually a table of annotators), and
// add it to getPresets() in Annotate.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_LIB_DIALECT_QPREP_TRANSFORMS_ANNOTATEPRESETS_H
#define QPREP_LIB_DIALECT_QPREP_TRANSFORMS_ANNOTATEPRESETS_H

#include "AnnotateGraph.h"
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"

#include "mlir/IR/Attributes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <functional>
#include <optional>
#include <string>

namespace mlir {
namespace qprep {
namespace annotate {

/// An edge: PyTorch's (input node, consuming node).
struct Edge {
  Node *producer = nullptr;
  Node *consumer = nullptr;
};

/// A spec in an annotation, as in PyTorch's input_qspec_map / output_qspec.
struct Spec {
  enum Kind {
    None,       // `None`: annotated, no observer
    Concrete,   // QuantizationSpec / FixedQParamsQuantizationSpec: `attr`
    SharedEdge, // SharedQuantizationSpec((producer, consumer))
    SharedNode, // SharedQuantizationSpec(node)
    Derived,    // DerivedQuantizationSpec: scale = product of the sources'
  };
  Kind kind = None;
  Attribute attr;
  Edge edge;
  Node *node = nullptr;
  /// Derived: the sources and the int32 bias spec's qscheme and axis (in the
  /// coordinates of the annotated value).
  SmallVector<Edge, 2> from;
  bool perChannel = false;
  int64_t chAxis = 0;

  static Spec none() { return Spec(); }
  static Spec concrete(Attribute a) {
    Spec s;
    s.kind = a ? Concrete : None;
    s.attr = a;
    return s;
  }
  static Spec sharedEdge(Node *producer, Node *consumer) {
    Spec s;
    s.kind = SharedEdge;
    s.edge = {producer, consumer};
    return s;
  }
  static Spec sharedNode(Node *n) {
    Spec s;
    s.kind = SharedNode;
    s.node = n;
    return s;
  }
};

/// PyTorch's QuantizationAnnotation (plus X86InductorQuantizer's flag).
struct NodeAnnotation {
  /// input_qspec_map, in insertion order (a dict: setting a key again keeps
  /// its position).
  SmallVector<std::pair<Node *, Spec>, 3> inputs;
  /// output_qspec; nullopt is PyTorch's None (no output annotation).
  std::optional<Spec> output;
  bool annotated = false;
  /// _X86InductorQuantizationAnnotation._is_output_of_quantized_pattern.
  bool outputOfQuantizedPattern = false;

  void setInput(Node *producer, Spec spec) {
    for (auto &entry : inputs)
      if (entry.first == producer) {
        entry.second = std::move(spec);
        return;
      }
    inputs.push_back({producer, std::move(spec)});
  }
};

/// PyTorch's QuantizationConfig: the specs one config gives an op. Null
/// attributes are None.
struct QuantConfig {
  Attribute inputActivation, outputActivation, weight;
  /// bias=derived: an int32 bias derived from the input and weight scales
  /// (qprep's option; XNNPACK and X86 leave the bias float, i.e. None).
  bool derivedBias = false;
  bool isQat = false;
  bool isDynamic = false;
};

/// What a user chose for one config (global or an override).
struct ConfigOptions {
  bool perChannel = true;
  enum class Observer { Histogram, MinMax } activationObserver =
      Observer::Histogram;
  bool dynamic = false;
  bool qat = false;
  bool reduceRange = false;
  bool derivedBias = false;
};

/// A selector: an op kind or a name pattern (docs/Annotate.md).
struct Selector {
  std::optional<NodeKind> kind;
  std::string namePattern;
  std::string text;
  bool matches(const Node &n) const;
};

/// A config for the nodes a selector picks; `config` null means
/// "not quantized" (exclusion).
struct Override {
  Selector selector;
  std::optional<QuantConfig> config;
};

/// Annotation state: one NodeAnnotation per node, plus the configs.
class AnnotationState {
public:
  AnnotationState(Graph &graph, MLIRContext *ctx) : graph(graph), ctx(ctx) {}

  Graph &getGraph() { return graph; }
  MLIRContext *getContext() { return ctx; }

  /// The annotation of `n` (created empty on first use).
  NodeAnnotation &get(Node *n) { return anns[n]; }
  /// The annotation of `n`, or null if it has none.
  const NodeAnnotation *lookup(Node *n) const {
    auto it = anns.find(n);
    return it == anns.end() ? nullptr : &it->second;
  }
  /// PyTorch's `_is_annotated([n])`: the node's annotation is marked
  /// annotated. Constants and arguments never are: PyTorch marks a weight
  /// annotated so that a second module tied to the same parameter is
  /// skipped, but in MLIR one constant feeding two ops is usually CSE
  /// merging equal constants, not a tied parameter (docs/Annotate.md).
  bool isAnnotated(Node *n) const {
    if (!n->isOp())
      return false;
    const NodeAnnotation *a = lookup(n);
    return a && a->annotated;
  }
  bool isAnyAnnotated(ArrayRef<Node *> nodes) const {
    return llvm::any_of(nodes, [&](Node *n) { return n && isAnnotated(n); });
  }
  /// PyTorch's `_mark_nodes_as_annotated` (constants and arguments: see
  /// isAnnotated).
  void markAnnotated(ArrayRef<Node *> nodes) {
    for (Node *n : nodes)
      if (n && n->isOp())
        get(n).annotated = true;
  }
  /// The output spec of `n`, if it has one (PyTorch: `output_qspec` is not
  /// None).
  bool hasOutputSpec(Node *n) const {
    const NodeAnnotation *a = lookup(n);
    return a && a->output && a->output->kind != Spec::None;
  }

  /// Nodes the pass must leave alone: ops that carried qprep annotations on
  /// input (their group counts as annotated; `hasPreOutput` when it had an
  /// output spec).
  llvm::DenseSet<Node *> preAnnotated;

  /// The configs, in PyTorch's order of application.
  QuantConfig global;
  SmallVector<Override> nameOverrides;
  SmallVector<Override> kindOverrides;
  /// Exclusions (not quantized).
  SmallVector<Selector> exclusions;

  /// Diagnostics collected by annotators (emitted by the pass).
  SmallVector<std::pair<Location, std::string>> errors;

private:
  Graph &graph;
  MLIRContext *ctx;
  llvm::DenseMap<Node *, NodeAnnotation> anns;
};

/// A filter: PyTorch's filter_fn over one node.
using NodeFilter = std::function<bool(Node *)>;

/// A preset: its name, how it builds a QuantizationConfig from the options,
/// and how it annotates (its quantizer's annotate()).
struct Preset {
  StringRef name;
  /// Builds the config the quantizer's config getter builds; emits nothing,
  /// returns an error message on invalid options.
  std::function<FailureOr<QuantConfig>(MLIRContext *, const ConfigOptions &,
                                       std::string &)>
      makeConfig;
  /// Runs the quantizer's annotate() with the configs in `state`.
  std::function<void(AnnotationState &)> annotate;
  /// True if the preset lets configs differ in static/dynamic (XNNPACK);
  /// X86InductorQuantizer skips such mixes.
  bool allowsMixedDynamic;
  /// The default of the per-channel option.
  bool defaultPerChannel;
  /// The op kinds a kind override may name (those the quantizer's
  /// per-operator configs reach).
  ArrayRef<NodeKind> overridableKinds;
};

const Preset &getXNNPACKPreset();
const Preset &getX86Preset();

/// The input act spec of a config, and friends (PyTorch's get_*_qspec).
inline Spec getInputActSpec(const QuantConfig &c) {
  return Spec::concrete(c.inputActivation);
}
inline Spec getOutputActSpec(const QuantConfig &c) {
  return Spec::concrete(c.outputActivation);
}
inline Spec getWeightSpec(const QuantConfig &c) {
  return Spec::concrete(c.weight);
}
/// The bias spec of weight group `w` of conv/linear node `n` under config
/// `c`: None, or (with bias=derived) int32 derived from the node's input and
/// that weight's edges.
Spec getBiasSpec(const QuantConfig &c, Node *n, const Node::WeightGroup &w);

/// Builds a #qprep.qspec from PyTorch's QuantizationSpec fields.
/// `observer` is the observer constructor with its arguments.
Attribute makeQSpec(MLIRContext *ctx, Type dtype, int64_t quantMin,
                    int64_t quantMax, QScheme qscheme,
                    std::optional<int64_t> chAxis, bool isDynamic,
                    ObserverAttr observer);
/// An observer constructor `kind(eps = eps, ...)`.
ObserverAttr makeObserver(MLIRContext *ctx, ObserverKind kind, double eps,
                          bool fakeQuant = false,
                          std::optional<double> averagingConstant = {});

/// The weight spec `w` with its per-channel axis set to `axis` (the axis in
/// the coordinates of the weight value at hand); `w` itself for per-tensor
/// specs.
Attribute withChAxis(Attribute w, int64_t axis);

/// The weight spec of weight group `w` of conv/linear node `n` under `c`:
/// the config's weight spec with that weight's channel axis. Records an
/// error on the state when a per-channel spec meets a weight without one
/// channel axis.
Spec getNodeWeightSpec(AnnotationState &state, const QuantConfig &c, Node *n,
                       const Node::WeightGroup &w);

/// Adds the weight and bias entries of every weight group of conv/linear
/// node `n` to `a`, in PyTorch's order (weight, then bias).
void addWeightInputs(AnnotationState &state, const QuantConfig &c, Node *n,
                     NodeAnnotation &a);

} // namespace annotate
} // namespace qprep
} // namespace mlir

#endif // QPREP_LIB_DIALECT_QPREP_TRANSFORMS_ANNOTATEPRESETS_H
