//===- AnnotateGraph.h - a torch.fx view of a TOSA / linalg function -*- C++ -*-===//
//
// PyTorch's quantizers annotate torch.fx nodes; qprep-annotate annotates
// TOSA and linalg ops. This header gives the presets the graph PyTorch's
// annotators would see, so that each preset can be written as a close port
// of its PyTorch source:
//
//   * a node is a block argument (placeholder), a constant (get_attr), the
//     function's return (output), or a group of ops: consecutive ops that
//     share one location name (an exporter's decomposition of one fx node,
//     docs/TOSA_FORMS), or a single op without a name;
//   * layout transposes (rank-4 NCHW <-> NHWC, standing alone) are not
//     nodes: edges run through them, as in PyTorch's graph, which has no op
//     there;
//   * each node has a kind (conv2d, linear, add, relu, cat, ...) recognized
//     from its ops, its PyTorch arguments (activation, weight, bias, ...)
//     with the per-channel axis of weights, and its users.
//
// An edge (producer, consumer) is materialized at the operands where the
// producer's value enters the consumer's ops (see Graph::getEdgeSites).
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_LIB_DIALECT_QPREP_TRANSFORMS_ANNOTATEGRAPH_H
#define QPREP_LIB_DIALECT_QPREP_TRANSFORMS_ANNOTATEGRAPH_H

#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir {
namespace qprep {
namespace annotate {

/// What PyTorch op a node stands for (the aten op a quantizer matches).
enum class NodeKind {
  Placeholder,
  Constant,
  Output,
  Conv,          // aten.conv1d/conv2d/conv3d (depthwise included)
  ConvTranspose, // aten.conv_transpose2d
  Linear,        // aten.linear (matmul with a constant right-hand side)
  Matmul,        // aten.matmul / bmm of two activations
  Add,
  Sub,
  Mul,
  Relu,      // clamp(min = 0, max = +largest float)
  Hardtanh,  // any other clamp (relu6, hardtanh, clamp)
  Sigmoid,
  Tanh,
  Hardswish,
  Hardsigmoid,
  Silu,
  Gelu,
  LeakyRelu,
  Softmax,
  LayerNorm,
  Cat,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  Mean,
  Flatten, // a reshape that merges a range of contiguous dims
  View,    // any other reshape
  Permute,
  Slice,
  Unknown,
};

/// The kind's name as used in options and docs ("conv2d", "linear", ...).
StringRef getKindName(NodeKind kind);
/// The kind named `name`, if any (the inverse of getKindName).
std::optional<NodeKind> parseKindName(StringRef name);
/// All kinds a user may name in a selector, for messages.
std::string getSelectableKindNames();

struct Node;

/// One PyTorch argument of a node.
struct Arg {
  Node *producer = nullptr;
};

/// Where an edge enters its consumer: `operand` of an op of the consumer,
/// reached from the producer's value through `chain` (layout transposes, the
/// first one consuming the producer's value; empty if the producer's value
/// is the operand itself).
struct Crossing {
  OpOperand *operand = nullptr;
  SmallVector<Operation *, 2> chain;
};

struct Node {
  NodeKind kind = NodeKind::Unknown;
  /// Position in graph order (placeholders first, then program order).
  unsigned index = 0;
  /// The location name of the node's ops ("" when they have none).
  std::string name;
  /// The ops of the node in program order (the constant op for constants,
  /// the return op for the output, none for placeholders).
  SmallVector<Operation *, 2> ops;
  /// The op that decides the kind (the conv of a conv group, ...).
  Operation *principal = nullptr;
  /// The node's value: the last op's first result, a block argument, or the
  /// constant.
  Value value;
  /// PyTorch's args, in order (an activation and a weight for conv, ...).
  SmallVector<Arg, 3> args;
  /// Distinct consumer nodes, in graph order (the output node included).
  SmallVector<Node *, 2> users;
  /// Conv / linear: the weight and bias arguments. A grouped convolution
  /// that the exporter writes as one conv per group, each with its own
  /// weight and bias constants, has one entry per group.
  struct WeightGroup {
    /// Indices into `args`; biasArg is -1 without a bias.
    int weightArg = -1, biasArg = -1;
    /// The output-channel axis of the weight and of the bias, in the
    /// coordinates of the producers' values (where the observers go); unset
    /// when it cannot be expressed as one axis (a depthwise weight with a
    /// channel multiplier > 1).
    std::optional<int64_t> weightChAxis, biasChAxis;
    /// Why the weight has no single channel axis, for diagnostics.
    std::string weightChAxisProblem;
  };
  SmallVector<WeightGroup, 1> weights;
  /// Conv: the number of spatial dims (aten.conv1d / conv2d / conv3d).
  int convDims = 0;
  /// Hardtanh / relu: the clamp bounds.
  double clampMin = 0, clampMax = 0;

  bool isOp() const {
    return kind != NodeKind::Placeholder && kind != NodeKind::Constant &&
           kind != NodeKind::Output;
  }
  /// The op whose result is the node's value (null for placeholders).
  Operation *getOutputOp() const { return ops.empty() ? nullptr : ops.back(); }
  /// The producer of argument `i` (null if out of range).
  Node *getArg(unsigned i) const {
    return i < args.size() ? args[i].producer : nullptr;
  }
  /// The location of the node, for diagnostics.
  Location getLoc() const;
};

/// The torch.fx view of one function.
class Graph {
public:
  /// Builds the graph of `func` (its entry block). Emits errors and fails
  /// for bodies with several blocks.
  static FailureOr<std::unique_ptr<Graph>> build(FunctionOpInterface func);

  FunctionOpInterface getFunction() const { return func; }
  /// All nodes in graph order.
  ArrayRef<std::unique_ptr<Node>> getNodes() const { return nodes; }
  /// The node that produces `value` (looking through layout transposes).
  Node *getProducer(Value value) const;
  /// The node an op belongs to (null for layout transposes and ops in
  /// nested regions).
  Node *getNodeOf(Operation *op) const { return nodeOf.lookup(op); }

  /// Where the edge (producer, consumer) enters the consumer's ops, in
  /// program order. Empty if there is no such edge.
  ArrayRef<Crossing> getCrossings(Node *producer, Node *consumer) const;

private:
  explicit Graph(FunctionOpInterface func) : func(func) {}

  FunctionOpInterface func;
  SmallVector<std::unique_ptr<Node>> nodes;
  DenseMap<Operation *, Node *> nodeOf;
  DenseMap<Value, Node *> valueNode;
  /// Layout transposes: not nodes, edges run through them.
  llvm::SmallPtrSet<Operation *, 8> transparent;
  DenseMap<std::pair<Node *, Node *>, SmallVector<Crossing, 1>> crossings;

  friend class GraphBuilder;
};

} // namespace annotate
} // namespace qprep
} // namespace mlir

#endif // QPREP_LIB_DIALECT_QPREP_TRANSFORMS_ANNOTATEGRAPH_H
