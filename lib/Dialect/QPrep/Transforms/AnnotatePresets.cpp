//===- AnnotatePresets.cpp - helpers shared by the presets ----------------===//

#include "AnnotatePresets.h"

#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::qprep;
using namespace mlir::qprep::annotate;

/// Glob match with `*` (any run) and `?` (one character).
static bool globMatch(StringRef pattern, StringRef text) {
  if (pattern.empty())
    return text.empty();
  if (pattern.front() == '*') {
    for (size_t i = 0; i <= text.size(); ++i)
      if (globMatch(pattern.drop_front(), text.drop_front(i)))
        return true;
    return false;
  }
  if (text.empty())
    return false;
  if (pattern.front() != '?' && pattern.front() != text.front())
    return false;
  return globMatch(pattern.drop_front(), text.drop_front());
}

bool Selector::matches(const Node &n) const {
  if (kind)
    return n.kind == *kind;
  if (n.name.empty())
    return false;
  StringRef name = n.name;
  if (StringRef(namePattern).find_first_of("*?") != StringRef::npos)
    return globMatch(namePattern, name);
  // PyTorch's module-name filter: the node is in the module or below it.
  // fx node names spell module paths with '_' (layer1.0.conv1 is the node
  // layer1_0_conv1, a second call of `relu` is relu_1), so '.' reads as '_'.
  std::string n_ = name.str(), p_ = namePattern;
  std::replace(n_.begin(), n_.end(), '.', '_');
  std::replace(p_.begin(), p_.end(), '.', '_');
  return n_ == p_ ||
         (StringRef(n_).starts_with(p_) && n_[p_.size()] == '_');
}

Attribute annotate::makeQSpec(MLIRContext *ctx, Type dtype, int64_t quantMin,
                              int64_t quantMax, QScheme qscheme,
                              std::optional<int64_t> chAxis, bool isDynamic,
                              ObserverAttr observer) {
  return QSpecAttr::get(ctx, dtype, quantMin, quantMax, qscheme, chAxis,
                        isDynamic, observer);
}

ObserverAttr annotate::makeObserver(MLIRContext *ctx, ObserverKind kind,
                                    double eps, bool fakeQuant,
                                    std::optional<double> averagingConstant) {
  return ObserverAttr::get(
      ctx, kind, APFloat(eps), /*reduceRange=*/false,
      APFloat(averagingConstant.value_or(
          ObserverAttr::getDefaultAveragingConstant())),
      ObserverAttr::getDefaultBins(), ObserverAttr::getDefaultUpsampleRate(),
      fakeQuant);
}

Attribute annotate::withChAxis(Attribute w, int64_t axis) {
  auto q = dyn_cast_or_null<QSpecAttr>(w);
  if (!q || !q.getQscheme() || !isPerChannel(*q.getQscheme()))
    return w;
  return QSpecAttr::get(q.getContext(), q.getDtype(), q.getQuantMin(),
                        q.getQuantMax(), q.getQscheme(), axis,
                        q.getIsDynamic(), q.getObserver());
}

Spec annotate::getNodeWeightSpec(AnnotationState &state, const QuantConfig &c,
                                 Node *n, const Node::WeightGroup &w) {
  auto q = dyn_cast_or_null<QSpecAttr>(c.weight);
  if (!q || !q.getQscheme() || !isPerChannel(*q.getQscheme()))
    return Spec::concrete(c.weight);
  if (!w.weightChAxis) {
    std::string msg = "cannot observe the weight of '" +
                      std::string(getKindName(n->kind)) + "'";
    if (!n->name.empty())
      msg += " ('" + n->name + "')";
    msg += " per channel: " +
           (w.weightChAxisProblem.empty() ? std::string("no channel axis")
                                          : w.weightChAxisProblem) +
           "; use weights=per-tensor for it (override) or exclude it";
    state.errors.push_back({n->getLoc(), msg});
    return Spec::concrete(c.weight);
  }
  return Spec::concrete(withChAxis(c.weight, *w.weightChAxis));
}

Spec annotate::getBiasSpec(const QuantConfig &c, Node *n,
                           const Node::WeightGroup &w) {
  if (!c.derivedBias || !c.inputActivation || !c.weight || w.biasArg < 0)
    return Spec::none();
  Spec s;
  s.kind = Spec::Derived;
  s.from = {Edge{n->getArg(0), n}, Edge{n->getArg(w.weightArg), n}};
  auto q = dyn_cast<QSpecAttr>(c.weight);
  s.perChannel = q && q.getQscheme() && isPerChannel(*q.getQscheme()) &&
                 w.biasChAxis.has_value();
  s.chAxis = w.biasChAxis.value_or(0);
  return s;
}

void annotate::addWeightInputs(AnnotationState &state, const QuantConfig &c,
                               Node *n, NodeAnnotation &a) {
  for (const Node::WeightGroup &w : n->weights) {
    a.setInput(n->getArg(w.weightArg), getNodeWeightSpec(state, c, n, w));
    if (w.biasArg >= 0)
      a.setInput(n->getArg(w.biasArg), getBiasSpec(c, n, w));
  }
}
