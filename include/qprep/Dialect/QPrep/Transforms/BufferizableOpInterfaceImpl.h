//===- BufferizableOpInterfaceImpl.h - one-shot-bufferize for qprep -*- C++ -*-===//

#ifndef QPREP_DIALECT_QPREP_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
#define QPREP_DIALECT_QPREP_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;
namespace qprep {

/// Lets one-shot-bufferize turn tensor qprep.observe / qprep.fake_quantize
/// into their memref forms: observe reads its operand and returns the same
/// buffer; fake_quantize quantizes in place (the analysis copies the input
/// first when it is still needed).
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);

} // namespace qprep
} // namespace mlir

#endif // QPREP_DIALECT_QPREP_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
