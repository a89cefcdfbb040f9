#!/usr/bin/env bash
# The long fuzz run (the suite runs the same mutator for a few seconds per target): seeded mutations of the example
# specs (YAML and JSON) and of valid IDX files (raw and gzip), FUZZ_SECONDS per target (default 60), SEED (default 1).
# Prints a table: cases tried, valid results, distinct errors, crashes, slowest case, time. Exit 1 on any crash.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
dotnet build "$ROOT/bench/fuzz/Fuzz" -c Release -nologo -v quiet >/dev/null
exec dotnet "$ROOT/artifacts/bin/Fuzz/release/Fuzz.dll" "$ROOT/examples" "$SECONDS_PER_TARGET" "${SEED:-1}"
