#!/usr/bin/env bash
# Installs what Ensemble needs and builds it. Idempotent: when everything is installed and nothing changed
# since the last build, it returns in well under a second. Used by ./ensemble, ./test.sh and the container
# images (deploy/docker/Dockerfile*).
#   scripts/setup.sh [--quiet] [--test] [--without TAG]...
# --test also installs the tools the tests check against (scripts/debian-packages-test.txt).
# --without TAG leaves out the listed packages with that tag (see scripts/install-debian-packages.sh), e.g. an image's
# build stage leaves out the data. TorchSharp and libtorch come from NuGet with the restore.
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

# 2. The .NET solution (Release), rebuilt when a source, project or build file changes.
mkdir -p "$ROOT/artifacts"
STAMP="$ROOT/artifacts/.dotnet-build-stamp"
if [[ ! -f "$STAMP" || \
      -n "$(find "$ROOT/src" "$ROOT/tests" "$ROOT/eng" "$ROOT"/*.props "$ROOT"/*.targets "$ROOT/global.json" \
              -type f -newer "$STAMP" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) -print \
              2>/dev/null | head -n1)" ]]; then
  say "building the .NET solution (Release)"
  touch "$STAMP.new"
  dotnet build "$ROOT/Ensemble.sln" -c Release -nologo -v quiet >"$ROOT/artifacts/dotnet-build.log" 2>&1 \
    || { grep -E "error|warning" "$ROOT/artifacts/dotnet-build.log" | sort -u >&2; rm -f "$STAMP.new"; exit 1; }
  mv "$STAMP.new" "$STAMP"
fi
