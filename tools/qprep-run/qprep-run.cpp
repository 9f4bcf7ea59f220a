//===- qprep-run.cpp - prepare, lower, JIT and calibrate a model ----------===//
//
// qprep-run model.mlir [-e forward] [--batches N] [--seed S] [--json out.json]
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

#include "qprep/Dialect/QPrep/IR/QPrepOps.h"
#include "qprep/Dialect/QPrep/Transforms/Pipelines.h"
#include "qprep/Conversion/Passes.h"
#include "qprep/InitAll.h"
#include "qprep/Runtime/QPrepRuntime.h"

#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
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
/// What the report needs of one observer.
struct ObserverInfo {
  std::string name;
  qprep_qparams_config config{};
  std::string kind, dtype, qscheme;
  int64_t channels = 1, bins = 0;
  bool hasStats = false;
  std::vector<std::string> derivedFrom;
};

/// A rank-1 memref descriptor, as the C interface takes it.
struct Memref1D {
  void *allocated, *aligned;
  int64_t offset = 0, size, stride = 1;
  Memref1D(void *data, int64_t n) : allocated(data), aligned(data), size(n) {}
};

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

[[noreturn]] void fail(const Twine &msg) {
  llvm::errs() << "qprep-run: error: " << msg << "\n";
  std::exit(1);
}

/// A rank-N float memref descriptor as the C interface passes it.
struct Descriptor {
  std::vector<int64_t> words; // alloc, aligned, offset, sizes..., strides...
  std::vector<float> data;
  Descriptor(ArrayRef<int64_t> shape) {
    int64_t numel = 1;
    for (int64_t d : shape)
      numel *= d;
    data.resize(numel);
    words.resize(3 + 2 * shape.size());
    words[0] = words[1] = reinterpret_cast<int64_t>(data.data());
    words[2] = 0;
    int64_t stride = 1;
    for (int64_t d = shape.size() - 1; d >= 0; --d) {
      words[3 + d] = shape[d];
      words[3 + shape.size() + d] = stride;
      stride *= shape[d];
    }
  }
};

/// Reads a float32 .npy file into `d` (whose shape it must have), in row-major
/// order; Fortran-order files are reordered while loading.
void readNpy(const std::string &path, Descriptor &d, ArrayRef<int64_t> shape) {
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

template <typename Fn>
Fn lookupFn(ExecutionEngine &engine, const std::string &name) {
  auto sym = engine.lookup("_mlir_ciface_" + name);
  if (!sym)
    fail("no generated function " + name + ": " +
         llvm::toString(sym.takeError()));
  return reinterpret_cast<Fn>(*sym);
}

ObserverInfo describe(qprep::ObserverOp obs) {
  ObserverInfo info;
  info.name = obs.getSymName().str();
  if (auto fixed = dyn_cast<qprep::FixedQSpecAttr>(obs.getSpec())) {
    info.kind = "fixed";
    info.dtype = typeString(fixed.getDtype());
    info.qscheme = qprep::stringifyQScheme(
                       fixed.getQscheme().value_or(
                           qprep::QScheme::per_tensor_affine))
                       .str();
    auto [qmin, qmax] = qprep::calculateQMinQMax(
        fixed.getDtype(), fixed.getQuantMin(), fixed.getQuantMax(), false);
    info.config.quant_min = qmin;
    info.config.quant_max = qmax;
    return info;
  }
  if (auto derived = dyn_cast<qprep::DerivedQSpecAttr>(obs.getSpec())) {
    info.kind = "derived";
    for (Attribute from : derived.getDerivedFrom())
      if (auto sym = dyn_cast<FlatSymbolRefAttr>(from))
        info.derivedFrom.push_back(sym.getValue().str());
    info.dtype = typeString(derived.getDtype());
    info.qscheme =
        qprep::stringifyQScheme(derived.getEffectiveQScheme()).str();
    auto [qmin, qmax] = qprep::calculateQMinQMax(
        derived.getDtype(), derived.getQuantMin(), derived.getQuantMax(),
        false);
    info.config.quant_min = qmin;
    info.config.quant_max = qmax;
    return info;
  }
  auto spec = cast<qprep::QSpecAttr>(obs.getSpec());
  info.kind = qprep::stringifyObserverKind(spec.getObserver().getKind()).str();
  if (spec.getObserver().getKind() == qprep::ObserverKind::histogram)
    info.bins = spec.getObserver().getBins();
  auto [qmin, qmax] = spec.getEffectiveRange();
  auto intTy = dyn_cast<IntegerType>(spec.getDtype());
  int32_t dtypeKind = QPREP_DTYPE_OTHER;
  if (intTy && intTy.isUnsigned())
    dtypeKind = intTy.getWidth() == 8 ? QPREP_DTYPE_U8 : QPREP_DTYPE_U16;
  info.config = {static_cast<int32_t>(spec.getEffectiveQScheme()), dtypeKind,
                 qmin, qmax,
                 spec.getQuantMin().has_value() && spec.getQuantMax().has_value(),
                 static_cast<float>(
                     spec.getObserver().getEps().convertToDouble())};
  info.dtype = typeString(spec.getDtype());
  info.qscheme =
      qprep::stringifyQScheme(spec.getEffectiveQScheme()).str();
  return info;
}
} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "qprep calibration runner\n");
  registerAllPasses();
  qprep::registerAllPasses();
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  qprep::registerAllDialects(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(inputFile, sourceMgr,
                                                           ParserConfig(&ctx));
  if (!module)
    fail("could not parse " + inputFile);

  auto func = module->lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal())
    fail("no function @" + entry + " with a body in " + inputFile);
  SmallVector<SmallVector<int64_t>> shapes;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto t = dyn_cast<RankedTensorType>(type);
    if (!t || !t.getElementType().isF32() || !t.hasStaticShape())
      fail("argument " + Twine(i) + " of @" + entry + " has type " +
           typeString(type) +
           "; qprep-run feeds static-shape tensor<...xf32> arguments");
    shapes.emplace_back(t.getShape());
  }

  // Prepare if the model is only annotated.
  bool annotated = false;
  module->walk([&](Operation *op) {
    annotated |= op->hasAttr(qprep::QPrepDialect::getInputsAttrName()) ||
                 op->hasAttr(qprep::QPrepDialect::getOutputsAttrName());
    if (auto f = dyn_cast<FunctionOpInterface>(op))
      for (unsigned i = 0, e = f.getNumArguments(); i < e; ++i)
        annotated |= static_cast<bool>(
            f.getArgAttr(i, qprep::QPrepDialect::getArgOutputAttrName()));
  });
  PassManager prepare(&ctx, ModuleOp::getOperationName());
  if (annotated)
    qprep::buildPreparePipeline(prepare, qprep::PrepareOptions());
  if (failed(prepare.run(*module)))
    fail("qprep-prepare failed");

  // A wrapper without results, so that any entry signature can be called.
  {
    OpBuilder b(&ctx);
    b.setInsertionPointToEnd(module->getBody());
    auto wrapper = func::FuncOp::create(
        b, func.getLoc(), "__qprep_calibrate",
        b.getFunctionType(func.getArgumentTypes(), {}));
    wrapper->setAttr("llvm.emit_c_interface", b.getUnitAttr());
    Block *body = wrapper.addEntryBlock();
    b.setInsertionPointToStart(body);
    func::CallOp::create(b, func.getLoc(), func, body->getArguments());
    func::ReturnOp::create(b, func.getLoc());
  }

  // Observer descriptions, before lowering removes the observers.
  SmallVector<ObserverInfo> observers;
  for (auto obs : module->getOps<qprep::ObserverOp>())
    observers.push_back(describe(obs));

  // Lower in two steps: up to the observer loops (whose generated functions
  // tell the channel counts), then to LLVM.
  PassManager lower(&ctx, ModuleOp::getOperationName());
  TosaToLinalgOptions tosaOptions;
  tosa::addTosaToLinalgPasses(lower, tosaOptions);
  if (failed(parsePassPipeline(
          "func.func(tosa-to-arith,tosa-to-tensor),"
          "one-shot-bufferize{bufferize-function-boundaries "
          "function-boundary-type-conversion=identity-layout-map},"
          "convert-qprep-to-loops",
          lower)))
    fail("bad lowering pipeline");
  if (failed(lower.run(*module)))
    fail("lowering the observers failed");
  for (ObserverInfo &info : observers) {
    auto f = module->lookupSymbol<func::FuncOp>("qprep_qparams_" + info.name);
    if (!f)
      fail("no generated qprep_qparams_" + info.name);
    info.channels = cast<MemRefType>(f.getArgumentTypes()[0]).getDimSize(0);
    info.hasStats = static_cast<bool>(
        module->lookupSymbol<func::FuncOp>("qprep_stats_" + info.name));
  }
  PassManager toLLVM(&ctx, ModuleOp::getOperationName());
  if (failed(parsePassPipeline(
          "canonicalize,buffer-deallocation-pipeline,"
          "convert-bufferization-to-memref,convert-linalg-to-loops,"
          "convert-vector-to-scf,convert-scf-to-cf,expand-strided-metadata,"
          "lower-affine,finalize-memref-to-llvm,convert-vector-to-llvm,"
          "convert-to-llvm,reconcile-unrealized-casts",
          toLLVM)))
    fail("bad lowering pipeline");
  if (failed(toLLVM.run(*module)))
    fail("lowering to LLVM failed");

  auto transformer = makeOptimizingTransformer(3, 0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  // memrefCopy and friends (lowered memref.copy), and the observer runtime.
  std::string runnerUtils = QPREP_MLIR_LIB_DIR "/libmlir_c_runner_utils.so";
  std::string runtimeLib = QPREP_RUNTIME_LIB;
  SmallVector<StringRef> sharedLibs{runnerUtils, runtimeLib};
  engineOptions.sharedLibPaths = sharedLibs;
  auto engineOr = ExecutionEngine::create(*module, engineOptions);
  if (!engineOr)
    fail("JIT compilation failed: " + llvm::toString(engineOr.takeError()));
  std::unique_ptr<ExecutionEngine> engine = std::move(*engineOr);

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
    SmallVector<Descriptor> inputs;
    for (auto &shape : shapes)
      inputs.emplace_back(shape);
    SmallVector<void *> descriptorPtrs, args;
    bytesPerCall = 0;
    for (auto [i, d] : llvm::enumerate(inputs)) {
      if (dataDir.empty()) {
        for (float &v : d.data)
          v = normal(rng);
      } else {
        readNpy(dataDir + "/batch" + std::to_string(batch) + "_arg" +
                    std::to_string(i) + ".npy",
                d, shapes[i]);
      }
      descriptorPtrs.push_back(d.words.data());
      bytesPerCall += d.data.size() * sizeof(float);
    }
    for (void *&p : descriptorPtrs)
      args.push_back(&p);
    for (unsigned r = 0; r < repeat; ++r) {
      auto t0 = std::chrono::steady_clock::now();
      if (llvm::Error err =
              engine->invokePacked("_mlir_ciface___qprep_calibrate", args))
        fail("calling @" + entry + ": " + llvm::toString(std::move(err)));
      double dt = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - t0)
                      .count();
      bestSeconds = std::min(bestSeconds, dt);
      totalSeconds += dt;
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

  // Statistics and qparams, from the generated functions.
  std::string json = "{\n  \"observers\": [";
  llvm::outs() << llvm::format("%-8s %-20s %-36s %-36s %-36s %s\n", "observer",
                               "kind", "min", "max", "scale",
                               "zero_point");
  for (auto [i, info] : llvm::enumerate(observers)) {
    int64_t n = info.channels;
    std::vector<float> mins(n), maxs(n), scales(n, 1.0f), zpF(n, 0.0f);
    std::vector<int64_t> zpI(n, 0);
    if (info.hasStats) {
      auto stats = lookupFn<void (*)(Memref1D *, Memref1D *)>(
          *engine, "qprep_stats_" + info.name);
      Memref1D a(mins.data(), n), b(maxs.data(), n);
      stats(&a, &b);
    }
    auto qparams = lookupFn<int32_t (*)(Memref1D *, Memref1D *, Memref1D *)>(
        *engine, "qprep_qparams_" + info.name);
    Memref1D s(scales.data(), n), z(zpI.data(), n), zf(zpF.data(), n);
    int32_t rc = qparams(&s, &z, &zf);
    std::string extra;
    if (info.bins) {
      std::vector<float> hist(info.bins);
      auto read = lookupFn<void (*)(Memref1D *)>(*engine,
                                                 "qprep_histogram_" + info.name);
      Memref1D h(hist.data(), info.bins);
      read(&h);
      extra += ", \"histogram\": [";
      // Counts become fractional once a range change re-bins them.
      for (int64_t b = 0; b < info.bins; ++b) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%.9g", hist[b]);
        extra += (b ? ", " : "") + std::string(buf);
      }
      extra += "]";
    }
    if (!info.derivedFrom.empty()) {
      extra += ", \"derived_from\": [";
      for (auto [k, src] : llvm::enumerate(info.derivedFrom))
        extra += (k ? ", \"" : "\"") + src + "\"";
      extra += "]";
    }
    std::string error;
    if (rc == QPREP_ERR_MIN_GT_MAX)
      error = "statistics have min > max or NaN (NaN in the data?)";
    else if (rc == QPREP_ERR_NOT_FINITE)
      error = "statistics are infinite (inf in the data?)";
    else if (rc == QPREP_ERR_NO_QPARAMS)
      error = "placeholder observer: no qparams";
    bool floatZp = info.qscheme == "per_channel_affine_float_qparams";
    auto list = [&](auto get) {
      std::string out = "[";
      for (int64_t c = 0; c < n; ++c)
        out += (c ? ", " : "") + get(c);
      return out + "]";
    };
    // The table shows the first values of long per-channel lists.
    auto brief = [&](const std::string &full) {
      if (n <= 3)
        return full;
      size_t cut = 0;
      for (int k = 0; k < 2; ++k)
        cut = full.find(", ", cut) + 2;
      return full.substr(0, cut) + "... (" + std::to_string(n) + ")]";
    };
    // 9 significant digits: enough to round-trip a float32.
    auto fmt = [](double v) {
      if (std::isinf(v))
        return std::string(v > 0 ? "Infinity" : "-Infinity");
      if (std::isnan(v))
        return std::string("NaN");
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.9g", v);
      return std::string(buf);
    };
    std::string minS = info.hasStats
                           ? list([&](int64_t c) { return fmt(mins[c]); })
                           : "null";
    std::string maxS = info.hasStats
                           ? list([&](int64_t c) { return fmt(maxs[c]); })
                           : "null";
    std::string scaleS = error.empty()
                             ? list([&](int64_t c) { return fmt(scales[c]); })
                             : "null";
    std::string zpS = error.empty() ? list([&](int64_t c) {
      return floatZp ? fmt(zpF[c]) : std::to_string(zpI[c]);
    })
                                    : "null";
    llvm::outs() << llvm::format(
        "%-8s %-20s %-36s %-36s %-36s %s\n", info.name.c_str(),
        info.kind.c_str(), info.hasStats ? brief(minS).c_str() : "-",
        info.hasStats ? brief(maxS).c_str() : "-",
        error.empty() ? brief(scaleS).c_str() : "-",
        error.empty() ? brief(zpS).c_str() : ("(" + error + ")").c_str());
    json += (i ? ",\n" : "\n") +
            ("    {\"name\": \"" + info.name + "\", \"kind\": \"" + info.kind +
             "\", \"dtype\": \"" + info.dtype + "\", \"qscheme\": \"" +
             info.qscheme + "\", \"quant_min\": " +
             std::to_string(info.config.quant_min) +
             ", \"quant_max\": " + std::to_string(info.config.quant_max) +
             ", \"custom_range\": " +
             (info.config.custom_range ? "true" : "false") +
             ", \"eps\": " + fmt(info.config.eps) + ", \"min\": " + minS +
             ", \"max\": " + maxS + ", \"scale\": " + scaleS +
             ", \"zero_point\": " + zpS + ", \"status\": " +
             std::to_string(rc) + extra +
             (error.empty() ? std::string()
                            : ", \"error\": \"" + error + "\"") +
             "}");
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
  return 0;
}
