//===- CalibrationData.h - qprep-run's .npy calibration batches -*- C++ -*-===//
//
// A --data directory holds batch<B>_arg<I>.npy, one float32 file per entry
// argument per batch. Everything is checked before the first batch runs:
// names (no gap in B, no I beyond the arguments), file kinds (regular files
// only: a FIFO or /dev/zero would hang or grow memory without bound), .npy
// headers, dtype, shape and exact file size.
//
//===----------------------------------------------------------------------===//

#ifndef QPREP_TOOLS_QPREP_RUN_CALIBRATIONDATA_H
#define QPREP_TOOLS_QPREP_RUN_CALIBRATIONDATA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace qprep_run {

/// A checked .npy file: where its float32 payload starts and its layout.
struct NpyFile {
  std::string path;
  uint64_t payloadOffset = 0;
  bool fortranOrder = false;
};

/// Every file of a --data directory, checked: files[b][i] is batch b's
/// argument i.
struct DataSet {
  std::vector<std::vector<NpyFile>> files;
};

/// Scans and checks `dir` for an entry function `entry` with arguments of
/// `shapes`. The error names the file and what is wrong with it.
llvm::Expected<DataSet>
scanDataDir(llvm::StringRef dir, llvm::StringRef entry,
            llvm::ArrayRef<std::vector<int64_t>> shapes);

/// Checks one file against `shape` (kind, header, dtype, shape, size).
llvm::Expected<NpyFile> inspectNpy(const std::string &path,
                                   llvm::ArrayRef<int64_t> shape);

/// Reads a checked file's payload into `out` (row-major, numel(shape)
/// floats), reordering a Fortran-order file.
llvm::Error loadNpy(const NpyFile &file, llvm::ArrayRef<int64_t> shape,
                    float *out);

/// A row-major float32 buffer; allocation failure is an error, not an abort.
struct Buffer {
  std::unique_ptr<float[]> data;
  int64_t size = 0;
};
llvm::Expected<Buffer> allocateBuffer(llvm::ArrayRef<int64_t> shape,
                                      const llvm::Twine &what);

/// Refuses inputs that need more memory than the machine has (a 400 GB
/// argument would otherwise end in "LLVM ERROR: out of memory" or the OOM
/// killer).
llvm::Error checkMemory(llvm::ArrayRef<std::vector<int64_t>> shapes,
                        llvm::StringRef entry);

} // namespace qprep_run

#endif // QPREP_TOOLS_QPREP_RUN_CALIBRATIONDATA_H
