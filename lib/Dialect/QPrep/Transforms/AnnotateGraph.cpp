//===- AnnotateGraph.cpp - a torch.fx view of a TOSA / linalg function ----===//
//
// Recognizes the forms docs/Annotate.md lists (the TOSA forms of qprep's own
// exporter, /work/notes/TOSA_FORMS.md in the repository history, hand-written
// TOSA, and linalg named ops) and builds the node graph the presets annotate.
// Recognition is by tables (which operand is the activation, the weight, the
// bias; where a weight's output channel is) plus small matchers for the
// decompositions an exporter emits for one fx node.
//
//===----------------------------------------------------------------------===//

#include "AnnotateGraph.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::annotate;

//===----------------------------------------------------------------------===//
// Kind names
//===----------------------------------------------------------------------===//

namespace {
struct KindName {
  NodeKind kind;
  const char *name;
  bool selectable;
};
} // namespace

// The names follow the aten ops a quantizer matches.
static const KindName kKindNames[] = {
    {NodeKind::Placeholder, "placeholder", false},
    {NodeKind::Constant, "constant", false},
    {NodeKind::Output, "output", false},
    {NodeKind::Conv, "conv2d", true},
    {NodeKind::ConvTranspose, "conv_transpose2d", true},
    {NodeKind::Linear, "linear", true},
    {NodeKind::Matmul, "matmul", true},
    {NodeKind::Add, "add", true},
    {NodeKind::Sub, "sub", true},
    {NodeKind::Mul, "mul", true},
    {NodeKind::Relu, "relu", true},
    {NodeKind::Hardtanh, "hardtanh", true},
    {NodeKind::Sigmoid, "sigmoid", true},
    {NodeKind::Tanh, "tanh", true},
    {NodeKind::Hardswish, "hardswish", true},
    {NodeKind::Hardsigmoid, "hardsigmoid", true},
    {NodeKind::Silu, "silu", true},
    {NodeKind::Gelu, "gelu", true},
    {NodeKind::LeakyRelu, "leaky_relu", true},
    {NodeKind::Softmax, "softmax", true},
    {NodeKind::LayerNorm, "layer_norm", true},
    {NodeKind::Cat, "cat", true},
    {NodeKind::MaxPool2d, "max_pool2d", true},
    {NodeKind::AvgPool2d, "avg_pool2d", true},
    {NodeKind::AdaptiveAvgPool2d, "adaptive_avg_pool2d", true},
    {NodeKind::Mean, "mean", true},
    {NodeKind::Flatten, "flatten", true},
    {NodeKind::View, "view", true},
    {NodeKind::Permute, "permute", true},
    {NodeKind::Slice, "slice", true},
    {NodeKind::Unknown, "unknown", false},
};

StringRef annotate::getKindName(NodeKind kind) {
  for (const KindName &k : kKindNames)
    if (k.kind == kind)
      return k.name;
  return "unknown";
}

std::optional<NodeKind> annotate::parseKindName(StringRef name) {
  for (const KindName &k : kKindNames)
    if (k.selectable && name == k.name)
      return k.kind;
  return std::nullopt;
}

std::string annotate::getSelectableKindNames() {
  std::string s;
  for (const KindName &k : kKindNames) {
    if (!k.selectable)
      continue;
    if (!s.empty())
      s += ", ";
    s += k.name;
  }
  return s;
}

Location Node::getLoc() const {
  if (principal)
    return principal->getLoc();
  if (!ops.empty())
    return ops.front()->getLoc();
  return value.getLoc();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The name of a location: the first NameLoc found (through fused and
/// call-site locations), or "".
static std::string getLocName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations()) {
      std::string s = getLocName(l);
      if (!s.empty())
        return s;
    }
    return "";
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return getLocName(call.getCallee());
  return "";
}

static ArrayRef<int64_t> getShape(Value v) {
  if (auto t = dyn_cast<RankedTensorType>(v.getType()))
    return t.getShape();
  return {};
}

static bool isLayoutPermutation(ArrayRef<int64_t> perm) {
  static const int64_t toNHWC[] = {0, 2, 3, 1};
  static const int64_t toNCHW[] = {0, 3, 1, 2};
  return perm == ArrayRef<int64_t>(toNHWC) || perm == ArrayRef<int64_t>(toNCHW);
}

/// The permutation of a transpose op (output dim i is input dim perm[i]).
static std::optional<SmallVector<int64_t>> getPermutation(Operation *op) {
  if (auto t = dyn_cast<tosa::TransposeOp>(op))
    return SmallVector<int64_t>(t.getPerms().begin(), t.getPerms().end());
  if (auto t = dyn_cast<linalg::TransposeOp>(op))
    return SmallVector<int64_t>(t.getPermutation().begin(),
                                t.getPermutation().end());
  return std::nullopt;
}

static bool isLayoutTranspose(Operation *op) {
  std::optional<SmallVector<int64_t>> perm = getPermutation(op);
  return perm && isLayoutPermutation(*perm);
}

static bool isReshape(Operation *op) {
  return isa<tosa::ReshapeOp, tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
      op);
}

/// Maps `axis` of a reshape's result to the same dim of its operand: the dim
/// must keep its size and the product of the dims before it.
static std::optional<int64_t> mapAxisThroughReshape(ArrayRef<int64_t> in,
                                                    ArrayRef<int64_t> out,
                                                    int64_t axis) {
  if (axis < 0 || axis >= (int64_t)out.size() ||
      ShapedType::isDynamicShape(in) || ShapedType::isDynamicShape(out))
    return std::nullopt;
  int64_t before = 1;
  for (int64_t i = 0; i < axis; ++i)
    before *= out[i];
  int64_t prod = 1;
  std::optional<int64_t> found;
  for (int64_t b = 0; b < (int64_t)in.size(); ++b) {
    if (prod == before && in[b] == out[axis]) {
      // Prefer a dim that is not a unit dim when sizes are 1.
      found = b;
      if (out[axis] != 1)
        break;
    }
    prod *= in[b];
    if (prod > before && !found)
      break;
  }
  return found;
}

/// A linalg.generic that only copies or broadcasts its one input (torch-mlir
/// lowers a bias to one): all loops parallel, the body yields the input, the
/// output map is the identity.
static bool isBroadcastGeneric(linalg::GenericOp g) {
  if (g.getNumDpsInputs() != 1 || g.getNumDpsInits() != 1 ||
      g.getNumReductionLoops() != 0)
    return false;
  Block &body = g.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != body.getArgument(0))
    return false;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  return maps[1].isIdentity() && maps[0].isProjectedPermutation();
}

/// Operand 0 of the ops tracing passes through inside a node (the data
/// operand), or null if `op` is not such an op.
static Value getPassThroughSource(Operation *op) {
  if (isa<tosa::TransposeOp, tosa::ReshapeOp, tosa::SliceOp,
          tensor::CollapseShapeOp, tensor::ExpandShapeOp,
          tensor::ExtractSliceOp>(op))
    return op->getOperand(0);
  if (auto t = dyn_cast<linalg::TransposeOp>(op))
    return t.getInput();
  if (auto b = dyn_cast<linalg::BroadcastOp>(op))
    return b.getInput();
  if (auto g = dyn_cast<linalg::GenericOp>(op))
    if (isBroadcastGeneric(g))
      return g.getDpsInputOperand(0)->get();
  return {};
}

/// Maps `axis` of `op`'s result to its data operand.
static std::optional<int64_t> mapAxisBack(Operation *op, int64_t axis) {
  if (std::optional<SmallVector<int64_t>> perm = getPermutation(op)) {
    if (axis < 0 || axis >= (int64_t)perm->size())
      return std::nullopt;
    return (*perm)[axis];
  }
  if (isReshape(op))
    return mapAxisThroughReshape(getShape(op->getOperand(0)),
                                 getShape(op->getResult(0)), axis);
  if (isa<tosa::SliceOp, tensor::ExtractSliceOp>(op)) {
    // Rank-preserving slices keep axes.
    if (getShape(op->getOperand(0)).size() == getShape(op->getResult(0)).size())
      return axis;
    return std::nullopt;
  }
  if (auto b = dyn_cast<linalg::BroadcastOp>(op)) {
    // `dimensions` are the result dims the broadcast adds.
    ArrayRef<int64_t> added = b.getDimensions();
    if (llvm::is_contained(added, axis))
      return std::nullopt;
    return axis - llvm::count_if(added, [&](int64_t d) { return d < axis; });
  }
  if (auto g = dyn_cast<linalg::GenericOp>(op)) {
    AffineMap in = g.getIndexingMapsArray()[0];
    for (unsigned i = 0; i < in.getNumResults(); ++i)
      if (in.getResult(i) == getAffineDimExpr(axis, op->getContext()))
        return (int64_t)i;
    return std::nullopt;
  }
  return std::nullopt;
}

static bool isConstantOp(Operation *op) {
  return op->hasTrait<OpTrait::ConstantLike>();
}

/// The constant elements of `v`, if it is produced by a constant op.
static DenseElementsAttr getConstElements(Value v) {
  DenseElementsAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

static bool isZeroSplat(Value v) {
  DenseElementsAttr attr = getConstElements(v);
  if (!attr || !attr.isSplat())
    return false;
  if (auto f = dyn_cast<FloatType>(attr.getElementType()))
    return attr.getSplatValue<APFloat>().isZero();
  if (isa<IntegerType>(attr.getElementType()))
    return attr.getSplatValue<APInt>().isZero();
  return false;
}

static double getFloatAttrValue(Attribute a, double dflt) {
  if (auto f = dyn_cast_or_null<FloatAttr>(a))
    return f.getValueAsDouble();
  if (auto i = dyn_cast_or_null<IntegerAttr>(a))
    return (double)i.getValue().getSExtValue();
  return dflt;
}

//===----------------------------------------------------------------------===//
// Op tables
//===----------------------------------------------------------------------===//

namespace {
/// A convolution op: which operands are the activation, the weight and the
/// bias, and where the weight's output channel is.
struct ConvInfo {
  StringLiteral opName;
  NodeKind kind;
  int input, weight, bias; // operand indices; bias -1 if none
  int64_t weightChAxis;    // the output-channel axis of the weight
  int64_t multiplierAxis;  // depthwise channel-multiplier axis, or -1
  int dims;                // spatial dims
};

/// The channel axis of a convolution's result (NHWC-like: last; NCHW-like:
/// 1), where a destination-style conv's init carries the bias.
static int64_t getResultChannelAxis(Operation *conv) {
  StringRef name = conv->getName().getStringRef();
  int64_t rank = getShape(conv->getResult(0)).size();
  bool channelsFirst = name.contains("_ncw") || name.contains("_nchw") ||
                       name.contains("_ncdhw");
  return channelsFirst ? 1 : rank - 1;
}
} // namespace

// TOSA weights are OHWI (conv2d), [KH, KW, C, M] (depthwise), [OC, KH, KW, IC]
// (transpose_conv2d); linalg's layouts are in the op names.
static const ConvInfo kConvOps[] = {
    {"tosa.conv2d", NodeKind::Conv, 0, 1, 2, 0, -1, 2},
    {"tosa.conv3d", NodeKind::Conv, 0, 1, 2, 0, -1, 3},
    {"tosa.depthwise_conv2d", NodeKind::Conv, 0, 1, 2, 2, 3, 2},
    {"tosa.transpose_conv2d", NodeKind::ConvTranspose, 0, 1, 2, 0, -1, 2},
    {"linalg.conv_1d_nwc_wcf", NodeKind::Conv, 0, 1, -1, 2, -1, 1},
    {"linalg.conv_1d_ncw_fcw", NodeKind::Conv, 0, 1, -1, 0, -1, 1},
    {"linalg.conv_2d_nhwc_hwcf", NodeKind::Conv, 0, 1, -1, 3, -1, 2},
    {"linalg.conv_2d_nhwc_fhwc", NodeKind::Conv, 0, 1, -1, 0, -1, 2},
    {"linalg.conv_2d_nchw_fchw", NodeKind::Conv, 0, 1, -1, 0, -1, 2},
    {"linalg.conv_3d_ndhwc_dhwcf", NodeKind::Conv, 0, 1, -1, 4, -1, 3},
    {"linalg.conv_3d_ncdhw_fcdhw", NodeKind::Conv, 0, 1, -1, 0, -1, 3},
    {"linalg.depthwise_conv_1d_nwc_wc", NodeKind::Conv, 0, 1, -1, 1, -1, 1},
    {"linalg.depthwise_conv_1d_ncw_cw", NodeKind::Conv, 0, 1, -1, 0, -1, 1},
    {"linalg.depthwise_conv_1d_nwc_wcm", NodeKind::Conv, 0, 1, -1, 1, 2, 1},
    {"linalg.depthwise_conv_2d_nhwc_hwc", NodeKind::Conv, 0, 1, -1, 2, -1, 2},
    {"linalg.depthwise_conv_2d_nchw_chw", NodeKind::Conv, 0, 1, -1, 0, -1, 2},
    {"linalg.depthwise_conv_2d_nhwc_hwcm", NodeKind::Conv, 0, 1, -1, 2, 3, 2},
    {"linalg.depthwise_conv_3d_ndhwc_dhwc", NodeKind::Conv, 0, 1, -1, 3, -1, 3},
    {"linalg.depthwise_conv_3d_ncdhw_cdhw", NodeKind::Conv, 0, 1, -1, 0, -1, 3},
};

static const ConvInfo *getConvInfo(Operation *op) {
  StringRef name = op->getName().getStringRef();
  for (const ConvInfo &c : kConvOps)
    if (name == c.opName)
      return &c;
  return nullptr;
}

static bool isMatmulOp(Operation *op) {
  return isa<tosa::MatMulOp, linalg::MatmulOp, linalg::BatchMatmulOp>(op);
}

/// The operand axis of a matmul's right-hand side that becomes the result's
/// last (output-feature) axis.
static std::optional<int64_t> getMatmulRhsFeatureAxis(Operation *op) {
  if (isa<tosa::MatMulOp>(op))
    return 2; // [N, C, W]: W is the output feature
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return std::nullopt;
  SmallVector<AffineMap> maps = linalgOp.getIndexingMapsArray();
  if (maps.size() != 3 || maps[2].getNumResults() == 0)
    return std::nullopt;
  AffineExpr n = maps[2].getResult(maps[2].getNumResults() - 1);
  for (unsigned i = 0; i < maps[1].getNumResults(); ++i)
    if (maps[1].getResult(i) == n)
      return i;
  return std::nullopt;
}

namespace {
/// A single-op kind: the op and the operands that are PyTorch arguments.
struct SimpleInfo {
  StringLiteral opName;
  NodeKind kind;
  int numArgs; // operands 0..numArgs-1 (of the DPS inputs for linalg); -1: all
};
} // namespace

static const SimpleInfo kSimpleOps[] = {
    {"tosa.add", NodeKind::Add, 2},
    {"tosa.sub", NodeKind::Sub, 2},
    {"tosa.mul", NodeKind::Mul, 2},
    {"tosa.sigmoid", NodeKind::Sigmoid, 1},
    {"tosa.tanh", NodeKind::Tanh, 1},
    {"tosa.concat", NodeKind::Cat, -1},
    {"tosa.max_pool2d", NodeKind::MaxPool2d, 1},
    {"tosa.slice", NodeKind::Slice, 1},
    {"linalg.add", NodeKind::Add, 2},
    {"linalg.sub", NodeKind::Sub, 2},
    {"linalg.mul", NodeKind::Mul, 2},
    {"linalg.tanh", NodeKind::Tanh, 1},
    {"linalg.pooling_nhwc_max", NodeKind::MaxPool2d, 1},
    {"linalg.pooling_nchw_max", NodeKind::MaxPool2d, 1},
    {"linalg.pooling_nhwc_sum", NodeKind::AvgPool2d, 1},
    {"linalg.pooling_nchw_sum", NodeKind::AvgPool2d, 1},
    {"tensor.concat", NodeKind::Cat, -1},
    {"tensor.extract_slice", NodeKind::Slice, 1},
};

static const SimpleInfo *getSimpleInfo(Operation *op) {
  StringRef name = op->getName().getStringRef();
  for (const SimpleInfo &s : kSimpleOps)
    if (name == s.opName)
      return &s;
  return nullptr;
}

/// The data operands of `op` (DPS inputs for destination-style ops).
static SmallVector<OpOperand *> getDataOperands(Operation *op) {
  SmallVector<OpOperand *> result;
  auto dps = dyn_cast<DestinationStyleOpInterface>(op);
  for (OpOperand &use : op->getOpOperands()) {
    if (dps && dps.isDpsInit(&use))
      continue;
    if (isa<tosa::shapeType>(use.get().getType()))
      continue;
    result.push_back(&use);
  }
  return result;
}

/// torch.flatten(x, start, end): `out` merges dims [s, e] of `in` into one.
static bool isFlattenShape(ArrayRef<int64_t> in, ArrayRef<int64_t> out) {
  if (in.empty() || out.size() >= in.size() || ShapedType::isDynamicShape(in) ||
      ShapedType::isDynamicShape(out))
    return false;
  // Dims [s, s + merged) of `in` become dim s of `out`; the rest match.
  size_t merged = in.size() - out.size() + 1;
  for (size_t s = 0; s < out.size(); ++s) {
    int64_t prod = 1;
    for (size_t i = s; i < s + merged; ++i)
      prod *= in[i];
    bool ok = out[s] == prod;
    for (size_t i = 0; i < s && ok; ++i)
      ok = in[i] == out[i];
    for (size_t i = s + merged; i < in.size() && ok; ++i)
      ok = in[i] == out[i - merged + 1];
    if (ok)
      return true;
  }
  return false;
}

/// A tosa.avg_pool2d that an exporter emits for adaptive_avg_pool2d: no
/// padding, windows that tile the input exactly (each output element
/// averages in/out input elements per spatial dim).
static bool isAdaptiveAvgPool(tosa::AvgPool2dOp pool) {
  if (llvm::any_of(pool.getPad(), [](int64_t p) { return p != 0; }))
    return false;
  ArrayRef<int64_t> in = getShape(pool.getInput());
  ArrayRef<int64_t> out = getShape(pool.getOutput());
  if (in.size() != 4 || out.size() != 4 || ShapedType::isDynamicShape(in) ||
      ShapedType::isDynamicShape(out))
    return false;
  for (int d = 0; d < 2; ++d) {
    int64_t i = in[1 + d], o = out[1 + d], k = pool.getKernel()[d],
            s = pool.getStride()[d];
    if (o <= 0 || i % o != 0 || k != i / o || (s != k && o != 1))
      return false;
  }
  return true;
}

/// An op that only makes a destination for a destination-style op
/// (tensor.empty, a linalg.fill whose result is only used as an init).
static bool isInitOnly(Operation *op) {
  if (isa<tensor::EmptyOp>(op))
    return true;
  if (!isa<linalg::FillOp>(op))
    return false;
  for (OpOperand &use : op->getResult(0).getUses()) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    if (!dps || !dps.isDpsInit(&use))
      return false;
  }
  return true;
}

/// A scalar float constant's value.
static std::optional<double> getScalarConstant(Value v) {
  FloatAttr attr;
  if (matchPattern(v, m_Constant(&attr)))
    return attr.getValueAsDouble();
  return std::nullopt;
}

/// The elementwise op an all-parallel linalg.generic computes, from its
/// body (torch-mlir lowers elementwise aten ops to these): add / sub / mul of
/// its two inputs, or a clamp of its one input (max / min with constants,
/// or compare + select), whose bounds go to `lo` / `hi`.
static std::optional<NodeKind> classifyGenericBody(linalg::GenericOp g,
                                                   double &lo, double &hi) {
  if (g.getNumDpsInits() != 1 || g.getNumReductionLoops() != 0 ||
      g.getNumDpsInputs() < 1 || g.getNumDpsInputs() > 2)
    return std::nullopt;
  SmallVector<AffineMap> maps = g.getIndexingMapsArray();
  if (!maps.back().isIdentity() ||
      !llvm::all_of(ArrayRef(maps).drop_back(),
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return std::nullopt;
  Block &body = g.getRegion().front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return std::nullopt;
  Value v = yield.getOperand(0);
  Operation *def = v.getDefiningOp();
  if (g.getNumDpsInputs() == 2) {
    if (!def || def->getNumOperands() != 2)
      return std::nullopt;
    Value a = body.getArgument(0), b = body.getArgument(1);
    bool direct = def->getOperand(0) == a && def->getOperand(1) == b;
    bool swapped = def->getOperand(0) == b && def->getOperand(1) == a;
    if (isa<arith::AddFOp>(def) && (direct || swapped))
      return NodeKind::Add;
    if (isa<arith::MulFOp>(def) && (direct || swapped))
      return NodeKind::Mul;
    if (isa<arith::SubFOp>(def) && direct)
      return NodeKind::Sub;
    return std::nullopt;
  }
  lo = -std::numeric_limits<double>::infinity();
  hi = std::numeric_limits<double>::infinity();
  Value in = body.getArgument(0);
  bool any = false;
  while (v != in) {
    def = v.getDefiningOp();
    if (!def || def->getBlock() != &body)
      return std::nullopt;
    Value x;
    std::optional<double> c;
    bool isMax;
    if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
            arith::MinNumFOp>(def)) {
      isMax = isa<arith::MaximumFOp, arith::MaxNumFOp>(def);
      for (int i = 0; i < 2 && !c; ++i)
        if ((c = getScalarConstant(def->getOperand(i))))
          x = def->getOperand(1 - i);
    } else if (auto sel = dyn_cast<arith::SelectOp>(def)) {
      auto cmp = sel.getCondition().getDefiningOp<arith::CmpFOp>();
      if (!cmp)
        return std::nullopt;
      Value p = cmp.getLhs(), q = cmp.getRhs();
      Value a = sel.getTrueValue(), b = sel.getFalseValue();
      using P = arith::CmpFPredicate;
      P pred = cmp.getPredicate();
      bool greater = pred == P::OGT || pred == P::UGT || pred == P::OGE ||
                     pred == P::UGE;
      bool less = pred == P::OLT || pred == P::ULT || pred == P::OLE ||
                  pred == P::ULE;
      if (!greater && !less)
        return std::nullopt;
      if (a == p && b == q)
        isMax = greater; // p > q ? p : q
      else if (a == q && b == p)
        isMax = less; // p < q ? q : p
      else
        return std::nullopt;
      if ((c = getScalarConstant(q)))
        x = p;
      else if ((c = getScalarConstant(p)))
        x = q;
    } else {
      return std::nullopt;
    }
    if (!c || !x)
      return std::nullopt;
    if (isMax)
      lo = std::max(lo, *c);
    else
      hi = std::min(hi, *c);
    any = true;
    v = x;
  }
  if (!any)
    return std::nullopt;
  return lo == 0 && std::isinf(hi) ? NodeKind::Relu : NodeKind::Hardtanh;
}

//===----------------------------------------------------------------------===//
// GraphBuilder
//===----------------------------------------------------------------------===//

namespace mlir {
namespace qprep {
namespace annotate {
class GraphBuilder {
public:
  explicit GraphBuilder(Graph &g) : g(g) {}
  LogicalResult run();

private:
  Node *addNode(NodeKind kind) {
    g.nodes.push_back(std::make_unique<Node>());
    Node *n = g.nodes.back().get();
    n->kind = kind;
    n->index = g.nodes.size() - 1;
    return n;
  }
  void formGroups(Block &body);
  void computeCrossings();
  void classify(Node &n);

  /// Where a value used inside node `n` comes from: its producer node, and
  /// `axis` mapped to the producer's value (through the pass-through ops of
  /// `n` and the layout transposes before it).
  struct Traced {
    Node *producer = nullptr;
    std::optional<int64_t> axis;
  };
  Traced trace(Node &n, Value v, std::optional<int64_t> axis);
  bool inNode(Node &n, Value v) {
    Operation *def = v.getDefiningOp();
    return def && g.nodeOf.lookup(def) == &n;
  }
  /// Adds `producer` as an argument of `n` (once) and returns its index.
  int addArg(Node &n, Node *producer) {
    for (auto [i, a] : llvm::enumerate(n.args))
      if (a.producer == producer)
        return i;
    n.args.push_back(Arg{producer});
    return n.args.size() - 1;
  }
  bool classifyConv(Node &n);
  bool classifyMatmul(Node &n);
  bool classifySingle(Node &n);
  void classifyDecomposition(Node &n);
  void addDefaultArgs(Node &n);

  Graph &g;
};
} // namespace annotate
} // namespace qprep
} // namespace mlir

void GraphBuilder::formGroups(Block &body) {
  for (BlockArgument arg : body.getArguments()) {
    Node *n = addNode(NodeKind::Placeholder);
    n->value = arg;
    g.valueNode[arg] = n;
  }
  // Runs of consecutive non-constant ops with one non-empty location name.
  SmallVector<SmallVector<Operation *, 4>> groups;
  SmallVector<std::string> names;
  for (Operation &op : body) {
    if (isConstantOp(&op) || op.hasTrait<OpTrait::IsTerminator>())
      continue;
    std::string name = getLocName(op.getLoc());
    if (!name.empty() && !names.empty() && names.back() == name) {
      groups.back().push_back(&op);
      continue;
    }
    groups.push_back({&op});
    names.push_back(name);
  }
  // A group whose values other than the last op's escape is not one fx node
  // (the contract: the last op produces the node's value); split it.
  SmallVector<SmallVector<Operation *, 4>> finalGroups;
  SmallVector<std::string> finalNames;
  for (auto [group, name] : llvm::zip(groups, names)) {
    llvm::SmallPtrSet<Operation *, 8> members(group.begin(), group.end());
    bool escapes = false;
    for (Operation *op : ArrayRef(group).drop_back())
      for (Operation *user : op->getUsers())
        escapes |= !members.contains(user);
    if (!escapes) {
      finalGroups.push_back(group);
      finalNames.push_back(name);
      continue;
    }
    for (Operation *op : group) {
      finalGroups.push_back({op});
      finalNames.push_back(name);
    }
  }
  // Groups of layout transposes only, each feeding the next, are not nodes.
  DenseMap<Operation *, unsigned> groupOf;
  for (auto [i, group] : llvm::enumerate(finalGroups)) {
    bool allLayout = llvm::all_of(group, isLayoutTranspose);
    for (unsigned j = 1; j < group.size() && allLayout; ++j)
      allLayout = group[j]->getOperand(0) == group[j - 1]->getResult(0);
    if (allLayout) {
      for (Operation *op : group)
        g.transparent.insert(op);
      continue;
    }
    for (Operation *op : group)
      groupOf[op] = i;
  }
  // Nodes in program order.
  DenseMap<unsigned, Node *> groupNode;
  for (Operation &op : body) {
    if (g.transparent.contains(&op))
      continue;
    if (isConstantOp(&op)) {
      Node *n = addNode(NodeKind::Constant);
      n->ops.push_back(&op);
      n->value = op.getNumResults() ? op.getResult(0) : Value();
      n->name = getLocName(op.getLoc());
      g.nodeOf[&op] = n;
      for (Value r : op.getResults())
        g.valueNode[r] = n;
      continue;
    }
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      Node *n = addNode(NodeKind::Output);
      n->ops.push_back(&op);
      n->principal = &op;
      g.nodeOf[&op] = n;
      continue;
    }
    unsigned gi = groupOf.lookup(&op);
    if (groupNode.count(gi))
      continue;
    Node *n = addNode(NodeKind::Unknown);
    groupNode[gi] = n;
    n->ops.assign(finalGroups[gi].begin(), finalGroups[gi].end());
    n->name = finalNames[gi];
    for (Operation *member : n->ops)
      g.nodeOf[member] = n;
    Operation *last = n->ops.back();
    n->value = last->getNumResults() ? last->getResult(0) : Value();
    for (Value r : last->getResults())
      g.valueNode[r] = n;
  }
}

Node *Graph::getProducer(Value value) const {
  while (Operation *def = value.getDefiningOp()) {
    if (!transparent.contains(def))
      break;
    value = def->getOperand(0);
  }
  if (Node *n = valueNode.lookup(value))
    return n;
  if (Operation *def = value.getDefiningOp())
    return nodeOf.lookup(def);
  return nullptr;
}

ArrayRef<Crossing> Graph::getCrossings(Node *producer, Node *consumer) const {
  auto it = crossings.find({producer, consumer});
  if (it == crossings.end())
    return {};
  return it->second;
}

void GraphBuilder::computeCrossings() {
  for (auto &np : g.nodes) {
    Node &c = *np;
    if (c.ops.empty() || c.kind == NodeKind::Constant)
      continue;
    for (Operation *op : c.ops) {
      auto dps = dyn_cast<DestinationStyleOpInterface>(op);
      for (OpOperand &use : op->getOpOperands()) {
        if (dps && dps.isDpsInit(&use))
          continue;
        if (inNode(c, use.get()))
          continue;
        Crossing crossing;
        crossing.operand = &use;
        Value v = use.get();
        while (Operation *def = v.getDefiningOp()) {
          if (!g.transparent.contains(def))
            break;
          crossing.chain.insert(crossing.chain.begin(), def);
          v = def->getOperand(0);
        }
        Node *p = g.getProducer(v);
        if (!p)
          continue;
        g.crossings[{p, &c}].push_back(std::move(crossing));
        if (!llvm::is_contained(p->users, &c))
          p->users.push_back(&c);
      }
    }
  }
  for (auto &np : g.nodes)
    llvm::sort(np->users,
               [](Node *a, Node *b) { return a->index < b->index; });
}

GraphBuilder::Traced GraphBuilder::trace(Node &n, Value v,
                                         std::optional<int64_t> axis) {
  // Inside the node: through its pass-through ops.
  while (inNode(n, v)) {
    Operation *def = v.getDefiningOp();
    Value src = getPassThroughSource(def);
    if (!src)
      return {};
    if (axis)
      axis = mapAxisBack(def, *axis);
    v = src;
  }
  // Before it: through layout transposes.
  while (Operation *def = v.getDefiningOp()) {
    if (!g.transparent.contains(def))
      break;
    if (axis)
      axis = mapAxisBack(def, *axis);
    v = def->getOperand(0);
  }
  return {g.getProducer(v), axis};
}

bool GraphBuilder::classifyConv(Node &n) {
  SmallVector<Operation *> convs;
  for (Operation *op : n.ops)
    if (getConvInfo(op))
      convs.push_back(op);
  if (convs.empty())
    return false;
  const ConvInfo *info = getConvInfo(convs.front());
  // A grouped convolution (slices + one conv per group + concat, one name)
  // is one node: every conv reads the one input; the weights are slices of
  // one constant or one constant per group.
  Node *input = nullptr;
  for (Operation *conv : convs) {
    const ConvInfo *ci = getConvInfo(conv);
    if (ci->kind != info->kind)
      return false;
    Node *in = trace(n, conv->getOperand(ci->input), std::nullopt).producer;
    if (!in || (input && in != input))
      return false;
    input = in;
  }
  n.kind = info->kind;
  n.convDims = info->dims;
  n.principal = convs.front();
  addArg(n, input);
  for (Operation *conv : convs) {
    const ConvInfo *ci = getConvInfo(conv);
    ArrayRef<int64_t> wShape = getShape(conv->getOperand(ci->weight));
    std::optional<int64_t> axis = ci->weightChAxis;
    std::string problem;
    if (ci->multiplierAxis >= 0 &&
        ((int64_t)wShape.size() <= ci->multiplierAxis ||
         wShape[ci->multiplierAxis] != 1)) {
      problem = "the depthwise weight has a channel multiplier (" +
                std::to_string(wShape.size() > (size_t)ci->multiplierAxis
                                   ? wShape[ci->multiplierAxis]
                                   : -1) +
                ") > 1, so its output channels span two axes";
      axis.reset();
    }
    Traced weight = trace(n, conv->getOperand(ci->weight), axis);
    if (!weight.producer)
      return false;
    if (axis && !weight.axis)
      problem = "the weight's output-channel axis is lost in a reshape";
    if (llvm::any_of(n.weights, [&](const Node::WeightGroup &w) {
          return n.args[w.weightArg].producer == weight.producer;
        }))
      continue; // slices of one weight
    Node::WeightGroup group;
    group.weightArg = addArg(n, weight.producer);
    group.weightChAxis = weight.axis;
    group.weightChAxisProblem = problem;
    if (ci->bias >= 0) {
      Traced bias = trace(n, conv->getOperand(ci->bias), 0);
      // The exporter writes zeros for a conv without bias (bias=False).
      if (bias.producer && !isZeroSplat(bias.producer->value)) {
        group.biasArg = addArg(n, bias.producer);
        group.biasChAxis = bias.axis;
      }
    } else if (auto dps = dyn_cast<DestinationStyleOpInterface>(conv)) {
      // linalg: a bias broadcast into the init (torch-mlir's lowering),
      // inside the node.
      Value init = dps.getDpsInitOperand(0)->get();
      if (inNode(n, init)) {
        Traced bias = trace(n, init, getResultChannelAxis(conv));
        if (bias.producer && bias.producer->kind == NodeKind::Constant &&
            bias.axis && !isZeroSplat(bias.producer->value)) {
          group.biasArg = addArg(n, bias.producer);
          group.biasChAxis = bias.axis;
        }
      }
    }
    n.weights.push_back(group);
  }
  return true;
}

bool GraphBuilder::classifyMatmul(Node &n) {
  Operation *mm = nullptr;
  for (Operation *op : n.ops)
    if (isMatmulOp(op)) {
      if (mm)
        return false; // several matmuls: not one linear
      mm = op;
    }
  if (!mm)
    return false;
  SmallVector<OpOperand *> data = getDataOperands(mm);
  if (data.size() < 2)
    return false;
  std::optional<int64_t> featureAxis = getMatmulRhsFeatureAxis(mm);
  Traced a = trace(n, data[0]->get(), std::nullopt);
  Traced b = trace(n, data[1]->get(), featureAxis);
  if (!a.producer || !b.producer)
    return false;
  n.principal = mm;
  if (b.producer->kind != NodeKind::Constant) {
    n.kind = NodeKind::Matmul;
    addArg(n, a.producer);
    addArg(n, b.producer);
    return true;
  }
  n.kind = NodeKind::Linear;
  addArg(n, a.producer);
  Node::WeightGroup w;
  w.weightArg = addArg(n, b.producer);
  w.weightChAxis = b.axis;
  if (featureAxis && !b.axis)
    w.weightChAxisProblem =
        "the weight's output-feature axis is lost in a reshape";
  // The bias: an add after the matmul (in the node) of a constant that
  // broadcasts along all but the last axis.
  llvm::SmallPtrSet<Value, 8> fromMatmul;
  for (Value r : mm->getResults())
    fromMatmul.insert(r);
  bool after = false;
  for (Operation *op : n.ops) {
    if (op == mm) {
      after = true;
      continue;
    }
    if (!after)
      continue;
    bool usesMatmul = llvm::any_of(op->getOperands(), [&](Value v) {
      return fromMatmul.contains(v);
    });
    if (!usesMatmul)
      continue;
    if (isa<tosa::AddOp, linalg::AddOp>(op) && w.biasArg < 0) {
      SmallVector<OpOperand *> ops = getDataOperands(op);
      for (OpOperand *o : ops) {
        if (fromMatmul.contains(o->get()))
          continue;
        ArrayRef<int64_t> shape = getShape(o->get());
        if (shape.empty())
          continue;
        int64_t last = shape.size() - 1;
        Traced bias = trace(n, o->get(), last);
        // A bias is constant along everything but the feature axis: the
        // constant's only non-unit dim (if any) is the traced axis.
        bool broadcastShape = false;
        if (bias.producer && bias.producer->kind == NodeKind::Constant &&
            bias.axis) {
          ArrayRef<int64_t> cshape = getShape(bias.producer->value);
          broadcastShape = true;
          for (auto [i, d] : llvm::enumerate(cshape))
            broadcastShape &= d == 1 || (int64_t)i == *bias.axis;
        }
        if (broadcastShape) {
          w.biasArg = addArg(n, bias.producer);
          w.biasChAxis = bias.axis;
        }
      }
    }
    for (Value r : op->getResults())
      fromMatmul.insert(r);
  }
  n.weights.push_back(w);
  return true;
}

bool GraphBuilder::classifySingle(Node &n) {
  // The node's ops apart from layout transposes and reshapes around them.
  // The node's core: not layout transposes, not init-only ops, not data
  // movement that prepares a later op's input (the rows a ceil-mode pool
  // cuts, ...).
  SmallVector<Operation *> core;
  for (Operation *op : n.ops) {
    if (isLayoutTranspose(op) || isInitOnly(op))
      continue;
    if (op != n.getOutputOp() && getPassThroughSource(op))
      continue;
    core.push_back(op);
  }
  // avg_pool2d with count_include_pad: the exporter corrects the divisor
  // with a mul by a constant after the pool.
  if (core.size() == 2 && isa<tosa::AvgPool2dOp>(core[0]) &&
      isa<tosa::MulOp>(core[1]) &&
      llvm::is_contained(core[1]->getOperands(), core[0]->getResult(0)) &&
      llvm::any_of(core[1]->getOperands().take_front(2), [&](Value v) {
        return !inNode(n, v) && g.getProducer(v) &&
               g.getProducer(v)->kind == NodeKind::Constant;
      })) {
    n.principal = core[0];
    n.kind = NodeKind::AvgPool2d;
    if (Node *p = trace(n, core[0]->getOperand(0), std::nullopt).producer)
      n.args.push_back(Arg{p});
    return true;
  }
  if (core.size() != 1)
    return false;
  Operation *op = core.front();
  n.principal = op;
  SmallVector<OpOperand *> data = getDataOperands(op);
  auto addOperandArgs = [&](int count) {
    for (auto [i, o] : llvm::enumerate(data)) {
      if (count >= 0 && (int)i >= count)
        break;
      if (Node *p = trace(n, o->get(), std::nullopt).producer)
        n.args.push_back(Arg{p}); // cat([x, x]) keeps both
    }
  };
  if (const SimpleInfo *info = getSimpleInfo(op)) {
    n.kind = info->kind;
    addOperandArgs(info->numArgs);
    return true;
  }
  if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
    n.clampMin = getFloatAttrValue(clamp.getMinValAttr(), 0);
    n.clampMax = getFloatAttrValue(clamp.getMaxValAttr(), 0);
    bool relu = n.clampMin == 0 &&
                n.clampMax >= (double)std::numeric_limits<float>::max();
    n.kind = relu ? NodeKind::Relu : NodeKind::Hardtanh;
    addOperandArgs(1);
    return true;
  }
  if (auto pool = dyn_cast<tosa::AvgPool2dOp>(op)) {
    n.kind = isAdaptiveAvgPool(pool) ? NodeKind::AdaptiveAvgPool2d
                                     : NodeKind::AvgPool2d;
    addOperandArgs(1);
    return true;
  }
  if (auto g = dyn_cast<linalg::GenericOp>(op)) {
    double lo, hi;
    std::optional<NodeKind> kind = classifyGenericBody(g, lo, hi);
    if (!kind)
      return false;
    n.kind = *kind;
    n.clampMin = lo;
    n.clampMax = hi;
    addOperandArgs(kind == NodeKind::Relu || kind == NodeKind::Hardtanh ? 1
                                                                         : 2);
    return true;
  }
  if (auto e = dyn_cast<linalg::ElementwiseOp>(op)) {
    switch (e.getKind()) {
    case linalg::ElementwiseKind::add:
      n.kind = NodeKind::Add;
      break;
    case linalg::ElementwiseKind::sub:
      n.kind = NodeKind::Sub;
      break;
    case linalg::ElementwiseKind::mul:
      n.kind = NodeKind::Mul;
      break;
    case linalg::ElementwiseKind::tanh:
      n.kind = NodeKind::Tanh;
      break;
    default:
      return false;
    }
    addOperandArgs(n.kind == NodeKind::Tanh ? 1 : 2);
    return true;
  }
  if (isa<linalg::MaxOp>(op) && data.size() == 2) {
    // relu as max(x, 0).
    for (int i = 0; i < 2; ++i) {
      Value other = data[1 - i]->get();
      auto fill = other.getDefiningOp<linalg::FillOp>();
      if (matchPattern(other, m_AnyZeroFloat()) ||
          (fill && matchPattern(fill.value(), m_AnyZeroFloat()))) {
        n.kind = NodeKind::Relu;
        n.clampMax = std::numeric_limits<double>::infinity();
        if (Node *p = trace(n, data[i]->get(), std::nullopt).producer)
          n.args.push_back(Arg{p});
        return true;
      }
    }
    return false;
  }
  if (isReshape(op)) {
    n.kind = isFlattenShape(getShape(op->getOperand(0)),
                            getShape(op->getResult(0)))
                 ? NodeKind::Flatten
                 : NodeKind::View;
    addOperandArgs(1);
    return true;
  }
  if (getPermutation(op)) {
    n.kind = NodeKind::Permute;
    addOperandArgs(1);
    return true;
  }
  return false;
}

void GraphBuilder::addDefaultArgs(Node &n) {
  // The producers of values entering the node, first use first; constants
  // are scalars of the fx node (exporters turn them into tensors).
  for (Operation *op : n.ops)
    for (OpOperand *o : getDataOperands(op)) {
      if (inNode(n, o->get()))
        continue;
      Node *p = g.getProducer(o->get());
      if (p && p->kind != NodeKind::Constant)
        addArg(n, p);
    }
}

void GraphBuilder::classifyDecomposition(Node &n) {
  llvm::SmallSetVector<StringRef, 8> names;
  bool reshapesOnly = true;
  Operation *lastReshape = nullptr;
  for (Operation *op : n.ops) {
    names.insert(op->getName().getStringRef());
    if (isReshape(op))
      lastReshape = op;
    else if (!getPermutation(op))
      reshapesOnly = false;
  }
  auto has = [&](StringRef name) { return names.contains(name); };
  n.principal = n.getOutputOp();
  addDefaultArgs(n);
  if (reshapesOnly) {
    if (lastReshape) {
      n.kind = isFlattenShape(getShape(lastReshape->getOperand(0)),
                              getShape(lastReshape->getResult(0)))
                   ? NodeKind::Flatten
                   : NodeKind::View;
      n.principal = lastReshape;
    } else {
      n.kind = NodeKind::Permute;
    }
    return;
  }
  bool reduce = has("tosa.reduce_sum") || has("linalg.reduce");
  unsigned avgPools = llvm::count_if(
      n.ops, [](Operation *op) { return isa<tosa::AvgPool2dOp>(op); });
  if (avgPools > 1) {
    // adaptive_avg_pool2d whose output does not divide the input: a pool per
    // output cell on a slice, concatenated (one name).
    n.kind = NodeKind::AdaptiveAvgPool2d;
  } else if (reduce && (has("tosa.exp") || has("linalg.exp"))) {
    n.kind = NodeKind::Softmax;
  } else if (reduce && (has("tosa.rsqrt") || has("linalg.rsqrt"))) {
    n.kind = NodeKind::LayerNorm;
  } else if (reduce) {
    n.kind = NodeKind::Mean;
  } else if (has("tosa.sigmoid") && has("tosa.mul")) {
    n.kind = NodeKind::Silu;
  } else if (has("tosa.erf") || (has("tosa.tanh") && has("tosa.mul"))) {
    n.kind = NodeKind::Gelu;
  } else if (has("tosa.clamp") && has("tosa.mul") && !n.args.empty()) {
    // hardswish: x * relu6(x + 3) / 6, a mul reading x itself (wherever the
    // division is); hardsigmoid: relu6(x + 3) / 6, x only feeds the add.
    Node *input = n.args.front().producer;
    bool mulReadsInput = llvm::any_of(n.ops, [&](Operation *op) {
      return isa<tosa::MulOp>(op) &&
             llvm::any_of(op->getOperands(), [&](Value v) {
               return !inNode(n, v) && g.getProducer(v) == input;
             });
    });
    n.kind = mulReadsInput ? NodeKind::Hardswish : NodeKind::Hardsigmoid;
  } else if ((has("tosa.maximum") || has("tosa.select")) && has("tosa.mul")) {
    n.kind = NodeKind::LeakyRelu;
  } else {
    n.kind = NodeKind::Unknown;
  }
}

void GraphBuilder::classify(Node &n) {
  if (classifyConv(n) || classifyMatmul(n) || classifySingle(n))
    return;
  n.args.clear();
  n.weights.clear();
  classifyDecomposition(n);
}

LogicalResult GraphBuilder::run() {
  FunctionOpInterface func = g.func;
  Region &body = func.getFunctionBody();
  if (!body.hasOneBlock())
    return func.emitOpError()
           << "qprep-annotate handles functions with one block; this one has "
           << body.getBlocks().size();
  formGroups(body.front());
  computeCrossings();
  for (auto &np : g.nodes) {
    Node &n = *np;
    if (n.kind == NodeKind::Output) {
      for (OpOperand &o : n.principal->getOpOperands())
        if (Node *p = g.getProducer(o.get()))
          n.args.push_back(Arg{p});
      continue;
    }
    if (!n.isOp())
      continue;
    classify(n);
    // Weight preparation: a view / permute / slice of a constant is itself a
    // constant (torch-mlir writes linear's weight as a transpose and a
    // reshape of the parameter), as a folder would make it.
    if ((n.kind == NodeKind::View || n.kind == NodeKind::Flatten ||
         n.kind == NodeKind::Permute || n.kind == NodeKind::Slice) &&
        n.args.size() == 1 && n.args[0].producer &&
        n.args[0].producer->kind == NodeKind::Constant) {
      n.kind = NodeKind::Constant;
      n.args.clear();
    }
  }
  return success();
}

FailureOr<std::unique_ptr<Graph>> Graph::build(FunctionOpInterface func) {
  std::unique_ptr<Graph> g(new Graph(func));
  if (failed(GraphBuilder(*g).run()))
    return failure();
  return g;
}
