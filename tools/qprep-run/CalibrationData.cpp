//===- CalibrationData.cpp - qprep-run's .npy calibration batches ---------===//

#include "CalibrationData.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

#include <map>
#include <new>
#include <optional>
#include <unistd.h>

using namespace llvm;

namespace qprep_run {
namespace {
Error fail(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

std::string shapeString(ArrayRef<int64_t> s) {
  std::string out = "(";
  for (auto [i, v] : enumerate(s))
    out += (i ? ", " : "") + std::to_string(v);
  return out + (s.size() == 1 ? ",)" : ")");
}

const char *kindName(sys::fs::file_type t) {
  switch (t) {
  case sys::fs::file_type::directory_file:
    return "a directory";
  case sys::fs::file_type::fifo_file:
    return "a FIFO";
  case sys::fs::file_type::character_file:
    return "a character device";
  case sys::fs::file_type::block_file:
    return "a block device";
  case sys::fs::file_type::socket_file:
    return "a socket";
  case sys::fs::file_type::regular_file:
    return "a regular file";
  default:
    return "not a regular file";
  }
}

/// Reads exactly out.size() bytes at `offset`.
Error readExactly(const std::string &path, MutableArrayRef<char> out,
                  uint64_t offset) {
  Expected<sys::fs::file_t> f = sys::fs::openNativeFileForRead(path);
  if (!f)
    return fail("cannot read " + path + ": " + toString(f.takeError()));
  scope_exit close([&] { sys::fs::closeFile(*f); });
  size_t done = 0;
  while (done < out.size()) {
    Expected<size_t> n =
        sys::fs::readNativeFileSlice(*f, out.drop_front(done), offset + done);
    if (!n)
      return fail("cannot read " + path + ": " + toString(n.takeError()));
    if (*n == 0)
      return fail(path + ": truncated (the file changed while reading?)");
    done += *n;
  }
  return Error::success();
}

/// batch<B>_arg<I>.npy with B and I written without leading zeros.
std::optional<std::pair<uint64_t, uint64_t>> parseName(StringRef name) {
  auto number = [](StringRef &s, uint64_t &v) {
    size_t n = s.find_first_not_of("0123456789");
    StringRef digits = s.take_front(n);
    if (digits.empty() || (digits.size() > 1 && digits[0] == '0') ||
        digits.getAsInteger(10, v))
      return false;
    s = s.drop_front(digits.size());
    return true;
  };
  uint64_t b, i;
  if (!name.consume_front("batch") || !number(name, b) ||
      !name.consume_front("_arg") || !number(name, i) || name != ".npy")
    return std::nullopt;
  return std::make_pair(b, i);
}
} // namespace

Expected<NpyFile> inspectNpy(const std::string &path, ArrayRef<int64_t> shape) {
  sys::fs::file_status st;
  if (std::error_code ec = sys::fs::status(path, st))
    return fail("cannot read " + path + ": " + ec.message());
  if (st.type() != sys::fs::file_type::regular_file)
    return fail(path + " is " + kindName(st.type()) +
                "; calibration data must be regular .npy files");
  const uint64_t fileSize = st.getSize();
  char magic[12] = {};
  if (fileSize < 10)
    return fail(path + " is not a .npy file");
  if (Error e = readExactly(path, MutableArrayRef<char>(magic, 10), 0))
    return std::move(e);
  if (StringRef(magic, 6) != "\x93NUMPY")
    return fail(path + " is not a .npy file");
  unsigned major = static_cast<unsigned char>(magic[6]);
  uint64_t headerLen, start;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(magic[8]) |
                (static_cast<unsigned char>(magic[9]) << 8);
    start = 10;
  } else if (major == 2 || major == 3) {
    if (fileSize < 12)
      return fail(path + " is not a .npy file");
    if (Error e = readExactly(path, MutableArrayRef<char>(magic, 12), 0))
      return std::move(e);
    headerLen = 0;
    for (int i = 0; i < 4; ++i)
      headerLen |= static_cast<uint64_t>(static_cast<unsigned char>(magic[8 + i]))
                   << (8 * i);
    start = 12;
  } else {
    return fail(path + ": .npy format version " + Twine(major) +
                " is not supported (1, 2 and 3 are)");
  }
  // numpy itself refuses headers above 10000 bytes by default.
  if (headerLen > (1u << 20))
    return fail(path + ": .npy header of " + Twine(headerLen) +
                " bytes is not plausible");
  if (start + headerLen > fileSize)
    return fail(path + ": truncated .npy header");
  std::string headerBytes(headerLen, '\0');
  if (Error e = readExactly(
          path, MutableArrayRef<char>(headerBytes.data(), headerLen), start))
    return std::move(e);
  StringRef header = headerBytes;
  std::string missing;
  auto field = [&](StringRef key) -> StringRef {
    size_t at = header.find(key);
    if (at == StringRef::npos) {
      missing = key.str();
      return {};
    }
    return header.substr(at + key.size()).ltrim(" ':");
  };
  StringRef descr = field("'descr'");
  StringRef order = field("'fortran_order'");
  StringRef shapeText = field("'shape'");
  if (!missing.empty())
    return fail(path + ": .npy header has no " + missing);
  if (!descr.starts_with("<f4") && !descr.starts_with("|f4"))
    return fail(path + ": dtype " +
                descr.take_until([](char c) { return c == '\''; }) +
                ", expected float32 ('<f4')");
  NpyFile file;
  file.path = path;
  file.fortranOrder = order.starts_with("True");
  if (!shapeText.consume_front("("))
    return fail(path + ": bad shape in .npy header");
  shapeText = shapeText.take_until([](char c) { return c == ')'; });
  SmallVector<int64_t> fileShape;
  SmallVector<StringRef> parts;
  shapeText.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    int64_t v;
    if (part.trim().getAsInteger(10, v) || v < 0)
      return fail(path + ": bad shape in .npy header");
    fileShape.push_back(v);
  }
  if (ArrayRef<int64_t>(fileShape) != shape)
    return fail(path + ": shape " + shapeString(fileShape) +
                ", but the argument has " + shapeString(shape));
  // The shape is the argument's, whose byte size the Calibrator checked.
  uint64_t bytes = sizeof(float);
  for (int64_t d : shape)
    bytes *= static_cast<uint64_t>(d);
  file.payloadOffset = start + headerLen;
  if (fileSize != file.payloadOffset + bytes)
    return fail(path + " has " + Twine(fileSize) + " bytes; its header says " +
                Twine(file.payloadOffset + bytes) +
                (fileSize < file.payloadOffset + bytes ? " (truncated)"
                                                       : " (trailing data)"));
  return file;
}

Expected<DataSet> scanDataDir(StringRef dir, StringRef entry,
                              ArrayRef<std::vector<int64_t>> shapes) {
  sys::fs::file_status st;
  if (std::error_code ec = sys::fs::status(dir, st))
    return fail("cannot read --data " + dir + ": " + ec.message());
  if (st.type() != sys::fs::file_type::directory_file)
    return fail("--data " + dir + " is " + kindName(st.type()) +
                ", not a directory");
  // (batch, argument) -> path, in numeric order.
  std::map<std::pair<uint64_t, uint64_t>, std::string> found;
  std::error_code ec;
  for (sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef name = sys::path::filename(it->path());
    auto bi = parseName(name);
    if (!bi) {
      if (name.starts_with("batch") && name.ends_with(".npy"))
        return fail(it->path() +
                    ": not a calibration file name (expected "
                    "batch<B>_arg<I>.npy, numbers without leading zeros)");
      continue; // other files are not ours
    }
    if (bi->second >= shapes.size())
      return fail(it->path() + ": @" + entry + " has " +
                  Twine(shapes.size()) + " argument" +
                  (shapes.size() == 1 ? "" : "s") +
                  (shapes.size() == 1
                       ? " (arg0)"
                       : " (arg0 .. arg" + Twine(shapes.size() - 1) + ")"));
    found[*bi] = it->path();
  }
  if (ec)
    return fail("cannot read --data " + dir + ": " + ec.message());
  if (found.empty() || shapes.empty())
    return fail("no calibration data in " + dir +
                " (expected batch0_arg0.npy, batch0_arg1.npy, ...)");
  uint64_t batches = found.rbegin()->first.first + 1;
  DataSet data;
  for (uint64_t b = 0; b < batches; ++b) {
    auto &row = data.files.emplace_back();
    for (size_t i = 0; i < shapes.size(); ++i) {
      auto it = found.find({b, i});
      if (it == found.end()) {
        std::string path = (dir + "/batch" + Twine(b) + "_arg" + Twine(i) +
                            ".npy")
                               .str();
        bool gap = !found.count({b, 0}) && i == 0;
        return fail("cannot read " + path + ": No such file or directory (" +
                    (gap ? "batch numbers run from 0 without gaps; batch" +
                               Twine(batches - 1) + " exists"
                         : "@" + entry + " has " + Twine(shapes.size()) +
                               " arguments: one file per argument per "
                               "batch") +
                    ")");
      }
      Expected<NpyFile> f = inspectNpy(it->second, shapes[i]);
      if (!f)
        return f.takeError();
      row.push_back(*f);
    }
  }
  return data;
}

Error loadNpy(const NpyFile &file, ArrayRef<int64_t> shape, float *out) {
  int64_t numel = 1;
  for (int64_t d : shape)
    numel *= d;
  auto bytes = [](float *p, int64_t n) {
    return MutableArrayRef<char>(reinterpret_cast<char *>(p),
                                 n * sizeof(float));
  };
  if (!file.fortranOrder)
    return readExactly(file.path, bytes(out, numel), file.payloadOffset);
  // The entry function takes identity-layout (row-major) buffers: reorder a
  // column-major file into row-major while loading.
  Expected<Buffer> colMajor = allocateBuffer(shape, file.path);
  if (!colMajor)
    return colMajor.takeError();
  if (Error e = readExactly(file.path, bytes(colMajor->data.get(), numel),
                            file.payloadOffset))
    return e;
  int64_t rank = shape.size();
  std::vector<int64_t> idx(rank, 0);
  for (int64_t linear = 0; linear < numel; ++linear) {
    int64_t offset = 0, stride = 1;
    for (int64_t k = 0; k < rank; ++k) {
      offset += idx[k] * stride;
      stride *= shape[k];
    }
    out[linear] = colMajor->data[offset];
    for (int64_t k = rank - 1; k >= 0; --k) {
      if (++idx[k] < shape[k])
        break;
      idx[k] = 0;
    }
  }
  return Error::success();
}

Expected<Buffer> allocateBuffer(ArrayRef<int64_t> shape, const Twine &what) {
  Buffer b;
  b.size = 1;
  for (int64_t d : shape)
    b.size *= d;
  b.data.reset(new (std::nothrow) float[std::max<int64_t>(b.size, 1)]);
  if (!b.data)
    return fail("cannot allocate " + Twine(b.size * sizeof(float)) +
                " bytes for " + what);
  return b;
}

Error checkMemory(ArrayRef<std::vector<int64_t>> shapes, StringRef entry) {
  uint64_t total = 0;
  for (const auto &shape : shapes) {
    uint64_t bytes = sizeof(float);
    for (int64_t d : shape)
      bytes *= static_cast<uint64_t>(d); // checked by the Calibrator
    total = total > UINT64_MAX - bytes ? UINT64_MAX : total + bytes;
  }
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return Error::success();
  uint64_t physical = static_cast<uint64_t>(pages) * pageSize;
  if (total > physical)
    return fail("the arguments of @" + entry + " need " + Twine(total) +
                " bytes per batch, more than this machine's " +
                Twine(physical) + " bytes of memory");
  return Error::success();
}

} // namespace qprep_run
