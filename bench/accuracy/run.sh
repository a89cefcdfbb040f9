#!/usr/bin/env bash
# Full-data accuracy: trains the MLP 784-1200-1200-10 and the CNN conv32-conv64-fc128 on all 60,000
# Fashion-MNIST training images for EPOCHS (default 15) and prints a table of test accuracy.
# Targets (the TorchSharp issue, at least the accuracies of the old binding): MLP >= 90.0 %, CNN >= 92.5 % within 15 epochs.
#   bench/accuracy/run.sh            # both models
#   MODELS=mlp EPOCHS=15 bench/accuracy/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
EPOCHS="${EPOCHS:-15}"
MODELS="${MODELS:-mlp cnn}"
THREADS="${THREADS:-$(nproc)}"
SEED="${SEED:-1}"
LOGS="$ROOT/artifacts/bench/accuracy"
mkdir -p "$LOGS"

declare -A target=([mlp]=0.900 [cnn]=0.925)
declare -A label=([mlp]="mlp 784-1200-1200-10" [cnn]="cnn conv32-conv64-fc128")
rows=()
for model in $MODELS; do
  start=$(date +%s)
  "$ROOT/ensemble" train --model "$model" --epochs "$EPOCHS" --threads "$THREADS" --seed "$SEED" --json \
    >"$LOGS/$model.jsonl" 2>"$LOGS/$model.err"
  secs=$(( $(date +%s) - start ))
  read -r best final <<<"$(python3 -c '
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
print(max(r["test_accuracy"] for r in rows), rows[-1]["test_accuracy"])' "$LOGS/$model.jsonl")"
  verdict=$(python3 -c "print('met' if $final >= ${target[$model]} else 'NOT met')")
  rows+=("| ${label[$model]} | $EPOCHS | $(printf '%.2f' "$(python3 -c "print($final*100)")") % | $(printf '%.2f' "$(python3 -c "print($best*100)")") % | $(python3 -c "print(${target[$model]}*100)") % ($verdict) | $secs s |")
done

echo "| model | epochs | final test accuracy | best epoch | target | wall time |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $THREADS threads, seed $SEED, defaults of ./ensemble train (SGD momentum 0.9, lr 0.05 cosine, batch 128, weight decay 5e-4)"
