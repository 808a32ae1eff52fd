"""The notification list measured without HTTP: how many statements a page takes,
the page query's plan (by index, or a scan), and one call's time for a first page,
a page deep in the list and a grouped page. Under wrk the latency is mostly queueing
(32 connections to one process); these say what one request costs by itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from sqlalchemy import Connection, event

from roost.notifications.queries import grouped_notifications, list_notifications
from roost.paging import Page
from roost.runtime import Runtime
from roost_bench.notifications import Notified


def probe_list(rt: Runtime, notified: Notified, samples: int = 200) -> dict[str, Any]:
    """The list without HTTP: statements per page, the page query's plan, and the time
    of a first page and of a page deep in the list (random people, random depths)."""
    rng = np.random.default_rng(3)
    people = notified.people.ids
    statements: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        statements.append((statement, parameters))

    event.listen(rt.db.engine, "before_cursor_execute", capture)
    try:
        list_notifications(rt, people[0], Page(limit=40))
        first_count = len(statements)
        list_notifications(rt, people[0], Page(max_id=notified.cursors[0][0], limit=40))
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", capture)
    with rt.db.read() as conn:
        plans = {
            "first_page": _plan(conn, *statements[0]),
            "deep_page": _plan(conn, *statements[first_count]),
        }
    timings: dict[str, list[float]] = {"first_page": [], "deep_page": [], "grouped_v2": []}
    for _ in range(samples):
        who = int(rng.integers(len(people)))
        cursor = notified.cursors[who][int(rng.integers(len(notified.cursors[who])))]
        calls: dict[str, Callable[[], object]] = {
            "first_page": partial(list_notifications, rt, people[who], Page(limit=40)),
            "deep_page": partial(
                list_notifications, rt, people[who], Page(max_id=cursor, limit=40)
            ),
            "grouped_v2": partial(grouped_notifications, rt, people[who], Page(limit=40)),
        }
        for name, call in calls.items():
            mark = time.perf_counter()
            call()
            timings[name].append((time.perf_counter() - mark) * 1000)
    return {
        "statements_per_page": first_count,
        "page_query": statements[0][0],
        "plans": plans,
        "ms": {
            name: {
                "p50": round(float(np.percentile(values, 50)), 2),
                "p99": round(float(np.percentile(values, 99)), 2),
            }
            for name, values in timings.items()
        },
        "samples": samples,
        "what": "roost.notifications.queries in the bench process, one call at a time",
    }


def _plan(conn: Connection, statement: str, parameters: Any) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
    rows = conn.exec_driver_sql(prefix + statement, parameters).all()
    return [str(row[-1]) for row in rows]
