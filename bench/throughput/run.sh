#!/usr/bin/env bash
# Training-throughput benchmark: .NET trainer (./ensemble train) vs. a plain
# libtorch C++ loop doing the same per-step work (reference/main.cpp).
#
# Env: THREADS (default 2), MODELS (default "mlp cnn"), EPOCHS (default 2; the
#      last epoch is reported, so the first absorbs warm-up), REPEATS (default 3:
#      .NET and C++ runs alternate, and the table shows the median of each side),
#      DATA_DIR (default /usr/share/datasets/fashion-mnist), ENSEMBLE_CLI (default <repo>/ensemble).
# A shared 2-core VM varies by ±10 % from run to run; alternating repeats and medians keep that
# noise from deciding the ratio.
# Exit status: 0 if every run produced a number, 1 otherwise (table printed anyway).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
THREADS="${THREADS:-2}"
MODELS="${MODELS:-mlp cnn}"
EPOCHS="${EPOCHS:-2}"
REPEATS="${REPEATS:-3}"
DATA_DIR="${DATA_DIR:-/usr/share/datasets/fashion-mnist}"
ENSEMBLE_CLI="${ENSEMBLE_CLI:-$ROOT/ensemble}"
BATCH=128 LR=0.05 SEED=1

BUILD="$ROOT/artifacts/bench/reference"
LOGS="$ROOT/artifacts/bench/throughput"
REF="$BUILD/throughput_reference"
mkdir -p "$LOGS"
cd "$ROOT"

# --- build the C++ reference (configure once, incremental build) -------------
if [[ ! -f "$BUILD/CMakeCache.txt" ]]; then
  cmake -S "$HERE/reference" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$LOGS/cmake-configure.log" 2>&1 \
    || { cat "$LOGS/cmake-configure.log" >&2; exit 1; }
fi
cmake --build "$BUILD" >"$LOGS/cmake-build.log" 2>&1 || { cat "$LOGS/cmake-build.log" >&2; exit 1; }

# --- helpers -------------------------------------------------------------------
# stdin: program stdout; prints samples_per_second of the last JSON line (or nothing).
last_sps() {
  if command -v jq >/dev/null 2>&1; then
    grep '^{' | tail -n 1 | jq -r '.samples_per_second // empty'
  else
    grep '^{' | tail -n 1 | python3 -c 'import json,sys
for l in sys.stdin:
    v = json.loads(l).get("samples_per_second")
    if v is not None: print(v)'
  fi
}
fmt0() { [[ -n "$1" ]] && printf '%.0f' "$1" || printf 'n/a'; }
ratio() { [[ -n "$1" && -n "$2" ]] && awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}' || printf 'n/a'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END{if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
label() { case "$1" in mlp) echo "mlp 784-1200-1200-10";; cnn) echo "cnn conv32-conv64-fc128";; *) echo "$1";; esac; }

# Runs "$@", stdout -> $1.out, stderr -> $1.err; echoes the last epoch's samples/s.
run_one() {
  local log="$1"; shift
  echo "+ $*" >&2
  if "$@" >"$log.out" 2>"$log.err"; then
    last_sps <"$log.out" || true
  else
    echo "  failed (exit $?), see $log.err" >&2
    last_sps <"$log.out" || true
  fi
}

# --- runs --------------------------------------------------------------------
status=0
rows=()
for model in $MODELS; do
  cpps="" nets=""
  for ((r = 1; r <= REPEATS; r++)); do
    cpps+=" $(run_one "$LOGS/$model-cpp-$r" "$REF" --model "$model" --threads "$THREADS" --epochs "$EPOCHS" \
            --batch-size "$BATCH" --lr "$LR" --seed "$SEED" --data "$DATA_DIR")"
    if [[ -x "$ENSEMBLE_CLI" ]]; then
      nets+=" $(run_one "$LOGS/$model-dotnet-$r" "$ENSEMBLE_CLI" train --model "$model" --epochs "$EPOCHS" \
              --batch-size "$BATCH" --lr "$LR" --schedule constant --threads "$THREADS" --seed "$SEED" --json --no-eval --test-subset 1000)"
    else
      echo "  .NET CLI not found at $ENSEMBLE_CLI; skipping .NET run" >&2
    fi
  done
  echo "  $model samples/s: C++ [$cpps ]  .NET [$nets ]" >&2
  cpp=$(median <<<"$cpps") net=$(median <<<"$nets")
  [[ -n "$cpp" && -n "$net" ]] || status=1
  rows+=("| $(label "$model") | $(fmt0 "$net") | $(fmt0 "$cpp") | $(ratio "$net" "$cpp") |")
done

# --- report ------------------------------------------------------------------
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
torch_ver=$(dpkg-query -W -f='${Version}' libtorch-dev 2>/dev/null \
  || sed -n 's/.*TORCH_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\).*/\2/p' \
       /usr/include/torch/csrc/api/include/torch/version.h | paste -sd.)

echo
echo "| model | .NET samples/s | C++ samples/s | ratio |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · nproc $(nproc) · ${cpu_model:-unknown CPU} · libtorch ${torch_ver:-unknown} · threads $THREADS · batch $BATCH · epochs $EPOCHS (last reported)"
exit "$status"
