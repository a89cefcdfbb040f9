#!/usr/bin/env bash
# The pipeline benchmark (issue 3): full Fashion-MNIST, several seeds of examples/fashion-mnist.yaml,
# then the 3 % transfer-set and omitted-class experiments; one table of test accuracies (mean ± sd)
# and wall time per stage. Usage: bench/pipeline/run.sh [SEEDS] [OUT]   (default "1 2 3", /tmp/ensemble-bench)
# Set SPEC to benchmark another spec, EXPERIMENTS=0 to skip the two extra experiments, MAIN=0 to run only them.
# Every run's artifacts (--all: its task directories too) go to OUT/NAME-seedS, a SOURCE_RUN for bench/pipeline/sweep.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=${1:-"1 2 3"}
OUT=${2:-/tmp/ensemble-bench}
SPEC=${SPEC:-examples/fashion-mnist.yaml}
EXPERIMENTS=${EXPERIMENTS:-1}
mkdir -p "$OUT"
./scripts/setup.sh --quiet

variant() { # name seed sed-expression
  local name=$1 seed=$2 expr=$3
  local spec="$OUT/$name-seed$seed.yaml"
  sed -e "s/^seed: .*/seed: $seed/" -e "s/^name: .*/name: $name-seed$seed/" -e "$expr" "$SPEC" > "$spec"
  echo "== $name seed $seed" >&2
  ./ensemble run "$spec" --out "$OUT/$name-seed$seed" --all --home "$OUT/home" > "$OUT/$name-seed$seed.log"
}

if [ "${MAIN:-1}" = 1 ]; then for seed in $SEEDS; do variant main "$seed" "s/^#nothing//"; done; fi
if [ "$EXPERIMENTS" = 1 ]; then
  first=${SEEDS%% *}
  # Hinton §6: the student sees 3 % of the transfer set (the baseline the same 3 %).
  variant transfer3pct "$first" "s/^  transfer: {/  transfer: {fraction: 0.03, /"
  # Hinton §3: class 3 (Dress) never appears in the transfer set; its bias is corrected afterwards.
  variant omit3 "$first" "s/^  transfer: {/  transfer: {omit_classes: [3], bias_correction: true, /"
fi
python3 bench/pipeline/summarize.py "$OUT"
