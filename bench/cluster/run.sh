#!/usr/bin/env bash
# Cluster benchmark (issue 4), prints markdown tables:
#  1. Teacher phase of 4 teachers: 1 silo x 2 threads vs 2 silo processes x 1 thread (same store, same spec).
#  2. Claim-to-start latency per task (task-claimed -> task-started events) and ready-to-claim latency.
#  3. Claim latency with 10,000 queued tasks in each store (bench/cluster/ClaimLatency).
# Env: SPEC (default: bench/cluster/teachers.yaml), POSTGRES (an Npgsql connection string; default: the
#      private test server, started with scripts/test-postgres.sh), QUEUED (10000), CLAIMS (300).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SPEC="${SPEC:-$HERE/teachers.yaml}"
QUEUED="${QUEUED:-10000}"
CLAIMS="${CLAIMS:-300}"
WORK="$ROOT/artifacts/bench/cluster"
CLI=(dotnet "$ROOT/artifacts/bin/Ensemble.Client/release/ensemble.dll")
"$ROOT/scripts/setup.sh" >/dev/null
if [[ -z "${POSTGRES:-}" ]]; then
  "$ROOT/scripts/test-postgres.sh" start >/dev/null
  POSTGRES="Host=127.0.0.1;Port=55432;Username=postgres;Database=ensemble_test"
fi

pids=()
stop_silos() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done; pids=(); }
trap stop_silos EXIT

# run_config NAME SILOS THREADS -> prints "seconds-of-teacher-phase" and leaves events in $WORK/NAME/events.txt
run_config() {
  local name="$1" silos="$2" threads="$3" dir="$WORK/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  local port0=$((18470 + RANDOM % 1000))
  for ((i = 0; i < silos; i++)); do
    "${CLI[@]}" silo --store "sqlite:$dir/store.db" --artifacts "$dir/artifacts" --urls "http://127.0.0.1:$((port0 + i))" \
      --id "$name-$i" --threads "$threads" >"$dir/silo-$i.log" 2>&1 &
    pids+=($!)
  done
  local url="http://127.0.0.1:$port0"
  until curl -sf "$url/healthz" >/dev/null; do sleep 0.5; done
  local id
  id="$(curl -sf -H 'Content-Type: application/yaml' --data-binary "@$SPEC" "$url/api/v1/runs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
  while :; do
    state="$(curl -sf "$url/api/v1/runs/$id" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')"
    [[ "$state" == succeeded || "$state" == failed || "$state" == cancelled ]] && break
    sleep 2
  done
  curl -sf --max-time 30 "$url/api/v1/runs/$id/events" >"$dir/events.txt" || true
  stop_silos
  [[ "$state" == succeeded ]] || { echo "run $name ended $state; see $dir" >&2; exit 1; }
}

run_config one-silo-2-threads 1 2
run_config two-silos-1-thread 2 1

python3 - "$WORK" <<'PY'
import json, sys, statistics, datetime as dt
work = sys.argv[1]
def events(name):
    out = []
    for line in open(f"{work}/{name}/events.txt"):
        if line.startswith("data: "): out.append(json.loads(line[6:]))
    return out
def t(e): return dt.datetime.fromisoformat(e["at"].replace("Z", "+00:00"))
rows, latencies = [], {}
for name in ["one-silo-2-threads", "two-silos-1-thread"]:
    ev = events(name)
    submitted = t(next(e for e in ev if e["kind"] == "run-submitted"))
    teachers_done = max(t(e) for e in ev if e["kind"] == "task-succeeded" and (e["task_id"] or "").startswith("teacher/"))
    rows.append((name, (teachers_done - submitted).total_seconds()))
    claimed = {e["task_id"]: t(e) for e in ev if e["kind"] == "task-claimed"}
    started = {e["task_id"]: t(e) for e in ev if e["kind"] == "task-started"}
    latencies[name] = [(started[k] - claimed[k]).total_seconds() * 1000 for k in started if k in claimed]
print("| configuration | teacher phase (s) | speedup |")
print("|---|---|---|")
base = rows[0][1]
for name, seconds in rows: print(f"| {name} | {seconds:.1f} | {base / seconds:.2f}x |")
print()
print("| configuration | tasks | claim-to-start p50 (ms) | max (ms) |")
print("|---|---|---|---|")
for name, values in latencies.items():
    print(f"| {name} | {len(values)} | {statistics.median(values):.0f} | {max(values):.0f} |")
PY
echo
dotnet run -c Release --project "$HERE/ClaimLatency" -- "$QUEUED" "$CLAIMS" sqlite "postgres=$POSTGRES"
