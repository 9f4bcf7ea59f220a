//===- QPrepModule.cpp - Python bindings for qprep ------------------------===//
//
// qprep._qprep: parse, verify and run qprep pipelines on MLIR text. Every
// upstream dialect is registered, so models in tosa, linalg, arith, tensor,
// ... parse as they do in qprep-opt. Diagnostics become qprep.Error.
//
//===----------------------------------------------------------------------===//

#include "qprep/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace mlir;

namespace {
/// Raised for any diagnostic; the message holds them all, with locations.
struct QPrepError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

MLIRContext &getContext(bool allowUnregistered) {
  static MLIRContext *ctx = [] {
    DialectRegistry registry;
    registerAllDialects(registry);
    registerAllExtensions(registry);
    qprep::registerAllDialects(registry);
    auto *c = new MLIRContext(registry, MLIRContext::Threading::DISABLED);
    c->loadAllAvailableDialects();
    return c;
  }();
  ctx->allowUnregisteredDialects(allowUnregistered);
  return *ctx;
}

void registerPassesOnce() {
  static bool done = [] {
    registerAllPasses();
    qprep::registerAllPasses();
    return true;
  }();
  (void)done;
}

/// Parses `text`, runs `pipeline` (a textual pass pipeline nested under
/// builtin.module, or empty), verifies, and prints the result.
std::string process(const std::string &text, const std::string &pipeline,
                    bool allowUnregistered) {
  registerPassesOnce();
  MLIRContext &ctx = getContext(allowUnregistered);
  std::string diagnostics;
  llvm::raw_string_ostream diagOs(diagnostics);
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
    diagOs << diag.getLocation() << ": "
           << (diag.getSeverity() == DiagnosticSeverity::Error ? "error: "
                                                                : "note: ")
           << diag << "\n";
    for (Diagnostic &note : diag.getNotes())
      diagOs << note.getLocation() << ": note: " << note << "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
  if (!module)
    throw QPrepError("could not parse the module:\n" + diagnostics);
  if (!pipeline.empty()) {
    PassManager pm(&ctx, ModuleOp::getOperationName());
    if (failed(parsePassPipeline(pipeline, pm, diagOs)))
      throw QPrepError("bad pipeline '" + pipeline + "':\n" + diagnostics);
    if (failed(pm.run(*module)))
      throw QPrepError(diagnostics);
  } else if (failed(verify(*module))) {
    throw QPrepError(diagnostics);
  }
  std::string out;
  llvm::raw_string_ostream os(out);
  module->print(os);
  return out;
}
} // namespace

PYBIND11_MODULE(_qprep, m) {
  m.doc() = "qprep: PT2E-style quantization prepare for MLIR";
  py::register_exception<QPrepError>(m, "Error", PyExc_ValueError);
  m.def("run_pipeline", &process, py::arg("module"), py::arg("pipeline"),
        py::arg("allow_unregistered_dialects") = false,
        "Parse MLIR text, run a textual pass pipeline (under builtin.module), "
        "return the resulting MLIR text. Raises qprep.Error with the "
        "diagnostics on failure.");
}
