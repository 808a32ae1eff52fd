"""The run's results: one JSON file (every figure, each target met or missed) and a
PNG with throughput, latency percentiles and fan-out delay, side by side per mode.

Targets are judged here, in one place, so the JSON and the plot cannot disagree
and a missed target is recorded as missed rather than left out.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: render straight to the PNG

import matplotlib.pyplot as plt

KINDS = ("instance", "home", "user", "mixed", "post")
MIXED_RPS, MIXED_P99_MS = 1_500, 50.0
HOME_SHARE_OF_FLOOR = 0.40
FANOUT_LIMIT_S = {10_000: 1.0, 100_000: 5.0}
POSTS_PER_SECOND = 500
WEB_RSS_MB = 150.0


def _check(name: str, measured: Any, target: str, met: bool | None) -> dict[str, Any]:
    return {"target": name, "measured": measured, "wanted": target, "met": met}


def targets(mode: dict[str, Any]) -> list[dict[str, Any]]:
    runs = mode.get("workload", {})
    checks = []
    mixed = runs.get("mixed")
    if mixed:
        checks.append(
            _check(
                "mixed workload throughput",
                mixed["ok_per_second"],
                f">= {MIXED_RPS} req/s",
                mixed["ok_per_second"] >= MIXED_RPS,
            )
        )
        p99 = mixed["latency_ms"]["p99"]
        checks.append(_check("mixed workload p99", p99, f"< {MIXED_P99_MS} ms", p99 < MIXED_P99_MS))
    if runs.get("home") and runs.get("instance"):
        floor = runs["instance"]["ok_per_second"]
        share = runs["home"]["ok_per_second"] / floor if floor else 0.0
        checks.append(
            _check(
                "home reads vs floor endpoint",
                round(share, 3),
                f">= {HOME_SHARE_OF_FLOOR}",
                share >= HOME_SHARE_OF_FLOOR,
            )
        )
    for entry in mode.get("fanout", []):
        limit = FANOUT_LIMIT_S.get(entry["followers"])
        if limit is not None:
            ok = entry["posts"] > 0 and not entry["timeouts"] and entry["p99_s"] < limit
            checks.append(
                _check(
                    f"fan-out to {entry['followers']:,} followers (p99)",
                    entry["p99_s"],
                    f"< {limit} s",
                    ok,
                )
            )
    hybrid = mode.get("hybrid")
    if hybrid:
        checks.append(
            _check(
                "account above the threshold visible at once",
                f"{hybrid['visible_on_first_read']}/{hybrid['posts']} on the first read",
                "all on the first read",
                hybrid["visible_on_first_read"] == hybrid["posts"],
            )
        )
    post = runs.get("post")
    if post:
        keeps_up = post["drain_after_load_s"] <= 2.0
        checks.append(
            _check(
                "posts/s while fan-out keeps up",
                {
                    "posts_per_second": post["posts_per_second"],
                    "queue_max": post["queue_max"],
                    "drain_after_load_s": post["drain_after_load_s"],
                },
                f">= {POSTS_PER_SECOND} posts/s, queue drained within 2 s of the load's end",
                post["posts_per_second"] >= POSTS_PER_SECOND and keeps_up,
            )
        )
    rss = mode.get("memory", {}).get("web_peak_rss_mb", []) + mode.get("memory_fanout", {}).get(
        "web_peak_rss_mb", []
    )
    if rss:
        checks.append(
            _check(
                "peak RSS per web process", max(rss), f"< {WEB_RSS_MB} MB", max(rss) < WEB_RSS_MB
            )
        )
    return checks


def write_report(report: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    stem = folder / f"{stamp}-{report['graph']['name']}"
    json_path = stem.with_suffix(".json")
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    png_path = stem.with_suffix(".png")
    plot(report, png_path)
    return json_path, png_path


def plot(report: dict[str, Any], path: Path) -> None:
    modes = report["modes"]
    figure, (rps_ax, lat_ax, fan_ax) = plt.subplots(1, 3, figsize=(18, 5.5))
    width = 0.8 / max(len(modes), 1)
    for m, (mode, result) in enumerate(modes.items()):
        runs = result.get("workload", {})
        kinds = [k for k in KINDS if k in runs]
        xs = [KINDS.index(k) + m * width for k in kinds]
        rps_ax.bar(xs, [runs[k]["ok_per_second"] for k in kinds], width, label=mode)
        for p, (pct, hatch) in enumerate((("p50", ""), ("p90", "//"), ("p99", "xx"))):
            lat_ax.bar(
                [KINDS.index(k) * 3 + p + m * 0.4 for k in kinds],
                [runs[k]["latency_ms"][pct] for k in kinds],
                0.4,
                hatch=hatch,
                color=f"C{m}",
                edgecolor="white",
                label=f"{mode} {pct}",
            )
        fanout = result.get("fanout", [])
        if fanout:
            sizes = [f["followers"] for f in fanout]
            fan_ax.plot(
                sizes, [f["p50_s"] for f in fanout], "o--", color=f"C{m}", label=f"{mode} p50"
            )
            fan_ax.plot(
                sizes, [f["p99_s"] for f in fanout], "s-", color=f"C{m}", label=f"{mode} p99"
            )
    rps_ax.axhline(MIXED_RPS, color="grey", linestyle=":", label=f"mixed target {MIXED_RPS}/s")
    rps_ax.set_xticks([i + 0.4 - width / 2 for i in range(len(KINDS))], KINDS)
    rps_ax.set_ylabel("successful requests per second")
    rps_ax.set_title(f"Throughput at {report['options']['connections']} connections")
    rps_ax.legend()
    lat_ax.set_yscale("log")
    lat_ax.axhline(MIXED_P99_MS, color="grey", linestyle=":", label="mixed p99 target")
    lat_ax.set_xticks([i * 3 + 1 for i in range(len(KINDS))], KINDS)
    lat_ax.set_ylabel("latency (ms, log scale)")
    lat_ax.set_title("Latency p50 / p90 / p99 per request type")
    lat_ax.legend(fontsize="small", ncol=2)
    fan_ax.set_xscale("log")
    fan_ax.set_yscale("log")
    for size, limit in FANOUT_LIMIT_S.items():
        fan_ax.plot([size], [limit], "r_", markersize=20)
    fan_ax.set_xlabel("followers")
    fan_ax.set_ylabel("delay from 201 to every home timeline (s)")
    fan_ax.set_title("Fan-out delay (red bars: targets)")
    if fan_ax.get_legend_handles_labels()[0]:
        fan_ax.legend()
    figure.suptitle(f"Roost benchmark on {report['graph']['name']} ({report['started_at']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
