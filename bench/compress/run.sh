#!/usr/bin/env bash
# The compression benchmark (issue 16): runs bench/compress/compress.yaml (or SPEC) with the embedded silo and
# prints the compressed students against the float student and the ensemble: accuracy, NLL, ONNX bytes and
# ONNX Runtime latency per image on 1 thread at batch 1 and 64, with the issue's targets.
# Usage: bench/compress/run.sh [OUT]   (default /tmp/ensemble-compress-bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-/tmp/ensemble-compress-bench}
SPEC=${SPEC:-bench/compress/compress.yaml}
./scripts/setup.sh --quiet
rm -rf "$OUT"
start=$(date +%s)
./ensemble run "$SPEC" --home "$OUT/home" --out "$OUT/run" > "$OUT.log"
echo "run: $(( $(date +%s) - start )) s, $(nproc) cores, $(date -u +%Y-%m-%d); log $OUT.log"
python3 - "$OUT/run/report.json" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
models = {m["name"]: m for m in report["models"]}
base = models[report["exported_student"]]
rows = [report["exported_student"], "student-pruned", "student-int8", "student-pruned-int8"]
print(f"| model | accuracy | Δ vs float | NLL | ONNX bytes | × float bytes | µs/image b1 | µs/image b64 | speed-up b64 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
ens = models.get("ensemble/arithmetic")
if ens and ens.get("bytes"):
    # The ensemble's cost is its members' together (the report prices it so).
    print(f"| ensemble/arithmetic | {ens['accuracy']*100:.2f} % | {(ens['accuracy']-base['accuracy'])*100:+.2f} | {ens['nll']:.4f} | {ens['bytes']:,} | "
          f"{ens['bytes']/base['bytes']:.3f} | {ens['latency_batch1_microseconds']:.1f} | {ens['latency_batch64_microseconds']:.2f} | "
          f"{base['latency_batch64_microseconds']/ens['latency_batch64_microseconds']:.2f} |")
for name in rows:
    m = models.get(name)
    if not m: continue
    print(f"| {name} | {m['accuracy']*100:.2f} % | {(m['accuracy']-base['accuracy'])*100:+.2f} | {m['nll']:.4f} | {m['bytes']:,} | "
          f"{m['bytes']/base['bytes']:.3f} | {m['latency_batch1_microseconds']:.1f} | {m['latency_batch64_microseconds']:.2f} | "
          f"{base['latency_batch64_microseconds']/m['latency_batch64_microseconds']:.2f} |")
int8, pruned = models["student-int8"], models["student-pruned"]
checks = [
    ("int8 bytes <= 30 % of float", int8["bytes"] <= 0.30 * base["bytes"]),
    ("int8 within 0.3 points of float", base["accuracy"] - int8["accuracy"] <= 0.003),
    ("int8 >= 2x faster at batch 64", base["latency_batch64_microseconds"] / int8["latency_batch64_microseconds"] >= 2),
    ("50 % structured pruned within 0.5 points after fine-tuning", base["accuracy"] - pruned["accuracy"] <= 0.005),
]
print()
for text, ok in checks: print(f"- {text}: {'met' if ok else 'NOT met'}")
for m in report["models"]:
    if m.get("detail"): print(f"- {m['name']}: {m['detail']}")
PY
