#!/usr/bin/env bash
# Training-throughput benchmark: Ensemble's TorchSharp trainer (./ensemble train) vs. the same loop in
# PyTorch-Python (pytorch_loop.py, Debian's python3-torch, installed here on first use), and Ensemble's own binding over
# Debian's libtorch 1.13 that TorchSharp replaced: measured in the same alternation when OLD_BINDING_CLI names its
# launcher, otherwise its last numbers (7,326 and 2,111 samples/s, 2026-11-23 on another machine, bench/RESULTS.md).
# The old binding is the last commit before the TorchSharp port, built in a worktree of its own (its setup installs
# Debian's libtorch 1.13 and builds the native binding; nothing of it touches this checkout):
#   git worktree add /tmp/oldbind 05aeeb9 && /tmp/oldbind/scripts/setup.sh && OLD_BINDING_CLI=/tmp/oldbind/ensemble bench/throughput/run.sh
#
# Env: THREADS (default 2), MODELS (default "mlp cnn"), EPOCHS (default 2; the
#      last epoch is reported, so the first absorbs warm-up), REPEATS (default 3:
#      .NET and Python runs alternate, and the table shows the median of each side),
#      DATA_DIR (default /usr/share/datasets/fashion-mnist), ENSEMBLE_CLI (default <repo>/ensemble),
#      PYTHON (default /usr/bin/python3), OLD_BINDING_CLI (default none: the old binding's recorded numbers).
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
# Debian's interpreter, where python3-torch installs (a python3 earlier on PATH, e.g. pyenv's, would not see it).
PYTHON="${PYTHON:-/usr/bin/python3}"
BATCH=128 LR=0.05 SEED=1

LOGS="$ROOT/artifacts/bench/throughput"
mkdir -p "$LOGS"
cd "$ROOT"

# Debian's PyTorch, with OpenBLAS as its BLAS (reference BLAS would make it ~28x slower): for this bench only.
if ! "$PYTHON" -c 'import torch' 2>/dev/null; then
  apt-get install -y --no-install-recommends python3-torch libopenblas0-openmp >"$LOGS/apt.log" 2>&1 \
    || { cat "$LOGS/apt.log" >&2; exit 1; }
fi
blas="$(readlink -f /usr/lib/x86_64-linux-gnu/libblas.so.3 || true)"
[[ "$blas" == *openblas* ]] || echo "warning: libblas.so.3 is $blas, not OpenBLAS; PyTorch-Python will be slow" >&2
declare -A OLD=([mlp]=7326 [cnn]=2111)

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
ints() { local v; for v in $1; do printf ' %.0f' "$v"; done; }
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
  pys="" nets="" olds=""
  # One command line for both .NET trainers: the CLI's train verb did not change with the binding.
  train=(train --model "$model" --epochs "$EPOCHS" --batch-size "$BATCH" --lr "$LR" --schedule constant --threads "$THREADS"
         --seed "$SEED" --json --no-eval --test-subset 1000)
  for ((r = 1; r <= REPEATS; r++)); do
    pys+=" $(run_one "$LOGS/$model-python-$r" "$PYTHON" "$HERE/pytorch_loop.py" --model "$model" --threads "$THREADS" \
            --epochs "$EPOCHS" --batch-size "$BATCH" --lr "$LR" --seed "$SEED" --data "$DATA_DIR")"
    nets+=" $(run_one "$LOGS/$model-dotnet-$r" "$ENSEMBLE_CLI" "${train[@]}")"
    [[ -z "${OLD_BINDING_CLI:-}" ]] || olds+=" $(run_one "$LOGS/$model-oldbinding-$r" "$OLD_BINDING_CLI" "${train[@]}")"
  done
  echo "  $model samples/s: PyTorch-Python [$pys ]  TorchSharp [$nets ]${OLD_BINDING_CLI:+  old binding [$olds ]}" >&2
  py=$(median <<<"$pys") net=$(median <<<"$nets")
  if [[ -n "${OLD_BINDING_CLI:-}" ]]; then old=$(median <<<"$olds"); [[ -n "$old" ]] || status=1; else old=${OLD[$model]:-}; fi
  [[ -n "$py" && -n "$net" ]] || status=1
  rows+=("| $(label "$model") | $(fmt0 "$net") | $(fmt0 "$py") | $(fmt0 "$old")${OLD_BINDING_CLI:+ (measured)} | $(ratio "$net" "$py") | $(ratio "$net" "$old") |$(ints "$pys") /$(ints "$nets")${OLD_BINDING_CLI:+ /$(ints "$olds")} |")
done

# --- report ------------------------------------------------------------------
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
python_torch=$("$PYTHON" -c 'import torch; print(torch.__version__)' 2>/dev/null || echo unknown)

echo
echo "| model | TorchSharp samples/s | PyTorch-Python samples/s | old binding samples/s | vs PyTorch-Python | vs old binding | runs (PyTorch-Python / TorchSharp${OLD_BINDING_CLI:+ / old binding}) |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '%s\n' "${rows[@]}"
echo
echo "$(date -u '+%Y-%m-%d %H:%M:%S UTC') · nproc $(nproc) · ${cpu_model:-unknown CPU} · TorchSharp 0.107.0 / libtorch 2.10.0 · PyTorch-Python $python_torch · threads $THREADS · batch $BATCH · epochs $EPOCHS (last reported)"
exit "$status"
