"""``roost-bench soak``: the mixed workload at a fraction of measured capacity for a long time.

What it shows: that nothing accumulates. Errors stay at zero, p99 does not creep up,
the resident memory of every process of the stack stays flat (the slope of a least
squares line, in MB per minute), and the job queue stays bounded. A leak or a queue
that slowly falls behind is invisible in a ten-second benchmark.

How: the world of ``roost-bench bench`` is seeded (same graph, same bulk loading), the stack
starts as real processes, one full-speed mixed run measures capacity, and the soak then
runs wrk in back-to-back windows (one summary each: rate, p50, p99, non-2xx) at
``fraction`` of it. wrk has no rate option: the Lua script pauses each connection
``pace`` ms between requests, and the pace is re-worked out after every window from
its mean latency, so the rate holds as latency moves. A thread samples every
process's RSS (``VmRSS``) and the queue length meanwhile.
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np

from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from roost_bench.fanout import wait_for_idle_queue
from roost_bench.graphs import reed98
from roost_bench.run import console
from roost_bench.seed import seed_graph
from roost_bench.servers import Backing, Stack
from roost_bench.workload import MIXED, run_wrk, write_users_file

matplotlib.use("Agg")  # no display: render straight to the PNG

import matplotlib.pyplot as plt

WARMUP_SHARE = 0.1  # the first tenth of the soak (caches filling) is left out of the slopes


@dataclass
class SoakOptions:
    mode: str = "embedded"
    minutes: float = 30.0
    fraction: float = 0.7
    connections: int = 16
    window: float = 30.0  # seconds per wrk run, one latency summary each
    capacity_seconds: float = 20.0
    sample_every: float = 5.0
    output: Path = Path("bench/results")


@dataclass
class Samples:
    """RSS per process and the queue length over time, taken by a background thread."""

    rt: Runtime
    stack: Stack
    every: float
    started: float = field(default_factory=time.monotonic)
    rows: list[dict[str, Any]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self._stop.is_set():
            pids = {f"web-{p}": p for p in self.stack.web_pids}
            pids |= {f"worker-{p}": p for p in self.stack.worker_pids}
            self.rows.append(
                {
                    "t": round(time.monotonic() - self.started, 1),
                    "rss_mb": {name: rss_mb(pid) for name, pid in pids.items()},
                    "queue": self.rt.jobs.pending_count(),
                    "load": os.getloadavg()[0],
                }
            )
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()


def rss_mb(pid: int) -> float | None:
    """The resident set now (``VmRSS``), not the peak: a slope needs the current value."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def run_soak(options: SoakOptions) -> tuple[Path, Path]:
    started = time.time()
    backing = Backing.create(options.mode)
    settings = backing.settings()
    migrate(settings.effective_database_url)
    rt = build_runtime(settings, pool_size=2)
    report: dict[str, Any] = {
        "kind": "soak",
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "options": {k: str(v) for k, v in options.__dict__.items()},
        "machine": {"cpus": os.cpu_count(), "load_before": os.getloadavg()},
    }
    try:
        graph = reed98()
        world = seed_graph(
            rt, graph, posts_total=graph.people * 10, home_depth=800, advance=lambda *_: None
        )
        users = write_users_file(backing.data_dir / "users.txt", world.people)
        scale = options.mode == "scale"
        stack = Stack(
            backing,
            web_processes=2 if scale else 1,
            worker_processes=2 if scale else 0,
            fanout_max_followers=10_000,
        )
        stack.start()
        try:
            report |= _soak(rt, stack, users, options)
        finally:
            stack.stop()
    finally:
        rt.close()
        backing.destroy()
    report["seconds"] = round(time.time() - started, 1)
    stem = f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(started))}-soak-{options.mode}"
    options.output.mkdir(parents=True, exist_ok=True)
    json_path = options.output / f"{stem}.json"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    png_path = options.output / f"{stem}.png"
    plot_soak(report, png_path)
    return json_path, png_path


def _soak(rt: Runtime, stack: Stack, users: Path, options: SoakOptions) -> dict[str, Any]:
    def wrk(seconds: float, pace: int = 0) -> dict[str, Any]:
        result = run_wrk(
            "soak",
            stack.base_url,
            users,
            mix=MIXED,
            seconds=seconds,
            connections=options.connections,
            pace_ms=pace,
        )
        return result.as_dict()

    wrk(5.0)  # warm-up
    wait_for_idle_queue(rt, 20.0)
    capacity = wrk(options.capacity_seconds)
    # Capacity counts the jobs the requests left behind: a full-speed run outruns the
    # workers, so the time they then take to catch up is part of serving those requests
    # (70 % of the request rate alone is more than the workers keep up with).
    capacity["drain_after_s"] = round(wait_for_idle_queue(rt, 300.0), 2)
    capacity["sustainable_per_second"] = round(
        capacity["ok_per_second"]
        * capacity["seconds"]
        / (capacity["seconds"] + capacity["drain_after_s"]),
        1,
    )
    target = capacity["sustainable_per_second"] * options.fraction
    console.log(
        f"capacity {capacity['ok_per_second']} req/s, {capacity['sustainable_per_second']}"
        f" with the jobs drained; soaking at {target:.0f} req/s"
    )
    samples = Samples(rt, stack, options.sample_every)
    sampler = threading.Thread(target=samples.run, daemon=True)
    sampler.start()
    windows: list[dict[str, Any]] = []
    pace = _pace(options.connections, target, capacity["latency_ms"]["mean"] / 4)
    deadline = samples.started + options.minutes * 60
    try:
        while time.monotonic() < deadline - 1:
            seconds = min(options.window, deadline - time.monotonic())
            begun = time.monotonic() - samples.started
            run = wrk(max(seconds, 1.0), pace)
            run |= {"t": round(begun, 1), "pace_ms": pace, "load": os.getloadavg()[0]}
            windows.append(run)
            console.log(
                f"t={begun:6.0f}s {run['ok_per_second']:6.1f} req/s p99"
                f" {run['latency_ms']['p99']} ms non-2xx {run['non_2xx']}"
                f" errors {run['socket_errors']} queue {samples.rows[-1]['queue']}"
            )
            pace = _pace(options.connections, target, run["latency_ms"]["mean"])
    finally:
        samples.stop()
        sampler.join()
    return {
        "capacity": capacity,
        "target_per_second": round(target, 1),
        "windows": windows,
        "samples": samples.rows,
        "summary": summarise(windows, samples.rows),
        "replaced_web_processes": stack.replaced_web_processes(),
    }


def _pace(connections: int, rate: float, latency_ms: float) -> int:
    """Each connection makes one request per ``connections / rate`` seconds: the pause
    is that period less the time the request itself takes."""
    period_ms = connections * 1000 / rate if rate > 0 else 1000
    return max(int(period_ms - latency_ms), 1)


def summarise(windows: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The verdicts: errors, p99 early against late, RSS slope per process, queue bound."""
    p99 = [w["latency_ms"]["p99"] for w in windows]
    third = max(len(p99) // 3, 1)
    settled = rows[int(len(rows) * WARMUP_SHARE) :] or rows
    slopes: dict[str, float] = {}
    for name in sorted({n for r in settled for n in r["rss_mb"]}):
        points = [(r["t"] / 60, r["rss_mb"][name]) for r in settled if r["rss_mb"].get(name)]
        if len(points) >= 3:
            minutes, mb = np.array(points).T
            slopes[name] = round(float(np.polyfit(minutes, mb, 1)[0]), 3)
    queue = [r["queue"] for r in rows]
    return {
        "requests": sum(w["requests"] for w in windows),
        "errors": sum(w["non_2xx"] + w["socket_errors"] for w in windows),
        "achieved_per_second": round(
            sum(w["requests"] for w in windows) / max(sum(w["seconds"] for w in windows), 1e-9),
            1,
        ),
        "p99_ms_first_third_median": float(np.median(p99[:third])) if p99 else None,
        "p99_ms_last_third_median": float(np.median(p99[-third:])) if p99 else None,
        "p99_ms_max": max(p99, default=None),
        "rss_slope_mb_per_min": slopes,
        "rss_mb_first_last": {
            name: [settled[0]["rss_mb"].get(name), settled[-1]["rss_mb"].get(name)]
            for name in slopes
        },
        "queue_max": max(queue, default=0),
        "queue_last_third_max": max(queue[-max(len(queue) // 3, 1) :], default=0),
        "load_average_mean": round(float(np.mean([r["load"] for r in rows])), 2) if rows else None,
    }


def plot_soak(report: dict[str, Any], path: Path) -> None:
    windows, rows = report.get("windows", []), report.get("samples", [])
    measured = report.get("capacity", {})
    capacity = measured.get("sustainable_per_second", measured.get("ok_per_second"))
    fig, (lat, mem, queue) = plt.subplots(3, 1, figsize=(10, 10), sharex=True)
    minutes = [w["t"] / 60 for w in windows]
    lat.plot(minutes, [w["latency_ms"]["p99"] for w in windows], label="p99")
    lat.plot(minutes, [w["latency_ms"]["p50"] for w in windows], label="p50")
    errors = [w["non_2xx"] + w["socket_errors"] for w in windows]
    lat.scatter(
        [m for m, e in zip(minutes, errors, strict=True) if e],
        [0] * sum(1 for e in errors if e),
        color="red",
        label="window with errors",
    )
    lat.set_ylabel("latency (ms)")
    lat.set_title(
        f"soak, {report['options'].get('mode')}: {report.get('target_per_second')} req/s target"
        f" ({report['options'].get('fraction')} of {capacity}),"
        f" {report.get('summary', {}).get('errors')} errors"
    )
    lat.legend()
    for name in sorted({n for r in rows for n in r["rss_mb"]}):
        points = [(r["t"] / 60, r["rss_mb"][name]) for r in rows if r["rss_mb"].get(name)]
        if points:
            xs, ys = zip(*points, strict=True)
            slope = report.get("summary", {}).get("rss_slope_mb_per_min", {}).get(name)
            mem.plot(xs, ys, label=f"{name} ({slope} MB/min)")
    mem.set_ylabel("RSS (MB)")
    mem.legend()
    queue.plot([r["t"] / 60 for r in rows], [r["queue"] for r in rows], label="pending jobs")
    queue.set_ylabel("pending jobs")
    queue.set_xlabel("minutes")
    queue.legend(loc="upper left")
    load = queue.twinx()  # the machine is shared: others' load is part of the result
    load.plot([r["t"] / 60 for r in rows], [r["load"] for r in rows], color="tab:gray", alpha=0.6)
    load.set_ylabel("load average, 1 min (grey)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
