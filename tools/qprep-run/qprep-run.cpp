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
// Work in progress (issue 5): observers of the min/max family only.
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

#include <cmath>
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
static cl::opt<std::string>
    dataDir("data",
            cl::desc("Directory of calibration data: batch<B>_arg<I>.npy, "
                     "float32, one file per entry argument per batch, B from 0"),
            cl::init(""));

namespace {
/// What calculate_qparams needs of one observer.
struct ObserverInfo {
  std::string name;
  qprep_qparams_config config;
  std::string kind, dtype, qscheme;
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

ObserverInfo describe(qprep::ObserverOp obs) {
  ObserverInfo info;
  info.name = obs.getSymName().str();
  auto spec = cast<qprep::QSpecAttr>(obs.getSpec());
  info.kind = qprep::stringifyObserverKind(spec.getObserver().getKind()).str();
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
  {
    for (auto obs : module->getOps<qprep::ObserverOp>()) {
      auto spec = dyn_cast<qprep::QSpecAttr>(obs.getSpec());
      if (!spec || spec.getObserver().getKind() ==
                       qprep::ObserverKind::placeholder)
        continue;
      // The channel count comes back with the statistics.
      observers.push_back(describe(obs));
    }
  }

  // Lower to LLVM.
  PassManager lower(&ctx, ModuleOp::getOperationName());
  TosaToLinalgOptions tosaOptions;
  tosa::addTosaToLinalgPasses(lower, tosaOptions);
  std::string pipeline =
      "func.func(tosa-to-arith,tosa-to-tensor),"
      "one-shot-bufferize{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "convert-qprep-to-loops,canonicalize,buffer-deallocation-pipeline,"
      "convert-bufferization-to-memref,"
      "convert-linalg-to-loops,convert-scf-to-cf,expand-strided-metadata,"
      "lower-affine,finalize-memref-to-llvm,convert-to-llvm,"
      "reconcile-unrealized-casts";
  if (failed(parsePassPipeline(pipeline, lower)))
    fail("bad lowering pipeline");
  if (failed(lower.run(*module)))
    fail("lowering to LLVM failed");

  auto transformer = makeOptimizingTransformer(3, 0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  // memrefCopy and friends, used by lowered memref.copy.
  std::string runnerUtils = QPREP_MLIR_LIB_DIR "/libmlir_c_runner_utils.so";
  SmallVector<StringRef> sharedLibs{runnerUtils};
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
  }
  for (unsigned batch = 0; batch < batches; ++batch) {
    SmallVector<Descriptor> inputs;
    for (auto &shape : shapes)
      inputs.emplace_back(shape);
    SmallVector<void *> descriptorPtrs, args;
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
    }
    for (void *&p : descriptorPtrs)
      args.push_back(&p);
    if (llvm::Error err =
            engine->invokePacked("_mlir_ciface___qprep_calibrate", args))
      fail("calling @" + entry + ": " + llvm::toString(std::move(err)));
    llvm::errs() << "\rcalibrating: batch " << batch + 1 << "/" << batches;
  }
  llvm::errs() << "\n";

  // Statistics and qparams.
  std::string json = "{\n  \"observers\": [";
  llvm::outs() << llvm::format("%-10s %-34s %-26s %-26s %-14s %s\n", "observer",
                               "kind", "min", "max", "scale",
                               "zero_point");
  for (auto [i, info] : llvm::enumerate(observers)) {
    // Two rank-1 descriptors: {alloc, aligned, offset, size, stride} x 2.
    int64_t result[10];
    void *resultPtr = result;
    SmallVector<void *> args{&resultPtr};
    if (llvm::Error err = engine->invokePacked(
            "_mlir_ciface_qprep_stats_" + info.name, args))
      fail("reading @" + info.name + ": " + llvm::toString(std::move(err)));
    const float *mins = reinterpret_cast<const float *>(result[1]) + result[2];
    const float *maxs = reinterpret_cast<const float *>(result[6]) + result[7];
    int64_t n = result[3];
    std::vector<float> scales(n), zpF(n);
    std::vector<int64_t> zpI(n);
    int32_t rc = qprep_calculate_qparams(&info.config, mins, maxs, n,
                                         scales.data(), zpI.data(), zpF.data());
    if (rc == QPREP_ERR_MIN_GT_MAX)
      fail("observer @" + info.name + " has min > max or NaN statistics");
    bool floatZp = info.config.qscheme == QPREP_PER_CHANNEL_AFFINE_FLOAT_QPARAMS;
    auto list = [&](auto get) {
      std::string s = "[";
      for (int64_t c = 0; c < n; ++c)
        s += (c ? ", " : "") + get(c);
      return s + "]";
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
    std::string minS = list([&](int64_t c) { return fmt(mins[c]); });
    std::string maxS = list([&](int64_t c) { return fmt(maxs[c]); });
    std::string scaleS = list([&](int64_t c) { return fmt(scales[c]); });
    std::string zpS = list([&](int64_t c) {
      return floatZp ? fmt(zpF[c]) : std::to_string(zpI[c]);
    });
    llvm::outs() << llvm::format("%-10s %-34s %-26s %-26s %-14s %s\n",
                                 info.name.c_str(), info.kind.c_str(),
                                 minS.c_str(), maxS.c_str(), scaleS.c_str(),
                                 zpS.c_str());
    json += (i ? ",\n" : "\n") + ("    {\"name\": \"" + info.name +
                                  "\", \"kind\": \"" + info.kind +
                                  "\", \"dtype\": \"" + info.dtype +
                                  "\", \"qscheme\": \"" + info.qscheme +
                                  "\", \"quant_min\": " +
                                  std::to_string(info.config.quant_min) +
                                  ", \"quant_max\": " +
                                  std::to_string(info.config.quant_max) +
                                  ", \"custom_range\": " +
                                  (info.config.custom_range ? "true" : "false") +
                                  ", \"eps\": " + fmt(info.config.eps) +
                                  ", \"min\": " + minS + ", \"max\": " +
                                  maxS + ", \"scale\": " + scaleS +
                                  ", \"zero_point\": " + zpS + "}");
  }
  json += "\n  ]\n}\n";
  if (!jsonFile.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(jsonFile, ec);
    if (ec)
      fail("cannot write " + jsonFile + ": " + ec.message());
    os << json;
  }
  return 0;
}
