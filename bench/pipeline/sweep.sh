#!/usr/bin/env bash
# A student-only variant of a finished run: reuses its teachers, cluster and specialists (their task directories), applies a
# sed expression to the spec, and re-runs aggregate → distill → (compress) → baseline → report in this process
# (bench/pipeline/Variant). Prints the students' and the baseline's test accuracy, the share of the baseline→ensemble gap
# closed, the accuracy on each specialist's classes, and the distill task's seconds.
# Usage: bench/pipeline/sweep.sh NAME 'SED' SOURCE_RUN [SPEC]   (SPEC default examples/fashion-mnist.yaml)
# SOURCE_RUN is a run directory (tasks/…): one Variant wrote, or `ensemble run SPEC --out DIR --all` (or `ensemble pull ID --all`) filled.
# Only valid for variants that keep the teachers and the transfer set's rows (T, alpha, LS, epochs, views ≤ the source's,
# online targets, mixup, specialists on/off). THREADS (default 2) sets libtorch's threads.
set -euo pipefail
cd "$(dirname "$0")/../.."
name=$1; expr=$2; src=$3; spec=${4:-examples/fashion-mnist.yaml}
d=${SWEEP_DIR:-/tmp/ensemble-sweep}/$name
rm -rf "$d"; mkdir -p "$d/tasks"
for task in "$src"/tasks/teacher-* "$src"/tasks/cluster "$src"/tasks/specialist-*; do
  [ -d "$task" ] && cp -r "$task" "$d/tasks/"
done
sed -e "s/^name: .*/name: $name/" -e "$expr" "$spec" > "$d.yaml"
./scripts/setup.sh --quiet
dotnet run -c Release --project bench/pipeline/Variant -- "$d.yaml" "$d" "${THREADS:-2}" > "$d.log" 2>&1 || { tail -5 "$d.log"; exit 1; }
python3 bench/pipeline/summarize.py --one "$d" "$name"
