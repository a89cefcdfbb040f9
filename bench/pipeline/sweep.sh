#!/usr/bin/env bash
# A student-only variant of a finished run: copies its teachers, cluster and specialists, applies a sed
# expression to examples/fashion-mnist.yaml, and re-runs aggregate → distill → baseline → report.
# Usage: bench/pipeline/sweep.sh NAME 'SED' [SOURCE_RUN]   (default source /tmp/ensemble-bench/main-seed1)
# Only valid for variants that keep the teachers and the transfer set's rows (T, alpha, LS, epochs, views ≤ the
# source's, specialists on/off); prints the students' and the baseline's test accuracy.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1; expr=$2
src=${3:-/tmp/ensemble-bench/main-seed1}
d=/tmp/ensemble-sweep-$name
rm -rf "$d"; mkdir -p "$d/tasks"
cp -r "$src"/tasks/teacher-* "$d/tasks/"
cp -r "$src"/tasks/cluster "$src"/tasks/specialist-* "$d/tasks/" 2>/dev/null || true
sed -e 's/^name: .*/name: sweep/' -e "$expr" examples/fashion-mnist.yaml > "$d.yaml"
./ensemble run "$d.yaml" --out "$d" > "$d.log" 2>&1
python3 - "$d" "$name" <<'PY'
import json, sys
report = json.load(open(sys.argv[1] + "/report.json"))
acc = {m["name"]: m["accuracy"] * 100 for m in report["models"]}
base = acc.get("baseline")
shown = "  ".join(f"{k} {v:.2f}" for k, v in acc.items() if k.startswith("student") or k == "baseline")
delta = " ".join(f"{acc[k] - base:+.2f}" for k in acc if k.startswith("student")) if base is not None else ""
print(f"{sys.argv[2]:28s} {shown}  Δ {delta}")
PY
