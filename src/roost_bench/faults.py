"""``roost-bench faults``: PostgreSQL and Redis taken away under load, in scale mode.

What it shows: while PostgreSQL is down, requests fail fast with 503 (no request
hangs, no web process is stuck) and the service recovers by itself when it returns,
with no job lost; while Redis is down, home reads are served from PostgreSQL and
posting goes on (jobs wait in PostgreSQL), and once Redis is back (empty: it keeps
nothing on disk) every home timeline reads exactly as the database says.

How: a throwaway PostgreSQL cluster (``initdb`` into a temporary folder, its own
port) and a private ``redis-server``, so the machine's shared services are never
touched; the seeded world of ``roost-bench bench``; the stack as real processes (a web process
and a worker process); a few client threads reading homes and posting, every request's time,
outcome and latency recorded. PostgreSQL is stopped with ``-m immediate`` (as a
crash: no checkpoint, crash recovery at start) and started again after
``down_seconds``; later Redis is stopped and started the same way. Then the queue
is drained and checked: every accepted post is in the database, no job is parked,
and every account's first home page equals the one the database gives.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import matplotlib
import numpy as np
import psycopg
from sqlalchemy import func, select

from roost.paging import Page
from roost.posts.models import posts
from roost.posts.queries import recent_post_ids
from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from roost.timelines.feeds import home_feed, home_page_ids
from roost_bench.graphs import reed98
from roost_bench.run import console
from roost_bench.seed import People, seed_graph
from roost_bench.servers import Backing, PrivateDatabase, PrivateRedis, Stack, free_port

matplotlib.use("Agg")  # no display: render straight to the PNG

import matplotlib.pyplot as plt

OUTCOMES = ("2xx", "503", "other 5xx", "4xx", "client error")
COLOURS = {"2xx": "tab:green", "503": "tab:orange", "other 5xx": "tab:red", "4xx": "tab:purple"}
PAGE = 20  # entries compared per home timeline


@dataclass
class FaultOptions:
    down_seconds: float = 10.0
    steady_seconds: float = 15.0
    recovery_seconds: float = 20.0
    clients: int = 6
    web_processes: int = 1  # uvicorn replaces workers that start slowly on a busy machine
    think_seconds: float = 0.05  # each client's pause between requests
    post_share: float = 0.3
    output: Path = Path("bench/results")


class PrivateCluster:
    """A PostgreSQL cluster of its own (``initdb`` into a temporary folder), which this
    run may stop and start as it likes without disturbing anyone else's database."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="roost-faults-pg-"))
        self.data = self.root / "data"
        self.port = free_port()

    def _run(self, *command: str) -> None:
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ("runuser", "-u", "postgres", "--", *command)
        subprocess.run(command, check=True, capture_output=True)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # not running
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Load:
    """Client threads reading homes and posting, each request recorded as
    ``(start s, kind, outcome, latency s)``; accepted posts as ``(id, author)``."""

    base_url: str
    people: People
    options: FaultOptions
    started: float = field(default_factory=time.monotonic)
    records: list[tuple[float, str, str, float]] = field(default_factory=list)
    accepted: list[tuple[int, int]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for n in range(self.options.clients):
            thread = threading.Thread(target=self._client, args=(n,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def now(self) -> float:
        return time.monotonic() - self.started

    def _client(self, n: int) -> None:
        rng = random.Random(n)
        count = len(self.people.ids)
        with httpx.Client(base_url=self.base_url, timeout=10) as client:
            while not self._stop.is_set():
                who = rng.randrange(count)
                headers = {"Authorization": f"Bearer {self.people.tokens[who]}"}
                kind = "post" if rng.random() < self.options.post_share else "home"
                begun = self.now()
                try:
                    if kind == "post":
                        text = f"fault run {n}-{len(self.records)}"
                        response = client.post(
                            "/api/v1/statuses", headers=headers, json={"status": text}
                        )
                    else:
                        response = client.get("/api/v1/timelines/home", headers=headers)
                    outcome = _outcome(response.status_code)
                except httpx.HTTPError:
                    outcome, response = "client error", None
                self.records.append((round(begun, 3), kind, outcome, self.now() - begun))
                if kind == "post" and response is not None and outcome == "2xx":
                    self.accepted.append((int(response.json()["id"]), self.people.ids[who]))
                self._stop.wait(self.options.think_seconds)


def _outcome(status: int) -> str:
    if 200 <= status < 300:
        return "2xx"
    if status == 503:
        return "503"
    return "other 5xx" if status >= 500 else "4xx"


def run_faults(options: FaultOptions) -> tuple[Path, Path]:
    started = time.time()
    cluster, redis = PrivateCluster(), PrivateRedis()
    data_dir = Path(tempfile.mkdtemp(prefix="roost-faults-"))
    report: dict[str, Any] = {
        "kind": "faults",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "options": {k: str(v) for k, v in options.__dict__.items()},
        "machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()},
    }
    try:
        cluster.init()
        with psycopg.connect(cluster.url("postgres"), autocommit=True) as admin:
            admin.execute('CREATE DATABASE "roost"')
        redis.start()
        database = PrivateDatabase("faults")
        database.url = cluster.url("roost")  # ours, not the shared server's
        backing = Backing("scale", data_dir, database, redis)
        settings = backing.settings()
        migrate(settings.effective_database_url)
        rt = build_runtime(settings, pool_size=2)
        try:
            graph = reed98()
            world = seed_graph(
                rt, graph, posts_total=graph.people * 10, home_depth=800, advance=lambda *_: None
            )
            # Timelines start empty, so every one is rebuilt from the database when read:
            # the final comparison then tests the fault handling, not the bulk loading.
            rt.timelines.client.flushdb()  # type: ignore[attr-defined]  # our own Redis
            stack = Stack(
                backing,
                web_processes=options.web_processes,
                worker_processes=1,
                fanout_max_followers=10_000,
                ready_timeout=300,
            )
            stack.start()
            try:
                report |= _scenario(rt, stack, cluster, redis, world.people, options)
                rt.db.dispose()  # this process's pooled connections died with the restart
                # Checked while the stack runs: its worker drains what the faults delayed.
                report["checks"] = check(rt, world.people.ids, report.pop("_accepted"))
            finally:
                stack.stop()
        finally:
            rt.close()
    except BaseException:
        console.log(f"failed: the stack's log is kept in {data_dir}")
        raise
    else:
        shutil.rmtree(data_dir, ignore_errors=True)
    finally:
        redis.stop()
        cluster.destroy()
    report["seconds"] = round(time.time() - started, 1)
    stem = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(started))}-faults-scale"
    options.output.mkdir(parents=True, exist_ok=True)
    json_path = options.output / f"{stem}.json"
    png_path = options.output / f"{stem}.png"
    plot_faults(report, png_path)
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    return json_path, png_path


def _scenario(
    rt: Runtime,
    stack: Stack,
    cluster: PrivateCluster,
    redis: PrivateRedis,
    people: People,
    options: FaultOptions,
) -> dict[str, Any]:
    load = Load(stack.base_url, people, options)
    load.start()
    events: dict[str, float] = {}
    try:
        time.sleep(options.steady_seconds)
        events["postgres_stopped"] = load.now()
        cluster.stop("immediate")
        time.sleep(options.down_seconds)
        events["postgres_starting"] = load.now()
        cluster.start()
        events["postgres_started"] = load.now()
        time.sleep(options.recovery_seconds)
        events["redis_stopped"] = load.now()
        redis.stop()
        time.sleep(options.down_seconds)
        events["redis_starting"] = load.now()
        redis.start()
        events["redis_started"] = load.now()
        time.sleep(options.recovery_seconds)
    finally:
        load.stop()
        events["load_stopped"] = load.now()
    records = sorted(load.records)
    return {
        "events_s": {k: round(v, 2) for k, v in events.items()},
        "phases": phases(records, events),
        "recovery": recovery(records, events),
        "records": records,
        "web_processes_replaced": stack.replaced_web_processes(),
        "_accepted": load.accepted,
    }


def phases(
    records: list[tuple[float, str, str, float]], events: dict[str, float]
) -> dict[str, Any]:
    """Outcomes and latency per phase, per request kind."""
    bounds = [
        ("steady", 0.0, events["postgres_stopped"]),
        ("postgres_down", events["postgres_stopped"], events["postgres_started"]),
        ("postgres_back", events["postgres_started"], events["redis_stopped"]),
        ("redis_down", events["redis_stopped"], events["redis_started"]),
        ("redis_back", events["redis_started"], events["load_stopped"]),
    ]
    out: dict[str, Any] = {}
    for name, start, end in bounds:
        for kind in ("home", "post"):
            chosen = [r for r in records if start <= r[0] < end and r[1] == kind]
            latencies = np.array([r[3] for r in chosen]) * 1000
            out[f"{name}/{kind}"] = {
                "requests": len(chosen),
                "outcomes": dict(Counter(r[2] for r in chosen)),
                "latency_ms": {
                    "p50": round(float(np.percentile(latencies, 50)), 1),
                    "p99": round(float(np.percentile(latencies, 99)), 1),
                    "max": round(float(latencies.max()), 1),
                }
                if len(chosen)
                else None,
            }
    return out


def recovery(
    records: list[tuple[float, str, str, float]], events: dict[str, float]
) -> dict[str, Any]:
    """Seconds from a service's return to the last failed request after it."""
    out: dict[str, Any] = {}
    for service, back, until in (
        ("postgres", events["postgres_started"], events["redis_stopped"]),
        ("redis", events["redis_started"], events["load_stopped"]),
    ):
        failed = [r[0] + r[3] for r in records if back <= r[0] < until and r[2] != "2xx"]
        out[f"{service}_last_failure_after_return_s"] = (
            round(max(failed) - back, 2) if failed else 0.0
        )
    return out


def check(rt: Runtime, account_ids: list[int], accepted: list[tuple[int, int]]) -> dict[str, Any]:
    """After the queue drains: accepted posts stored, no job parked, homes right."""
    deadline = time.monotonic() + 300
    while rt.jobs.pending_count() and time.monotonic() < deadline:
        time.sleep(0.5)
    ids = [post_id for post_id, _ in accepted]
    with rt.db.read() as conn:
        stored = sum(
            int(conn.scalar(select(func.count()).where(posts.c.id.in_(ids[i : i + 1000]))) or 0)
            for i in range(0, len(ids), 1000)
        )
    wrong: list[int] = []
    for account_id in account_ids:
        feed = home_feed(rt, account_id)
        expected = recent_post_ids(
            rt,
            feed.sources,
            limit=PAGE,
            viewer_id=account_id,
            belongs=feed.belongs,
            also=feed.also,
        )
        if home_page_ids(rt, account_id, Page(limit=PAGE)) != expected:
            wrong.append(account_id)
    return {
        "posts_accepted": len(ids),
        "accepted_posts_stored": stored,
        "jobs_pending_after_drain": rt.jobs.pending_count(),
        "jobs_parked": len(rt.jobs.parked()),
        "homes_checked": len(account_ids),
        "homes_differing_from_database": len(wrong),
        "differing_examples": wrong[:10],
    }


def plot_faults(report: dict[str, Any], path: Path) -> None:
    records = report.get("records", [])
    events = report.get("events_s", {})
    fig, (lat, counts) = plt.subplots(2, 1, figsize=(11, 8), sharex=True)
    for outcome in OUTCOMES:
        chosen = [r for r in records if r[2] == outcome]
        if chosen:
            lat.scatter(
                [r[0] for r in chosen],
                [max(r[3] * 1000, 0.1) for r in chosen],
                s=4,
                label=f"{outcome} ({len(chosen)})",
                color=COLOURS.get(outcome, "black"),
            )
    lat.set_yscale("log")
    lat.set_ylabel("latency (ms, log)")
    checks = report.get("checks", {})
    lat.set_title(
        "PostgreSQL then Redis stopped under load (scale mode):"
        f" {checks.get('homes_differing_from_database')} wrong homes after,"
        f" {checks.get('jobs_parked')} parked jobs,"
        f" {checks.get('accepted_posts_stored')}/{checks.get('posts_accepted')} posts stored"
    )
    lat.legend(loc="upper left", markerscale=3)
    end = events.get("load_stopped", max((r[0] for r in records), default=1))
    seconds = np.arange(0, int(end) + 1)
    bottom = np.zeros(len(seconds))
    for outcome in OUTCOMES:
        per = np.zeros(len(seconds))
        for r in records:
            if r[2] == outcome and int(r[0]) < len(per):
                per[int(r[0])] += 1
        if per.any():
            counts.bar(seconds, per, bottom=bottom, width=1.0, label=outcome,
                       color=COLOURS.get(outcome, "black"))  # fmt: skip
            bottom += per
    counts.set_ylabel("requests per second")
    counts.set_xlabel("seconds")
    counts.legend(loc="upper left")
    for ax in (lat, counts):
        for service, colour in (("postgres", "tab:blue"), ("redis", "tab:red")):
            if f"{service}_stopped" in events:
                ax.axvspan(
                    events[f"{service}_stopped"],
                    events[f"{service}_started"],
                    color=colour,
                    alpha=0.12,
                    label=None,
                )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
