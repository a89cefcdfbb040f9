"""Summarises bench/pipeline runs: test accuracy per model (mean ± sd over seeds) and seconds per stage."""
import json, pathlib, statistics, sys


def one_line(run, name):
    """One variant: each student against the baseline and the ensemble, the specialists' classes, the distill task's time."""
    r = json.loads((pathlib.Path(run) / "report.json").read_text())
    acc = {m["name"]: m["accuracy"] * 100 for m in r["models"]}
    # The gap is to the ensemble (the arithmetic aggregate); ensemble+specialists is shown beside it when there is one.
    ensemble = acc["ensemble/arithmetic"]
    base = acc.get("baseline")
    parts = []
    for k in ("student", "student-ls"):
        if k in acc and base is not None:
            closed = (acc[k] - base) / (ensemble - base) * 100 if ensemble != base else float("nan")
            parts.append(f"{k} {acc[k]:.2f} ({acc[k] - base:+.2f}, {closed:.0f} % of the gap)")
    groups = " | ".join(
        f"{g['name']}: " + " ".join(f"{m} {g['accuracy'][m] * 100:.2f}" for m in ("ensemble+specialists", "student", "student-ls", "baseline") if m in g["accuracy"])
        for g in r.get("specialist_classes", []))
    seconds = {s["task"]: s["seconds"] for s in r["stages"]}
    with_specialists = f" (+specialists {acc['ensemble+specialists']:.2f})" if "ensemble+specialists" in acc else ""
    print(f"{name:28s} ensemble {ensemble:.2f}{with_specialists} baseline {base:.2f}  " + "  ".join(parts) + f"  distill {seconds.get('distill', 0):.0f} s  {groups}")


if sys.argv[1] == "--one":
    one_line(sys.argv[2], sys.argv[3])
    sys.exit(0)

out = pathlib.Path(sys.argv[1])
groups = {}
for report in sorted(out.glob("*/report.json")):
    name = report.parent.name.rsplit("-seed", 1)[0]
    groups.setdefault(name, []).append(json.loads(report.read_text()))

def fmt(values):
    mean = statistics.mean(values) * 100
    sd = statistics.stdev(values) * 100 if len(values) > 1 else 0.0
    return f"{mean:6.2f} ± {sd:4.2f}"

for name, reports in groups.items():
    print(f"\n### {name} ({len(reports)} seed(s))\n")
    print("| model | test accuracy % | NLL | ECE |")
    print("|---|---:|---:|---:|")
    names = [m["name"] for m in reports[0]["models"]]
    for model in names:
        rows = [next(m for m in r["models"] if m["name"] == model) for r in reports]
        print(f"| {model} | {fmt([m['accuracy'] for m in rows])} | {statistics.mean(m['nll'] for m in rows):.4f} | {statistics.mean(m['ece'] for m in rows):.4f} |")
    acc = lambda r, n: next((m["accuracy"] for m in r["models"] if m["name"] == n), None)
    for student in ("student", "student-ls"):
        deltas = [acc(r, student) - acc(r, "baseline") for r in reports if acc(r, student) is not None and acc(r, "baseline") is not None]
        if deltas:
            print(f"\n{student} − baseline: {statistics.mean(deltas) * 100:+.2f} points (per seed: {', '.join(f'{d * 100:+.2f}' for d in deltas)})")
            closed = [(acc(r, student) - acc(r, "baseline")) / (acc(r, "ensemble/arithmetic") - acc(r, "baseline"))
                      for r in reports if acc(r, student) is not None and acc(r, "baseline") is not None]
            print(f"{student}: {statistics.mean(closed) * 100:.0f} % of the baseline→ensemble gap closed (per seed: {', '.join(f'{c * 100:.0f}' for c in closed)})")
    stages = {}
    for r in reports:
        for s in r["stages"]:
            kind = s["task"].split("/")[0]
            stages.setdefault(kind, []).append(s["seconds"])
    print("\n| stage | seconds (mean per task) |\n|---|---:|")
    for kind, secs in stages.items():
        print(f"| {kind} | {statistics.mean(secs):.1f} |")
    if name.startswith("omit"):
        cls = 3
        print(f"\nAccuracy on the omitted class {cls} ({reports[0]['class_names'][cls]}):")
        for m in reports[0]["models"]:
            row = m["confusion"][cls]
            print(f"- {m['name']}: {row[cls] / max(1, sum(row)) * 100:.1f} %")
