//===- InitAll.h - register everything qprep provides ---------*- C++ -*-===//

#ifndef QPREP_INITALL_H
#define QPREP_INITALL_H

namespace mlir {
class DialectRegistry;

namespace qprep {

/// Adds the qprep dialect to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers every qprep pass and pipeline with the global pass registry.
void registerAllPasses();

} // namespace qprep
} // namespace mlir

#endif // QPREP_INITALL_H
