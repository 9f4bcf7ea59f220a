//===- qprep-run.cpp - prepare, lower, JIT and calibrate a model ----------===//
//
// qprep-run model.mlir [-e forward] [--batches N] [--seed S] [--json out.json]
//           [--emit-calibrated out.mlir] [--emit-quantized out.mlir]
//           [--threads N]
//
// Parses a model in upstream dialects on tensors (tosa, linalg, arith, tensor)
// or memrefs, runs qprep-prepare if it is only annotated, lowers everything
// to LLVM, JIT-compiles it in-process with mlir::ExecutionEngine, feeds
// calibration batches, and prints each observer's statistics, scale and
// zero point (a table on stdout, and JSON with --json).
//
// Data: --data DIR reads batch<B>_arg<I>.npy (float32, the argument's shape);
// without it, --batches N seeded standard-normal batches (--seed S).
//
//===----------------------------------------------------------------------===//

#include "CalibrationData.h"
#include "qprep/InitAll.h"
#include "qprep/Runner/Calibrator.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>
#include <cstring>
#include <random>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required);
static cl::opt<std::string> entry("e", cl::desc("Entry function"),
                                  cl::init("forward"));
static cl::opt<unsigned> numBatches("batches",
                                    cl::desc("Synthetic calibration batches"),
                                    cl::init(8));
static cl::opt<unsigned> seed("seed", cl::desc("Seed of the synthetic data"),
                              cl::init(0));
static cl::opt<std::string> jsonFile("json", cl::desc("Write results as JSON"),
                                     cl::init(""));
static cl::opt<std::string> calibratedFile(
    "emit-calibrated",
    cl::desc("Write the prepared module with calibrated observers (min_val, "
             "max_val, scale, zero_point) to this file ('-' for stdout)"),
    cl::init(""));
static cl::opt<std::string> quantizedFile(
    "emit-quantized",
    cl::desc("Write the calibrated module converted by qprep-convert "
             "(quant.qcast/quant.dcast, constants quantized) to this file "
             "('-' for stdout)"),
    cl::init(""));
static cl::opt<bool> foldQuantize(
    "fold-quantize",
    cl::desc("With --emit-quantized: quantize observed constants at compile "
             "time (default; =false keeps q/dq on the float constants)"),
    cl::init(true));
static cl::opt<unsigned>
    repeat("repeat",
           cl::desc("Call the model N times per batch (for benchmarks: "
                    "statistics then count every call); timing goes to "
                    "the JSON"),
           cl::init(1));
static cl::opt<std::string>
    dataDir("data",
            cl::desc("Directory of calibration data: batch<B>_arg<I>.npy, "
                     "float32, one file per entry argument per batch, B from 0"),
            cl::init(""));

namespace {
[[noreturn]] void fail(const Twine &msg) {
  llvm::outs().flush(); // what the table printed comes first
  llvm::errs() << "qprep-run: error: " << msg << "\n";
  std::exit(1);
}

/// 9 significant digits: enough to round-trip a float32.
std::string fmt(double v) {
  if (std::isinf(v))
    return std::string(v > 0 ? "Infinity" : "-Infinity");
  if (std::isnan(v))
    return std::string("NaN");
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return std::string(buf);
}

template <typename T, typename F>
std::string list(const std::vector<T> &values, F toString) {
  std::string out = "[";
  for (size_t c = 0; c < values.size(); ++c)
    out += (c ? ", " : "") + toString(values[c]);
  return out + "]";
}

/// The table shows the first values of long per-channel lists.
std::string brief(const std::string &full, size_t n) {
  if (n <= 3)
    return full;
  size_t cut = 0;
  for (int k = 0; k < 2; ++k)
    cut = full.find(", ", cut) + 2;
  return full.substr(0, cut) + "... (" + std::to_string(n) + ")]";
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  // Debian's libLLVM registers an unrelated, undocumented `-threads` option;
  // qprep-run's replaces it (registered here, after the removal).
  if (auto *other = cl::getRegisteredOptions().lookup("threads"))
    other->removeArgument();
  static cl::opt<int> numThreads(
      "threads",
      cl::desc("Threads of the model forward (default 0: every core); "
               "results are identical for every thread count"),
      cl::init(0));
  cl::ParseCommandLineOptions(argc, argv, "qprep calibration runner\n");
  registerAllPasses();
  qprep::registerAllPasses();

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  qprep::registerAllDialects(registry);
  qprep::registerCalibratorTranslations(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  if (repeat == 0)
    fail("--repeat 0 calls the model no time: nothing would be calibrated");
  if (dataDir.empty() && numBatches == 0)
    fail("--batches 0 feeds no data: nothing would be calibrated");
  // The table goes to stdout unless stdout carries the JSON or a module;
  // stdout holds one document.
  const int toStdout = (jsonFile == "-") + (calibratedFile == "-") +
                       (quantizedFile == "-");
  if (toStdout > 1)
    fail("only one of --json, --emit-calibrated and --emit-quantized can "
         "write to stdout");
  const bool stdoutTaken = toStdout == 1;
  llvm::raw_ostream &table = stdoutTaken ? llvm::errs() : llvm::outs();

  // The model: a regular file (a FIFO would hang) or stdin ("-").
  if (inputFile != "-") {
    llvm::sys::fs::file_status st;
    if (std::error_code ec = llvm::sys::fs::status(inputFile, st))
      fail("cannot read " + inputFile + ": " + ec.message());
    if (st.type() != llvm::sys::fs::file_type::regular_file)
      fail(inputFile + " is not a regular file");
  }
  auto modelText = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!modelText)
    fail("cannot read " + inputFile + ": " + modelText.getError().message());
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*modelText), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(&ctx));
  if (!module)
    fail("could not parse " + inputFile);
  auto calOr = qprep::Calibrator::create(std::move(module), entry);
  if (!calOr)
    fail(llvm::toString(calOr.takeError()) + " (" + inputFile + ")");
  qprep::Calibrator &cal = **calOr;
  cal.setNumThreads(numThreads);
  const auto &shapes = cal.inputShapes();
  {
    auto described = cal.results();
    if (described && described->empty())
      fail("@" + entry + " has no observers: nothing to calibrate (is " +
           inputFile + " annotated?)");
  }

  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  unsigned batches = numBatches;
  qprep_run::DataSet data;
  if (!dataDir.empty()) {
    // Every file is checked (names, kind, header, dtype, shape, size) before
    // anything runs.
    auto scanned = qprep_run::scanDataDir(dataDir, entry, shapes);
    if (!scanned)
      fail(llvm::toString(scanned.takeError()));
    data = std::move(*scanned);
    batches = data.files.size();
  }
  if (llvm::Error err = qprep_run::checkMemory(shapes, entry))
    fail(llvm::toString(std::move(err)));
  std::vector<qprep_run::Buffer> inputs;
  SmallVector<float *> pointers;
  uint64_t bytesPerCall = 0;
  for (auto [i, shape] : llvm::enumerate(shapes)) {
    auto buffer = qprep_run::allocateBuffer(shape, "argument " + Twine(i));
    if (!buffer)
      fail(llvm::toString(buffer.takeError()));
    bytesPerCall += buffer->size * sizeof(float);
    pointers.push_back(buffer->data.get());
    inputs.push_back(std::move(*buffer));
  }
  bool tty = llvm::errs().is_displayed();
  double bestSeconds = std::numeric_limits<double>::infinity();
  double totalSeconds = 0.0;
  uint64_t calls = 0;
  for (unsigned batch = 0; batch < batches; ++batch) {
    for (auto [i, shape] : llvm::enumerate(shapes)) {
      qprep_run::Buffer &d = inputs[i];
      if (dataDir.empty()) {
        for (int64_t k = 0; k < d.size; ++k)
          d.data[k] = normal(rng);
      } else if (llvm::Error err = qprep_run::loadNpy(data.files[batch][i],
                                                      shape, d.data.get())) {
        fail(llvm::toString(std::move(err)));
      }
    }
    for (unsigned r = 0; r < repeat; ++r) {
      llvm::Expected<double> dt = cal.run(pointers);
      if (!dt)
        fail("calling @" + entry + ": " + llvm::toString(dt.takeError()));
      bestSeconds = std::min(bestSeconds, *dt);
      totalSeconds += *dt;
      ++calls;
    }
    // Progress: in place on a terminal, a line every 10% otherwise.
    unsigned step = std::max(1u, batches / 10);
    if (tty)
      llvm::errs() << "\rcalibrating: batch " << batch + 1 << "/" << batches;
    else if ((batch + 1) % step == 0 || batch + 1 == batches)
      llvm::errs() << "calibrating: batch " << batch + 1 << "/" << batches
                   << "\n";
  }
  if (tty)
    llvm::errs() << "\n";

  auto resultsOr = cal.results();
  if (!resultsOr)
    fail(llvm::toString(resultsOr.takeError()));
  std::string json = "{\n  \"observers\": [";
  table << llvm::format("%-8s %-20s %-36s %-36s %-36s %s\n", "observer",
                               "kind", "min", "max", "scale", "zero_point");
  for (auto [i, r] : llvm::enumerate(*resultsOr)) {
    size_t n = r.channels;
    auto f = [](float v) { return fmt(v); };
    std::string minS = r.hasStats ? list(r.min, f) : "null";
    std::string maxS = r.hasStats ? list(r.max, f) : "null";
    std::string scaleS = r.error.empty() ? list(r.scale, f) : "null";
    std::string zpS =
        !r.error.empty()   ? "null"
        : r.floatZeroPoint ? list(r.zeroPointF, f)
                           : list(r.zeroPoint,
                                  [](int64_t v) { return std::to_string(v); });
    table << llvm::format(
        "%-8s %-20s %-36s %-36s %-36s %s\n", r.name.c_str(), r.kind.c_str(),
        r.hasStats ? brief(minS, n).c_str() : "-",
        r.hasStats ? brief(maxS, n).c_str() : "-",
        r.error.empty() ? brief(scaleS, n).c_str() : "-",
        r.error.empty() ? brief(zpS, n).c_str() : ("(" + r.error + ")").c_str());
    std::string extra;
    if (!r.histogram.empty())
      extra += ", \"histogram\": " + list(r.histogram, f);
    if (!r.derivedFrom.empty())
      extra += ", \"derived_from\": " +
               list(r.derivedFrom,
                    [](const std::string &v) { return "\"" + v + "\""; });
    if (!r.error.empty())
      extra += ", \"error\": \"" + r.error + "\"";
    json += (i ? ",\n" : "\n") +
            ("    {\"name\": \"" + r.name + "\", \"kind\": \"" + r.kind +
             "\", \"dtype\": \"" + r.dtype + "\", \"qscheme\": \"" +
             r.qscheme + "\", \"quant_min\": " + std::to_string(r.quantMin) +
             ", \"quant_max\": " + std::to_string(r.quantMax) +
             ", \"custom_range\": " + (r.customRange ? "true" : "false") +
             ", \"eps\": " + fmt(r.eps) + ", \"min\": " + minS +
             ", \"max\": " + maxS + ", \"scale\": " + scaleS +
             ", \"zero_point\": " + zpS +
             ", \"status\": " + std::to_string(r.status) + extra + "}");
  }
  json += "\n  ],\n  \"timing\": {\"calls\": " + std::to_string(calls) +
          ", \"bytes_per_call\": " + std::to_string(bytesPerCall) +
          ", \"best_seconds\": " + llvm::formatv("{0:e6}", bestSeconds).str() +
          ", \"mean_seconds\": " +
          llvm::formatv("{0:e6}", calls ? totalSeconds / calls : 0.0).str() +
          "}\n}\n";
  if (!jsonFile.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(jsonFile, ec);
    if (ec)
      fail("cannot write " + jsonFile + ": " + ec.message());
    os << json;
  }
  if (!calibratedFile.empty()) {
    auto calibrated = cal.calibratedModule();
    if (!calibrated)
      fail(llvm::toString(calibrated.takeError()));
    std::error_code ec;
    llvm::raw_fd_ostream os(calibratedFile, ec);
    if (ec)
      fail("cannot write " + calibratedFile + ": " + ec.message());
    (*calibrated)->print(os);
    os << "\n";
  }
  if (!quantizedFile.empty()) {
    auto quantized = cal.quantizedModule(foldQuantize);
    if (!quantized)
      fail(llvm::toString(quantized.takeError()));
    std::error_code ec;
    llvm::raw_fd_ostream os(quantizedFile, ec);
    if (ec)
      fail("cannot write " + quantizedFile + ": " + ec.message());
    (*quantized)->print(os);
    os << "\n";
  }
  // Observers that keep statistics and saw nothing: a run that calibrated
  // nothing fails (the results above say which observers there are).
  std::vector<std::string> unseen;
  size_t withStats = 0;
  for (const qprep::ObserverResult &r : *resultsOr)
    if (r.hasStats) {
      ++withStats;
      if (r.status == 1 /* QPREP_UNCALIBRATED */)
        unseen.push_back("@" + r.name);
    }
  if (withStats && unseen.size() == withStats)
    fail("no observer saw any data (the model never reached an observe op "
         "with a non-empty value)");
  if (!unseen.empty())
    llvm::errs() << "qprep-run: warning: " << unseen.size()
                 << " observer(s) saw no data: " << llvm::join(unseen, ", ")
                 << "\n";
  return 0;
}
