//===- BufferizableOpInterfaceImpl.cpp - one-shot-bufferize for qprep -----===//

#include "qprep/Dialect/QPrep/Transforms/BufferizableOpInterfaceImpl.h"
#include "qprep/Dialect/QPrep/IR/QPrepOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace mlir::qprep;

namespace {
/// observe (Writes = false) and fake_quantize (Writes = true): the result is
/// the operand's buffer.
template <typename OpTy, bool Writes>
struct ObserveLikeOpInterface
    : public BufferizableOpInterface::ExternalModel<
          ObserveLikeOpInterface<OpTy, Writes>, OpTy> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const AnalysisState &) const {
    return true;
  }
  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const AnalysisState &) const {
    return Writes;
  }
  AliasingValueList getAliasingValues(Operation *op, OpOperand &,
                                      const AnalysisState &) const {
    return {{op->getResult(0), BufferRelation::Equivalent}};
  }
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto observeLike = cast<OpTy>(op);
    FailureOr<Value> buffer =
        getBuffer(rewriter, observeLike.getInput(), options, state);
    if (failed(buffer))
      return failure();
    replaceOpWithNewBufferizedOp<OpTy>(rewriter, op, buffer->getType(),
                                       *buffer, observeLike.getObserverAttr());
    return success();
  }
};
} // namespace

void mlir::qprep::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, QPrepDialect *) {
    ObserveOp::attachInterface<ObserveLikeOpInterface<ObserveOp, false>>(*ctx);
    FakeQuantizeOp::attachInterface<
        ObserveLikeOpInterface<FakeQuantizeOp, true>>(*ctx);
  });
}
