"""``roost-bench bench``: seeds a world per mode, starts the stack, measures, writes results.

One mode's run, in order: a private database (and Redis) is created and migrated; the
graph, its posts, tokens and home timelines are bulk-loaded; the stack starts as real
processes at the default hybrid threshold and serves, for ``duration`` seconds each, the
floor endpoint, the reference app (a bare Starlette process serving one of this run's
real home pages: the ceiling every figure is also given as a share of), home reads
alone, user-timeline reads alone, the mixed workload (profiled with py-spy) and posts
alone (watching the job queue); then dedicated accounts with exact follower counts are
added, the stack restarts with the threshold raised above them to time fan-out, and once
more at the default to check that an account above it is visible at once. Last, people
with thousands of notifications each are bulk-loaded and their lists read (first page,
deep pages, grouped), and plain posts, posts with mentions and likes are timed with the
job queue watched, for what a notification adds to a write.
"""

from __future__ import annotations

import os
import platform
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import Progress, TaskID

from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from roost_bench.fanout import discard_jobs, measure_delivery, measure_hybrid, seed_celebrities
from roost_bench.fanout import wait_for_idle_queue as wait_idle
from roost_bench.graphs import Graph, load_edge_list, powerlaw, reed98
from roost_bench.listing import probe_list
from roost_bench.memory import redis_timeline_entries, redis_used_memory
from roost_bench.notifications import seed_notifications
from roost_bench.profile import start_recording, summarise
from roost_bench.reference import ReferenceServer, capture_page
from roost_bench.report import add_shares, print_summary, targets, write_report
from roost_bench.search import measure_search, seed_search_corpus
from roost_bench.seed import World, seed_graph
from roost_bench.servers import Backing, Stack, free_port
from roost_bench.sms import measure_sms
from roost_bench.suggestions import measure_suggestions, seed_follow_graph
from roost_bench.workload import (
    MIXES,
    NOTIFICATION_MIXES,
    WrkResult,
    run_wrk,
    write_notified_file,
    write_users_file,
)

DEFAULT_THRESHOLD = 10_000
DRAIN_WAIT = 20.0  # the longest wait for the queue to empty after a load (time budget)
STEPS = ("workload", "fanout", "notifications", "suggestions", "sms", "search")
console = Console(stderr=True)


@dataclass
class Options:
    modes: list[str] = field(default_factory=lambda: ["embedded", "scale"])
    graph: str = "reed98"  # "reed98", "powerlaw", or a path to an edge-list file
    people: int = 100_000  # power-law graph size
    posts: int = 0  # existing posts; 0 means 10 per person (1,000,000 for 100,000 people)
    home_depth: int = 800  # entries materialised per home timeline (at most the cap)
    duration: float = 10.0
    connections: int = 32
    fanout_sizes: list[int] = field(default_factory=lambda: [100, 10_000, 100_000])
    fanout_posts: int = 20
    fanout_budget: float = 45.0  # seconds per follower count
    scale_web: int = 2
    # Web processes of the embedded default; 0: one per core, as `roost serve` starts.
    embedded_web: int = 0
    server: str = "uvicorn"  # or "granian": the ASGI server of Roost and the reference app
    scale_workers: int = 2
    profile: bool = True
    # Which steps run after seeding: "workload", "fanout", "notifications", "sms", "search".
    steps: list[str] = field(default_factory=lambda: list(STEPS))
    search_posts: int = 1_000_000  # posts added to the full-text index by the search step
    notification_people: int = 1_000  # 0 skips the notifications step
    notifications_each: int = 10_000
    sms_followers: int = 10_000  # phone-linked followers of the one account that posts
    sms_rate: float = 100.0  # ROOST_SMS_RATE during the sms step
    output: Path = Path("bench/results")


def load_graph(options: Options) -> Graph:
    if options.graph == "reed98":
        return reed98()
    if options.graph == "powerlaw":
        return powerlaw(options.people)
    return load_edge_list(Path(options.graph))


def run_bench(options: Options) -> tuple[Path, Path]:
    """Runs every requested mode and writes ``<stamp>-<graph>.json`` and ``.png``."""
    started = time.time()
    graph = load_graph(options)
    console.log(f"graph {graph.describe()}")
    results: dict[str, Any] = {}
    for mode in options.modes:
        console.rule(f"{mode} mode")
        load_before = os.getloadavg()
        results[mode] = run_mode(mode, graph, options)
        results[mode]["targets"] = targets(results[mode])
        # The machine is shared: the load others put on it is part of the result.
        results[mode]["load_average"] = {"before": load_before, "after": os.getloadavg()}
    report = {
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "options": {k: str(v) if isinstance(v, Path) else v for k, v in asdict(options).items()},
        "graph": graph.describe(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "modes": results,
    }
    print_summary(report, console)
    return write_report(report, options.output)


def run_mode(mode: str, graph: Graph, options: Options) -> dict[str, Any]:
    backing = Backing.create(mode)
    settings = backing.settings()
    migrate(settings.effective_database_url)
    rt = build_runtime(settings, pool_size=4)
    out: dict[str, Any] = {"mode": mode, "settings": _describe(backing, options)}
    try:
        if options.steps == ["suggestions"]:  # the follow graph is all it needs
            out["suggestions"] = _suggestions_alone(rt, graph)
            return out
        redis_before = redis_used_memory(backing.redis.url) if backing.redis else 0
        posts = options.posts or graph.people * 10
        with _seeding_progress() as advance:
            world = seed_graph(
                rt, graph, posts_total=posts, home_depth=options.home_depth, advance=advance
            )
        out["seed"] = {
            "accounts": len(world.people.ids),
            "posts": world.posts,
            "timeline_entries": world.timeline_entries,
            "seconds": round(world.seconds, 1),
        }
        console.log(f"seeded {out['seed']}")
        if backing.redis:
            entries = redis_timeline_entries(rt.timelines)
            used = redis_used_memory(backing.redis.url) - redis_before
            out["redis"] = {
                "used_memory_bytes": used,
                "timeline_entries": entries,
                "bytes_per_entry": round(used / entries, 1) if entries else None,
            }
            console.log(f"redis {out['redis']}")
        users = write_users_file(backing.data_dir / "users.txt", world.people)
        if "workload" in options.steps:
            out["workload"], out["memory"] = _workload(rt, backing, users, options)
        if "fanout" in options.steps:
            out["fanout"], out["hybrid"], out["memory_fanout"] = _fanout(
                rt, backing, world.people, options
            )
        if "notifications" in options.steps and options.notification_people:
            out["notifications"] = _notifications(rt, backing, world, options)
        if "suggestions" in options.steps:
            out["suggestions"] = measure_suggestions(rt, graph, world.people.ids)
            console.log(f"suggestions {out['suggestions']}")
        if "sms" in options.steps and options.sms_followers:
            out["sms"] = _sms(rt, options)
        if "search" in options.steps:
            out["search"] = _search(rt, world, options)
    except Exception:  # keep what was measured so far: a late failure must not erase it
        out["error"] = traceback.format_exc()
        console.print_exception()
    finally:
        rt.close()
        backing.destroy()
    return out


def _suggestions_alone(rt: Runtime, graph: Graph) -> dict[str, Any]:
    started = time.perf_counter()
    with _seeding_progress() as advance:
        people = seed_follow_graph(rt, graph, advance)
    seeded: dict[str, Any] = {"accounts": len(people.ids), "follows": graph.follow_count}
    seeded["seconds"] = round(time.perf_counter() - started, 1)
    console.log(f"seeded {seeded}")
    result = measure_suggestions(rt, graph, people.ids) | {"seed": seeded}
    console.log(f"suggestions {result}")
    return result


@contextmanager
def _seeding_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar per seeding stage; yields ``advance(stage, done, total)``."""
    with Progress(console=console, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(f"seeding {stage}", total=total)
            progress.update(tasks[stage], completed=done)

        yield advance


def _describe(backing: Backing, options: Options) -> dict[str, Any]:
    scale = backing.mode == "scale"
    return {
        "database": "postgresql" if scale else "sqlite",
        "timelines": "redis" if scale else "sql",
        "web_processes": _web_processes(backing.mode, options),
        "server": options.server,
        "worker_processes": options.scale_workers if scale else "in-process thread",
        "connections": options.connections,
        "duration_s": options.duration,
    }


def _web_processes(mode: str, options: Options) -> int:
    if mode == "scale":
        return options.scale_web
    return options.embedded_web or os.cpu_count() or 1


def _stack(backing: Backing, options: Options, threshold: int) -> Stack:
    scale = backing.mode == "scale"
    stack = Stack(
        backing,
        web_processes=_web_processes(backing.mode, options),
        server=options.server,
        worker_processes=options.scale_workers if scale else 0,
        fanout_max_followers=threshold,
    )
    stack.start()
    return stack


def _workload(
    rt: Runtime, backing: Backing, users: Path, options: Options
) -> tuple[dict[str, Any], dict[str, Any]]:
    stack = _stack(backing, options, DEFAULT_THRESHOLD)
    runs: dict[str, Any] = {}
    try:
        wrk = _wrk_runner(stack, users, options)
        wrk("warmup", MIXES["mixed"], min(options.duration, 3.0))
        wait_idle(rt, DRAIN_WAIT)
        runs["instance"] = wrk("instance", MIXES["instance"], options.duration).as_dict()
        runs["reference"] = _reference(stack, backing, users, wrk, options)
        for name in ("home", "user"):
            runs[name] = wrk(name, MIXES[name], options.duration).as_dict()
        profile_file = backing.data_dir / "mixed.pyspy"
        recorder = (
            start_recording(stack.web_pids[0], options.duration, profile_file)
            if options.profile
            else None
        )
        runs["mixed"] = wrk("mixed", MIXES["mixed"], options.duration).as_dict()
        if recorder:
            recorder.wait(timeout=30)
            runs["mixed"]["profile"] = summarise(profile_file)
        runs["mixed"]["drain_after_load_s"] = round(wait_idle(rt, DRAIN_WAIT), 2)
        runs["mixed"]["queue_left_after_drain_wait"] = rt.jobs.pending_count()
        # The write path: the web process (and its in-process worker, embedded) and, in
        # scale mode, a worker process, each profiled while posts arrive.
        targets_ = {"web": stack.web_pids[0]} | (
            {"worker": stack.worker_pids[0]} if stack.worker_pids else {}
        )
        # Folded stacks (flame graph input) are kept beside the results.
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        folded = {
            role: options.output / f"{stamp}-post-{backing.mode}-{role}.folded.txt"
            for role in targets_
        }
        options.output.mkdir(parents=True, exist_ok=True)
        recorders = {
            role: start_recording(pid, options.duration, folded[role])
            for role, pid in targets_.items()
            if options.profile
        }
        runs["post"] = _with_queue(rt, wrk, "post", MIXES["post"], options.duration)
        runs["post"]["posts_per_second"] = runs["post"]["ok_per_second"]
        for role, post_recorder in recorders.items():
            if post_recorder:
                post_recorder.wait(timeout=30)
                runs["post"][f"profile_{role}"] = summarise(folded[role], top=25)
    finally:
        stack.stop()
    add_shares(runs)
    memory = stack.memory()
    shown = {k: v for k, v in memory.items() if k != "server_log_tail"}
    console.log(f"memory {shown}")
    return runs, memory


def _reference(
    stack: Stack, backing: Backing, users: Path, wrk: Any, options: Options
) -> dict[str, Any]:
    """The reference app (``roost_bench.reference``) serving a real home page of this
    run's, under the same wrk settings, while Roost's stack sits idle beside it."""
    tokens = [line.split()[1] for line in users.read_text().splitlines()[:200]]
    page, size = capture_page(stack.base_url, tokens, backing.data_dir)
    log = backing.data_dir / "reference.log"
    server = ReferenceServer(page, free_port(), log, options.server)
    server.start()
    try:
        console.log(f"reference app serving a {size:,}-byte home page")
        result: WrkResult = wrk("reference", MIXES["home"], options.duration, server.base_url)
    finally:
        server.stop()
    return result.as_dict() | {"page_bytes": size}


def _wrk_runner(stack: Stack, users: Path, options: Options) -> Any:
    def wrk(name: str, mix: str, seconds: float, base_url: str = "") -> WrkResult:
        console.log(f"wrk {name} ({mix}) for {seconds:g}s at {options.connections} connections")
        result = run_wrk(
            name,
            base_url or stack.base_url,
            users,
            mix=mix,
            seconds=seconds,
            connections=options.connections,
        )
        console.log(
            f"  {result.requests_per_second:,.0f} req/s, p50 {result.latency_ms['p50']} ms,"
            f" p99 {result.latency_ms['p99']} ms, non-2xx {result.non_2xx},"
            f" wrk used {result.load_generator_cores:.2f} cores"
        )
        return result

    return wrk


def _with_queue(rt: Runtime, wrk: Any, name: str, mix: str, seconds: float) -> dict[str, Any]:
    """A write load with the job queue's length sampled throughout: the jobs keep up
    when the queue stays flat under load and empties soon after it stops."""
    samples: list[tuple[float, int]] = []
    stop = threading.Event()
    started = time.perf_counter()

    def sample() -> None:
        while not stop.is_set():
            samples.append((round(time.perf_counter() - started, 2), rt.jobs.pending_count()))
            stop.wait(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result: WrkResult = wrk(name, mix, seconds)
    finally:
        stop.set()
        sampler.join()
    drain = wait_idle(rt, DRAIN_WAIT)
    lengths = [n for _, n in samples]
    half = lengths[len(lengths) // 2 :] or [0]
    return result.as_dict() | {
        "queue_samples": samples,
        "queue_max": max(lengths, default=0),
        "queue_at_end": lengths[-1] if lengths else 0,
        "queue_second_half_max": max(half),
        "drain_after_load_s": round(drain, 2),
        "queue_left_after_drain_wait": rt.jobs.pending_count(),
    }


def _fanout(
    rt: Runtime, backing: Backing, people: Any, options: Options
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, dict[str, Any]]:
    sizes = sorted(options.fanout_sizes)
    if not sizes:
        return [], None, {}
    leftover = discard_jobs(rt)
    if leftover:
        console.log(f"discarded {leftover} jobs the load left undone (time budget)")
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("seeding fan-out followers", total=None)
        celebrities = seed_celebrities(rt, sizes, people, lambda n: progress.advance(task, n))
    raised = max(sizes) + 1
    results = []
    memory: dict[str, Any] = {"jobs_discarded_before_fanout": leftover, "stacks": []}
    stack = _stack(backing, options, raised)
    try:
        for celebrity in celebrities:
            count = options.fanout_posts if celebrity.followers_wanted < 100_000 else 5
            console.log(f"fan-out to {celebrity.followers_wanted:,} followers x {count}")
            with httpx.Client(base_url=stack.base_url, timeout=30) as client:
                result = measure_delivery(
                    rt,
                    client,
                    celebrity,
                    posts=count,
                    threshold=raised,
                    budget=options.fanout_budget,
                )
            if result.timeouts:  # restart without the late post's remaining jobs
                stack.stop()
                memory["stacks"].append(stack.memory())
                result.discarded_jobs = discard_jobs(rt)
                stack = _stack(backing, options, raised)
            results.append(result.as_dict())
            console.log(
                f"  {results[-1]['posts']} posts, {results[-1]['timeouts']} timeouts,"
                f" p50 {results[-1]['p50_s']} s, p99 {results[-1]['p99_s']} s"
            )
    finally:
        stack.stop()
    memory["stacks"].append(stack.memory())
    for key in ("web_peak_rss_mb", "worker_peak_rss_mb"):
        memory[key] = [mb for m in memory["stacks"] for mb in m[key]]
    above = [c for c in celebrities if c.followers_wanted > DEFAULT_THRESHOLD]
    if not above:
        return results, None, memory
    # A job leased by a worker that was stopped mid-claim would hold the queue busy
    # until its lease ran out; the hybrid check needs none of the fan-out's jobs.
    memory["jobs_discarded_before_hybrid"] = discard_jobs(rt)
    stack = _stack(backing, options, DEFAULT_THRESHOLD)
    try:
        with httpx.Client(base_url=stack.base_url, timeout=30) as client:
            hybrid = measure_hybrid(rt, client, above[-1], threshold=DEFAULT_THRESHOLD)
        console.log(f"hybrid: {hybrid['visible_on_first_read']}/{hybrid['posts']} on first read")
    finally:
        stack.stop()
    return results, hybrid, memory


def _sms(rt: Runtime, options: Options) -> dict[str, Any]:
    discard_jobs(rt)  # earlier steps' undone jobs must not slow the senders
    rate = options.sms_rate
    budget = 120.0 + (options.sms_followers / rate * 2 if rate > 0 else 120.0)
    console.log(f"sms: {options.sms_followers:,} phones at {rate:g} texts/s")
    result = measure_sms(rt, followers=options.sms_followers, rate=rate, budget=budget)
    console.log(f"sms {result}")
    return result


def _search(rt: Runtime, world: World, options: Options) -> dict[str, Any]:
    """A million posts into the full-text index, then each query shape timed."""
    with _seeding_progress() as advance:
        corpus = seed_search_corpus(rt, world.people.ids, options.search_posts, advance)
    console.log(f"seeded {corpus.posts:,} searchable posts in {corpus.seconds:.0f} s")
    measured = measure_search(rt, corpus, world.people.ids)
    for name, shape in measured["shapes"].items():
        console.log(f"search {name}: {shape['ms']} ({shape['example']!r})")
    return {"seed_posts": corpus.posts, "seed_seconds": round(corpus.seconds, 1)} | measured


def _notifications(rt: Runtime, backing: Backing, world: World, options: Options) -> dict[str, Any]:
    """``notification_people`` with ``notifications_each`` notifications: their lists
    read through the API, then what a mention or a like adds to the write path."""
    out: dict[str, Any] = {}
    leftover = discard_jobs(rt)  # earlier steps' undone jobs must not slow these runs
    with _seeding_progress() as advance:
        notified = seed_notifications(
            rt,
            world.people.ids,
            world.post_ids,
            world.post_authors,
            people=options.notification_people,
            each=options.notifications_each,
            advance=advance,
        )
    out["seed"] = notified.describe() | {"jobs_discarded_before": leftover}
    console.log(f"seeded notifications {out['seed']}")
    out["in_process"] = probe_list(rt, notified)
    console.log(f"list without HTTP, ms: {out['in_process']['ms']}")
    users = write_notified_file(backing.data_dir / "notified.txt", notified)
    stack = _stack(backing, options, DEFAULT_THRESHOLD)
    runs: dict[str, Any] = {}
    try:
        wrk = _wrk_runner(stack, users, options)
        wrk("warmup", NOTIFICATION_MIXES["notifications_deep"], min(options.duration, 3.0))
        for name in ("notifications", "notifications_deep", "notifications_grouped"):
            runs[name] = wrk(name, NOTIFICATION_MIXES[name], options.duration).as_dict()
        # One connection: what a request costs when it does not queue behind 31 others.
        alone = _wrk_runner(stack, users, replace(options, connections=1))
        for name in ("notifications", "notifications_deep"):
            run = alone(f"{name}_1conn", NOTIFICATION_MIXES[name], min(options.duration, 5.0))
            runs[f"{name}_1conn"] = run.as_dict()
        wait_idle(rt, DRAIN_WAIT)
        for name in ("post_plain", "post_mentions", "like"):
            runs[name] = _with_queue(rt, wrk, name, NOTIFICATION_MIXES[name], options.duration)
    finally:
        stack.stop()
    out["runs"] = runs
    out["memory"] = {k: v for k, v in stack.memory().items() if k != "server_log_tail"}
    out["extra_cost"] = _extra_cost(runs)
    console.log(f"notification cost on the write path {out['extra_cost']}")
    return out


def _extra_cost(runs: dict[str, Any]) -> dict[str, Any]:
    """Posts with 1-3 mentions (one notification job each) against plain posts, and
    likes: throughput, latency and how long the queue took to empty afterwards."""
    plain, mentions = runs.get("post_plain"), runs.get("post_mentions")
    if not plain or not mentions:
        return {}

    def figures(run: dict[str, Any]) -> dict[str, Any]:
        return {
            "per_second": run["ok_per_second"],
            "p50_ms": run["latency_ms"]["p50"],
            "p99_ms": run["latency_ms"]["p99"],
            "queue_max": run["queue_max"],
            "drain_after_load_s": run["drain_after_load_s"],
        }

    out: dict[str, Any] = {"post_plain": figures(plain), "post_mentions": figures(mentions)}
    if like := runs.get("like"):
        out["like"] = figures(like)
    base = plain["ok_per_second"]
    out["mentions_throughput_change"] = (
        round(mentions["ok_per_second"] / base - 1, 3) if base else None
    )
    out["mentions_p50_added_ms"] = round(
        mentions["latency_ms"]["p50"] - plain["latency_ms"]["p50"], 2
    )
    out["mentions_drain_added_s"] = round(
        mentions["drain_after_load_s"] - plain["drain_after_load_s"], 2
    )
    return out
