#!/usr/bin/env bash
# Installs and builds what is missing (scripts/setup.sh), starts a private PostgreSQL for the task-store tests
# (scripts/test-postgres.sh, stopped at exit), runs every test project, and ends with one
# line "N passed, N failed" (totals over all projects). Exits non-zero on any failure.
#   ./test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Safe]
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$ROOT/scripts/setup.sh" --test || { echo "0 passed, 1 failed"; exit 1; }

# A private PostgreSQL for the task-store tests (127.0.0.1:55432, its own data directory), stopped on exit. If it
# cannot start, ENSEMBLE_TEST_POSTGRES stays unset and the PostgreSQL tests fail saying so.
export ENSEMBLE_TEST_POSTGRES_CTL="$ROOT/scripts/test-postgres.sh"
trap '"$ENSEMBLE_TEST_POSTGRES_CTL" stop || true' EXIT
if connection="$("$ENSEMBLE_TEST_POSTGRES_CTL" start)"; then
  export ENSEMBLE_TEST_POSTGRES="$connection"
else
  echo "test.sh: PostgreSQL did not start (scripts/test-postgres.sh start); its tests will fail" >&2
  unset ENSEMBLE_TEST_POSTGRES
fi

RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
passed=0 failed=0 status=0
for project in "$ROOT"/tests/*/*.csproj; do
  name="$(basename "$project" .csproj)"
  echo "=== $name"
  dotnet test "$project" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" --results-directory "$RESULTS" "$@" \
    || status=1
  trx="$RESULTS/$name.trx"
  if [[ -f "$trx" ]]; then
    counters="$(grep -o '<Counters [^>]*>' "$trx")"
    p="$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")"
    f="$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")"
    # Tests that never finished (a crashed test host) count as failures too.
    t="$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")"
    nf="$(sed -E 's/.* notExecuted="([0-9]+)".*/\1/' <<<"$counters")"
    passed=$((passed + p)); failed=$((failed + f))
    echo "--- $name: $p passed, $f failed, $nf not executed, $t total"
  else
    echo "--- $name: no results (the test host did not start or crashed)"
    failed=$((failed + 1)); status=1
  fi
done
((failed > 0)) && status=1
echo "$passed passed, $failed failed"
exit $status
