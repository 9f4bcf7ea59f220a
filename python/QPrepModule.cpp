//===- QPrepModule.cpp - Python bindings for qprep ------------------------===//
//
// qprep._qprep: parse, verify and run qprep pipelines on MLIR text. Every
// upstream dialect is registered, so models in tosa, linalg, arith, tensor,
// ... parse as they do in qprep-opt. Diagnostics become qprep.Error.
//
//===----------------------------------------------------------------------===//

#include "qprep/InitAll.h"
#include "qprep/Runner/Calibrator.h"

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

#include <cmath>
#include <limits>

#include "qprep/Runtime/QPrepRuntime.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

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
    qprep::registerCalibratorTranslations(registry);
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

namespace {
using FloatArray = py::array_t<float, py::array::forcecast>;

// The low-level functions check their arguments here, at the boundary: the
// runtime takes them as PyTorch's observers hold them (float32, valid enum
// codes, a valid range) and computes garbage otherwise.

/// A Python float as float32: NaN and values beyond float32 are errors (a
/// C++ cast would be undefined there); +-inf only where `allowInf`.
float toF32(double v, const char *name, bool allowInf) {
  if (std::isnan(v))
    throw QPrepError(std::string(name) + " is NaN");
  if (std::isinf(v)) {
    if (!allowInf)
      throw QPrepError(std::string(name) + " must be finite");
    return static_cast<float>(v);
  }
  if (std::fabs(v) > std::numeric_limits<float>::max())
    throw QPrepError(std::string(name) + " = " + std::to_string(v) +
                     " is beyond float32");
  return static_cast<float>(v);
}

/// What qprep_calculate_qparams needs of its configuration.
qprep_qparams_config checkedConfig(int qscheme, int dtypeKind,
                                   int64_t quantMin, int64_t quantMax,
                                   bool customRange, double eps) {
  if (qscheme < QPREP_PER_TENSOR_AFFINE ||
      qscheme > QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS)
    throw QPrepError("qscheme must be a qprep_qscheme code (0..4), got " +
                     std::to_string(qscheme));
  if (dtypeKind < QPREP_DTYPE_OTHER || dtypeKind > QPREP_DTYPE_U16)
    throw QPrepError("dtype_kind must be a qprep_dtype_kind code (0..2), got " +
                     std::to_string(dtypeKind));
  if (quantMin >= quantMax)
    throw QPrepError("quant_min (" + std::to_string(quantMin) +
                     ") must be less than quant_max (" +
                     std::to_string(quantMax) + ")");
  if (quantMin > 0 || quantMax < 0)
    throw QPrepError("quantization range [" + std::to_string(quantMin) + ", " +
                     std::to_string(quantMax) + "] must include 0");
  if (quantMin < std::numeric_limits<int32_t>::min() ||
      quantMax > std::numeric_limits<int32_t>::max())
    throw QPrepError("quantization range [" + std::to_string(quantMin) + ", " +
                     std::to_string(quantMax) + "] is beyond int32");
  float e = toF32(eps, "eps", /*allowInf=*/false);
  if (!(e > 0.0f))
    throw QPrepError("eps = " + std::to_string(eps) +
                     " must be positive and non-zero as float32");
  return qprep_qparams_config{qscheme, dtypeKind, quantMin, quantMax,
                              customRange, e};
}

/// A histogram's bin count, as the dialect bounds it.
void checkBins(int64_t bins, const char *name) {
  if (bins <= 0 || bins > (int64_t(1) << 20))
    throw QPrepError(std::string(name) + " must be in [1, 1048576], got " +
                     std::to_string(bins));
}

/// A running (min, max) state: nothing seen (inf, -inf) or finite min <= max.
std::pair<float, float> checkedState(double minVal, double maxVal) {
  float mn = toF32(minVal, "min_val", true), mx = toF32(maxVal, "max_val", true);
  bool fresh = mn == std::numeric_limits<float>::infinity() &&
               mx == -std::numeric_limits<float>::infinity();
  if (!fresh && !(std::isfinite(mn) && std::isfinite(mx) && mn <= mx))
    throw QPrepError("(min_val, max_val) must be (inf, -inf) before any data "
                     "or finite with min_val <= max_val");
  return {mn, mx};
}

/// qprep_calculate_qparams on lists; returns (scales, zero_points).
py::tuple calculateQParams(std::vector<float> minVals,
                           std::vector<float> maxVals, int qscheme,
                           int dtypeKind, int64_t quantMin, int64_t quantMax,
                           bool customRange, double eps) {
  if (minVals.size() != maxVals.size())
    throw QPrepError("min_vals and max_vals differ in length");
  qprep_qparams_config config =
      checkedConfig(qscheme, dtypeKind, quantMin, quantMax, customRange, eps);
  size_t n = std::max<size_t>(minVals.size(), 1);
  std::vector<float> scales(n), zpF(n);
  std::vector<int64_t> zpI(n);
  int32_t rc = qprep_calculate_qparams(&config, minVals.data(), maxVals.data(),
                                       minVals.size(), scales.data(),
                                       zpI.data(), zpF.data());
  if (rc == QPREP_ERR_MIN_GT_MAX)
    throw QPrepError("min_val > max_val (or NaN) in calculate_qparams");
  if (rc == QPREP_ERR_NOT_FINITE)
    throw QPrepError("infinite min_val or max_val in calculate_qparams");
  if (qscheme == QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS && rc == QPREP_OK)
    return py::make_tuple(scales, zpF);
  return py::make_tuple(scales, zpI);
}

/// qprep_minmax_update on a float32 numpy array of any strides (no copy).
py::tuple minmaxUpdate(py::array data, int64_t chAxis, double averagingConstant,
                       std::vector<float> minVals, std::vector<float> maxVals) {
  if (!py::isinstance<py::array_t<float>>(data))
    throw QPrepError("minmax_update takes a float32 array");
  if (chAxis < -1 || chAxis >= data.ndim())
    throw QPrepError("ch_axis must be -1 (per tensor) or a dimension of the "
                     "array (0.." +
                     std::to_string(data.ndim() - 1) + "), got " +
                     std::to_string(chAxis));
  float c = toF32(averagingConstant, "averaging_constant", false);
  if (!(c <= 1.0f))
    throw QPrepError("averaging_constant must be at most 1 (0 or less: plain "
                     "min/max), got " +
                     std::to_string(averagingConstant));
  std::vector<int64_t> sizes(data.ndim()), strides(data.ndim());
  for (py::ssize_t d = 0; d < data.ndim(); ++d) {
    sizes[d] = data.shape(d);
    strides[d] = data.strides(d) / static_cast<py::ssize_t>(sizeof(float));
  }
  size_t channels = chAxis >= 0 ? sizes.at(chAxis) : 1;
  if (minVals.empty()) {
    minVals.assign(channels, std::numeric_limits<float>::infinity());
    maxVals.assign(channels, -std::numeric_limits<float>::infinity());
  }
  if (minVals.size() != channels || maxVals.size() != channels)
    throw QPrepError("statistics have the wrong number of channels");
  qprep_minmax_update(static_cast<const float *>(data.data()), data.ndim(),
                      sizes.data(), strides.data(), chAxis, c,
                      minVals.data(), maxVals.data());
  return py::make_tuple(minVals, maxVals);
}

/// One HistogramObserver forward on a float32 array (any strides: it is
/// copied contiguous first). state = (hist, min, max); hist empty = new.
py::tuple histogramUpdate(FloatArray data, std::vector<float> hist,
                          double minVal, double maxVal, int64_t bins) {
  checkBins(bins, "bins");
  auto [mn, mx] = checkedState(minVal, maxVal);
  py::array_t<float, py::array::c_style | py::array::forcecast> flat(data);
  if (hist.empty()) {
    hist.assign(bins, 0.0f);
  } else if (static_cast<int64_t>(hist.size()) != bins) {
    throw QPrepError("histogram has the wrong number of bins");
  }
  qprep_histogram_update(flat.data(), flat.size(), hist.data(), bins, &mn,
                         &mx);
  return py::make_tuple(hist, mn, mx);
}

/// _non_linear_param_search; None before any data.
py::object histogramSearch(
    py::array_t<float, py::array::c_style | py::array::forcecast> hist,
    double minVal, double maxVal, int64_t dstNbins) {
  checkBins(hist.size(), "the histogram's length");
  checkBins(dstNbins, "dst_nbins");
  auto [mn, mx] = checkedState(minVal, maxVal);
  float lo, hi;
  if (qprep_histogram_search(hist.data(), hist.size(), mn, mx, dstNbins, &lo,
                             &hi) == QPREP_UNCALIBRATED)
    return py::none();
  return py::make_tuple(lo, hi);
}

/// HistogramObserver.calculate_qparams; returns (scale, zero_point).
py::tuple histogramQParams(std::vector<float> hist, double minVal,
                           double maxVal, int64_t dstNbins, int qscheme,
                           int dtypeKind, int64_t quantMin, int64_t quantMax,
                           bool customRange, double eps) {
  checkBins(hist.size(), "the histogram's length");
  checkBins(dstNbins, "dst_nbins");
  auto [mn, mx] = checkedState(minVal, maxVal);
  qprep_qparams_config config =
      checkedConfig(qscheme, dtypeKind, quantMin, quantMax, customRange, eps);
  if (qscheme != QPREP_PER_TENSOR_AFFINE &&
      qscheme != QPREP_PER_TENSOR_SYMMETRIC)
    throw QPrepError("a histogram observer is per-tensor (qscheme 0 or 1), "
                     "got " +
                     std::to_string(qscheme));
  float scale;
  int64_t zp;
  int32_t rc = qprep_histogram_qparams(&config, hist.data(), hist.size(), mn,
                                       mx, dstNbins, &scale, &zp);
  if (rc < 0)
    throw QPrepError("histogram search gave min_val > max_val");
  return py::make_tuple(scale, zp);
}

/// Float32 arrays checked against the model's input shapes; C-contiguous
/// arrays (read-only ones too) are used in place, others are copied (and
/// held here).
struct Inputs {
  std::vector<py::array_t<float, py::array::c_style | py::array::forcecast>>
      held;
  std::vector<float *> pointers;
  Inputs(const qprep::Calibrator &cal, const py::args &arrays) {
    const auto &shapes = cal.inputShapes();
    if (arrays.size() != shapes.size())
      throw QPrepError("the model takes " + std::to_string(shapes.size()) +
                       " inputs, got " + std::to_string(arrays.size()));
    held.reserve(shapes.size());
    for (size_t i = 0; i < shapes.size(); ++i) {
      py::array a = py::reinterpret_borrow<py::array>(arrays[i]);
      if (!py::isinstance<py::array_t<float>>(a))
        throw QPrepError("input " + std::to_string(i) +
                         " must be a float32 numpy array");
      held.emplace_back(a);
      auto &c = held.back();
      std::vector<int64_t> shape(c.shape(), c.shape() + c.ndim());
      if (shape != shapes[i]) {
        auto str = [](const std::vector<int64_t> &v) {
          std::string out;
          for (size_t k = 0; k < v.size(); ++k)
            out += (k ? ", " : "") + std::to_string(v[k]);
          return out;
        };
        std::string want = str(shapes[i]), got = str(shape);
        throw QPrepError("input " + std::to_string(i) + " has shape (" + got +
                         "), the model takes (" + want + ")");
      }
      // Read-only arrays (np.load(mmap_mode="r"), broadcast views) are read
      // in place: the JIT'd model never writes its inputs (the Calibrator
      // marks them bufferization.writable = false).
      pointers.push_back(const_cast<float *>(c.data()));
    }
  }
};

/// qprep.Calibrator: prepare (if annotated), lower, JIT-compile once; then
/// feed numpy batches and read observers.
class PyCalibrator {
public:
  PyCalibrator(const std::string &text, const std::string &entry,
               int threads) {
    registerPassesOnce();
    MLIRContext &ctx = getContext(false);
    std::string diagnostics;
    llvm::raw_string_ostream diagOs(diagnostics);
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      diagOs << diag.getLocation() << ": " << diag << "\n";
      return success();
    });
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &ctx);
    if (!module)
      throw QPrepError("could not parse the module:\n" + diagnostics);
    auto cal = qprep::Calibrator::create(std::move(module), entry);
    if (!cal)
      throw QPrepError(llvm::toString(cal.takeError()) +
                       (diagnostics.empty() ? "" : ":\n" + diagnostics));
    impl = std::move(*cal);
    impl->setNumThreads(threads);
  }

  int threads() const { return impl->numThreads(); }
  void setThreads(int n) { impl->setNumThreads(n); }

  std::vector<std::vector<int64_t>> inputShapes() const {
    return impl->inputShapes();
  }

  /// One call on float32 arrays of the input shapes (C-contiguous arrays are
  /// used in place; others are copied). Returns the call's seconds.
  double run(py::args arrays) {
    Inputs in(*impl, arrays);
    auto dt = impl->run(in.pointers);
    if (!dt)
      throw QPrepError(llvm::toString(dt.takeError()));
    return *dt;
  }

  std::vector<std::vector<int64_t>> outputShapes() const {
    return impl->outputShapes();
  }

  /// One call that returns the entry function's results as new float32
  /// arrays (observers record it like run).
  py::object forward(py::args arrays) {
    Inputs in(*impl, arrays);
    std::vector<py::array_t<float>> outs;
    std::vector<float *> outPointers;
    for (const std::vector<int64_t> &shape : impl->outputShapes()) {
      outs.emplace_back(std::vector<py::ssize_t>(shape.begin(), shape.end()));
      outPointers.push_back(outs.back().mutable_data());
    }
    auto dt = impl->run(in.pointers, outPointers);
    if (!dt)
      throw QPrepError(llvm::toString(dt.takeError()));
    py::list out;
    for (auto &a : outs)
      out.append(a);
    return py::tuple(out);
  }

  void reset() {
    if (llvm::Error err = impl->reset())
      throw QPrepError(llvm::toString(std::move(err)));
  }

  /// Every observer as a dict (the fields of qprep-run's JSON).
  py::list results() {
    auto rs = impl->results();
    if (!rs)
      throw QPrepError(llvm::toString(rs.takeError()));
    py::list out;
    for (const qprep::ObserverResult &r : *rs) {
      py::dict d;
      d["name"] = r.name;
      d["kind"] = r.kind;
      d["dtype"] = r.dtype;
      d["qscheme"] = r.qscheme;
      d["quant_min"] = r.quantMin;
      d["quant_max"] = r.quantMax;
      d["custom_range"] = r.customRange;
      d["eps"] = r.eps;
      d["min"] = r.hasStats ? py::cast(r.min) : py::none();
      d["max"] = r.hasStats ? py::cast(r.max) : py::none();
      d["scale"] = r.error.empty() ? py::cast(r.scale) : py::none();
      d["zero_point"] = !r.error.empty()  ? py::none()
                        : r.floatZeroPoint ? py::cast(r.zeroPointF)
                                           : py::cast(r.zeroPoint);
      d["status"] = r.status;
      if (!r.error.empty())
        d["error"] = r.error;
      if (!r.histogram.empty())
        d["histogram"] = py::array_t<float>(r.histogram.size(),
                                            r.histogram.data());
      if (!r.derivedFrom.empty())
        d["derived_from"] = r.derivedFrom;
      out.append(d);
    }
    return out;
  }

  std::string calibratedModule() {
    auto m = impl->calibratedModule();
    if (!m)
      throw QPrepError(llvm::toString(m.takeError()));
    std::string out;
    llvm::raw_string_ostream os(out);
    (*m)->print(os);
    return out;
  }

  /// calibrated_module() through qprep-convert; the diagnostics of
  /// observers that cannot be converted become the error.
  std::string quantizedModule(bool foldQuantize, bool debugInfo) {
    MLIRContext &ctx = getContext(false);
    std::string diagnostics;
    llvm::raw_string_ostream diagOs(diagnostics);
    ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &diag) {
      diagOs << diag.getLocation() << ": " << diag << "\n";
      for (Diagnostic &note : diag.getNotes())
        diagOs << note.getLocation() << ": note: " << note << "\n";
      return success();
    });
    auto m = impl->quantizedModule(foldQuantize);
    if (!m)
      throw QPrepError(llvm::toString(m.takeError()) +
                       (diagnostics.empty() ? "" : ":\n" + diagnostics));
    std::string out;
    llvm::raw_string_ostream os(out);
    (*m)->print(os, OpPrintingFlags().enableDebugInfo(debugInfo));
    return out;
  }

private:
  std::unique_ptr<qprep::Calibrator> impl;
};
} // namespace

PYBIND11_MODULE(_qprep, m) {
  m.doc() = "qprep: PT2E-style quantization prepare for MLIR";
  py::register_exception<QPrepError>(m, "Error", PyExc_ValueError);
  m.def("run_pipeline", &process, py::arg("module"), py::arg("pipeline"),
        py::arg("allow_unregistered_dialects") = false,
        "Parse MLIR text, run a textual pass pipeline (under builtin.module), "
        "return the resulting MLIR text. Raises qprep.Error with the "
        "diagnostics on failure.");
  m.def("calculate_qparams", &calculateQParams, py::arg("min_vals"),
        py::arg("max_vals"), py::arg("qscheme"), py::arg("dtype_kind"),
        py::arg("quant_min"), py::arg("quant_max"), py::arg("custom_range"),
        py::arg("eps"),
        "PyTorch's _calculate_qparams (the runtime's qprep_calculate_qparams).");
  m.def("minmax_update", &minmaxUpdate, py::arg("data"), py::arg("ch_axis"),
        py::arg("averaging_constant"), py::arg("min_vals"), py::arg("max_vals"),
        "One observer forward: running (or moving-average) min/max; empty "
        "min_vals means no statistics yet.");
  py::class_<PyCalibrator>(m, "Calibrator")
      .def(py::init<const std::string &, const std::string &, int>(),
           py::arg("module"), py::arg("entry") = "forward",
           py::arg("threads") = 0,
           "Prepares (if annotated), lowers and JIT-compiles MLIR text. "
           "threads: the forward's threads in run() (0: every core); "
           "results do not depend on it.")
      .def_property("threads", &PyCalibrator::threads,
                    &PyCalibrator::setThreads,
                    "Threads of the forward in run() (0: every core).")
      .def_property_readonly("input_shapes", &PyCalibrator::inputShapes)
      .def("run", &PyCalibrator::run,
           "One call of the entry function on float32 arrays; returns the "
           "seconds the call took.")
      .def_property_readonly("output_shapes", &PyCalibrator::outputShapes)
      .def("forward", &PyCalibrator::forward,
           "One call of the entry function on float32 arrays; returns its "
           "results as a tuple of new float32 arrays. Observers record the "
           "call like run.")
      .def("reset", &PyCalibrator::reset, "All observers back to empty.")
      .def("results", &PyCalibrator::results,
           "Each observer's statistics, scale and zero point, as dicts.")
      .def("quantized_module", &PyCalibrator::quantizedModule,
           py::arg("fold_quantize") = true, py::arg("debug_info") = false,
           "calibrated_module() converted by qprep-convert (PyTorch's "
           "convert_pt2e): quant.qcast/quant.dcast with !quant.uniform types, "
           "observed constants quantized unless fold_quantize=False. A "
           "Calibrator built on it runs the quantized model. debug_info: "
           "print locations (each q/dq pair has its observer call's, e.g. "
           "the exporter's torch node name).")
      .def("calibrated_module", &PyCalibrator::calibratedModule,
           "The prepared module as MLIR text, observers carrying min_val, "
           "max_val, scale and zero_point.");
  m.def("histogram_update", &histogramUpdate, py::arg("data"),
        py::arg("hist"), py::arg("min_val"), py::arg("max_val"),
        py::arg("bins") = 2048,
        "One HistogramObserver forward (mid-2024 algorithm); returns "
        "(hist, min_val, max_val). Start from ([], inf, -inf).");
  m.def("histogram_search", &histogramSearch, py::arg("hist"),
        py::arg("min_val"), py::arg("max_val"), py::arg("dst_nbins") = 256,
        "HistogramObserver._non_linear_param_search: (new_min, new_max).");
  m.def("histogram_qparams", &histogramQParams, py::arg("hist"),
        py::arg("min_val"), py::arg("max_val"), py::arg("dst_nbins"),
        py::arg("qscheme"), py::arg("dtype_kind"), py::arg("quant_min"),
        py::arg("quant_max"), py::arg("custom_range"), py::arg("eps"),
        "HistogramObserver.calculate_qparams: (scale, zero_point).");
}
