"""Scale bench (issue #9): the whole pipeline on PostgreSQL + NATS JetStream, 1/2/4 workers.

For each count N of worker processes per pipeline stage, on a fresh PostgreSQL database and
a private NATS JetStream (its own store, a free loopback port):

- the production web server (`jeevanrekha serve`: granian, 2 processes), the outbox relay,
  the timer worker, and N processes each of `worker --stage risk|locate|dispatch`;
- **the desk at machine speed** (this file's `--desk-worker` mode, N processes): a durable
  JetStream consumer that presses the desk's one "confirm & dispatch" (`do_confirm_dispatch`,
  the button's own action) as soon as a case is assessed, located and dispatch-ready. The
  product never sends police without a person's confirmation; the bench stands in for that
  person with zero reaction time, so that alert → tasks-created measures the machine only;
- signed alerts (`jeevanrekha.sim.feed`, 70 % with an address and PIN, so that most are
  well located) posted by `--clients` keep-alive clients for `--seconds`, either as fast as
  the server takes them (`--rate 0`, saturation) or at a fixed offered rate.

It prints, per N: alerts/s taken by intake, **sustained alerts/s end-to-end** (alerts ÷ the
time from the first alert received to the last one ready), alert → ready (assessed and
located) and alert → tasks-created p50/p99 from the database's own timestamps, the backlog
when sending stopped, CPU per component, and that every alert became exactly one case.

`--soak-minutes M` then runs N = `--soak-workers` at `--soak-rate` alerts/s for M minutes,
sampling every 5 s the resident memory of every process kind and the lag (cases not yet
ready, events not yet published, JetStream pending per stage): CSV and PNG plot in
bench/results/. Results: bench/results/scale.json.

    .venv/bin/python bench/scale_bench.py                       # 1, 2, 4 workers, then no soak
    .venv/bin/python bench/scale_bench.py --workers 2 --seconds 60 --rate 500
    .venv/bin/python bench/scale_bench.py --workers 2 --soak-minutes 10 --soak-rate 150
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import http.client
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from intake import (  # noqa: E402 (after the path insert)
    ALERTS_PATH,
    SOURCE,
    BenchError,
    PostgresDatabase,
    Server,
    field_keys,
    free_port,
    jeevanrekha_bin,
    machine_info,
    make_alerts,
    run_command,
    sigterm_as_interrupt,
    write_results,
)

from jeevanrekha.intake.signing import signed_headers  # noqa: E402

RESULTS = ROOT / "bench" / "results"
STAGES = ("risk", "locate", "dispatch")
TARGET_PER_S, TARGET_P99_S = 500.0, 2.0
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
SECRET = "scale-bench-secret-0123456789"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# The desk at machine speed (a subprocess of this file)


def desk_worker() -> None:
    """Confirm & dispatch every dispatch-ready case as soon as it is (bench only)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from jeevanrekha.bus.consumers import Stage, case_ids
    from jeevanrekha.bus.management.commands.worker import consume_jetstream
    from jeevanrekha.bus.relay import Event
    from jeevanrekha.cases.models import Case
    from jeevanrekha.dispatch.dispatching import NotReady, dispatch_ready, do_confirm_dispatch

    fields = ("state", "needs_review", "imminent", "risk_level", "location_confidence")

    def confirm_ready(ids: list[int]) -> None:
        """The desk's queue as a person sees it (one read for the fetched batch's cases);
        then each ready case's confirmation, an action of its own, as a press would be."""
        cases = Case.objects.only(*fields, "police_station").filter(pk__in=ids).order_by("pk")
        for case in cases:
            if case.risk_level is None or dispatch_ready(case):
                continue
            with contextlib.suppress(NotReady):  # another stand-in confirmed it meanwhile
                do_confirm_dispatch(case.pk, actor="bench:desk", at=timezone.now())

    def handle(event: Event) -> None:
        confirm_ready(case_ids([event]))

    def handle_many(events: list[Event]) -> None:
        confirm_ready(case_ids(events))

    topics = frozenset({"case_risk_assessed", "case_located"})
    stage = Stage("bench-desk", topics, handle, handle_many)
    consume_jetstream(stage, settings.NATS_URL, batch=100, max_events=0)


# ---------------------------------------------------------------------------------------
# Processes


class Broker:
    """A private nats-server with JetStream (its own store, a free port)."""

    def __init__(self, store: Path) -> None:
        self.port, self.store = free_port(), store
        self.proc = subprocess.Popen(
            [NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def pending(self) -> dict[str, int]:
        """Messages each durable consumer has not yet acknowledged (pending + in flight)."""
        import nats

        async def read() -> dict[str, int]:
            connection = await nats.connect(self.url)
            try:
                js = connection.jetstream()
                out = {}
                for info in await js.consumers_info("JR_EVENTS"):
                    name = info.name.removeprefix("jr-stage-").rsplit("-", 1)[0]
                    out[name] = (info.num_pending or 0) + (info.num_ack_pending or 0)
                return out
            finally:
                await connection.close()

        try:
            return asyncio.run(read())
        except Exception:
            return {}

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


@dataclass
class Fleet:
    """The background processes: name → process (each in its own session)."""

    env: dict[str, str]
    logs: Path
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def start(self, name: str, argv: list[str]) -> None:
        with open(self.logs / f"{name}.log", "wb") as out:
            self.procs[name] = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def check(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                raise BenchError(f"{name} exited ({proc.returncode}):\n{tail}")

    def kinds(self) -> dict[str, list[int]]:
        """Process kind (risk, locate, ...) → pids."""
        out: dict[str, list[int]] = {}
        for name, proc in self.procs.items():
            out.setdefault(name.split("#")[0], []).append(proc.pid)
        return out

    def stop(self) -> None:
        for proc in self.procs.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def start_pipeline(fleet: Fleet, workers: int) -> None:
    cli = jeevanrekha_bin()
    fleet.start("relay", [cli, "relay"])
    fleet.start("timers", [cli, "timers"])
    for stage in STAGES:
        for n in range(workers):
            fleet.start(f"{stage}#{n}", [cli, "worker", "--stage", stage])
    for n in range(workers):
        fleet.start(f"desk#{n}", [sys.executable, str(Path(__file__)), "--desk-worker"])


# ---------------------------------------------------------------------------------------
# Set-up of one database


def up_addresses() -> list[str]:
    """'<place>, <district> <PIN>' for Uttar Pradesh PINs, from the gazetteer."""
    code = (
        "import json,os,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE','config.settings');"
        "django.setup();"
        "from jeevanrekha.geo import conf;g=conf.gazetteer();"
        "print(json.dumps([f'{p.sub_district}, {g.districts[p.district].name} {p.pin}' "
        "for p in g.pins.values() if 201000<=p.pin<=285999 and p.sub_district]))"
    )
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DEBUG": "1", "DATA_DIR": tmp, "DATABASE_URL": f"sqlite:///{tmp}/x"}
        run_command([jeevanrekha_bin(), "migrate", "-v0"], env)
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
    if out.returncode:
        raise BenchError(f"could not read PINs from the gazetteer:\n{out.stderr[-2000:]}")
    return list(json.loads(out.stdout))


def with_addresses(bodies: list[bytes], addresses: list[str], seed: int) -> list[bytes]:
    """70 % of the alerts carry an address with a PIN (the rest: district names, IPs)."""
    rng = random.Random(seed)
    out = []
    for body in bodies:
        doc = json.loads(body)
        if rng.random() < 0.7:
            doc["evidence"]["address"] = rng.choice(addresses)
        out.append(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    return out


def prepare(env: dict[str, str], workdir: Path) -> None:
    """Migrate; the source; demo stations; two 112 vehicles per station."""
    cli = jeevanrekha_bin()
    run_command([cli, "migrate", "-v0"], env)
    run_command([cli, "source", "add", SOURCE, "--secret", SECRET], env)
    stations = workdir / "stations.csv"
    run_command([cli, "geo", "demo-stations", str(stations)], env)
    run_command([cli, "geo", "import-stations", str(stations)], env)
    vehicles = workdir / "vehicles.csv"
    with open(stations, newline="") as src, open(vehicles, "w", newline="") as dst:
        out = csv.writer(dst)
        out.writerow(["code", "kind", "area", "station", "district", "lat", "lon"])
        for i, row in enumerate(csv.DictReader(src)):
            for j, (dlat, kind) in enumerate(((0.01, "four_wheeler"), (-0.02, "two_wheeler"))):
                lat, lon = float(row["lat"]) + dlat, float(row["lon"]) + 0.01
                out.writerow([f"UP112-{i:03d}{j}", kind, "urban", row["name"], row["district"],
                              f"{lat:.5f}", f"{lon:.5f}"])  # fmt: skip
    run_command([cli, "dispatch", "vehicles", str(vehicles)], env)


# ---------------------------------------------------------------------------------------
# Load


@dataclass
class Sent:
    count: int = 0
    non_2xx: int = 0
    started: float = 0.0
    finished: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


def send(port: int, bodies: list[bytes], clients: int, rate: float) -> Sent:
    """Post every body from `clients` keep-alive connections; at `rate`/s overall (0: flat out)."""
    sent = Sent(started=time.monotonic())
    shares = [bodies[i::clients] for i in range(clients)]
    gap = clients / rate if rate else 0.0

    def client(share: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        due = time.monotonic()
        for body in share:
            if gap:
                due += gap
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            for _attempt in range(5):
                try:
                    headers = signed_headers(SOURCE, SECRET, body)
                    conn.request("POST", ALERTS_PATH, body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                    break
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            with sent.lock:
                sent.count += 1
                sent.non_2xx += response.status not in (200, 202)
        conn.close()

    threads = [threading.Thread(target=client, args=(s,)) for s in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sent.finished = time.monotonic()
    return sent


# ---------------------------------------------------------------------------------------
# Measuring from the database

READY = """
SELECT c.id, EXTRACT(EPOCH FROM a.received_at),
       EXTRACT(EPOCH FROM r.ready), EXTRACT(EPOCH FROM t.first)
FROM cases_case c
JOIN (SELECT case_id, MIN(received_at) AS received_at FROM intake_alert GROUP BY case_id) a
  ON a.case_id = c.id
LEFT JOIN (SELECT object_id, MAX(at) AS ready FROM audit_auditevent
           WHERE action IN ('case_risk_assessed', 'case_located') AND object_type = 'case'
           GROUP BY object_id HAVING COUNT(DISTINCT action) = 2) r ON r.object_id = c.id::text
LEFT JOIN (SELECT case_id, MIN(created_at) AS first FROM cases_task GROUP BY case_id) t
  ON t.case_id = c.id
"""
NOT_READY = """
SELECT COUNT(*) FROM cases_case c WHERE c.risk_level IS NULL OR c.location IS NULL
"""


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def figures(db: PostgresDatabase, sent: Sent, after: int) -> dict[str, Any]:
    """The stream's cases (ids above `after`: not the warm-up's), from the database."""
    rows = db.query(READY + f" WHERE c.id > {int(after)}")
    received = [float(r[1]) for r in rows]
    ready = [(float(r[2]) - float(r[1])) for r in rows if r[2] is not None]
    tasks = [(float(r[3]) - float(r[1])) for r in rows if r[3] is not None]
    last_ready = max((float(r[2]) for r in rows if r[2] is not None), default=0.0)
    span = last_ready - min(received) if received else 0.0
    dupes = db.query(
        "SELECT COUNT(*) FROM (SELECT source_alert_id FROM intake_alert "
        "GROUP BY source_alert_id HAVING COUNT(*) > 1) d"
    )[0][0]
    return {
        "cases": len(rows),
        "ready": len(ready),
        "with_tasks": len(tasks),
        "duplicate_alerts": int(dupes),
        "sustained_per_s": round(len(ready) / span, 1) if span else None,
        "alert_to_ready_s": {"p50": _r(pct(ready, 0.5)), "p99": _r(pct(ready, 0.99))},
        "alert_to_tasks_s": {"p50": _r(pct(tasks, 0.5)), "p99": _r(pct(tasks, 0.99))},
        "intake_per_s": round(sent.count / (sent.finished - sent.started), 1),
        "non_2xx": sent.non_2xx,
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


@contextlib.contextmanager
def workdir(prefix: str) -> Iterator[str]:
    """A temporary folder, kept (and named) when the run fails, for its logs."""
    path = tempfile.mkdtemp(prefix=prefix)
    try:
        yield path
    except BaseException:
        log(f"the logs of this run are kept in {path}")
        raise
    shutil.rmtree(path, ignore_errors=True)


def count(db: PostgresDatabase, sql: str) -> int:
    return int(db.query(sql)[0][0])


def wait_drained(db: PostgresDatabase, alerts: int, timeout_s: float) -> float:
    """Wait until `alerts` alerts are stored and every case is assessed and located (an
    alert about a person already known joins that case); the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        if count(db, "SELECT COUNT(*) FROM intake_alert") >= alerts and not count(db, NOT_READY):
            tasks, stable = -1, 0
            while stable < 3:  # the desk's confirmations come just after
                now = count(db, "SELECT COUNT(*) FROM cases_task")
                stable = stable + 1 if now == tasks else 0
                tasks = now
                time.sleep(0.5)
            return time.monotonic() - start
        time.sleep(0.5)
    raise BenchError(f"the pipeline did not drain {alerts} alerts within {timeout_s:.0f} s")


def processes(pids: list[int]) -> Iterator[Any]:
    """The processes and all their children (psutil), skipping those that are gone."""
    import psutil

    for pid in pids:
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            yield proc
            yield from proc.children(recursive=True)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes and their children so far."""
    import psutil

    total = 0.0
    for proc in processes(pids):
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def rss_mb(pids: list[int]) -> float:
    """Resident memory of the processes and their children, MB."""
    import psutil

    total = 0
    for proc in processes(pids):
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return round(total / 2**20, 1)


@dataclass
class Desk:
    """One database, broker, web server and pipeline, for one configuration."""

    workdir: Path
    workers: int
    pg_url: str
    db: PostgresDatabase = field(init=False)
    broker: Broker = field(init=False)
    server: Server = field(init=False)
    fleet: Fleet = field(init=False)

    def __enter__(self) -> Desk:
        self.broker = Broker(self.workdir / "nats")
        self.db = PostgresDatabase(self.workdir, self.pg_url)
        self.db.create()
        env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
        env.update(
            DATABASE_URL=self.db.url,
            NATS_URL=self.broker.url,
            DATA_DIR=str(self.workdir),
            SECRET_KEY="scale-bench-" + "x" * 50,
            FIELD_KEYS=os.environ.get("FIELD_KEYS") or field_keys(),
            ACCESS_LOG="/dev/null",
            PYTHONUNBUFFERED="1",
            DJANGO_SETTINGS_MODULE="config.settings",
            DISPATCH_VEHICLE_STALE_SECONDS="86400",  # positions are set once, at set-up
            GUNICORN_CMD_ARGS="--no-control-socket",
        )
        prepare(env, self.workdir)
        self.server = Server(env, 2, 16, self.workdir / "server.log")
        self.server.wait_healthy()
        self.fleet = Fleet(env, self.workdir)
        start_pipeline(self.fleet, self.workers)
        return self

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.fleet.stop()
        with contextlib.suppress(Exception):
            self.server.stop()
        with contextlib.suppress(Exception):
            self.broker.stop()
        self.db.drop()

    def kinds(self) -> dict[str, list[int]]:
        return {"web": self.server.pids(), **self.fleet.kinds(), "postgres": self.db.backend_pids()}

    def max_case(self) -> int:
        return count(self.db, "SELECT COALESCE(MAX(id), 0) FROM cases_case")


def run_config(
    workers: int, opts: argparse.Namespace, warm: list[bytes], bodies: list[bytes]
) -> dict[str, Any]:
    """One configuration: warm up, then the timed stream; its figures."""
    with (
        workdir("jr-scale-") as tmp,
        Desk(Path(tmp), workers, opts.pg_url) as desk,
    ):
        send(desk.server.port, warm, opts.clients, 0)
        wait_drained(desk.db, len(warm), 300)
        desk.fleet.check()
        after = desk.max_case()
        kinds = desk.kinds()
        cpu0 = {kind: cpu_seconds(pids) for kind, pids in kinds.items()}
        log(f"  {workers} per stage: sending {len(bodies):,} alerts at "
            f"{opts.rate or 'full'} /s ...")  # fmt: skip
        sent = send(desk.server.port, bodies, opts.clients, opts.rate)
        backlog = (
            count(desk.db, NOT_READY)
            + len(warm)
            + len(bodies)
            - count(desk.db, "SELECT COUNT(*) FROM cases_case")
        )
        drain_s = wait_drained(desk.db, len(warm) + len(bodies), 900)
        kinds = desk.kinds()
        cpu = {
            kind: round(cpu_seconds(pids) - cpu0.get(kind, 0.0), 1) for kind, pids in kinds.items()
        }
        desk.fleet.check()
        result = figures(desk.db, sent, after)
        result.update(
            workers_per_stage=workers,
            alerts=len(bodies),
            offered_per_s=opts.rate or None,
            backlog_when_sending_stopped=backlog,
            drain_s=round(drain_s, 1),
            cpu_s=cpu,
            cpu_ms_per_alert=round(1000 * sum(cpu.values()) / len(bodies), 2),
        )
        return result


# ---------------------------------------------------------------------------------------
# Soak

SOAK_COLUMNS = ["t_s", "sent", "cases", "not_ready", "unpublished", "pending_max"]


def soak(opts: argparse.Namespace, bodies: list[bytes], warm: list[bytes]) -> dict[str, Any]:
    """A steady rate for a long while: memory and lag sampled every 5 s (CSV + plot)."""
    workers = opts.soak_workers
    with (
        workdir("jr-soak-") as tmp,
        Desk(Path(tmp), workers, opts.pg_url) as desk,
    ):
        send(desk.server.port, warm, opts.clients, 0)
        wait_drained(desk.db, len(warm), 300)
        kinds = sorted(desk.kinds())
        samples: list[dict[str, Any]] = []
        box: dict[str, Sent] = {}
        sender = threading.Thread(
            target=lambda: box.setdefault(
                "sent", send(desk.server.port, bodies, opts.clients, opts.soak_rate)
            )
        )
        start = time.monotonic()
        sender.start()
        log(f"soak: {workers} per stage, {opts.soak_rate:g} alerts/s for {opts.soak_minutes:g} min")
        while sender.is_alive():
            time.sleep(5.0)
            desk.fleet.check()
            pending = desk.broker.pending()
            now = desk.kinds()
            sample = {
                "t_s": round(time.monotonic() - start, 1),
                "sent": count(desk.db, "SELECT COUNT(*) FROM intake_rawalert") - len(warm),
                "cases": count(desk.db, "SELECT COUNT(*) FROM cases_case") - len(warm),
                "not_ready": count(desk.db, NOT_READY),
                "unpublished": count(
                    desk.db, "SELECT COUNT(*) FROM bus_outboxmessage WHERE published_at IS NULL"
                ),
                "pending_max": max(pending.values(), default=0),
                **{f"rss_mb_{kind}": rss_mb(now.get(kind, [])) for kind in kinds},
                **{f"pending_{name}": n for name, n in sorted(pending.items())},
            }
            samples.append(sample)
            log(f"  t={sample['t_s']:6.0f}s sent {sample['sent']:,} not ready "
                f"{sample['not_ready']} pending {sample['pending_max']} "
                f"rss web {sample.get('rss_mb_web')} MB")  # fmt: skip
        drain_s = wait_drained(desk.db, len(warm) + len(bodies), 900)
        result = figures(desk.db, box["sent"], 0)
    return {
        "workers_per_stage": workers,
        "rate_per_s": opts.soak_rate,
        "minutes": opts.soak_minutes,
        "drain_s": round(drain_s, 1),
        "figures": result,
        "memory": memory_trend(samples, kinds),
        "lag": lag_trend(samples),
        "samples": samples,
    }


def memory_trend(samples: list[dict[str, Any]], kinds: list[str]) -> dict[str, Any]:
    """Per process kind: median RSS over the first and the last fifth of the soak."""
    fifth = max(1, len(samples) // 5)
    out = {}
    for kind in kinds:
        key = f"rss_mb_{kind}"
        first = statistics.median(s[key] for s in samples[:fifth])
        last = statistics.median(s[key] for s in samples[-fifth:])
        growth = round(100 * (last - first) / first, 1) if first else None
        out[kind] = {"first_mb": first, "last_mb": last, "growth_pct": growth}
    return out


def lag_trend(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """Cases not yet ready: max and median over each half (bounded = the second half no worse)."""
    half = len(samples) // 2
    first = [s["not_ready"] for s in samples[:half]] or [0]
    second = [s["not_ready"] for s in samples[half:]] or [0]
    return {
        "not_ready_max_first_half": max(first),
        "not_ready_max_second_half": max(second),
        "not_ready_median_second_half": statistics.median(second),
        "bounded": max(second) <= max(2 * max(first), 100),
    }


def write_soak(result: dict[str, Any]) -> None:
    samples = result["samples"]
    columns = list(dict.fromkeys(k for s in samples for k in s))
    with open(RESULTS / "scale_soak.csv", "w", newline="") as f:
        out = csv.DictWriter(f, fieldnames=columns)
        out.writeheader()
        out.writerows(samples)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (mem, lag) = plt.subplots(2, 1, figsize=(9, 7), sharex=True)
    t = [s["t_s"] / 60 for s in samples]
    for key in columns:
        if key.startswith("rss_mb_"):
            mem.plot(t, [s.get(key, 0) for s in samples], label=key.removeprefix("rss_mb_"))
    mem.set_ylabel("resident memory, MB (all processes of a kind)")
    mem.legend(fontsize=8, ncol=4)
    lag.plot(t, [s["not_ready"] for s in samples], label="cases not yet assessed + located")
    lag.plot(t, [s["unpublished"] for s in samples], label="outbox events not yet published")
    lag.plot(t, [s["pending_max"] for s in samples], label="JetStream pending (worst stage)")
    lag.set_xlabel("minutes")
    lag.set_ylabel("backlog")
    lag.legend(fontsize=8)
    fig.suptitle(
        f"Soak: {result['rate_per_s']:g} alerts/s, {result['workers_per_stage']} workers per stage"
    )
    fig.tight_layout()
    fig.savefig(RESULTS / "scale_soak.png", dpi=100)


# ---------------------------------------------------------------------------------------
# Main


def print_row(r: dict[str, Any]) -> None:
    ready, tasks = r["alert_to_ready_s"], r["alert_to_tasks_s"]
    print(
        f"{r['workers_per_stage']:>7} {r['intake_per_s']:>9} {r['sustained_per_s']!s:>10} "
        f"{ready['p50']!s:>8} {ready['p99']!s:>8} {tasks['p50']!s:>8} {tasks['p99']!s:>8} "
        f"{r['backlog_when_sending_stopped']:>8} {r['cpu_ms_per_alert']:>8}",
        flush=True,
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--desk-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", default="1,2,4", help="processes per stage, comma-separated")
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each stream")
    parser.add_argument("--rate", type=float, default=0.0, help="offered alerts/s (0: flat out)")
    parser.add_argument(
        "--alerts", type=int, default=0, help="alerts per stream (default: from --seconds)"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--soak-minutes", type=float, default=0.0)
    parser.add_argument("--soak-rate", type=float, default=150.0)
    parser.add_argument("--soak-workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument(
        "--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--output", type=Path, default=RESULTS / "scale.json")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    if opts.desk_worker:
        desk_worker()
        return 0
    why = PostgresDatabase.unreachable(opts.pg_url)
    if why or not Path(NATS_SERVER).exists():
        log(f"needs PostgreSQL at {opts.pg_url} and {NATS_SERVER}: {why or 'no nats-server'}")
        return 2
    addresses = up_addresses()
    size = opts.alerts or int((opts.rate or 400) * opts.seconds)
    tag = f"{int(time.time()) % 100000}"
    bodies = with_addresses(make_alerts(opts.warmup + size, tag, opts.seed), addresses, opts.seed)
    warm, stream = bodies[: opts.warmup], bodies[opts.warmup :]
    document: dict[str, Any] = {
        "benchmark": "scale",
        "machine": machine_info(),
        "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(opts).items()},
        "targets": {"sustained_per_s": TARGET_PER_S, "alert_to_tasks_p99_s": TARGET_P99_S},
        "runs": [],
    }
    print("workers intake/s e2e/s     ready50  ready99  tasks50  tasks99  backlog  cpu ms/alert")
    # A SIGTERM, like Ctrl-C, stops every process the bench started and drops its database.
    try:
        with sigterm_as_interrupt():
            for workers in [int(w) for w in opts.workers.split(",") if w]:
                result = run_config(workers, opts, warm, stream)
                document["runs"].append(result)
                print_row(result)
            if opts.soak_minutes:
                soak_size = int(opts.soak_rate * opts.soak_minutes * 60)
                soak_alerts = make_alerts(soak_size, tag + "s", opts.seed + 1)
                soak_bodies = with_addresses(soak_alerts, addresses, 1)
                # other phone numbers than the timed runs': new people, new cases
                soak_bodies = [b.replace(b'"+91 91', b'"+91 81', 1) for b in soak_bodies]
                document["soak"] = soak(opts, soak_bodies, warm[:100])
                write_soak(document["soak"])
                summary = {k: v for k, v in document["soak"].items() if k != "samples"}
                print(json.dumps(summary, indent=1))
    except KeyboardInterrupt:
        log("interrupted: the processes are stopped and the database dropped; nothing written")
        return 130
    write_results(opts.output, document)
    return 0


if __name__ == "__main__":
    sys.exit(main())
