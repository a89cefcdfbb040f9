#!/usr/bin/env bash
# Installs what Ensemble needs and builds it. Idempotent: when everything is installed and nothing changed
# since the last build, it returns in well under a second. Used by ./ensemble, ./test.sh and the container
# images (deploy/docker/Dockerfile*).
#   scripts/setup.sh [--quiet] [--test] [--without TAG]...
# --test also installs the tools the tests check against (scripts/debian-packages-test.txt).
# --without TAG leaves out the listed packages with that tag (see scripts/install-debian-packages.sh), e.g. the CUDA
# image builds with --without torch, against PyTorch's libtorch named in ENSEMBLE_CMAKE_ARGS.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUIET=0
LISTS=("$ROOT/scripts/debian-packages.txt")
FILTERS=()
while (($#)); do
  case "$1" in
    --quiet) QUIET=1; shift ;;
    --test) LISTS+=("$ROOT/scripts/debian-packages-test.txt"); shift ;;
    --without)
      [[ $# -ge 2 ]] || { echo "setup: --without needs a TAG" >&2; exit 2; }
      FILTERS+=(--without "$2"); shift 2 ;;
    *) echo "setup: unknown option $1 (expected --quiet, --test or --without TAG)" >&2; exit 2 ;;
  esac
done
say() { [[ $QUIET == 1 ]] || echo "setup: $*" >&2; }
log() { echo "setup: $*" >&2; }

# 1. Debian packages (the same script the container images call).
"$ROOT/scripts/install-debian-packages.sh" "${FILTERS[@]}" "${LISTS[@]}"

if ! command -v dotnet >/dev/null; then
  log "the .NET SDK (dotnet, version in global.json) is not on PATH; install it first"
  exit 1
fi

# Debian's libtorch must find OpenBLAS as its BLAS, or matrix products run ~28x slower.
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 2>/dev/null || true)"
if [[ " ${FILTERS[*]} " != *" --without torch "* && "$blas" != *openblas* ]]; then
  log "warning: libblas.so.3 resolves to ${blas:-nothing}, not OpenBLAS; libtorch will be slow" \
      "(update-alternatives --config libblas.so.3-x86_64-linux-gnu)"
fi

# 2. The native binding, rebuilt when its sources change.
mkdir -p "$ROOT/artifacts"
NATIVE_SRC="$ROOT/src/Torch/native"
NATIVE_BUILD="$ROOT/artifacts/native-build"
NATIVE_LIB="$ROOT/artifacts/native/libensemble_torch.so"
if [[ ! -f "$NATIVE_LIB" || -n "$(find "$NATIVE_SRC" -newer "$NATIVE_LIB" -type f -print -quit)" ]]; then
  say "building the native binding (src/Torch/native)"
  cmake -S "$NATIVE_SRC" -B "$NATIVE_BUILD" -DCMAKE_BUILD_TYPE=Release ${ENSEMBLE_CMAKE_ARGS:-} >"$ROOT/artifacts/cmake-configure.log" 2>&1 \
    || { cat "$ROOT/artifacts/cmake-configure.log" >&2; exit 1; }
  cmake --build "$NATIVE_BUILD" -j"$(nproc)" >"$ROOT/artifacts/cmake-build.log" 2>&1 \
    || { cat "$ROOT/artifacts/cmake-build.log" >&2; exit 1; }
  mkdir -p "$(dirname "$NATIVE_LIB")"
  cp "$NATIVE_BUILD/libensemble_torch.so" "$NATIVE_LIB.tmp" && mv "$NATIVE_LIB.tmp" "$NATIVE_LIB"
fi

# 3. The .NET solution (Release), rebuilt when a source, project or the native library changes.
STAMP="$ROOT/artifacts/.dotnet-build-stamp"
if [[ ! -f "$STAMP" || "$NATIVE_LIB" -nt "$STAMP" || \
      -n "$(find "$ROOT/src" "$ROOT/tests" "$ROOT"/*.props "$ROOT/global.json" \
              \( -path '*/native' -prune \) -o \( -type f -newer "$STAMP" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) -print \) \
              2>/dev/null | head -n1)" ]]; then
  say "building the .NET solution (Release)"
  touch "$STAMP.new"
  dotnet build "$ROOT/Ensemble.sln" -c Release -nologo -v quiet >"$ROOT/artifacts/dotnet-build.log" 2>&1 \
    || { grep -E "error|warning" "$ROOT/artifacts/dotnet-build.log" | sort -u >&2; rm -f "$STAMP.new"; exit 1; }
  mv "$STAMP.new" "$STAMP"
fi
