#!/usr/bin/env python3
"""Cluster benchmark (issue 14): real `ensemble silo` processes forming an Orleans cluster on PostgreSQL.

Prints markdown tables:
  1. Teacher phase of 4 teachers (bench/cluster/teachers.yaml): 1 silo x 1 thread vs 2 silos x 1 thread each.
  2. kill -9 of the silo training a teacher -> the survivor starts it again (its task-started event), N times;
     and SIGSTOP -> started again, once.
  3. Submit -> first epoch reported, on an idle cluster.
  4. 200 runs submitted at once to 2 silos: all accepted, listed, cancelled; none lost or duplicated.
  5. (--part ceiling) What this machine gives two trainings at once without any cluster: the same 4 CNN trainings as
     plain `ensemble train` processes, 1 thread each, one after another vs two at a time.

  bench/cluster/run.py [--part teachers,kill,stop,submit,burst,ceiling] [--kills 5] [--burst 200]
Env: POSTGRES (an Npgsql admin connection string; default: the private test server of scripts/test-postgres.sh).
"""
import argparse, datetime as dt, json, os, re, signal, socket, statistics, subprocess, sys, time, urllib.request, uuid
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CLI = ["dotnet", os.path.join(ROOT, "artifacts/bin/Ensemble.Client/release/ensemble.dll")]
WORK = os.path.join(ROOT, "artifacts/bench/cluster")


def launcher_environment():
    """The environment ./ensemble and the images run silos with: glibc's malloc settings (values already set win)."""
    with open(os.path.join(ROOT, "ensemble")) as f:
        defaults = dict(re.findall(r'export (MALLOC_\w+)="\$\{\1:-(\d+)\}"', f.read()))
    return {**defaults, **os.environ}


SILO_ENV = launcher_environment()
LONG_TEACHER = """
name: failover-bench
seed: 5
data: {dataset: synthetic, validation_fraction: 0.2, synthetic: {train_per_class: 500, test_per_class: 50}}
teachers: {count: 1, model: {kind: mlp, hidden: [768, 768]}, training: {epochs: 400, batch_size: 64}}
specialists: {count: 0}
distillation: {student: {kind: mlp, hidden: [32]}, training: {epochs: 1}, transfer: {fraction: 0.2}}
baseline: false
"""
TINY = """
name: burst
seed: 3
data: {dataset: synthetic, synthetic: {train_per_class: 50, test_per_class: 10}}
teachers: {count: 1, model: {kind: mlp, hidden: [16]}, training: {epochs: 1}}
specialists: {count: 0}
distillation: {student: {kind: mlp, hidden: [8]}, training: {epochs: 1}}
baseline: false
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET", body=None, content_type=None, timeout=30):
    request = urllib.request.Request(url, data=body.encode() if body is not None else None, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        return response.status, json.loads(body) if body and response.headers.get_content_type() == "application/json" else body


class Silo:
    def __init__(self, name, store, artifacts, threads=1, slots=1):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(WORK, f"{name}.log"), "a")
        self.process = subprocess.Popen(CLI + ["silo", "--store", store, "--artifacts", artifacts, "--urls", self.url, "--id", name,
                                               "--silo-port", str(free_port()), "--gateway-port", str(free_port()), "--advertise", "127.0.0.1",
                                               "--threads", str(threads), "--slots", str(slots)], stdout=self.log, stderr=subprocess.STDOUT,
                                              env=SILO_ENV)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if http(self.url + "/readyz", timeout=2)[0] == 200:
                    return
            except Exception:
                time.sleep(0.3)
        self.stop(signal.SIGKILL)
        raise RuntimeError(f"{name} did not get ready")

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Cluster:
    def __init__(self, admin, name, silos, threads=1, slots=1):
        self.database = f"bench_{uuid.uuid4().hex[:10]}"
        self.admin = admin
        psql(admin, f"CREATE DATABASE {self.database}")
        self.store = connection(admin, self.database)
        self.artifacts = os.path.join(WORK, name, "artifacts")
        self.silos = []
        try:
            for i in range(silos):
                self.silos.append(Silo(f"{name}-{i}", self.store, self.artifacts, threads, slots))
        except Exception:
            self.close()
            raise
        wait(lambda: sum(s["alive"] and s["slots"] > 0 for s in http(self.silos[0].url + "/api/v1/silos")[1]) >= silos, 30, "silos up")

    def api(self, path, **kw):
        for silo in self.silos:
            if silo.process.poll() is None:
                try:
                    return http(silo.url + "/api/v1" + path, **kw)
                except Exception:
                    continue
        raise RuntimeError("no silo answers")

    def submit(self, spec):
        return self.api("/runs", method="POST", body=spec, content_type="application/yaml")[1]["id"]

    def run(self, run_id):
        return self.api(f"/runs/{run_id}")[1]

    def close(self):
        for silo in self.silos:
            silo.stop()
        psql(self.admin, f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")


def connection(admin, database):
    parts = dict(p.split("=", 1) for p in admin.split(";") if p)
    parts["Database"] = database
    return ";".join(f"{k}={v}" for k, v in parts.items())


def psql(admin, sql):
    parts = dict(p.split("=", 1) for p in admin.split(";") if p)
    subprocess.run(["psql", "-h", parts["Host"], "-p", parts["Port"], "-U", parts["Username"], "-d", parts["Database"], "-qc", sql], check=True,
                   stdout=subprocess.DEVNULL)


def wait(condition, seconds, what, pause=0.1):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if condition():
                return
        except Exception:
            pass
        time.sleep(pause)
    raise TimeoutError(what)


def task(run, task_id):
    return next(t for t in run["tasks"] if t["id"] == task_id)


def epoch(t):
    return (t.get("progress") or {}).get("epoch") or 0


def when(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_events(cluster, run_id):
    for silo in cluster.silos:
        if silo.process.poll() is not None:
            continue
        out = []
        deadline = time.time() + 3
        try:
            # A running run's stream stays open (events, keep-alives): read what comes for a few seconds.
            with urllib.request.urlopen(silo.url + f"/api/v1/runs/{run_id}/events", timeout=3) as response:
                for line in response:
                    if line.startswith(b"data: "):
                        out.append(json.loads(line[6:]))
                    if time.time() > deadline:
                        break
        except Exception:
            pass
        return out
    return []


def teachers(admin):
    spec = open(os.path.join(HERE, "teachers.yaml")).read()
    rows = []
    for name, silos in (("one-silo", 1), ("two-silos", 2)):
        cluster = Cluster(admin, name, silos, threads=1)
        try:
            run_id = cluster.submit(spec)
            wait(lambda: all(task(cluster.run(run_id), f"teacher/{i}")["state"] == "succeeded" for i in range(4)), 1800, "teachers", pause=1)
            run = cluster.run(run_id)
            ts = [task(run, f"teacher/{i}") for i in range(4)]
            seconds = (max(when(t["finished_at"]) for t in ts) - min(when(t["started_at"]) for t in ts)).total_seconds()
            rows.append((name, silos, seconds))
            wait(lambda: cluster.run(run_id)["state"] in ("succeeded", "failed"), 600, "run end", pause=1)
        finally:
            cluster.close()
    print("| configuration | silos x threads | teacher phase (s) | speed-up |\n|---|---|---|---|")
    for name, silos, seconds in rows:
        print(f"| {name} | {silos} x 1 | {seconds:.1f} | {rows[0][2] / seconds:.2f}x |")


def ceiling():
    """The 4 teacher trainings of teachers.yaml as `ensemble train` processes (no silo, no PostgreSQL): in turn vs in pairs."""
    def train(seed):
        return subprocess.Popen(CLI + ["train", "--model", "cnn", "--epochs", "2", "--batch-size", "128", "--subset", "10000",
                                       "--test-subset", "2000", "--threads", "1", "--seed", str(seed), "--no-eval"],
                                env=SILO_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def timed(batches):
        start = time.monotonic()
        for seeds in batches:
            processes = [train(seed) for seed in seeds]
            if any(p.wait() != 0 for p in processes):
                raise RuntimeError(f"ensemble train failed for seeds {seeds}")
        return time.monotonic() - start

    alone = timed([[1], [2], [3], [4]])
    paired = timed([[1, 2], [3, 4]])
    print("| configuration | trainings at once x threads | 4 trainings (s) | speed-up |\n|---|---|---|---|")
    print(f"| one after another | 1 x 1 | {alone:.1f} | 1.00x |")
    print(f"| two at a time | 2 x 1 | {paired:.1f} | {alone / paired:.2f}x |")


def failover(admin, kills, sig, label):
    cluster = Cluster(admin, f"failover-{label.replace(' ', '').replace('-', '')}", 2, threads=1)
    times = []
    try:
        for n in range(kills):
            run_id = cluster.submit(LONG_TEACHER)
            wait(lambda: epoch(task(cluster.run(run_id), "teacher/0")) >= 2, 120, "epoch 2", pause=0.2)
            victim_name = task(cluster.run(run_id), "teacher/0")["silo"]
            victim = next(s for s in cluster.silos if s.name == victim_name)
            attempt = task(cluster.run(run_id), "teacher/0")["attempt"]
            started = time.time()
            victim.process.send_signal(sig)
            wait(lambda: task(cluster.run(run_id), "teacher/0")["attempt"] > attempt and task(cluster.run(run_id), "teacher/0")["silo"] not in (None, victim_name),
                 180, "placed again", pause=0.05)
            # The survivor's own record of when the attempt started work (its workspace prepared, checkpoint copied).
            wait(lambda: any(e["kind"] == "task-started" and f"attempt {attempt + 1} " in e["message"] for e in read_events(cluster, run_id)), 60, "started")
            started_event = next(e for e in read_events(cluster, run_id) if e["kind"] == "task-started" and f"attempt {attempt + 1} " in e["message"])
            times.append(when(started_event["at"]).timestamp() - started)
            cluster.api(f"/runs/{run_id}/cancel", method="POST")
            if sig == signal.SIGSTOP:
                victim.process.send_signal(signal.SIGCONT)
            victim.stop(signal.SIGKILL)
            cluster.silos[cluster.silos.index(victim)] = Silo(victim_name + f"-{n}", cluster.store, cluster.artifacts)
            wait(lambda: sum(s["alive"] and s["slots"] > 0 for s in cluster.api("/silos")[1]) >= 2, 30, "silos up again")
    finally:
        cluster.close()
    print(f"| {label} → started again on the survivor | {len(times)} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |")


def submit_latency(admin):
    cluster = Cluster(admin, "submit", 2, threads=1)
    try:
        samples = []
        for _ in range(5):
            before = time.time()
            run_id = cluster.submit(LONG_TEACHER)
            wait(lambda: epoch(task(cluster.run(run_id), "teacher/0")) >= 1, 60, "first epoch", pause=0.02)
            samples.append(time.time() - before)
            cluster.api(f"/runs/{run_id}/cancel", method="POST")
            time.sleep(1)
        print(f"| submit → first epoch reported (2 silos, idle) | {len(samples)} | {statistics.median(samples):.2f} | {min(samples):.2f} | {max(samples):.2f} |")
    finally:
        cluster.close()


def burst(admin, count):
    cluster = Cluster(admin, "burst", 2, threads=1)
    try:
        started = time.time()
        with ThreadPoolExecutor(32) as pool:
            results = list(pool.map(lambda i: http(cluster.silos[i % 2].url + "/api/v1/runs", "POST", TINY, "application/yaml", 120), range(count)))
        submitted = time.time() - started
        ids = [body["id"] for status, body in results if status == 201]
        listed = [r["id"] for r in cluster.api("/runs?limit=1000", timeout=120)[1]]
        started = time.time()
        with ThreadPoolExecutor(32) as pool:
            cancels = list(pool.map(lambda i: cluster.api(f"/runs/{i}/cancel", method="POST", timeout=120), ids))
        cancelled_in = time.time() - started
        states = {}
        for r in cluster.api("/runs?limit=1000", timeout=120)[1]:
            states[r["state"]] = states.get(r["state"], 0) + 1
        print("| runs submitted at once | accepted (201) | distinct ids | listed | lost | duplicated | submit wall (s) | cancel answers 200 | cancel wall (s) | states after |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print(f"| {count} | {len(ids)} | {len(set(ids))} | {len(set(listed) & set(ids))} | {len(set(ids) - set(listed))} | {len(listed) - len(set(listed))} | "
              f"{submitted:.1f} | {sum(1 for s, _ in cancels if s == 200)} (a run that finished first answers 409) | {cancelled_in:.1f} | "
              f"{', '.join(f'{k} {v}' for k, v in sorted(states.items()))} |")
    finally:
        cluster.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", default="teachers,kill,stop,submit,burst", help="any of teachers,kill,stop,submit,burst,ceiling")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--burst", type=int, default=200)
    args = parser.parse_args()
    os.makedirs(WORK, exist_ok=True)
    subprocess.run([os.path.join(ROOT, "scripts/setup.sh"), "--quiet"], check=True)
    if set(args.part.split(",")) <= {"ceiling"}:
        return run_parts(args, None)  # no cluster, no PostgreSQL
    server = os.path.join(ROOT, "scripts/test-postgres.sh")
    # The private server is stopped again if this run started it: left on its port, it would keep ./test.sh (of any
    # checkout on this machine) from starting its own.
    started = not os.environ.get("POSTGRES") and subprocess.run([server, "status"], capture_output=True).returncode != 0
    admin = os.environ.get("POSTGRES") or subprocess.run([server, "start"], check=True, capture_output=True, text=True).stdout.strip()
    try:
        run_parts(args, admin)
    finally:
        if started:
            subprocess.run([server, "stop"], check=False)


def run_parts(args, admin):
    parts = args.part.split(",")
    print(f"# bench/cluster/run.py — {dt.date.today()} — {os.cpu_count()} cores\n")
    if "teachers" in parts:
        teachers(admin)
        print()
    if {"kill", "stop", "submit"} & set(parts):
        print("| measured | samples | median (s) | min (s) | max (s) |\n|---|---|---|---|---|")
        if "kill" in parts:
            failover(admin, args.kills, signal.SIGKILL, "kill -9")
        if "stop" in parts:
            failover(admin, 1, signal.SIGSTOP, "SIGSTOP")
        if "submit" in parts:
            submit_latency(admin)
        print()
    if "burst" in parts:
        burst(admin, args.burst)
        print()
    if "ceiling" in parts:
        ceiling()


if __name__ == "__main__":
    sys.exit(main())
