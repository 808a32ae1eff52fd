"""Load through the real HTTP API with wrk and a Lua script (``bench/wrk/roost.lua``).

Why wrk and not a Python client: on two cores a Python load generator would eat
the CPU it is trying to measure; wrk is C with LuaJIT and spends microseconds per
request. The seeded accounts' IDs, tokens and usernames reach the script through
a generated file, so every request authenticates with a real bearer token.
"""

from __future__ import annotations

import json
import resource
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from roost_bench.graphs import find_dataset
from roost_bench.notifications import Notified
from roost_bench.seed import People

SCRIPT = Path("bench/wrk/roost.lua")
MARKER = "ROOST-BENCH "

# Request kinds of the Lua script and the mixes the run uses.
MIXED = "home:60,user:30,post:10"
MIXES = {
    "mixed": MIXED,
    "instance": "instance:100",
    "home": "home:100",
    "user": "user:100",
    "post": "post:100",
}
# The notifications step's runs, as the 1,000 notified people (``write_notified_file``).
NOTIFICATION_MIXES = {
    "notifications": "notif:100",  # GET /api/v1/notifications, first page
    "notifications_deep": "notifdeep:100",  # the same with max_id at a random depth
    "notifications_grouped": "grouped:100",  # GET /api/v2/notifications
    "post_plain": "plainpost:100",  # posts naming nobody: no notification
    "post_mentions": "post:100",  # posts naming 1-3 of the notified people
    "like": "like:100",  # POST /api/v1/statuses/:id/favourite: one notification each
}


@dataclass
class WrkResult:
    name: str
    mix: str
    connections: int
    seconds: float
    requests: int
    requests_per_second: float
    non_2xx: int
    socket_errors: int
    latency_ms: dict[str, float]
    # CPU wrk itself used, in cores: far below 1 means the load generator had room.
    load_generator_cores: float

    @property
    def ok_per_second(self) -> float:
        return max(self.requests - self.non_2xx, 0) / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"ok_per_second": round(self.ok_per_second, 1)}


def write_users_file(path: Path, people: People) -> Path:
    with path.open("w") as out:
        for account_id, token, name in zip(
            people.ids, people.tokens, people.usernames, strict=True
        ):
            out.write(f"{account_id} {token} {name}\n")
    return path


def write_notified_file(path: Path, notified: Notified, like_targets: int = 20) -> Path:
    """The wrk script's users file with two more fields: max_id cursors, and posts
    of this person's that others may like (``bench/wrk/roost.lua``)."""
    with path.open("w") as out:
        for account_id, token, name, cursors, own in zip(
            notified.people.ids,
            notified.people.tokens,
            notified.people.usernames,
            notified.cursors,
            notified.own_posts,
            strict=True,
        ):
            targets = ",".join(map(str, own[-like_targets:]))
            out.write(f"{account_id} {token} {name} {','.join(map(str, cursors))} {targets}\n")
    return path


def run_wrk(
    name: str,
    base_url: str,
    users_file: Path,
    *,
    mix: str,
    seconds: float,
    connections: int,
    threads: int = 2,
    pace_ms: int = 0,
) -> WrkResult:
    """One wrk run; ``pace_ms`` makes each connection pause between requests (a rate
    below capacity, for the soak)."""
    command = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(int(seconds), 1)}s",
        "--timeout",
        "10s",
        "-s",
        str(find_dataset(SCRIPT)),
        base_url,
        "--",
        str(users_file),
        mix,
        *([str(pace_ms)] if pace_ms > 0 else []),
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    summary = _parse(completed.stdout)
    errors = summary["errors"]
    elapsed = summary["duration_us"] / 1e6
    latency = {k: round(v / 1000, 2) for k, v in summary["latency_us"].items()}
    return WrkResult(
        name=name,
        mix=mix,
        connections=connections,
        seconds=round(elapsed, 2),
        requests=summary["requests"],
        requests_per_second=round(summary["requests"] / elapsed, 1) if elapsed else 0.0,
        non_2xx=errors["status"],
        socket_errors=errors["connect"] + errors["read"] + errors["write"] + errors["timeout"],
        latency_ms=latency,
        load_generator_cores=round(cpu / elapsed, 3) if elapsed else 0.0,
    )


def _parse(stdout: str) -> dict[str, Any]:
    for line in stdout.splitlines():
        if line.startswith(MARKER):
            parsed: dict[str, Any] = json.loads(line.removeprefix(MARKER))
            return parsed
    raise RuntimeError(f"wrk printed no summary:\n{stdout}")
