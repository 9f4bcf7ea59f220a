//===- Annotate.cpp - qprep-annotate: quantizer presets -------------------===//
//
// Annotates TOSA and linalg functions the way a PyTorch PT2E quantizer
// annotates an fx graph. Three steps per function:
//
//   1. AnnotateGraph builds the fx-like node graph (location-name groups,
//      kinds, arguments, layout transposes looked through);
//   2. the preset (XNNPACKPreset.cpp, X86Preset.cpp) runs its quantizer's
//      annotators over that graph, producing PyTorch-style annotations
//      (input_qspec_map, output_qspec, shared and derived specs over nodes
//      and edges);
//   3. Materializer writes them as qprep.inputs / qprep.outputs attributes:
//      an edge (producer, consumer) goes on the operands where the
//      producer's value enters the consumer's ops (the transpose operand
//      when a layout transpose sits between them), a node's output on the
//      result of its last op, and references become #qprep.ref with ids.
//
// Debug with -debug-only=qprep-annotate, or print-graph=true for remarks.
//
//===----------------------------------------------------------------------===//

#include "AnnotateGraph.h"
#include "AnnotatePresets.h"

#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Dialect/QPrep/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "qprep-annotate"

namespace mlir {
namespace qprep {
#define GEN_PASS_DEF_ANNOTATEPASS
#include "qprep/Dialect/QPrep/Transforms/Passes.h.inc"
} // namespace qprep
} // namespace mlir

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::annotate;

/// The presets, by name. A new preset is one more entry.
static ArrayRef<const Preset *> getPresets() {
  static const Preset *presets[] = {&getXNNPACKPreset(), &getX86Preset()};
  return presets;
}

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

namespace {
struct ParsedOverride {
  Selector selector;
  /// Null: not quantized.
  std::optional<ConfigOptions> config;
};

struct ParsedOptions {
  const Preset *preset = nullptr;
  ConfigOptions global;
  SmallVector<ParsedOverride> overrides;
  SmallVector<Selector> exclusions;
};
} // namespace

static FailureOr<Selector> parseSelector(StringRef text, const Preset &preset,
                                         bool forOverride,
                                         std::string &error) {
  Selector s;
  s.text = text.str();
  if (text.consume_front("name:")) {
    if (text.empty()) {
      error = "empty name pattern in selector 'name:'";
      return failure();
    }
    s.namePattern = text.str();
    return s;
  }
  std::optional<NodeKind> kind = parseKindName(text);
  if (!kind) {
    error = "unknown op kind '" + text.str() +
            "' in a selector; expected name:<pattern> or one of: " +
            getSelectableKindNames();
    return failure();
  }
  if (forOverride && !llvm::is_contained(preset.overridableKinds, *kind)) {
    std::string kinds;
    for (NodeKind k : preset.overridableKinds)
      kinds += (kinds.empty() ? "" : ", ") + getKindName(k).str();
    error = "preset " + preset.name.str() + " has no per-operator config for '" +
            text.str() + "'; a kind override may name: " + kinds;
    return failure();
  }
  s.kind = kind;
  return s;
}

/// Applies `<setting>[+<setting>...]` to `config`; nullopt for `none`.
static FailureOr<std::optional<ConfigOptions>>
parseSettings(StringRef text, ConfigOptions config, StringRef whole,
              std::string &error) {
  SmallVector<StringRef> words;
  text.split(words, '+');
  llvm::StringSet<> seenGroups;
  auto set = [&](StringRef group, StringRef word) -> bool {
    if (!seenGroups.insert(group).second) {
      error = "conflicting settings in override '" + whole.str() +
              "': two values for " + group.str();
      return false;
    }
    (void)word;
    return true;
  };
  for (StringRef w : words) {
    if (w == "none") {
      if (words.size() != 1) {
        error = "override '" + whole.str() +
                "': 'none' (not quantized) cannot be combined with other "
                "settings";
        return failure();
      }
      return std::optional<ConfigOptions>();
    }
    bool ok = true;
    if (w == "per-channel" || w == "per-tensor") {
      ok = set("weights", w);
      config.perChannel = w == "per-channel";
    } else if (w == "histogram" || w == "minmax") {
      ok = set("activations", w);
      config.activationObserver = w == "histogram"
                                      ? ConfigOptions::Observer::Histogram
                                      : ConfigOptions::Observer::MinMax;
    } else if (w == "static" || w == "dynamic") {
      ok = set("mode", w);
      config.dynamic = w == "dynamic";
    } else if (w == "derived-bias" || w == "float-bias") {
      ok = set("bias", w);
      config.derivedBias = w == "derived-bias";
    } else if (w == "qat") {
      error = "override '" + whole.str() +
              "': qat applies to the whole module (option qat), not per op";
      return failure();
    } else {
      error = "unknown setting '" + w.str() + "' in override '" + whole.str() +
              "'; expected none, per-channel, per-tensor, histogram, minmax, "
              "static, dynamic, derived-bias or float-bias";
      return failure();
    }
    if (!ok)
      return failure();
  }
  return std::optional<ConfigOptions>(config);
}

/// Checks a config's options against each other.
static LogicalResult checkConfigOptions(const ConfigOptions &c, StringRef what,
                                        std::string &error) {
  if (c.derivedBias && c.dynamic) {
    error = what.str() +
            ": bias=derived needs static activations (a dynamic activation "
            "has no scale at calibration time)";
    return failure();
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Materializer
//===----------------------------------------------------------------------===//

namespace {
/// Writes the preset's annotations into the IR.
class Materializer {
public:
  Materializer(AnnotationState &state)
      : state(state), graph(state.getGraph()), ctx(state.getContext()) {
    graph.getFunction()->walk([&](Operation *op) {
      if (auto id = op->getAttrOfType<StringAttr>(
              QPrepDialect::getIdAttrName()))
        usedIds.insert(id.getValue());
    });
  }

  LogicalResult run();

private:
  /// The operands where edge (p, c) is annotated; clones layout transposes
  /// that also feed other nodes, so that the annotation holds for `c` only.
  ArrayRef<OpOperand *> getSites(Node *p, Node *c);
  StringAttr getOrAssignId(Operation *op);
  /// A reference, relative to `holder`, to an edge or a node.
  FailureOr<RefAttr> refToEdge(Edge e, Operation *holder);
  FailureOr<RefAttr> refToNode(Node *n, Operation *holder);
  FailureOr<Attribute> toAttr(const Spec &spec, Operation *holder,
                              Location diagLoc);
  void setEntry(DenseMap<Operation *, SmallVector<Attribute>> &table,
                Operation *op, unsigned index, unsigned size, Attribute a) {
    SmallVector<Attribute> &v = table[op];
    if (v.empty())
      v.assign(size, Attribute());
    v[index] = a;
  }

  AnnotationState &state;
  Graph &graph;
  MLIRContext *ctx;
  llvm::StringSet<> usedIds;
  DenseMap<Operation *, StringAttr> assignedIds;
  DenseMap<std::pair<Node *, Node *>, SmallVector<OpOperand *, 1>> sites;
  DenseMap<Operation *, SmallVector<Attribute>> inputs, outputs;
  DenseMap<unsigned, Attribute> argOutputs;
};
} // namespace

ArrayRef<OpOperand *> Materializer::getSites(Node *p, Node *c) {
  auto key = std::make_pair(p, c);
  auto it = sites.find(key);
  if (it != sites.end())
    return it->second;
  SmallVector<OpOperand *, 1> result;
  for (const Crossing &crossing : graph.getCrossings(p, c)) {
    OpOperand *site = crossing.operand;
    if (!crossing.chain.empty()) {
      // The chain may be annotated in place if nothing but `c` reads it.
      bool exclusive = true;
      for (auto [i, t] : llvm::enumerate(crossing.chain)) {
        for (Operation *user : t->getUsers()) {
          bool ok = i + 1 < crossing.chain.size()
                        ? user == crossing.chain[i + 1]
                        : graph.getNodeOf(user) == c;
          exclusive &= ok;
        }
      }
      if (exclusive) {
        site = &crossing.chain.front()->getOpOperand(0);
      } else {
        // Clone the chain for this operand (right before its op).
        OpBuilder b(crossing.operand->getOwner());
        Value v = crossing.chain.front()->getOperand(0);
        Operation *first = nullptr;
        for (Operation *t : crossing.chain) {
          IRMapping map;
          map.map(t->getOperand(0), v);
          Operation *clone = b.clone(*t, map);
          if (!first)
            first = clone;
          v = clone->getResult(0);
        }
        crossing.operand->set(v);
        site = &first->getOpOperand(0);
      }
    }
    if (!llvm::is_contained(result, site))
      result.push_back(site);
  }
  return sites[key] = std::move(result);
}

StringAttr Materializer::getOrAssignId(Operation *op) {
  if (auto id = op->getAttrOfType<StringAttr>(QPrepDialect::getIdAttrName()))
    return id;
  if (StringAttr id = assignedIds.lookup(op))
    return id;
  Node *n = graph.getNodeOf(op);
  std::string base;
  if (n && !n->name.empty()) {
    base = n->name;
    if (op != n->getOutputOp())
      base += "/" + op->getName().stripDialect().str();
  } else {
    base = op->getName().stripDialect().str();
  }
  std::string name = base;
  for (unsigned k = 1; usedIds.contains(name); ++k)
    name = base + "_" + std::to_string(k);
  usedIds.insert(name);
  StringAttr id = StringAttr::get(ctx, name);
  assignedIds[op] = id;
  return id;
}

FailureOr<RefAttr> Materializer::refToEdge(Edge e, Operation *holder) {
  ArrayRef<OpOperand *> s = getSites(e.producer, e.consumer);
  if (s.empty())
    return failure();
  Operation *owner = s.front()->getOwner();
  return RefAttr::get(ctx, RefKind::edge, s.front()->getOperandNumber(),
                      owner == holder ? StringAttr() : getOrAssignId(owner));
}

FailureOr<RefAttr> Materializer::refToNode(Node *n, Operation *holder) {
  if (Operation *out = n->getOutputOp()) {
    if (n->kind == NodeKind::Constant || n->isOp())
      return RefAttr::get(ctx, RefKind::result, 0,
                          out == holder ? StringAttr() : getOrAssignId(out));
  }
  // A block argument: through an op that reads it directly.
  for (OpOperand &use : n->value.getUses()) {
    Operation *user = use.getOwner();
    if (user->getBlock() != n->value.getParentBlock())
      continue;
    if (user == holder)
      return RefAttr::get(ctx, RefKind::operand, use.getOperandNumber(),
                          StringAttr());
  }
  Operation *first = nullptr;
  unsigned index = 0;
  for (OpOperand &use : n->value.getUses()) {
    Operation *user = use.getOwner();
    if (user->getBlock() != n->value.getParentBlock())
      continue;
    if (!first || user->isBeforeInBlock(first)) {
      first = user;
      index = use.getOperandNumber();
    }
  }
  if (!first)
    return failure();
  return RefAttr::get(ctx, RefKind::operand, index, getOrAssignId(first));
}

FailureOr<Attribute> Materializer::toAttr(const Spec &spec, Operation *holder,
                                          Location diagLoc) {
  switch (spec.kind) {
  case Spec::None:
    return Attribute(NoQSpecAttr::get(ctx));
  case Spec::Concrete:
    return spec.attr;
  case Spec::SharedEdge: {
    FailureOr<RefAttr> ref = refToEdge(spec.edge, holder);
    if (failed(ref))
      return emitError(diagLoc) << "qprep-annotate: a shared spec names an "
                                   "edge the graph does not have";
    return Attribute(SharedQSpecAttr::get(ctx, *ref));
  }
  case Spec::SharedNode: {
    FailureOr<RefAttr> ref = refToNode(spec.node, holder);
    if (failed(ref))
      return emitError(diagLoc)
             << "qprep-annotate: a shared spec names a node without uses";
    return Attribute(SharedQSpecAttr::get(ctx, *ref));
  }
  case Spec::Derived: {
    SmallVector<Attribute> from;
    for (Edge e : spec.from) {
      FailureOr<RefAttr> ref = refToEdge(e, holder);
      if (failed(ref))
        return emitError(diagLoc) << "qprep-annotate: a derived spec names "
                                     "an edge the graph does not have";
      from.push_back(*ref);
    }
    Type i32 = IntegerType::get(ctx, 32);
    return Attribute(DerivedQSpecAttr::get(
        ctx, i32, ArrayAttr::get(ctx, from),
        std::optional<int64_t>(std::numeric_limits<int32_t>::min()),
        std::optional<int64_t>(std::numeric_limits<int32_t>::max()),
        spec.perChannel ? QScheme::per_channel_symmetric
                        : QScheme::per_tensor_symmetric,
        spec.perChannel ? std::optional<int64_t>(spec.chAxis) : std::nullopt,
        /*isDynamic=*/false, FlatSymbolRefAttr()));
  }
  }
  return failure();
}

LogicalResult Materializer::run() {
  for (auto &np : graph.getNodes()) {
    Node *c = np.get();
    if (state.preAnnotated.contains(c))
      continue;
    const NodeAnnotation *ann = state.lookup(c);
    if (!ann)
      continue;
    for (const auto &[p, spec] : ann->inputs) {
      if (!p)
        continue;
      ArrayRef<OpOperand *> s = getSites(p, c);
      if (s.empty())
        return emitError(c->getLoc())
               << "qprep-annotate: no operand carries the edge from node "
               << p->index << " into node " << c->index;
      Operation *firstOwner = s.front()->getOwner();
      FailureOr<Attribute> attr = toAttr(spec, firstOwner, c->getLoc());
      if (failed(attr))
        return failure();
      for (OpOperand *site : s) {
        Operation *owner = site->getOwner();
        Attribute entry = *attr;
        // The same value entering another op of the node: the same PyTorch
        // edge, so the same observer.
        if (owner != firstOwner)
          entry = SharedQSpecAttr::get(
              ctx, RefAttr::get(ctx, RefKind::edge,
                                s.front()->getOperandNumber(),
                                getOrAssignId(firstOwner)));
        setEntry(inputs, owner, site->getOperandNumber(),
                 owner->getNumOperands(), entry);
      }
    }
    if (ann->output && ann->output->kind != Spec::None) {
      if (c->kind == NodeKind::Placeholder) {
        FailureOr<Attribute> attr = toAttr(*ann->output, nullptr, c->getLoc());
        if (failed(attr))
          return failure();
        argOutputs[cast<BlockArgument>(c->value).getArgNumber()] = *attr;
      } else if (Operation *out = c->getOutputOp();
                 out && out->getNumResults() > 0) {
        FailureOr<Attribute> attr = toAttr(*ann->output, out, c->getLoc());
        if (failed(attr))
          return failure();
        setEntry(outputs, out, 0, out->getNumResults(), *attr);
      }
    }
  }
  // Write the arrays: unit where nothing is annotated; trailing units go.
  auto write = [&](DenseMap<Operation *, SmallVector<Attribute>> &table,
                   StringRef attrName) {
    for (auto &[op, entries] : table) {
      SmallVector<Attribute> merged(entries.begin(), entries.end());
      if (auto existing = op->getAttrOfType<ArrayAttr>(attrName))
        for (auto [i, e] : llvm::enumerate(existing.getValue()))
          if (i < merged.size() && !merged[i] && !isa<UnitAttr>(e))
            merged[i] = e;
      while (!merged.empty() && !merged.back())
        merged.pop_back();
      for (Attribute &a : merged)
        if (!a)
          a = UnitAttr::get(ctx);
      op->setAttr(attrName, ArrayAttr::get(ctx, merged));
    }
  };
  write(inputs, QPrepDialect::getInputsAttrName());
  write(outputs, QPrepDialect::getOutputsAttrName());
  FunctionOpInterface func = graph.getFunction();
  for (auto &[arg, attr] : argOutputs)
    func.setArgAttr(arg, QPrepDialect::getArgOutputAttrName(), attr);
  for (auto &[op, id] : assignedIds)
    op->setAttr(QPrepDialect::getIdAttrName(), id);
  return success();
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// A one-line description of a node, for remarks and debug output.
static std::string describe(const Node &n) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << getKindName(n.kind);
  if (!n.name.empty())
    os << " \"" << n.name << "\"";
  os << ": args [";
  llvm::interleaveComma(n.args, os, [&](const Arg &a) {
    if (a.producer)
      os << getKindName(a.producer->kind);
    else
      os << "?";
  });
  os << "]";
  for (const Node::WeightGroup &w : n.weights) {
    os << ", weight arg " << w.weightArg;
    if (w.weightChAxis)
      os << " axis " << *w.weightChAxis;
    if (w.biasArg >= 0) {
      os << ", bias arg " << w.biasArg;
      if (w.biasChAxis)
        os << " axis " << *w.biasChAxis;
    }
  }
  os << ", users [";
  llvm::interleaveComma(n.users, os,
                        [&](Node *u) { os << getKindName(u->kind); });
  os << "]";
  return s;
}

namespace {
struct AnnotatePass : public qprep::impl::AnnotatePassBase<AnnotatePass> {
  using Base::Base;
  void runOnOperation() override;

private:
  FailureOr<ParsedOptions> parseOptions(std::string &error);
  LogicalResult annotateFunction(FunctionOpInterface func,
                                 const ParsedOptions &opts,
                                 const QuantConfig &global,
                                 ArrayRef<Override> nameOverrides,
                                 ArrayRef<Override> kindOverrides);
};
} // namespace

FailureOr<ParsedOptions> AnnotatePass::parseOptions(std::string &error) {
  ParsedOptions p;
  for (const Preset *candidate : getPresets())
    if (candidate->name == preset.getValue())
      p.preset = candidate;
  if (!p.preset) {
    std::string names;
    for (const Preset *candidate : getPresets())
      names += (names.empty() ? "" : ", ") + candidate->name.str();
    error = preset.empty()
                ? "qprep-annotate needs a preset (preset=<name>); presets: " +
                      names
                : "unknown preset '" + preset.getValue() +
                      "'; presets: " + names;
    return failure();
  }
  ConfigOptions &g = p.global;
  if (weights == "per-channel" || weights == "per-tensor")
    g.perChannel = weights == "per-channel";
  else {
    error = "weights must be per-channel or per-tensor, not '" +
            weights.getValue() + "'";
    return failure();
  }
  if (activations == "histogram" || activations == "minmax")
    g.activationObserver = activations == "histogram"
                               ? ConfigOptions::Observer::Histogram
                               : ConfigOptions::Observer::MinMax;
  else {
    error = "activations must be histogram or minmax, not '" +
            activations.getValue() + "'";
    return failure();
  }
  if (mode == "static" || mode == "dynamic")
    g.dynamic = mode == "dynamic";
  else {
    error = "mode must be static or dynamic, not '" + mode.getValue() + "'";
    return failure();
  }
  if (bias == "none" || bias == "derived")
    g.derivedBias = bias == "derived";
  else {
    error = "bias must be none or derived, not '" + bias.getValue() + "'";
    return failure();
  }
  g.qat = qat;
  g.reduceRange = reduceRange;
  if (activations.hasValue() && (g.dynamic || g.qat)) {
    error = "activations=" + activations.getValue() +
            " applies to static post-training quantization; with " +
            (g.qat ? "qat" : "mode=dynamic") +
            " the preset's activation observer is used";
    return failure();
  }
  if (failed(checkConfigOptions(g, "options", error)))
    return failure();
  for (const std::string &o : overrides) {
    StringRef text = o;
    size_t eq = text.rfind('=');
    if (eq == StringRef::npos || eq == 0 || eq + 1 == text.size()) {
      error = "malformed override '" + o +
              "': expected <selector>=<setting>[+<setting>...]";
      return failure();
    }
    FailureOr<Selector> sel =
        parseSelector(text.take_front(eq), *p.preset, true, error);
    if (failed(sel))
      return failure();
    FailureOr<std::optional<ConfigOptions>> config =
        parseSettings(text.drop_front(eq + 1), g, o, error);
    if (failed(config))
      return failure();
    if (*config) {
      if (failed(checkConfigOptions(**config, "override '" + o + "'", error)))
        return failure();
      if (!p.preset->allowsMixedDynamic && (*config)->dynamic != g.dynamic) {
        error = "override '" + o + "': preset " + p.preset->name.str() +
                " cannot mix static and dynamic configs "
                "(X86InductorQuantizer skips such a config)";
        return failure();
      }
    }
    p.overrides.push_back({*sel, *config});
  }
  for (const std::string &e : exclusions) {
    FailureOr<Selector> sel = parseSelector(e, *p.preset, false, error);
    if (failed(sel))
      return failure();
    p.exclusions.push_back(*sel);
  }
  return p;
}

LogicalResult AnnotatePass::annotateFunction(FunctionOpInterface func,
                                             const ParsedOptions &opts,
                                             const QuantConfig &global,
                                             ArrayRef<Override> nameOverrides,
                                             ArrayRef<Override> kindOverrides) {
  FailureOr<std::unique_ptr<Graph>> graphOr = Graph::build(func);
  if (failed(graphOr))
    return failure();
  Graph &graph = **graphOr;
  numNodes += graph.getNodes().size();
  AnnotationState state(graph, func->getContext());
  state.global = global;
  state.nameOverrides.assign(nameOverrides.begin(), nameOverrides.end());
  state.kindOverrides.assign(kindOverrides.begin(), kindOverrides.end());

  StringRef inputsName = QPrepDialect::getInputsAttrName();
  StringRef outputsName = QPrepDialect::getOutputsAttrName();
  for (auto &np : graph.getNodes()) {
    Node *n = np.get();
    LLVM_DEBUG(llvm::dbgs() << "node " << n->index << ": " << describe(*n)
                            << "\n");
    if (printGraph && (n->isOp() || n->kind == NodeKind::Output))
      emitRemark(n->getLoc()) << describe(*n);
    // Ops annotated before the pass ran are left alone (PyTorch's
    // annotators skip annotated nodes).
    Attribute preOutput;
    bool pre = false;
    if (n->kind == NodeKind::Placeholder) {
      preOutput = func.getArgAttr(cast<BlockArgument>(n->value).getArgNumber(),
                                  QPrepDialect::getArgOutputAttrName());
      pre = (bool)preOutput;
    } else if (n->isOp()) {
      for (Operation *op : n->ops)
        pre |= op->hasAttr(inputsName) || op->hasAttr(outputsName);
      if (auto outs = n->getOutputOp()->getAttrOfType<ArrayAttr>(outputsName))
        if (!outs.empty())
          preOutput = outs[0];
    }
    if (!pre)
      continue;
    state.preAnnotated.insert(n);
    NodeAnnotation &a = state.get(n);
    a.annotated = n->isOp();
    if (preOutput && !isa<UnitAttr, NoQSpecAttr>(preOutput))
      a.output = Spec::concrete(preOutput);
  }
  // Exclusions, and overrides to `none`: the nodes count as annotated, so no
  // pattern takes them (X86InductorQuantizer's _annotate_nodes_not_quantize).
  for (auto &np : graph.getNodes()) {
    Node *n = np.get();
    if (!n->isOp() || state.preAnnotated.contains(n))
      continue;
    bool excluded = llvm::any_of(
        opts.exclusions, [&](const Selector &s) { return s.matches(*n); });
    for (const ParsedOverride &o : opts.overrides)
      excluded |= !o.config && o.selector.matches(*n);
    if (excluded)
      state.get(n).annotated = true;
  }

  opts.preset->annotate(state);

  bool ok = true;
  for (auto &[loc, msg] : state.errors) {
    emitError(loc) << msg;
    ok = false;
  }
  if (!ok)
    return failure();
  for (auto &np : graph.getNodes()) {
    const NodeAnnotation *a = state.lookup(np.get());
    if (a && !state.preAnnotated.contains(np.get()) &&
        (!a->inputs.empty() || (a->output && a->output->kind != Spec::None)))
      ++numAnnotated;
  }
  return Materializer(state).run();
}

void AnnotatePass::runOnOperation() {
  ModuleOp module = getOperation();
  std::string error;
  FailureOr<ParsedOptions> opts = parseOptions(error);
  if (failed(opts)) {
    module.emitError() << "qprep-annotate: " << error;
    return signalPassFailure();
  }
  MLIRContext *ctx = module.getContext();
  auto build = [&](const ConfigOptions &o) -> FailureOr<QuantConfig> {
    return opts->preset->makeConfig(ctx, o, error);
  };
  FailureOr<QuantConfig> global = build(opts->global);
  if (failed(global)) {
    module.emitError() << "qprep-annotate: " << error;
    return signalPassFailure();
  }
  SmallVector<Override> nameOverrides, kindOverrides;
  for (const ParsedOverride &o : opts->overrides) {
    Override ov;
    ov.selector = o.selector;
    if (o.config) {
      FailureOr<QuantConfig> c = build(*o.config);
      if (failed(c)) {
        module.emitError() << "qprep-annotate: " << error;
        return signalPassFailure();
      }
      ov.config = *c;
    }
    (o.selector.kind ? kindOverrides : nameOverrides).push_back(ov);
  }
  bool ok = true;
  for (auto func : module.getOps<FunctionOpInterface>()) {
    if (func.isExternal())
      continue;
    ok &= succeeded(
        annotateFunction(func, *opts, *global, nameOverrides, kindOverrides));
  }
  if (!ok)
    signalPassFailure();
}
