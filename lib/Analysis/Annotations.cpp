//===- Annotations.cpp - the annotated edges and nodes of a function ------===//

#include "qprep/Analysis/Annotations.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qprep;

FailureOr<FunctionAnnotations>
FunctionAnnotations::collect(FunctionOpInterface func) {
  FunctionAnnotations result;
  result.func = func;
  auto addKey = [&](AnnotatedKey k) {
    result.keyIndex.try_emplace({k.key.value, k.key.user}, result.keys.size());
    result.keys.push_back(k);
  };

  // 1. Function arguments (PyTorch placeholders come first in the graph).
  if (!func.isExternal()) {
    Block &entry = func.getFunctionBody().front();
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      Attribute spec =
          func.getArgAttr(i, QPrepDialect::getArgOutputAttrName());
      if (!spec || isa<NoQSpecAttr>(spec))
        continue;
      addKey({EdgeOrNode{entry.getArgument(i), nullptr}, spec, nullptr, i,
              AnnotatedKey::Argument});
    }
  }

  // 2. Ops in a pre-order walk.
  MLIRContext *ctx = func->getContext();
  auto idName = StringAttr::get(ctx, QPrepDialect::getIdAttrName());
  auto inputsName = StringAttr::get(ctx, QPrepDialect::getInputsAttrName());
  auto outputsName = StringAttr::get(ctx, QPrepDialect::getOutputsAttrName());
  bool failedIds = false;
  unsigned counter = 0;
  func->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == func.getOperation())
      return;
    result.order[op] = counter++;
    if (auto id = dyn_cast_or_null<StringAttr>(op->getDiscardableAttr(idName))) {
      auto [it, inserted] = result.ids.try_emplace(id.getValue(), op);
      if (!inserted) {
        InFlightDiagnostic diag = op->emitOpError()
                                  << "duplicate qprep.id \"" << id.getValue()
                                  << "\" in this function";
        diag.attachNote(it->second->getLoc()) << "first used here";
        failedIds = true;
      }
    }
    if (auto inputs =
            dyn_cast_or_null<ArrayAttr>(op->getDiscardableAttr(inputsName))) {
      for (auto [i, spec] : llvm::enumerate(inputs.getValue())) {
        if (isa<UnitAttr>(spec) || i >= op->getNumOperands())
          continue;
        Value v = op->getOperand(i);
        // An operand that repeats an earlier annotated operand's value is
        // the same edge.
        if (result.keyIndex.count({v, op}))
          continue;
        addKey({EdgeOrNode{v, op}, spec, op, static_cast<unsigned>(i),
                AnnotatedKey::Input});
      }
    }
    if (auto outputs =
            dyn_cast_or_null<ArrayAttr>(op->getDiscardableAttr(outputsName))) {
      for (auto [i, spec] : llvm::enumerate(outputs.getValue())) {
        // PyTorch's output_qspec = None means "not annotated".
        if (isa<UnitAttr, NoQSpecAttr>(spec) || i >= op->getNumResults())
          continue;
        addKey({EdgeOrNode{op->getResult(i), nullptr}, spec, op,
                static_cast<unsigned>(i), AnnotatedKey::Output});
      }
    }
  });
  if (failedIds)
    return failure();
  return result;
}

std::optional<unsigned> FunctionAnnotations::lookup(EdgeOrNode key) const {
  auto it = keyIndex.find({key.value, key.user});
  if (it == keyIndex.end())
    return std::nullopt;
  return it->second;
}

ArrayRef<Operation *> FunctionAnnotations::getUsersInOrder(Value value) {
  auto [it, inserted] = sortedUsers.try_emplace(value);
  if (inserted) {
    SmallVector<Operation *, 2> &users = it->second;
    for (Operation *user : value.getUsers())
      users.push_back(user);
    // Use lists are in no particular order; PyTorch visits users in graph
    // order.
    llvm::sort(users, [&](Operation *a, Operation *b) {
      return order.lookup(a) < order.lookup(b);
    });
    users.erase(std::unique(users.begin(), users.end()), users.end());
  }
  return it->second;
}

static StringRef kindName(RefKind kind) { return stringifyRefKind(kind); }

FailureOr<EdgeOrNode>
FunctionAnnotations::resolveRef(RefAttr ref, Operation *holder,
                                Operation *diagOp) const {
  Operation *target = holder;
  if (StringAttr id = ref.getOpId()) {
    target = lookupId(id.getValue());
    if (!target)
      return diagOp->emitOpError()
             << "refers to '" << kindName(ref.getKind()) << " "
             << ref.getIndex() << " of \"" << id.getValue()
             << "\"', but no op in this function has qprep.id \""
             << id.getValue() << "\"";
  } else if (!target) {
    return diagOp->emitOpError()
           << "a reference in an argument's spec must name an op with "
              "'of \"id\"'";
  }
  int64_t index = ref.getIndex();
  bool isResult = ref.getKind() == RefKind::result;
  int64_t limit =
      isResult ? target->getNumResults() : target->getNumOperands();
  if (index >= limit) {
    InFlightDiagnostic diag =
        diagOp->emitOpError()
        << "reference '" << kindName(ref.getKind()) << " " << index
        << "' is out of range: '" << target->getName() << "' has " << limit
        << (isResult ? " results" : " operands");
    if (target != diagOp)
      diag.attachNote(target->getLoc()) << "referenced op";
    return diag;
  }
  switch (ref.getKind()) {
  case RefKind::edge:
    return EdgeOrNode{target->getOperand(index), target};
  case RefKind::operand:
    return EdgeOrNode{target->getOperand(index), nullptr};
  case RefKind::result:
    return EdgeOrNode{target->getResult(index), nullptr};
  }
  llvm_unreachable("unknown reference kind");
}

/// "edge 0", or "result 1 of \"conv\"".
static std::string refToString(RefAttr ref) {
  std::string s = (kindName(ref.getKind()) + " " + Twine(ref.getIndex())).str();
  if (StringAttr id = ref.getOpId())
    s += (" of \"" + id.getValue() + "\"").str();
  return s;
}

FailureOr<unsigned>
FunctionAnnotations::resolveAnnotatedRef(RefAttr ref, Operation *holder,
                                         Operation *diagOp,
                                         StringRef what) const {
  FailureOr<EdgeOrNode> key = resolveRef(ref, holder, diagOp);
  if (failed(key))
    return failure();
  if (std::optional<unsigned> idx = lookup(*key))
    return *idx;
  InFlightDiagnostic diag = diagOp->emitOpError()
                            << what << " refers to '" << refToString(ref)
                            << "', which has no annotation";
  Operation *target = key->user;
  if (!target)
    target = key->value.getDefiningOp();
  if (target && target != diagOp)
    diag.attachNote(target->getLoc()) << "referenced op";
  return diag;
}

void FunctionAnnotations::writeBack(ArrayRef<Attribute> entries) {
  MLIRContext *ctx = func->getContext();
  auto inputsName = StringAttr::get(ctx, QPrepDialect::getInputsAttrName());
  auto outputsName = StringAttr::get(ctx, QPrepDialect::getOutputsAttrName());
  auto unit = UnitAttr::get(ctx);
  llvm::SmallPtrSet<Operation *, 16> done;
  for (auto [i, key] : llvm::enumerate(keys)) {
    if (key.kind == AnnotatedKey::Argument) {
      if (func.getArgAttr(key.index, QPrepDialect::getArgOutputAttrName()) !=
          entries[i])
        func.setArgAttr(key.index, QPrepDialect::getArgOutputAttrName(),
                        entries[i]);
      continue;
    }
    Operation *op = key.holder;
    if (!done.insert(op).second)
      continue;
    NamedAttrList attrs(op->getDiscardableAttrDictionary());
    bool changed = false;
    if (auto inputs = dyn_cast_or_null<ArrayAttr>(attrs.get(inputsName))) {
      SmallVector<Attribute> newInputs(inputs.getValue());
      for (unsigned j = 0, e = op->getNumOperands(); j < e; ++j) {
        std::optional<unsigned> k = lookup({op->getOperand(j), op});
        if (!k)
          continue;
        if (j >= newInputs.size())
          newInputs.resize(j + 1, unit);
        newInputs[j] = entries[*k];
      }
      // Trailing holes carry no information.
      while (!newInputs.empty() && isa<UnitAttr>(newInputs.back()))
        newInputs.pop_back();
      if (ArrayRef<Attribute>(newInputs) != inputs.getValue()) {
        attrs.set(inputsName, ArrayAttr::get(ctx, newInputs));
        changed = true;
      }
    }
    if (auto outputs = dyn_cast_or_null<ArrayAttr>(attrs.get(outputsName))) {
      SmallVector<Attribute> newOutputs(outputs.getValue());
      for (auto [j, entry] : llvm::enumerate(newOutputs))
        if (std::optional<unsigned> k = lookup({op->getResult(j), nullptr}))
          entry = entries[*k];
      if (ArrayRef<Attribute>(newOutputs) != outputs.getValue()) {
        attrs.set(outputsName, ArrayAttr::get(ctx, newOutputs));
        changed = true;
      }
    }
    if (changed)
      op->setDiscardableAttrs(attrs.getDictionary(ctx));
  }
}

std::string FunctionAnnotations::describe(unsigned i) const {
  const AnnotatedKey &k = keys[i];
  std::string s;
  llvm::raw_string_ostream os(s);
  switch (k.kind) {
  case AnnotatedKey::Input:
    os << "input edge " << k.index << " of '" << k.holder->getName() << "'";
    break;
  case AnnotatedKey::Output:
    os << "result " << k.index << " of '" << k.holder->getName() << "'";
    break;
  case AnnotatedKey::Argument:
    os << "argument " << k.index;
    break;
  }
  return s;
}
