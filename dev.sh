#!/usr/bin/env bash
# qprep's one entry point for set-up, the example and the tests.
#
#   ./dev.sh example   install what is missing, build, prepare examples/small_cnn.mlir
#   ./dev.sh test      install what is missing, build, run the whole test suite
#   ./dev.sh build     install what is missing and build
#
# Set-up is idempotent and quiet when everything is there: Debian packages are
# installed with apt-get only when missing (as root, or through sudo), CMake is
# configured once into $QPREP_BUILD_DIR (default: build/), and ninja rebuilds
# what changed.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD_DIR=${QPREP_BUILD_DIR:-$ROOT/build}
LLVM_PREFIX=/usr/lib/llvm-22

PACKAGES=(
  llvm-22-dev llvm-22-tools libmlir-22-dev mlir-22-tools clang-22 lld-22
  ninja-build cmake python3-dev python3-numpy pybind11-dev python3-pybind11
  python3-torch python3-torchvision libgtest-dev python3-tqdm
)

log() { printf '[qprep] %s\n' "$*" >&2; }

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
}

configure() {
  [ -f "$BUILD_DIR/build.ninja" ] && return 0
  log "configuring into $BUILD_DIR"
  cmake -G Ninja -S "$ROOT" -B "$BUILD_DIR" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=$LLVM_PREFIX/lib/cmake/mlir \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLLVM_USE_LINKER=lld \
    -DPython3_EXECUTABLE=/usr/bin/python3 >/dev/null
}

build() {
  install_packages
  configure
  log "building"
  ninja -C "$BUILD_DIR" --quiet
}

case "${1:-}" in
  build)
    build
    ;;
  example)
    build
    log "qprep-run: prepare, lower, JIT and calibrate examples/small_cnn.mlir on examples/small_cnn_data"
    "$BUILD_DIR/bin/qprep-run" "$ROOT/examples/small_cnn.mlir" \
      --data "$ROOT/examples/small_cnn_data" --json "$BUILD_DIR/small_cnn.qparams.json"
    log "observers, statistics and qparams also in $BUILD_DIR/small_cnn.qparams.json"
    ;;
  test)
    build
    log "running the test suite"
    ctest --test-dir "$BUILD_DIR" --output-on-failure --verbose
    ;;
  *)
    echo "usage: $0 {example|test|build}" >&2
    exit 2
    ;;
esac
