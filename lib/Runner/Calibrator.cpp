//===- Calibrator.cpp - prepare, lower, JIT and calibrate a model ---------===//

#include "qprep/Runner/Calibrator.h"
#include "qprep/Conversion/Passes.h"
#include "qprep/Conversion/Pipelines.h"
#include "qprep/Conversion/QPrepToQuant/QPrepToQuant.h"
#include "qprep/Conversion/QPrepToLoops/QPrepToLoops.h"
#include "qprep/Dialect/QPrep/IR/ObserverModel.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"
#include "qprep/Dialect/QPrep/Transforms/Pipelines.h"
#include "qprep/Runtime/CalibrationABI.h"
#include "qprep/Runtime/QPrepParallel.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <optional>

using namespace mlir;
using namespace mlir::qprep;
namespace abi = mlir::qprep::abi;

namespace {
/// The wrappers around the entry function that the runner calls: without
/// results (calibration), and with the results copied into caller buffers.
constexpr const char *kCalibrateFn = "__qprep_calibrate";
constexpr const char *kForwardFn = "__qprep_forward";

std::string typeString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

llvm::Error error(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

template <typename Fn>
llvm::Expected<Fn> lookupFn(ExecutionEngine &engine, StringRef name) {
  auto sym = engine.lookup(abi::cInterface(name.str()));
  if (!sym)
    return error("no generated function " + name + ": " +
                 llvm::toString(sym.takeError()));
  return reinterpret_cast<Fn>(*sym);
}

/// What the report says of an observer, from its model.
ObserverResult describe(ObserverOp obs) {
  ObserverModel m = ObserverModel::get(obs);
  ObserverResult info;
  info.name = obs.getSymName().str();
  info.kind = m.className;
  info.dtype = typeString(m.dtype);
  info.qscheme = stringifyQScheme(m.qscheme).str();
  info.quantMin = m.quantMin;
  info.quantMax = m.quantMax;
  info.customRange = m.customRange;
  info.eps = m.hasStatistics() ? m.eps : 0.0f;
  info.floatZeroPoint = m.hasFloatQParams();
  for (FlatSymbolRefAttr from : m.derivedFrom)
    info.derivedFrom.push_back(from.getValue().str());
  return info;
}

/// The bytes of a row-major f32 buffer of `shape`, or nothing when that does
/// not fit in int64 (the descriptors and generated index arithmetic are
/// int64).
std::optional<int64_t> bufferBytes(ArrayRef<int64_t> shape) {
  int64_t bytes = sizeof(float);
  for (int64_t d : shape)
    if (llvm::MulOverflow(bytes, d, bytes))
      return std::nullopt;
  return bytes;
}

bool isAnnotated(ModuleOp module) {
  bool annotated = false;
  module->walk([&](Operation *op) {
    annotated |= op->hasAttr(QPrepDialect::getInputsAttrName()) ||
                 op->hasAttr(QPrepDialect::getOutputsAttrName());
    if (auto f = dyn_cast<FunctionOpInterface>(op))
      for (unsigned i = 0, e = f.getNumArguments(); i < e; ++i)
        annotated |= static_cast<bool>(
            f.getArgAttr(i, QPrepDialect::getArgOutputAttrName()));
  });
  return annotated;
}
} // namespace

void mlir::qprep::registerCalibratorTranslations(DialectRegistry &registry) {
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

Calibrator::~Calibrator() = default;

llvm::Expected<std::unique_ptr<Calibrator>>
Calibrator::create(OwningOpRef<ModuleOp> module, StringRef entry,
                   const CalibratorOptions &options) {
  static bool targetReady = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetReady;
  MLIRContext *ctx = module->getContext();
  std::unique_ptr<Calibrator> cal(new Calibrator());

  auto func = module->lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal())
    return error("no function @" + entry + " with a body in the module");
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto t = dyn_cast<RankedTensorType>(type);
    if (!t || !t.getElementType().isF32() || !t.hasStaticShape())
      return error("argument " + Twine(i) + " of @" + entry + " has type " +
                   typeString(type) +
                   "; calibration feeds static-shape tensor<...xf32> arguments");
    if (!bufferBytes(t.getShape()))
      return error("argument " + Twine(i) + " of @" + entry + " has type " +
                   typeString(type) +
                   ": its size in bytes does not fit in 64 bits");
    cal->shapes.emplace_back(t.getShape().begin(), t.getShape().end());
  }
  for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
    auto t = dyn_cast<RankedTensorType>(type);
    if (!t || !t.getElementType().isF32() || !t.hasStaticShape() ||
        !bufferBytes(t.getShape())) {
      cal->resultShapes.clear();
      cal->resultsError = ("result " + Twine(i) + " of @" + entry +
                           " has type " + typeString(type) +
                           "; only static-shape tensor<...xf32> results are "
                           "returned")
                              .str();
      break;
    }
    cal->resultShapes.emplace_back(t.getShape().begin(), t.getShape().end());
  }

  // Prepare if the model is only annotated.
  if (isAnnotated(*module)) {
    PassManager prepare(ctx, ModuleOp::getOperationName());
    buildPreparePipeline(prepare, PrepareOptions());
    if (failed(prepare.run(*module)))
      return error("qprep-prepare failed");
  }

  cal->prepared = module->clone();

  // The caller's input buffers are read-only to the model: a fake_quantize
  // (or any in-place op) on an argument works on a copy, and read-only
  // arrays can be passed without one.
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.setArgAttr(i, "bufferization.writable",
                    BoolAttr::get(ctx, false));

  // A wrapper without results, so that any entry signature can be called.
  {
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module->getBody());
    auto wrapper = func::FuncOp::create(
        b, func.getLoc(), kCalibrateFn,
        b.getFunctionType(func.getArgumentTypes(), {}));
    wrapper->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                     b.getUnitAttr());
    Block *body = wrapper.addEntryBlock();
    b.setInsertionPointToStart(body);
    func::CallOp::create(b, func.getLoc(), func, body->getArguments());
    func::ReturnOp::create(b, func.getLoc());
  }
  // The same with the results copied into caller-owned buffers (memref
  // arguments after the inputs), so that no memory crosses the boundary.
  if (cal->resultsError.empty()) {
    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module->getBody());
    SmallVector<Type> argTypes(func.getArgumentTypes());
    for (Type t : func.getResultTypes()) {
      auto tensor = cast<RankedTensorType>(t);
      argTypes.push_back(
          MemRefType::get(tensor.getShape(), tensor.getElementType()));
    }
    auto wrapper = func::FuncOp::create(b, func.getLoc(), kForwardFn,
                                        b.getFunctionType(argTypes, {}));
    wrapper->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                     b.getUnitAttr());
    Block *body = wrapper.addEntryBlock();
    b.setInsertionPointToStart(body);
    unsigned numInputs = func.getNumArguments();
    auto call = func::CallOp::create(
        b, func.getLoc(), func, body->getArguments().take_front(numInputs));
    for (auto [i, result] : llvm::enumerate(call.getResults()))
      bufferization::MaterializeInDestinationOp::create(
          b, func.getLoc(), TypeRange(), result,
          body->getArgument(numInputs + i), /*restrict=*/true,
          /*writable=*/true);
    func::ReturnOp::create(b, func.getLoc());
  }

  for (auto obs : module->getOps<ObserverOp>())
    cal->observers.push_back(describe(obs));

  // qprep-lower-to-llvm, after the caller's front end (default: TOSA).
  PassManager lower(ctx, ModuleOp::getOperationName());
  LowerToLLVMOptions lowerOptions;
  if (options.frontend) {
    options.frontend(lower);
    lowerOptions.tosa = false;
  }
  buildLowerToLLVMPipeline(lower, lowerOptions);
  if (failed(lower.run(*module)))
    return error("lowering to LLVM failed");

  // What the conversion generated for each observer.
  FailureOr<SmallVector<ObserverFunctions>> layouts =
      readObserverLayouts(*module);
  if (failed(layouts))
    return error("the lowered module has no readable observer layouts");
  llvm::StringMap<const ObserverFunctions *> byName;
  for (const ObserverFunctions &f : *layouts)
    byName[f.observer] = &f;
  for (ObserverResult &info : cal->observers) {
    const ObserverFunctions *f = byName.lookup(info.name);
    if (!f)
      return error("no layout for observer @" + info.name);
    info.channels = f->channels;
    info.hasStats = f->hasStats;
    info.histogram.assign(f->bins, 0.0f);
    cal->functions.push_back(*f);
  }

  // -O3; the transformer is a non-owning reference: keep it alive.
  auto transformer = makeOptimizingTransformer(3, 0, nullptr);
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  std::string runnerUtils = QPREP_MLIR_LIB_DIR "/libmlir_c_runner_utils.so";
  std::string runtimeLib = QPREP_RUNTIME_LIB;
  SmallVector<StringRef> sharedLibs{runnerUtils, runtimeLib};
  engineOptions.sharedLibPaths = sharedLibs;
  auto engineOr = ExecutionEngine::create(*module, engineOptions);
  if (!engineOr)
    return error("JIT compilation failed: " +
                 llvm::toString(engineOr.takeError()));
  cal->engine = std::move(*engineOr);
  return cal;
}

llvm::Expected<double> Calibrator::run(ArrayRef<float *> inputs) {
  return invoke(kCalibrateFn, inputs, {});
}

llvm::Expected<double> Calibrator::run(ArrayRef<float *> inputs,
                                       ArrayRef<float *> outputs) {
  if (!resultsError.empty())
    return error(resultsError);
  if (outputs.size() != resultShapes.size())
    return error("the entry function has " + Twine(resultShapes.size()) +
                 " results, got " + Twine(outputs.size()) + " output buffers");
  return invoke(kForwardFn, inputs, outputs);
}

llvm::Expected<double> Calibrator::invoke(StringRef wrapper,
                                          ArrayRef<float *> inputs,
                                          ArrayRef<float *> outputs) {
  if (inputs.size() != shapes.size())
    return error("the entry function takes " + Twine(shapes.size()) +
                 " inputs, got " + Twine(inputs.size()));
  // Rank-N descriptors: allocated, aligned, offset, sizes..., strides...
  std::vector<std::vector<int64_t>> words;
  auto describeBuffer = [&](float *data, ArrayRef<int64_t> shape) {
    std::vector<int64_t> &w = words.emplace_back(3 + 2 * shape.size());
    w[0] = w[1] = reinterpret_cast<int64_t>(data);
    int64_t stride = 1;
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      w[3 + d] = shape[d];
      w[3 + shape.size() + d] = stride;
      stride *= shape[d];
    }
  };
  words.reserve(inputs.size() + outputs.size());
  for (auto [data, shape] : llvm::zip_equal(inputs, shapes))
    describeBuffer(data, shape);
  for (auto [data, shape] : llvm::zip_equal(outputs, resultShapes))
    describeBuffer(data, shape);
  SmallVector<void *> descriptorPtrs, args;
  for (std::vector<int64_t> &w : words)
    descriptorPtrs.push_back(w.data());
  for (void *&p : descriptorPtrs)
    args.push_back(&p);
  qprep_take_error(nullptr, 0); // nothing stale from an earlier caller
  qprep_rt_set_num_threads(threads);
  auto t0 = std::chrono::steady_clock::now();
  if (llvm::Error err =
          engine->invokePacked(abi::cInterface(wrapper.str()), args))
    return std::move(err);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  // A run-time check of the generated code failed: the observers before it
  // in the call recorded the call, it and the later ones did not (PyTorch
  // raises there).
  char message[512];
  if (qprep_take_error(message, sizeof(message)))
    return error(message);
  return seconds;
}

llvm::Error Calibrator::reset() {
  auto fn = lookupFn<abi::ResetFnTy>(*engine, abi::kResetFn);
  if (!fn)
    return fn.takeError();
  (*fn)();
  return llvm::Error::success();
}

llvm::Expected<std::vector<ObserverResult>> Calibrator::results() {
  auto update = lookupFn<abi::UpdateQParamsFnTy>(*engine, abi::kUpdateQParamsFn);
  auto readQParams = lookupFn<abi::QParamsFnTy>(*engine, abi::kQParamsFn);
  auto readStats = lookupFn<abi::StatsFnTy>(*engine, abi::kStatsFn);
  auto readHistogram = lookupFn<abi::HistogramFnTy>(*engine, abi::kHistogramFn);
  if (!update || !readQParams || !readStats || !readHistogram)
    return llvm::joinErrors(
        llvm::joinErrors(update.takeError(), readQParams.takeError()),
        llvm::joinErrors(readStats.takeError(), readHistogram.takeError()));
  (*update)();
  std::vector<ObserverResult> out = observers;
  for (auto [info, fns] : llvm::zip(out, functions)) {
    int64_t n = info.channels;
    info.min.assign(info.hasStats ? n : 0, 0.0f);
    info.max.assign(info.hasStats ? n : 0, 0.0f);
    info.scale.assign(n, 1.0f);
    info.zeroPointF.assign(n, 0.0f);
    info.zeroPoint.assign(n, 0);
    if (info.hasStats) {
      auto a = abi::contiguous(info.min.data(), n);
      auto b = abi::contiguous(info.max.data(), n);
      if ((*readStats)(fns.index, &a, &b) != QPREP_OK)
        return error("cannot read the statistics of @" + info.name);
    }
    if (fns.hasHistogram) {
      auto h = abi::contiguous(info.histogram.data(),
                               static_cast<int64_t>(info.histogram.size()));
      if ((*readHistogram)(fns.index, &h) != QPREP_OK)
        return error("cannot read the histogram of @" + info.name);
    }
    auto sc = abi::contiguous(info.scale.data(), n);
    auto z = abi::contiguous(info.zeroPoint.data(), n);
    auto zf = abi::contiguous(info.zeroPointF.data(), n);
    info.status = (*readQParams)(fns.index, &sc, &z, &zf);
    if (info.status == QPREP_ERR_BAD_ARGUMENT)
      return error("cannot read the qparams of @" + info.name);
    if (info.status == QPREP_ERR_MIN_GT_MAX)
      info.error = "statistics have min > max or NaN (NaN in the data?)";
    else if (info.status == QPREP_ERR_NOT_FINITE)
      info.error = "statistics are infinite (inf in the data?)";
    else if (info.status == QPREP_ERR_NO_QPARAMS)
      info.error = "placeholder observer: no qparams";
  }
  return out;
}

llvm::Expected<OwningOpRef<ModuleOp>> Calibrator::calibratedModule() {
  auto rs = results();
  if (!rs)
    return rs.takeError();
  OwningOpRef<ModuleOp> out = prepared->clone();
  Builder b(out->getContext());
  for (const ObserverResult &r : *rs) {
    auto obs = out->lookupSymbol<ObserverOp>(r.name);
    if (!obs)
      return error("observer @" + r.name + " is missing from the module");
    bool seen = r.hasStats && !r.min.empty() &&
                !(std::isinf(r.min[0]) && r.min[0] > 0 && std::isinf(r.max[0]));
    if (seen) {
      obs.setMinValAttr(b.getDenseF32ArrayAttr(r.min));
      obs.setMaxValAttr(b.getDenseF32ArrayAttr(r.max));
    }
    // A per-tensor spec has one scale (a derived one may broadcast to more).
    bool fits = obs.isPerChannel() || r.scale.size() == 1;
    if (r.status == QPREP_OK && fits) {
      obs.setScaleAttr(b.getDenseF32ArrayAttr(r.scale));
      if (r.floatZeroPoint)
        obs.setZeroPointAttr(b.getDenseF32ArrayAttr(r.zeroPointF));
      else
        obs.setZeroPointAttr(b.getDenseI64ArrayAttr(r.zeroPoint));
    }
  }
  if (failed(verify(*out)))
    return error("the calibrated module does not verify");
  return out;
}

llvm::Expected<OwningOpRef<ModuleOp>>
Calibrator::quantizedModule(bool foldQuantize) {
  auto calibrated = calibratedModule();
  if (!calibrated)
    return calibrated.takeError();
  PassManager pm((*calibrated)->getContext(), ModuleOp::getOperationName());
  ConvertQPrepToQuantPassOptions options;
  options.foldQuantize = foldQuantize;
  buildConvertPipeline(pm, options);
  if (failed(pm.run(**calibrated)))
    return error("qprep-convert failed");
  return std::move(*calibrated);
}
