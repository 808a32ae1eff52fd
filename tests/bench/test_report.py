"""The report writer: one JSON with every figure and target, one PNG."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from roost_bench.report import add_shares, summary_rows, targets, write_report


def _run(rps: float, p99: float) -> dict[str, Any]:
    return {
        "ok_per_second": rps,
        "latency_ms": {"p50": p99 / 4, "p90": p99 / 2, "p99": p99, "mean": p99 / 3},
    }


def _mode() -> dict[str, Any]:
    post = _run(600, 40) | {
        "posts_per_second": 600.0,
        "queue_max": 12,
        "drain_after_load_s": 0.5,
    }
    return {
        "workload": {
            "reference": _run(8_000, 8),
            "instance": _run(4_000, 10),
            "home": _run(1_000, 30),
            "user": _run(1_200, 25),
            "mixed": _run(1_600, 60),
            "post": post,
        },
        "fanout": [
            {"followers": 100, "p50_s": 0.01, "p99_s": 0.02, "posts": 20, "timeouts": 0},
            {"followers": 10_000, "p50_s": 0.4, "p99_s": 0.8, "posts": 20, "timeouts": 0},
        ],
        "hybrid": {"visible_on_first_read": 5, "posts": 5},
        "memory": {"web_peak_rss_mb": [120.0, 130.5]},
        "notifications": {
            "runs": {
                "notifications": _run(2_000, 15) | {"connections": 32, "non_2xx": 0},
                "notifications_deep": _run(1_900, 25) | {"connections": 32, "non_2xx": 0},
                "post_plain": _run(300, 90),
                "like": _run(500, 60),
            }
        },
    }


def test_targets_record_missed_ones_as_missed() -> None:
    checks = {c["target"]: c["met"] for c in targets(_mode())}
    assert checks["mixed workload throughput"] is True
    assert checks["mixed workload p99"] is False
    assert checks["mixed workload vs reference app"] is False  # 1,600 / 8,000 = 0.2
    assert checks["home reads vs floor endpoint"] is False  # 1,000 / 4,000 = 0.25
    assert checks["fan-out to 10,000 followers (p99)"] is True
    assert checks["posts/s while fan-out keeps up"] is True
    assert checks["peak RSS per web process"] is True
    assert checks["GET /api/v1/notifications p99, first page"] is True
    assert checks["GET /api/v1/notifications p99, max_id deep in the list"] is False


def test_report_writes_json_and_png(tmp_path: Path) -> None:
    mode = _mode()
    add_shares(mode["workload"])
    report = {
        "started_at": "2026-01-01T00:00:00Z",
        "options": {"connections": 32},
        "graph": {"name": "tiny"},
        "modes": {"embedded": mode | {"targets": targets(mode)}},
    }
    json_path, png_path = write_report(report, tmp_path)
    assert json.loads(json_path.read_text())["modes"]["embedded"]["targets"]
    assert png_path.read_bytes().startswith(b"\x89PNG")


def test_every_rate_is_also_a_share_of_the_reference_and_home_of_the_floor() -> None:
    runs = _mode()["workload"]
    add_shares(runs)
    assert runs["mixed"]["share_of_reference"] == 0.2
    assert runs["home"]["share_of_reference"] == 0.125
    assert runs["home"]["share_of_floor"] == 0.25
    assert "share_of_reference" not in runs["reference"]
    assert runs["home"]["p99_within_budget"] is True  # 30 ms
    assert runs["mixed"]["p99_within_budget"] is False  # 60 ms
    rows = summary_rows({"modes": {"embedded": {"workload": runs}}})
    home = next(row for row in rows if row[1] == "home")
    assert home[2:5] == ["1,000", "12.5%", "25.0%"]
    assert home[-1] == "yes"
