//===- QPrepAttrs.cpp - qprep attributes ----------------------------------===//
//
// Parsing, printing and verification of the quantization specs. The parsers
// are hand-written so that every mistake a user can make in a spec gets a
// message that names the parameter, instead of ODS's generic "expected ','".
//
//===----------------------------------------------------------------------===//

#include "qprep/Dialect/QPrep/IR/QPrepAttrs.h"
#include "qprep/Dialect/QPrep/IR/QPrepDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::qprep;

#include "qprep/Dialect/QPrep/IR/QPrepEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.cpp.inc"

void QPrepDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qprep/Dialect/QPrep/IR/QPrepAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

bool mlir::qprep::isSupportedDType(Type dtype) {
  if (auto intTy = dyn_cast<IntegerType>(dtype)) {
    unsigned w = intTy.getWidth();
    if (intTy.isSignless())
      return w == 8 || w == 16 || w == 32;
    if (intTy.isUnsigned())
      return w == 8 || w == 16;
    return false;
  }
  return isa<Float8E4M3FNType, Float8E5M2Type, Float16Type, Float32Type>(dtype);
}

bool mlir::qprep::isPerChannel(QScheme qscheme) {
  return qscheme == QScheme::per_channel_affine ||
         qscheme == QScheme::per_channel_symmetric ||
         qscheme == QScheme::per_channel_affine_float_qparams;
}

bool mlir::qprep::isSymmetric(QScheme qscheme) {
  return qscheme == QScheme::per_tensor_symmetric ||
         qscheme == QScheme::per_channel_symmetric;
}

// Mirrors torch.ao.quantization.utils.calculate_qmin_qmax.
std::pair<int64_t, int64_t>
mlir::qprep::calculateQMinQMax(Type dtype, std::optional<int64_t> quantMin,
                               std::optional<int64_t> quantMax,
                               bool reduceRange) {
  auto intTy = dyn_cast<IntegerType>(dtype);
  bool isI8 = intTy && intTy.isSignless() && intTy.getWidth() == 8;
  bool isU8 = intTy && intTy.isUnsigned() && intTy.getWidth() == 8;
  bool isI16 = intTy && intTy.isSignless() && intTy.getWidth() == 16;
  bool isU16 = intTy && intTy.isUnsigned() && intTy.getWidth() == 16;
  bool isI32 = intTy && intTy.isSignless() && intTy.getWidth() == 32;
  if (quantMin && quantMax) {
    int64_t qmin = *quantMin, qmax = *quantMax;
    if (reduceRange) {
      qmin = llvm::divideFloorSigned(qmin, 2);
      qmax = llvm::divideFloorSigned(qmax, 2);
    }
    return {qmin, qmax};
  }
  if (isI8)
    return reduceRange ? std::make_pair<int64_t, int64_t>(-64, 63)
                       : std::make_pair<int64_t, int64_t>(-128, 127);
  if (isU8)
    return reduceRange ? std::make_pair<int64_t, int64_t>(0, 127)
                       : std::make_pair<int64_t, int64_t>(0, 255);
  if (isI32)
    return {INT32_MIN, INT32_MAX};
  if (isU16)
    return {0, 65535};
  if (isI16)
    return {-32768, 32767};
  return {0, 15};
}

bool mlir::qprep::isObservableType(Type type) {
  if (auto t = dyn_cast<RankedTensorType>(type))
    return isa<FloatType>(t.getElementType());
  if (auto m = dyn_cast<MemRefType>(type))
    return isa<FloatType>(m.getElementType());
  return false;
}

bool mlir::qprep::isAnnotationEntry(Attribute attr) {
  return isa<QSpecAttr, FixedQSpecAttr, SharedQSpecAttr, DerivedQSpecAttr,
             NoQSpecAttr, FlatSymbolRefAttr>(attr);
}

namespace {
using EmitErrorFn = llvm::function_ref<InFlightDiagnostic()>;

constexpr llvm::StringLiteral kSupportedDTypes =
    "i8, ui8, i16, ui16, i32, f8E4M3FN, f8E5M2, f16, f32";

LogicalResult verifyDType(EmitErrorFn emitError, Type dtype) {
  if (!dtype || !isSupportedDType(dtype))
    return emitError() << "unsupported dtype " << dtype << "; expected one of "
                       << kSupportedDTypes;
  return success();
}

/// The range a dtype can hold: integers by width and signedness, floats up to
/// their largest finite value.
std::pair<double, double> dtypeLimits(Type dtype) {
  if (auto intTy = dyn_cast<IntegerType>(dtype)) {
    unsigned w = intTy.getWidth();
    if (intTy.isUnsigned())
      return {0.0, std::ldexp(1.0, w) - 1};
    return {-std::ldexp(1.0, w - 1), std::ldexp(1.0, w - 1) - 1};
  }
  auto floatTy = cast<FloatType>(dtype);
  double largest =
      llvm::APFloat::getLargest(floatTy.getFloatSemantics()).convertToDouble();
  return {-largest, largest};
}

/// PyTorch's validate_qmin_qmax plus "fits the dtype".
LogicalResult verifyRange(EmitErrorFn emitError, Type dtype,
                          std::optional<int64_t> quantMin,
                          std::optional<int64_t> quantMax) {
  if (quantMin.has_value() != quantMax.has_value())
    return emitError() << "quant_min and quant_max must be given together";
  if (!quantMin)
    return success();
  // PyTorch checks 0 first; a reversed range says what is wrong with it.
  if (*quantMin >= *quantMax)
    return emitError() << "quant_min (" << *quantMin
                       << ") must be less than quant_max (" << *quantMax << ")";
  if (*quantMin > 0 || *quantMax < 0)
    return emitError() << "quantization range [" << *quantMin << ", "
                       << *quantMax << "] must include 0";
  auto [lo, hi] = dtypeLimits(dtype);
  if (static_cast<double>(*quantMin) < lo || static_cast<double>(*quantMax) > hi)
    return emitError() << "quantization range [" << *quantMin << ", "
                       << *quantMax << "] does not fit dtype " << dtype;
  return success();
}

LogicalResult verifyChannelAxis(EmitErrorFn emitError,
                                std::optional<QScheme> qscheme,
                                std::optional<int64_t> chAxis) {
  if (chAxis && *chAxis < 0)
    return emitError() << "ch_axis must be non-negative, got " << *chAxis;
  if (qscheme && isPerChannel(*qscheme) && !chAxis)
    return emitError() << "qscheme " << stringifyQScheme(*qscheme)
                       << " requires ch_axis";
  return success();
}

/// PyTorch keeps eps, fixed scales and the averaging constant as float32
/// (`torch.tensor([eps])`, float32 tensor arithmetic): a value that is a
/// positive double but 0 or inf as float32 silently means something else.
LogicalResult verifyPositiveFloat32(EmitErrorFn emitError, StringRef name,
                                    const llvm::APFloat &value) {
  if (!value.isFiniteNonZero() || value.isNegative())
    return emitError() << name << " must be a positive finite number";
  // APFloat rounds as a C++ cast would, without its undefined behaviour for
  // values beyond float's range.
  llvm::APFloat f = value;
  bool lost = false;
  f.convert(llvm::APFloat::IEEEsingle(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  if (f.isZero() || f.isInfinity()) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.6g", value.convertToDouble());
    return emitError() << name << " = " << text << " is "
                       << (f.isZero() ? "0" : "inf")
                       << " in float32, where PyTorch computes with it; use a "
                          "value in [1.4e-45, 3.4e38]";
  }
  return success();
}

std::string allNames(llvm::function_ref<StringRef(uint32_t)> stringify,
                     uint32_t count) {
  std::string s;
  for (uint32_t i = 0; i < count; ++i) {
    if (i)
      s += ", ";
    s += stringify(i).str();
  }
  return s;
}

/// Parses `keyword` as an enum case, with an error that lists the cases.
template <typename EnumT>
ParseResult parseEnumKeyword(AsmParser &parser, StringRef what,
                             std::optional<EnumT> (*symbolize)(StringRef),
                             StringRef (*stringify)(EnumT), uint32_t count,
                             EnumT &result) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef kw;
  if (parser.parseKeyword(&kw))
    return failure();
  std::optional<EnumT> value = symbolize(kw);
  if (!value)
    return parser.emitError(loc)
           << "unknown " << what << " '" << kw << "'; expected one of: "
           << allNames([&](uint32_t i) { return stringify(EnumT(i)); }, count);
  result = *value;
  return success();
}

ParseResult parseQScheme(AsmParser &parser, QScheme &result) {
  return parseEnumKeyword<QScheme>(parser, "qscheme", symbolizeQScheme,
                                   stringifyQScheme,
                                   getMaxEnumValForQScheme() + 1, result);
}

/// Parses `(, key [= value])*` until the closing delimiter, rejecting unknown
/// and repeated keys. `parseValue` reads what follows the key.
ParseResult
parseKeywordList(AsmParser &parser, StringRef attrName,
                 ArrayRef<StringRef> keys,
                 llvm::function_ref<ParseResult(StringRef, SMLoc)> parseValue,
                 bool leadingComma = true) {
  llvm::StringSet<> seen;
  bool first = !leadingComma;
  while (true) {
    if (!first && failed(parser.parseOptionalComma()))
      return success();
    first = false;
    SMLoc loc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return failure();
    if (!llvm::is_contained(keys, key))
      return parser.emitError(loc)
             << "unknown parameter '" << key << "' in " << attrName
             << "; expected one of: " << llvm::join(keys, ", ");
    if (!seen.insert(key).second)
      return parser.emitError(loc)
             << "parameter '" << key << "' given twice in " << attrName;
    if (parseValue(key, loc))
      return failure();
  }
}

/// The parameters QSpec, FixedQSpec and DerivedQSpec have in common.
struct CommonSpecParams {
  std::optional<int64_t> quantMin, quantMax, chAxis;
  std::optional<QScheme> qscheme;
  bool isDynamic = false;

  static constexpr StringRef kKeys[] = {"quant_min", "quant_max", "qscheme",
                                        "ch_axis", "dynamic"};

  /// Parses the value of `key` if it is a common one; sets `handled`.
  ParseResult parse(AsmParser &parser, StringRef key, bool &handled) {
    handled = true;
    auto parseInt = [&](std::optional<int64_t> &dst) -> ParseResult {
      int64_t v;
      if (parser.parseEqual() || parser.parseInteger(v))
        return failure();
      dst = v;
      return success();
    };
    if (key == "quant_min")
      return parseInt(quantMin);
    if (key == "quant_max")
      return parseInt(quantMax);
    if (key == "ch_axis")
      return parseInt(chAxis);
    if (key == "qscheme") {
      QScheme q;
      if (parser.parseEqual() || parseQScheme(parser, q))
        return failure();
      qscheme = q;
      return success();
    }
    if (key == "dynamic") {
      isDynamic = true;
      return success();
    }
    handled = false;
    return success();
  }
};

void printCommon(AsmPrinter &printer, std::optional<int64_t> quantMin,
                 std::optional<int64_t> quantMax,
                 std::optional<QScheme> qscheme, std::optional<int64_t> chAxis,
                 bool isDynamic) {
  if (quantMin)
    printer << ", quant_min = " << *quantMin;
  if (quantMax)
    printer << ", quant_max = " << *quantMax;
  if (qscheme)
    printer << ", qscheme = " << stringifyQScheme(*qscheme);
  if (chAxis)
    printer << ", ch_axis = " << *chAxis;
  if (isDynamic)
    printer << ", dynamic";
}

ParseResult parseDType(AsmParser &parser, Type &dtype) {
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseType(dtype))
    return failure();
  if (!isSupportedDType(dtype))
    return parser.emitError(loc) << "unsupported dtype " << dtype
                                 << "; expected one of " << kSupportedDTypes;
  return success();
}

/// `<` body `>` for attributes whose body can also appear inside others.
template <typename AttrT>
Attribute parseBodyInAngles(AsmParser &parser) {
  if (parser.parseLess())
    return {};
  FailureOr<AttrT> attr = AttrT::parseBody(parser);
  if (failed(attr) || parser.parseGreater())
    return {};
  return *attr;
}

template <typename AttrT>
void printBodyInAngles(AsmPrinter &printer, AttrT attr) {
  printer << "<";
  attr.printBody(printer);
  printer << ">";
}

ParseResult parseDouble(AsmParser &parser, llvm::APFloat &result) {
  double v;
  if (parser.parseEqual() || parser.parseFloat(v))
    return failure();
  result = llvm::APFloat(v);
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// ObserverAttr
//===----------------------------------------------------------------------===//

bool ObserverAttr::isPerChannel() const {
  return getKind() == ObserverKind::per_channel_minmax ||
         getKind() == ObserverKind::moving_average_per_channel_minmax;
}

bool ObserverAttr::isMovingAverage() const {
  return getKind() == ObserverKind::moving_average_minmax ||
         getKind() == ObserverKind::moving_average_per_channel_minmax;
}

LogicalResult ObserverAttr::verify(EmitErrorFn emitError, ObserverKind kind,
                                   llvm::APFloat eps, bool reduceRange,
                                   llvm::APFloat averagingConstant,
                                   int64_t bins, int64_t upsampleRate,
                                   bool fakeQuant) {
  if (failed(verifyPositiveFloat32(emitError, "eps", eps)))
    return failure();
  bool movingAverage = kind == ObserverKind::moving_average_minmax ||
                       kind == ObserverKind::moving_average_per_channel_minmax;
  double c = averagingConstant.convertToDouble();
  if (!(c > 0.0 && c <= 1.0))
    return emitError() << "averaging_constant must be in (0, 1], got " << c;
  if (failed(verifyPositiveFloat32(emitError, "averaging_constant",
                                   averagingConstant)))
    return failure();
  if (!movingAverage && c != getDefaultAveragingConstant())
    return emitError() << "averaging_constant applies only to moving-average "
                          "observers, not "
                       << stringifyObserverKind(kind);
  if (bins <= 0)
    return emitError() << "bins must be positive, got " << bins;
  if (bins > getMaxBins())
    return emitError() << "bins = " << bins << " is above qprep's limit of "
                       << getMaxBins()
                       << " (the state and the qparams search grow with bins)";
  if (reduceRange && kind == ObserverKind::placeholder)
    return emitError() << "reduce_range does not apply to placeholder "
                          "observers (PlaceholderObserver takes no "
                          "reduce_range)";
  if (upsampleRate <= 0)
    return emitError() << "upsample_rate must be positive, got "
                       << upsampleRate;
  if (kind != ObserverKind::histogram &&
      (bins != getDefaultBins() || upsampleRate != getDefaultUpsampleRate()))
    return emitError() << "bins and upsample_rate apply only to histogram "
                          "observers, not "
                       << stringifyObserverKind(kind);
  return success();
}

FailureOr<ObserverAttr> ObserverAttr::parseBody(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  ObserverKind kind;
  if (parseEnumKeyword<ObserverKind>(
          parser, "observer", symbolizeObserverKind, stringifyObserverKind,
          getMaxEnumValForObserverKind() + 1, kind))
    return failure();
  llvm::APFloat eps(getDefaultEps());
  llvm::APFloat averagingConstant(getDefaultAveragingConstant());
  int64_t bins = getDefaultBins(), upsampleRate = getDefaultUpsampleRate();
  bool reduceRange = false, fakeQuant = false;
  if (succeeded(parser.parseOptionalLParen()) &&
      failed(parser.parseOptionalRParen())) {
    static constexpr StringRef keys[] = {"eps",          "reduce_range",
                                         "averaging_constant", "bins",
                                         "upsample_rate", "fake_quant"};
    auto parseValue = [&](StringRef key, SMLoc) -> ParseResult {
      if (key == "eps")
        return parseDouble(parser, eps);
      if (key == "averaging_constant")
        return parseDouble(parser, averagingConstant);
      if (key == "bins")
        return failure(parser.parseEqual() || parser.parseInteger(bins));
      if (key == "upsample_rate")
        return failure(parser.parseEqual() ||
                       parser.parseInteger(upsampleRate));
      if (key == "reduce_range")
        reduceRange = true;
      else
        fakeQuant = true;
      return success();
    };
    if (parseKeywordList(parser, "observer", keys, parseValue,
                         /*leadingComma=*/false) ||
        parser.parseRParen())
      return failure();
  }
  auto attr = getChecked([&] { return parser.emitError(loc); },
                         parser.getContext(), kind, eps, reduceRange,
                         averagingConstant, bins, upsampleRate, fakeQuant);
  if (!attr)
    return failure();
  return attr;
}

void ObserverAttr::printBody(AsmPrinter &printer) const {
  printer << stringifyObserverKind(getKind());
  SmallVector<std::function<void()>> params;
  if (!getEps().bitwiseIsEqual(llvm::APFloat(getDefaultEps())))
    params.push_back([&] {
      printer << "eps = ";
      printer.printFloat(getEps());
    });
  if (getReduceRange())
    params.push_back([&] { printer << "reduce_range"; });
  if (!getAveragingConstant().bitwiseIsEqual(
          llvm::APFloat(getDefaultAveragingConstant())))
    params.push_back([&] {
      printer << "averaging_constant = ";
      printer.printFloat(getAveragingConstant());
    });
  if (getBins() != getDefaultBins())
    params.push_back([&] { printer << "bins = " << getBins(); });
  if (getUpsampleRate() != getDefaultUpsampleRate())
    params.push_back(
        [&] { printer << "upsample_rate = " << getUpsampleRate(); });
  if (getFakeQuant())
    params.push_back([&] { printer << "fake_quant"; });
  if (params.empty())
    return;
  printer << "(";
  llvm::interleaveComma(params, printer, [](auto &fn) { fn(); });
  printer << ")";
}

Attribute ObserverAttr::parse(AsmParser &parser, Type) {
  return parseBodyInAngles<ObserverAttr>(parser);
}

void ObserverAttr::print(AsmPrinter &printer) const {
  printBodyInAngles(printer, *this);
}

//===----------------------------------------------------------------------===//
// RefAttr
//===----------------------------------------------------------------------===//

LogicalResult RefAttr::verify(EmitErrorFn emitError, RefKind kind,
                              int64_t index, StringAttr opId) {
  if (index < 0)
    return emitError() << "reference index must be non-negative, got "
                       << index;
  if (opId && opId.getValue().empty())
    return emitError() << "op id in a reference must not be empty";
  return success();
}

FailureOr<RefAttr> RefAttr::parseBody(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  RefKind kind;
  int64_t index;
  if (parseEnumKeyword<RefKind>(parser, "reference kind", symbolizeRefKind,
                                stringifyRefKind,
                                getMaxEnumValForRefKind() + 1, kind))
    return failure();
  if (parser.parseInteger(index))
    return failure();
  StringAttr opId;
  if (succeeded(parser.parseOptionalKeyword("of"))) {
    std::string id;
    if (parser.parseString(&id))
      return failure();
    opId = StringAttr::get(parser.getContext(), id);
  }
  auto attr = getChecked([&] { return parser.emitError(loc); },
                         parser.getContext(), kind, index, opId);
  if (!attr)
    return failure();
  return attr;
}

void RefAttr::printBody(AsmPrinter &printer) const {
  printer << stringifyRefKind(getKind()) << " " << getIndex();
  if (getOpId()) {
    printer << " of ";
    printer.printString(getOpId().getValue());
  }
}

Attribute RefAttr::parse(AsmParser &parser, Type) {
  return parseBodyInAngles<RefAttr>(parser);
}

void RefAttr::print(AsmPrinter &printer) const {
  printBodyInAngles(printer, *this);
}

//===----------------------------------------------------------------------===//
// QSpecAttr
//===----------------------------------------------------------------------===//

static ObserverKind defaultObserverKind(std::optional<QScheme> qscheme) {
  return qscheme && isPerChannel(*qscheme) ? ObserverKind::per_channel_minmax
                                           : ObserverKind::minmax;
}

QScheme QSpecAttr::getEffectiveQScheme() const {
  if (getQscheme())
    return *getQscheme();
  return getObserver().isPerChannel() ? QScheme::per_channel_affine
                                      : QScheme::per_tensor_affine;
}

std::pair<int64_t, int64_t> QSpecAttr::getEffectiveRange() const {
  return calculateQMinQMax(getDtype(), getQuantMin(), getQuantMax(),
                           getObserver().getReduceRange());
}

LogicalResult QSpecAttr::verify(EmitErrorFn emitError, Type dtype,
                                std::optional<int64_t> quantMin,
                                std::optional<int64_t> quantMax,
                                std::optional<QScheme> qscheme,
                                std::optional<int64_t> chAxis, bool isDynamic,
                                ObserverAttr observer) {
  if (failed(verifyDType(emitError, dtype)) ||
      failed(verifyRange(emitError, dtype, quantMin, quantMax)))
    return failure();
  if (!observer)
    return emitError() << "missing observer";
  ObserverKind kind = observer.getKind();
  // The qscheme the observer will be built with.
  QScheme effective = qscheme ? *qscheme
                              : (observer.isPerChannel()
                                     ? QScheme::per_channel_affine
                                     : QScheme::per_tensor_affine);
  if (kind != ObserverKind::placeholder &&
      observer.isPerChannel() != isPerChannel(effective))
    return emitError() << "observer " << stringifyObserverKind(kind)
                       << " does not support qscheme "
                       << stringifyQScheme(effective);
  if (failed(verifyChannelAxis(emitError, effective, chAxis)))
    return failure();
  // The constructor checks of PyTorch's observer classes, class by class
  // (docs/QPrep.md, "PyTorch's observer rules").
  auto intTy = dyn_cast<IntegerType>(dtype);
  if (kind != ObserverKind::placeholder && !intTy &&
      !isa<Float8E4M3FNType, Float8E5M2Type>(dtype))
    return emitError() << "observer " << stringifyObserverKind(kind)
                       << " does not support dtype " << dtype
                       << " (PyTorch's uniform observers take integer and "
                          "float8 dtypes; float ones need a placeholder)";
  if (kind == ObserverKind::histogram && !intTy)
    return emitError() << "observer histogram needs an integer dtype, not "
                       << dtype
                       << " (HistogramObserver quantizes into 2 ** "
                          "iinfo(dtype).bits levels)";
  // MinMax and PerChannelMinMax (and their moving averages) raise;
  // HistogramObserver accepts it.
  if (observer.getReduceRange() && isSymmetric(effective) &&
      kind != ObserverKind::histogram && intTy && intTy.isUnsigned() &&
      intTy.getWidth() == 8)
    return emitError()
           << "cannot reduce range for symmetric quantization of ui8 with "
              "observer "
           << stringifyObserverKind(kind);
  if (observer.getFakeQuant() && quantMin && !intTy)
    return emitError() << "fake_quant with a custom range needs an integer "
                          "dtype, not "
                       << dtype
                       << " (FakeQuantize checks the range against "
                          "torch.iinfo(dtype))";
  if (isDynamic &&
      (observer.isPerChannel() || kind == ObserverKind::histogram))
    return emitError() << "observer " << stringifyObserverKind(kind)
                       << " does not support dynamic quantization";
  if (isDynamic && observer.isMovingAverage() &&
      !observer.getAveragingConstant().isExactlyValue(1.0))
    return emitError() << "dynamic quantization with a moving-average "
                          "observer requires averaging_constant = 1.0";
  return success();
}

Attribute QSpecAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  Type dtype;
  if (parser.parseLess() || parseDType(parser, dtype))
    return {};
  CommonSpecParams common;
  ObserverAttr observer;
  SmallVector<StringRef> keys(std::begin(CommonSpecParams::kKeys),
                              std::end(CommonSpecParams::kKeys));
  keys.push_back("observer");
  auto parseValue = [&](StringRef key, SMLoc) -> ParseResult {
    bool handled;
    if (common.parse(parser, key, handled))
      return failure();
    if (handled)
      return success();
    // key == "observer"
    if (parser.parseEqual())
      return failure();
    FailureOr<ObserverAttr> obs = ObserverAttr::parseBody(parser);
    if (failed(obs))
      return failure();
    observer = *obs;
    return success();
  };
  if (parseKeywordList(parser, "#qprep.qspec", keys, parseValue) ||
      parser.parseGreater())
    return {};
  if (!observer)
    observer =
        ObserverAttr::get(parser.getContext(), defaultObserverKind(common.qscheme));
  return getChecked([&] { return parser.emitError(loc); }, parser.getContext(),
                    dtype, common.quantMin, common.quantMax, common.qscheme,
                    common.chAxis, common.isDynamic, observer);
}

void QSpecAttr::print(AsmPrinter &printer) const {
  printer << "<" << getDtype();
  printCommon(printer, getQuantMin(), getQuantMax(), getQscheme(), getChAxis(),
              getIsDynamic());
  if (getObserver() !=
      ObserverAttr::get(getContext(), defaultObserverKind(getQscheme()))) {
    printer << ", observer = ";
    getObserver().printBody(printer);
  }
  printer << ">";
}

//===----------------------------------------------------------------------===//
// FixedQSpecAttr
//===----------------------------------------------------------------------===//

LogicalResult FixedQSpecAttr::verify(EmitErrorFn emitError, Type dtype,
                                     llvm::APFloat scale, int64_t zeroPoint,
                                     std::optional<int64_t> quantMin,
                                     std::optional<int64_t> quantMax,
                                     std::optional<QScheme> qscheme,
                                     bool isDynamic) {
  if (failed(verifyDType(emitError, dtype)) ||
      failed(verifyRange(emitError, dtype, quantMin, quantMax)))
    return failure();
  if (failed(verifyPositiveFloat32(emitError, "scale", scale)))
    return failure();
  if (isDynamic)
    return emitError() << "fixed qparams do not support dynamic quantization "
                          "(FixedQParamsObserver raises)";
  if (qscheme && isPerChannel(*qscheme))
    return emitError() << "fixed qparams support only per-tensor qschemes, "
                          "not "
                       << stringifyQScheme(*qscheme);
  auto [qmin, qmax] = calculateQMinQMax(dtype, quantMin, quantMax, false);
  if (zeroPoint < qmin || zeroPoint > qmax)
    return emitError() << "zero_point " << zeroPoint
                       << " is outside the quantization range [" << qmin
                       << ", " << qmax << "]";
  return success();
}

Attribute FixedQSpecAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  Type dtype;
  if (parser.parseLess() || parseDType(parser, dtype))
    return {};
  CommonSpecParams common;
  std::optional<llvm::APFloat> scale;
  std::optional<int64_t> zeroPoint;
  static constexpr StringRef keys[] = {"scale",   "zero_point", "quant_min",
                                       "quant_max", "qscheme",  "dynamic"};
  auto parseValue = [&](StringRef key, SMLoc) -> ParseResult {
    if (key == "scale") {
      scale.emplace(0.0);
      return parseDouble(parser, *scale);
    }
    if (key == "zero_point") {
      int64_t zp;
      if (parser.parseEqual() || parser.parseInteger(zp))
        return failure();
      zeroPoint = zp;
      return success();
    }
    bool handled;
    return common.parse(parser, key, handled);
  };
  if (parseKeywordList(parser, "#qprep.fixed_qspec", keys, parseValue) ||
      parser.parseGreater())
    return {};
  if (!scale || !zeroPoint) {
    parser.emitError(loc) << "#qprep.fixed_qspec requires "
                          << (!scale ? "scale" : "zero_point");
    return {};
  }
  return getChecked([&] { return parser.emitError(loc); }, parser.getContext(),
                    dtype, *scale, *zeroPoint, common.quantMin,
                    common.quantMax, common.qscheme, common.isDynamic);
}

void FixedQSpecAttr::print(AsmPrinter &printer) const {
  printer << "<" << getDtype() << ", scale = ";
  printer.printFloat(getScale());
  printer << ", zero_point = " << getZeroPoint();
  printCommon(printer, getQuantMin(), getQuantMax(), getQscheme(),
              std::nullopt, getIsDynamic());
  printer << ">";
}

//===----------------------------------------------------------------------===//
// SharedQSpecAttr
//===----------------------------------------------------------------------===//

Attribute SharedQSpecAttr::parse(AsmParser &parser, Type) {
  if (parser.parseLess())
    return {};
  FailureOr<RefAttr> ref = RefAttr::parseBody(parser);
  if (failed(ref) || parser.parseGreater())
    return {};
  return get(parser.getContext(), *ref);
}

void SharedQSpecAttr::print(AsmPrinter &printer) const {
  printer << "<";
  getTarget().printBody(printer);
  printer << ">";
}

//===----------------------------------------------------------------------===//
// DerivedQSpecAttr
//===----------------------------------------------------------------------===//

QScheme DerivedQSpecAttr::getEffectiveQScheme() const {
  return getQscheme() ? *getQscheme() : QScheme::per_tensor_affine;
}

LogicalResult DerivedQSpecAttr::verify(
    EmitErrorFn emitError, Type dtype, ArrayAttr derivedFrom,
    std::optional<int64_t> quantMin, std::optional<int64_t> quantMax,
    std::optional<QScheme> qscheme, std::optional<int64_t> chAxis,
    bool isDynamic, FlatSymbolRefAttr deriveFn) {
  if (failed(verifyDType(emitError, dtype)) ||
      failed(verifyRange(emitError, dtype, quantMin, quantMax)) ||
      failed(verifyChannelAxis(emitError, qscheme, chAxis)))
    return failure();
  if (!derivedFrom || derivedFrom.empty())
    return emitError() << "a derived spec needs at least one source in 'from'";
  for (Attribute src : derivedFrom)
    if (!isa<RefAttr, FlatSymbolRefAttr>(src))
      return emitError() << "derived spec sources must be edge/node "
                            "references or observer symbols, got "
                         << src;
  return success();
}

Attribute DerivedQSpecAttr::parse(AsmParser &parser, Type) {
  SMLoc loc = parser.getCurrentLocation();
  MLIRContext *ctx = parser.getContext();
  Type dtype;
  if (parser.parseLess() || parseDType(parser, dtype))
    return {};
  CommonSpecParams common;
  ArrayAttr from;
  FlatSymbolRefAttr deriveFn;
  SmallVector<StringRef> keys(std::begin(CommonSpecParams::kKeys),
                              std::end(CommonSpecParams::kKeys));
  keys.push_back("from");
  keys.push_back("derive");
  auto parseSource = [&](SmallVectorImpl<Attribute> &out) -> ParseResult {
    StringAttr sym;
    if (succeeded(parser.parseOptionalSymbolName(sym))) {
      out.push_back(FlatSymbolRefAttr::get(sym));
      return success();
    }
    FailureOr<RefAttr> ref = RefAttr::parseBody(parser);
    if (failed(ref))
      return failure();
    out.push_back(*ref);
    return success();
  };
  auto parseValue = [&](StringRef key, SMLoc keyLoc) -> ParseResult {
    if (key == "from") {
      SmallVector<Attribute> sources;
      if (parser.parseEqual() ||
          parser.parseCommaSeparatedList(AsmParser::Delimiter::Square,
                                         [&] { return parseSource(sources); }))
        return failure();
      from = ArrayAttr::get(ctx, sources);
      return success();
    }
    if (key == "derive") {
      if (parser.parseEqual())
        return failure();
      StringAttr sym;
      if (succeeded(parser.parseOptionalSymbolName(sym))) {
        deriveFn = FlatSymbolRefAttr::get(sym);
        return success();
      }
      SMLoc ruleLoc = parser.getCurrentLocation();
      StringRef rule;
      if (parser.parseKeyword(&rule))
        return failure();
      if (rule != "scale_product")
        return parser.emitError(ruleLoc)
               << "unknown derive rule '" << rule
               << "'; expected scale_product or a function symbol @name";
      return success();
    }
    bool handled;
    return common.parse(parser, key, handled);
  };
  if (parseKeywordList(parser, "#qprep.derived", keys, parseValue) ||
      parser.parseGreater())
    return {};
  if (!from) {
    parser.emitError(loc) << "#qprep.derived requires 'from = [...]'";
    return {};
  }
  return getChecked([&] { return parser.emitError(loc); }, ctx, dtype, from,
                    common.quantMin, common.quantMax, common.qscheme,
                    common.chAxis, common.isDynamic, deriveFn);
}

void DerivedQSpecAttr::print(AsmPrinter &printer) const {
  printer << "<" << getDtype() << ", from = [";
  llvm::interleaveComma(getDerivedFrom(), printer, [&](Attribute src) {
    if (auto ref = dyn_cast<RefAttr>(src))
      ref.printBody(printer);
    else
      printer.printAttribute(src);
  });
  printer << "]";
  printCommon(printer, getQuantMin(), getQuantMax(), getQscheme(), getChAxis(),
              getIsDynamic());
  if (getDeriveFn()) {
    printer << ", derive = ";
    printer.printAttribute(getDeriveFn());
  }
  printer << ">";
}

