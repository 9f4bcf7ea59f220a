//===- qprep-run.cpp - prepare, lower, JIT and calibrate a model ----------===//
//
// qprep-run model.mlir [-e forward] [--batches N] [--seed S] [--json out.json]
//           [--emit-calibrated out.mlir] [--emit-quantized out.mlir]
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

#include "qprep/InitAll.h"
#include "qprep/Runner/Calibrator.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
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
  llvm::errs() << "qprep-run: error: " << msg << "\n";
  std::exit(1);
}

/// One input of one batch: a row-major float32 buffer of the argument's
/// shape (the Calibrator builds the memref descriptor).
struct Buffer {
  std::vector<float> data;
  explicit Buffer(ArrayRef<int64_t> shape) {
    int64_t numel = 1;
    for (int64_t d : shape)
      numel *= d;
    data.resize(numel);
  }
};

/// Reads a float32 .npy file into `d` (whose shape it must have), in row-major
/// order; Fortran-order files are reordered while loading.
void readNpy(const std::string &path, Buffer &d, ArrayRef<int64_t> shape) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    fail("cannot read " + path + ": " + buf.getError().message());
  StringRef bytes = (*buf)->getBuffer();
  if (bytes.size() < 10 || !bytes.starts_with("\x93NUMPY"))
    fail(path + " is not a .npy file");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, start;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                (static_cast<unsigned char>(bytes[9]) << 8);
    start = 10;
  } else {
    if (bytes.size() < 12)
      fail(path + " is not a .npy file");
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i]))
                   << (8 * i);
    start = 12;
  }
  if (start + headerLen > bytes.size())
    fail(path + ": truncated .npy header");
  StringRef header = bytes.substr(start, headerLen);
  auto field = [&](StringRef key) -> StringRef {
    size_t at = header.find(key);
    if (at == StringRef::npos)
      fail(path + ": .npy header has no " + key);
    return header.substr(at + key.size()).ltrim(" ':");
  };
  StringRef descr = field("'descr'");
  if (!descr.starts_with("<f4") && !descr.starts_with("|f4"))
    fail(path + ": dtype " + descr.take_until([](char c) { return c == '\''; }) +
         ", expected float32 ('<f4')");
  bool fortran = field("'fortran_order'").starts_with("True");
  StringRef shapeText = field("'shape'");
  shapeText = shapeText.drop_front().take_until([](char c) { return c == ')'; });
  SmallVector<int64_t> fileShape;
  SmallVector<StringRef> parts;
  shapeText.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int64_t v;
    if (part.trim().getAsInteger(10, v))
      fail(path + ": bad shape in .npy header");
    fileShape.push_back(v);
  }
  auto shapeStr = [](ArrayRef<int64_t> s) {
    std::string out = "(";
    for (auto [i, v] : llvm::enumerate(s))
      out += (i ? ", " : "") + std::to_string(v);
    return out + ")";
  };
  if (ArrayRef<int64_t>(fileShape) != shape)
    fail(path + ": shape " + shapeStr(fileShape) + ", but the argument has " +
         shapeStr(shape));
  size_t bytesNeeded = d.data.size() * sizeof(float);
  if (start + headerLen + bytesNeeded > bytes.size())
    fail(path + ": truncated data");
  const char *payload = bytes.data() + start + headerLen;
  if (!fortran) {
    std::memcpy(d.data.data(), payload, bytesNeeded);
    return;
  }
  // The entry function takes identity-layout (row-major) buffers: reorder a
  // column-major file into row-major while loading.
  std::vector<float> colMajor(d.data.size());
  std::memcpy(colMajor.data(), payload, bytesNeeded);
  int64_t rank = shape.size();
  std::vector<int64_t> idx(rank, 0);
  for (size_t linear = 0; linear < d.data.size(); ++linear) {
    int64_t offset = 0, stride = 1;
    for (int64_t k = 0; k < rank; ++k) {
      offset += idx[k] * stride;
      stride *= shape[k];
    }
    d.data[linear] = colMajor[offset];
    for (int64_t k = rank - 1; k >= 0; --k) {
      if (++idx[k] < shape[k])
        break;
      idx[k] = 0;
    }
  }
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

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(inputFile, sourceMgr,
                                                           ParserConfig(&ctx));
  if (!module)
    fail("could not parse " + inputFile);
  auto calOr = qprep::Calibrator::create(std::move(module), entry);
  if (!calOr)
    fail(llvm::toString(calOr.takeError()) + " (" + inputFile + ")");
  qprep::Calibrator &cal = **calOr;
  const auto &shapes = cal.inputShapes();

  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  unsigned batches = numBatches;
  if (!dataDir.empty()) {
    // As many batches as there are batch<B>_arg0.npy files, B = 0, 1, ...
    batches = 0;
    while (llvm::sys::fs::exists(dataDir + "/batch" + std::to_string(batches) +
                                 "_arg0.npy"))
      ++batches;
    if (batches == 0)
      fail("no calibration data in " + dataDir +
           " (expected batch0_arg0.npy, batch0_arg1.npy, ...)");
    // Every file must be there before anything runs.
    for (unsigned batch = 0; batch < batches; ++batch)
      for (size_t i = 0; i < shapes.size(); ++i) {
        std::string path = dataDir + "/batch" + std::to_string(batch) +
                           "_arg" + std::to_string(i) + ".npy";
        if (!llvm::sys::fs::exists(path))
          fail("cannot read " + path + ": No such file or directory (@" +
               entry + " has " + Twine(shapes.size()) +
               " arguments: one file per argument per batch)");
      }
  }
  bool tty = llvm::errs().is_displayed();
  double bestSeconds = std::numeric_limits<double>::infinity();
  double totalSeconds = 0.0;
  uint64_t calls = 0, bytesPerCall = 0;
  for (unsigned batch = 0; batch < batches; ++batch) {
    SmallVector<Buffer> inputs;
    SmallVector<float *> pointers;
    bytesPerCall = 0;
    for (auto [i, shape] : llvm::enumerate(shapes)) {
      inputs.emplace_back(shape);
      Buffer &d = inputs.back();
      if (dataDir.empty()) {
        for (float &v : d.data)
          v = normal(rng);
      } else {
        readNpy(dataDir + "/batch" + std::to_string(batch) + "_arg" +
                    std::to_string(i) + ".npy",
                d, shape);
      }
      bytesPerCall += d.data.size() * sizeof(float);
    }
    for (Buffer &d : inputs)
      pointers.push_back(d.data.data());
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
  llvm::outs() << llvm::format("%-8s %-20s %-36s %-36s %-36s %s\n", "observer",
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
    llvm::outs() << llvm::format(
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
  return 0;
}
