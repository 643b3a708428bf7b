#!/usr/bin/env bash
# Builds the llama.cpp peer of the Generate benchmark (issue 12), never a dependency of the Swift package.
#
# Source: the llama.cpp that the PyPI sdist of llama-cpp-python carries in vendor/llama.cpp.
# Tools: CMake and Ninja from PyPI, pinned, in a venv of their own under the cache folder.
# Flags: -DGGML_NATIVE=ON -DCMAKE_BUILD_TYPE=Release; targets llama-bench, llama-batched-bench,
# llama-perplexity, llama-server. The compile runs through /work/bin/swiftslot (if present) so that
# it counts as one of the machine's heavy builds, with -j2.
#
# Everything lives in .build-llama-cpp/ (git-ignored by `.build-*/`). Safe to run again: each step is
# skipped when its output is already there. Prints the directory holding the binaries on its last line.
#
# Environment: LLAMA_CPP_PYTHON_VERSION (default 0.3.36), BUILD_JOBS (default 2).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
JOBS=${BUILD_JOBS:-2}
CMAKE_VERSION=3.31.10
NINJA_VERSION=1.13.2
TARGETS=(llama-bench llama-batched-bench llama-perplexity llama-server)

CACHE=$PWD/.build-llama-cpp
TOOLS=$CACHE/tools-venv
SDIST_DIR=$CACHE/sdist
SRC_ROOT=$CACHE/src/llama_cpp_python-$VERSION
SRC=$SRC_ROOT/vendor/llama.cpp
BUILD=$CACHE/build-$VERSION
BIN=$BUILD/bin
mkdir -p "$CACHE" "$SDIST_DIR" "$CACHE/src"

# 1. CMake and Ninja from PyPI, pinned.
if [[ ! -x "$TOOLS/bin/cmake" || ! -x "$TOOLS/bin/ninja" ]] \
   || ! "$TOOLS/bin/cmake" --version | grep -q "version $CMAKE_VERSION"; then
  echo "build-llama-cpp: installing cmake==$CMAKE_VERSION ninja==$NINJA_VERSION into $TOOLS" >&2
  python3 -m venv "$TOOLS"
  "$TOOLS/bin/pip" install -q --disable-pip-version-check "cmake==$CMAKE_VERSION" "ninja==$NINJA_VERSION"
fi

# 2. The sdist, and its vendored llama.cpp.
SDIST=$(ls "$SDIST_DIR"/llama_cpp_python-"$VERSION".tar.gz 2>/dev/null || true)
if [[ -z "$SDIST" ]]; then
  echo "build-llama-cpp: downloading the sdist of llama-cpp-python==$VERSION" >&2
  # --no-binary for this one package (not :all:): pip prepares the sdist's metadata in an isolated
  # build environment, and with :all: it would compile CMake itself from source for that.
  "$TOOLS/bin/pip" download -q --disable-pip-version-check --no-binary llama-cpp-python --no-deps \
    -d "$SDIST_DIR" "llama-cpp-python==$VERSION"
  SDIST=$(ls "$SDIST_DIR"/llama_cpp_python-"$VERSION".tar.gz)
fi
if [[ ! -f "$SRC/CMakeLists.txt" ]]; then
  echo "build-llama-cpp: unpacking $SDIST" >&2
  rm -rf "$SRC_ROOT"
  tar -xzf "$SDIST" -C "$CACHE/src"
  [[ -f "$SRC/CMakeLists.txt" ]] || { echo "build-llama-cpp: no vendor/llama.cpp in $SDIST" >&2; exit 1; }
fi

# 3. Configure and build the four tools.
if [[ ! -f "$BUILD/build.ninja" ]]; then
  echo "build-llama-cpp: configuring $SRC" >&2
  "$TOOLS/bin/cmake" -S "$SRC" -B "$BUILD" -G Ninja \
    -DCMAKE_MAKE_PROGRAM="$TOOLS/bin/ninja" \
    -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON \
    -DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF >&2
fi
missing=()
for t in "${TARGETS[@]}"; do [[ -x "$BIN/$t" ]] || missing+=("$t"); done
if ((${#missing[@]})); then
  SLOT=()
  [[ -x /work/bin/swiftslot ]] && SLOT=(/work/bin/swiftslot)
  echo "build-llama-cpp: building ${missing[*]} with -j$JOBS" >&2
  "${SLOT[@]}" "$TOOLS/bin/cmake" --build "$BUILD" -j "$JOBS" --target "${TARGETS[@]}" >&2
fi
for t in "${TARGETS[@]}"; do
  [[ -x "$BIN/$t" ]] || { echo "build-llama-cpp: $BIN/$t was not built" >&2; exit 1; }
done
echo "$BIN"
