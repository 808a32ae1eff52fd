"""The fixed Python cost of one API read, without HTTP or load in the way.

Seeds socfb-Reed98 (as ``roost bench`` does) into a temporary SQLite database (or
the PostgreSQL at ``--database-url``), builds the ASGI app in this process and
calls it directly, one request after another, as a signed-in person: home
timeline, account statuses, notifications. Prints the mean time per request, the
pooled connections each request checked out, and, with ``--profile``, a
pyinstrument summary of the home reads (saved as text next to the bench results).

    .venv/bin/python bench/profile_reads.py --requests 2000 --profile out.txt

Sequential requests on a loaded machine still vary; compare runs made minutes apart.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from roost.app import create_app
from roost.bench.graphs import reed98
from roost.bench.seed import seed_graph
from roost.config import Settings
from roost.runtime import build_runtime
from roost.store.migrate import migrate


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", type=Path, default=None, help="pyinstrument text output")
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
        for _ in range(50):  # warm up: caches, the thread pool, SQLite's page cache
            await call(app, path(), rng.choice(people)[1])
        checkouts = 0
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            status = await call(app, path(), rng.choice(people)[1])
            assert status == 200, status
        spent, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{name:14} {spent / count * 1000:6.2f} ms/request  "
            f"{cpu / count * 1000:6.2f} ms CPU/request  "
            f"{checkouts / count:4.2f} checkouts/request  (load {os.getloadavg()[0]:.1f})"
        )

    async def everything() -> None:
        await run("home", home, args.requests)
        await run("user", user, args.requests)
        await run("notifications", notifications, args.requests)
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005, async_mode="enabled")
            with profiler:
                await run("home (profiled)", home, args.requests)
            args.profile.write_text(profiler.output_text(unicode=False, color=False))
            print(f"profile: {args.profile}")

    asyncio.run(everything())
    rt.close()


if __name__ == "__main__":
    main()
