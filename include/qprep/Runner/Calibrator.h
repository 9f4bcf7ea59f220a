//===- Calibrator.h - prepare, lower, JIT and calibrate a model -*- C++ -*-===//
//
// The engine behind qprep-run and the Python `qprep.Calibrator`: takes a model
// on tensors (tosa, linalg, arith, tensor), runs qprep-prepare if it is only
// annotated, lowers it to LLVM (convert-qprep-to-loops included), JIT-compiles
// it with mlir::ExecutionEngine, calls it on row-major float32 buffers, and
// reads every observer's statistics and qparams through the generated
// functions.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_RUNNER_CALIBRATOR_H
#define QPREP_RUNNER_CALIBRATOR_H

#include "qprep/Conversion/QPrepToLoops/QPrepToLoops.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class DialectRegistry;
class ExecutionEngine;
class OpPassManager;

namespace qprep {

/// Adds what the calibrator needs beyond the dialects (LLVM IR translations).
void registerCalibratorTranslations(DialectRegistry &registry);

/// One observer after calibration.
struct ObserverResult {
  std::string name, kind, dtype, qscheme;
  int64_t quantMin = 0, quantMax = 0;
  bool customRange = false;
  float eps = 0.0f;
  int64_t channels = 1;
  /// min/max family and histogram: statistics exist.
  bool hasStats = false;
  std::vector<float> min, max, histogram;
  /// qparams; zeroPointF holds float zero points (float_qparams).
  std::vector<float> scale, zeroPointF;
  std::vector<int64_t> zeroPoint;
  bool floatZeroPoint = false;
  /// The generated qparams function's status (QPREP_OK, ...) and, when
  /// qparams do not exist, why.
  int32_t status = 0;
  std::string error;
  std::vector<std::string> derivedFrom;
};

/// How a Calibrator lowers a model.
struct CalibratorOptions {
  /// Passes that bring the model's own ops to linalg/arith/tensor on tensors
  /// (the rest of qprep-lower-to-llvm follows). Unset: TOSA to linalg, as
  /// `qprep-lower-to-llvm{tosa=true}` (a no-op for modules without TOSA).
  std::function<void(OpPassManager &)> frontend;
};

class Calibrator {
public:
  ~Calibrator();

  /// Prepares (if annotated), lowers (qprep-lower-to-llvm) and JIT-compiles
  /// `module`. The entry function must take static-shape tensor<...xf32>
  /// arguments. Diagnostics of failing passes go to the context's handler;
  /// the error says which step failed.
  static llvm::Expected<std::unique_ptr<Calibrator>>
  create(OwningOpRef<ModuleOp> module, llvm::StringRef entry,
         const CalibratorOptions &options = {});

  /// The entry function's argument shapes.
  const std::vector<std::vector<int64_t>> &inputShapes() const {
    return shapes;
  }

  /// One call of the entry function; inputs[i] points to a row-major buffer
  /// of inputShapes()[i]. Returns the call's duration in seconds.
  llvm::Expected<double> run(llvm::ArrayRef<float *> inputs);

  /// The entry function's result shapes, when every result is a static-shape
  /// tensor<...xf32> (otherwise empty, and run with outputs fails).
  const std::vector<std::vector<int64_t>> &outputShapes() const {
    return resultShapes;
  }

  /// One call as above that also copies the entry function's results into
  /// outputs[i], a row-major buffer of outputShapes()[i]. Observers record
  /// the call like any other.
  llvm::Expected<double> run(llvm::ArrayRef<float *> inputs,
                             llvm::ArrayRef<float *> outputs);

  /// Threads the forward's parallel loops use in run() (docs/Forward.md);
  /// n <= 0: every available core (the default). Results do not depend on it.
  void setNumThreads(int n) { threads = n > 0 ? n : 0; }
  /// The number set (0: every available core).
  int numThreads() const { return threads; }

  /// Every observer back to "nothing seen".
  llvm::Error reset();

  /// Statistics and qparams of every observer, in group order.
  llvm::Expected<std::vector<ObserverResult>> results();

  /// The prepared module (before lowering) with every observer carrying its
  /// calibration: `min_val`/`max_val` once it has seen data, `scale`/
  /// `zero_point` when its qparams were computed (status 0). This is the
  /// input of a convert step.
  llvm::Expected<OwningOpRef<ModuleOp>> calibratedModule();

  /// calibratedModule() through qprep-convert: every observer call becomes
  /// quant.qcast + quant.dcast (observed constants quantized at compile time
  /// unless !foldQuantize). Observers that cannot be converted are errors
  /// (the diagnostics go to the context's handler). A Calibrator created on
  /// the result runs the quantized model (qprep-lower-quant lowers it).
  llvm::Expected<OwningOpRef<ModuleOp>> quantizedModule(bool foldQuantize = true);

private:
  Calibrator() = default;
  llvm::Expected<double> invoke(llvm::StringRef wrapper,
                                llvm::ArrayRef<float *> inputs,
                                llvm::ArrayRef<float *> outputs);
  std::unique_ptr<ExecutionEngine> engine;
  std::vector<std::vector<int64_t>> shapes;
  std::vector<std::vector<int64_t>> resultShapes;
  std::string resultsError; // why run with outputs is unavailable
  std::vector<ObserverResult> observers; // descriptions, filled by results()
  /// Per observer (same order): its generated functions.
  std::vector<ObserverFunctions> functions;
  OwningOpRef<ModuleOp> prepared;        // before lowering
  int threads = 0;                       // 0: every available core
};

} // namespace qprep
} // namespace mlir

#endif // QPREP_RUNNER_CALIBRATOR_H
