"""The fixed Python cost of one API read, without HTTP or load in the way.

Seeds socfb-Reed98 (as ``roost bench`` does) into a temporary SQLite database (or
the PostgreSQL at ``--database-url``), builds the ASGI app in this process and
calls it directly, one request after another, as a signed-in person: home
timeline, account statuses, notifications. Prints the mean time per request, the
pooled connections each request checked out, and, with ``--profile``, py-spy's
summary of where the measured requests spent their time (every thread: handlers
run in a pool), appended as text to the file given.

    .venv/bin/python bench/profile_reads.py --requests 2000 --profile out.txt

Sequential requests on a loaded machine still vary; compare runs made minutes apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio.to_thread as to_thread
from sqlalchemy import event

from roost.app import create_app
from roost.config import Settings
from roost.runtime import build_runtime
from roost.store.migrate import migrate
from roost_bench.graphs import reed98
from roost_bench.profile import py_spy
from roost_bench.seed import seed_graph


async def call(app: Any, path: str, token: str) -> int:
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(b"host", b"roost.test"), (b"authorization", f"Bearer {token}".encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("roost.test", 80),
    }
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def summary(raw: Path, top: int = 40) -> str:
    """Inclusive and self shares per function of the request-handling samples."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines() if raw.exists() else []:
        stack, _, count_text = line.rpartition(" ")
        frames = stack.split(";")
        if not count_text.isdigit() or not any(
            "Starlette.__call__" in f or "_check_and_call" in f for f in frames
        ):
            continue
        count = int(count_text)
        total += count
        names = [_function(f) for f in frames]
        own[names[-1]] += count
        for name in set(names):
            inclusive[name] += count
    if not total:
        return "no samples (py-spy missing, or not allowed to attach)"
    lines = [
        f"{total} samples in request handling (event loop and handler threads)",
        "",
        "inclusive:",
    ]
    lines += [f"{c / total:6.1%}  {f}" for f, c in inclusive.most_common(top)]
    lines += ["", "self:"]
    lines += [f"{c / total:6.1%}  {f}" for f, c in own.most_common(top // 2)]
    return "\n".join(lines)


def _function(frame: str) -> str:
    """``name (/long/path/site-packages/pkg/mod.py:12)`` -> ``name (pkg/mod.py)``."""
    name, _, where = frame.partition(" (")
    for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where.rsplit(':', 1)[0]})" if where else name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy summary (text)")
    parser.add_argument("--only", default="home,user,notifications", help="which reads")
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="roost-profile-"))
    settings = Settings(
        data_dir=folder,
        database_url=args.database_url,
        base_url="http://roost.test",
        rate_limits=False,
        inprocess_worker=False,
    )
    migrate(settings.effective_database_url)
    rt = build_runtime(settings, pool_size=4)
    world = seed_graph(rt, reed98(), posts_total=9620, home_depth=800, advance=lambda *a: None)
    app = create_app(settings, rt=rt)
    checkouts = 0

    @event.listens_for(rt.db.engine, "checkout")
    def _count(*_: Any) -> None:
        nonlocal checkouts
        checkouts += 1

    rng = random.Random(7)
    people = list(zip(world.people.ids, world.people.tokens, strict=True))

    def home() -> str:
        return "/api/v1/timelines/home"

    def user() -> str:
        return f"/api/v1/accounts/{rng.choice(people)[0]}/statuses"

    def notifications() -> str:
        return "/api/v1/notifications"

    async def run(name: str, path: Callable[[], str], count: int) -> None:
        nonlocal checkouts
        for _, token in people:  # warm up: everyone once (their caches), the page cache
            await call(app, path(), token)
        checkouts = 0
        recorder = None
        if args.profile:  # py-spy sees every thread (the handlers run in a pool)
            raw = args.profile.with_suffix(f".{name}.raw")
            recorder = subprocess.Popen(
                [
                    *(py_spy() or "py-spy", "record", "-p", str(os.getpid()), "-r", "200"),
                    *("-f", "raw", "--nonblocking", "-o", str(raw)),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # attached
        started, cpu = time.perf_counter(), time.process_time()

        async def caller(share: int) -> None:
            for _ in range(share):
                status = await call(app, path(), rng.choice(people)[1])
                assert status == 200, status

        await asyncio.gather(*(caller(count // args.concurrency) for _ in range(args.concurrency)))
        spent, cpu = time.perf_counter() - started, time.process_time() - cpu
        line = (
            f"{name:14} {spent / count * 1000:6.2f} ms/request  "
            f"{cpu / count * 1000:6.2f} ms CPU/request  "
            f"{checkouts / count:4.2f} checkouts/request  (load {os.getloadavg()[0]:.1f})"
        )
        print(line)
        if recorder is not None:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=60)
            with args.profile.open("a") as out:
                out.write(f"{line}\n\n{summary(raw)}\n\n")
            raw.unlink(missing_ok=True)

    async def everything() -> None:
        # As the app's lifespan does (not run here): few handler threads are faster.
        to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        reads = {"home": home, "user": user, "notifications": notifications}
        for name in args.only.split(","):
            await run(name, reads[name], args.requests)

    asyncio.run(everything())
    rt.close()


if __name__ == "__main__":
    main()
