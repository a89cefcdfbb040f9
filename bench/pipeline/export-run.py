"""Materialises a run recorded by a silo (the store's artifacts table and its content-addressed blobs) as a run
directory (tasks/teacher-0/model.safetensors, …) that bench/pipeline/Variant can reuse.
Usage: export-run.py HOME RUN_NAME DIRECTORY   (HOME holds store.db and artifacts/blobs; files are hard-linked)"""
import os, sqlite3, sys

home, name, out = sys.argv[1:4]
db = sqlite3.connect(os.path.join(home, "store.db"))
run = db.execute("select run_id from runs where name = ? order by seq desc limit 1", (name,)).fetchone()
if run is None:
    sys.exit(f"no run named {name} in {home}/store.db")
count = 0
for artifact, sha in db.execute("select name, sha256 from artifacts where run_id = ?", run):
    blobs = os.path.join(home, "artifacts", "blobs")
    source = next((p for p in (os.path.join(blobs, sha[:2], sha), os.path.join(blobs, sha)) if os.path.exists(p)), None)
    if source is None:
        sys.exit(f"blob {sha} of {artifact} not found under {blobs}")
    target = os.path.join(out, artifact)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if not os.path.exists(target):
        os.link(source, target)
    count += 1
print(f"{count} artifacts of {name} ({run[0]}) under {out}")
