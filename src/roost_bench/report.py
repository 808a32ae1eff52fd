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
from rich.console import Console
from rich.table import Table

matplotlib.use("Agg")  # no display: render straight to the PNG

import matplotlib.pyplot as plt

KINDS = ("reference", "instance", "home", "user", "mixed", "post")
MIXED_RPS, MIXED_P99_MS = 1_500, 50.0
HOME_SHARE_OF_FLOOR = 0.40
MIXED_SHARE_OF_REFERENCE = 0.25
# The p99 guard of every endpoint: its p99 at the rate it reached with the run's
# connections (32): the closed loop saturates the server, so this is the tail at
# the highest rate measured, the very condition the targets are stated at.
P99_BUDGET_MS = 50.0
FANOUT_LIMIT_S = {10_000: 1.0, 100_000: 5.0}
POSTS_PER_SECOND = 500
WEB_RSS_MB = 150.0
NOTIFICATIONS_P99_MS = 20.0  # GET /api/v1/notifications, on the embedded default
NOTIFICATION_KINDS = (
    "notifications",
    "notifications_deep",
    "notifications_grouped",
    "post_plain",
    "post_mentions",
    "like",
)
NOTIFICATION_LABELS = {
    "notifications": "v1\nfirst page",
    "notifications_deep": "v1\nmax_id deep",
    "notifications_grouped": "v2\ngrouped",
    "post_plain": "post\nno mention",
    "post_mentions": "post\n1-3 mentions",
    "like": "like",
}


def _check(name: str, measured: Any, target: str, met: bool | None) -> dict[str, Any]:
    return {"target": name, "measured": measured, "wanted": target, "met": met}


def _sms_targets(sms: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One post to N phone-linked followers: every text sent, none twice, the pace kept."""
    if not sms:
        return []
    rate = sms["rate_setting"]
    return [
        _check(
            f"texts to {sms['followers']:,} phones sent once each",
            {"sent": sms["sent"], "sent_twice": sms["sent_twice"]},
            "all sent, none twice",
            sms["sent"] == sms["followers"] and sms["sent_twice"] == 0,
        ),
        # The pace is kept where the send is decided; a database write and the HTTP
        # call lie between that and the carrier, whose clock sees their jitter.
        _check(
            "busiest second at the carrier",
            sms["busiest_second"],
            f"<= ROOST_SMS_RATE ({rate:g}/s) + 10% for the jitter of the calls",
            rate <= 0 or sms["busiest_second"] <= rate * 1.1,
        ),
    ]


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
    reference = runs.get("reference")
    if mixed and reference and reference["ok_per_second"]:
        share = mixed["ok_per_second"] / reference["ok_per_second"]
        checks.append(
            _check(
                "mixed workload vs reference app",
                round(share, 3),
                f">= {MIXED_SHARE_OF_REFERENCE}",
                share >= MIXED_SHARE_OF_REFERENCE,
            )
        )
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
    search = mode.get("search")
    if search and "worst_p99_ms" in search:
        checks.append(
            _check(
                f"search p99 over {search['seed_posts']:,} posts (worst query shape)",
                search["worst_p99_ms"],
                f"< {search['target_p99_ms']} ms",
                search["met"],
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
    checks += _notification_targets(mode.get("notifications", {}).get("runs", {}))
    checks += _sms_targets(mode.get("sms"))
    suggestions = mode.get("suggestions")
    if suggestions and "uniform" in suggestions:
        worst = max(
            suggestions[part].get("p99_ms", 0.0)
            for part in ("uniform", "most_following", "following_nobody")
        )
        checks.append(
            _check(
                "suggestions for a user (p99, worst sample group)",
                worst,
                f"< {suggestions['target_ms']} ms",
                worst < suggestions["target_ms"],
            )
        )
    # Every stack of the run counts, the one serving 10 million notifications too.
    stacks = [
        mode.get("memory", {}),
        mode.get("memory_fanout", {}),
        mode.get("notifications", {}).get("memory", {}),
    ]
    rss = [mb for stack in stacks for mb in stack.get("web_peak_rss_mb", [])]
    if rss:
        checks.append(
            _check(
                "peak RSS per web process", max(rss), f"< {WEB_RSS_MB} MB", max(rss) < WEB_RSS_MB
            )
        )
    return checks


def _notification_targets(runs: dict[str, Any]) -> list[dict[str, Any]]:
    """The issue's target holds for the list's first page and for deep pages alike."""
    checks = []
    for name, label in (
        ("notifications", "first page"),
        ("notifications_deep", "max_id deep in the list"),
    ):
        if run := runs.get(name):
            p99 = run["latency_ms"]["p99"]
            checks.append(
                _check(
                    f"GET /api/v1/notifications p99, {label}",
                    p99,
                    f"< {NOTIFICATIONS_P99_MS} ms at {run['connections']} connections",
                    p99 < NOTIFICATIONS_P99_MS and not run["non_2xx"],
                )
            )
    return checks


def add_shares(runs: dict[str, Any]) -> None:
    """Each run's rate as a share of the reference app's (and home reads' of the floor
    endpoint's), and whether its p99 kept within the budget: figures that still
    compare when a shared machine is busy."""
    reference = runs.get("reference", {}).get("ok_per_second")
    floor = runs.get("instance", {}).get("ok_per_second")
    for name, run in runs.items():
        if reference and name != "reference":
            run["share_of_reference"] = round(run["ok_per_second"] / reference, 3)
        run["p99_within_budget"] = run["latency_ms"]["p99"] < P99_BUDGET_MS
    if floor and "home" in runs:
        runs["home"]["share_of_floor"] = round(runs["home"]["ok_per_second"] / floor, 3)


def summary_rows(report: dict[str, Any]) -> list[list[str]]:
    """One row per mode and workload run: rate, shares, p50, p99 and its guard."""
    rows = []
    for mode, result in report["modes"].items():
        runs = result.get("workload", {})
        for kind in KINDS:
            if run := runs.get(kind):
                share = run.get("share_of_reference")
                floor = run.get("share_of_floor")
                rows.append(
                    [
                        mode,
                        kind,
                        f"{run['ok_per_second']:,.0f}",
                        f"{share:.1%}" if share is not None else "",
                        f"{floor:.1%}" if floor is not None else "",
                        f"{run['latency_ms']['p50']:g}",
                        f"{run['latency_ms']['p99']:g}",
                        "yes" if run["latency_ms"]["p99"] < P99_BUDGET_MS else "no",
                    ]
                )
    return rows


SUMMARY_HEADER = [
    "mode",
    "run",
    "req/s",
    "of reference",
    "of floor",
    "p50 ms",
    "p99 ms",
    f"p99 < {P99_BUDGET_MS:g} ms",
]


def print_summary(report: dict[str, Any], console: Console) -> None:
    table = Table(*SUMMARY_HEADER, title="workload (each rate also as a share of the reference)")
    for row in summary_rows(report):
        table.add_row(*row)
    console.print(table)


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
    """One panel per measured step: throughput and latency of the workload, fan-out
    delay, the notifications step; a step that did not run gets no panel."""
    modes = report["modes"]

    def ran(step: str) -> bool:
        return any(_step_runs(result, step) for result in modes.values())

    panels = [
        name
        for name, step in (
            ("throughput", "workload"),
            ("p99", "workload"),
            ("latency", "workload"),
            ("fanout", "fanout"),
            ("notifications", "notifications"),
        )
        if ran(step)
    ] or ["throughput"]
    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 5.5), squeeze=False)
    drawers = {
        "throughput": _throughput,
        "p99": _p99_guard,
        "latency": _workload_latency,
        "fanout": _fanout,
        "notifications": _notifications,
    }
    for ax, name in zip(axes[0], panels, strict=True):
        drawers[name](ax, report)
    figure.suptitle(f"Roost benchmark on {report['graph']['name']} ({report['started_at']})")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def _step_runs(result: dict[str, Any], step: str) -> Any:
    if step == "notifications":
        return result.get("notifications", {}).get("runs")
    return result.get(step)


def _throughput(ax: Any, report: dict[str, Any]) -> None:
    modes = report["modes"]
    width = 0.8 / max(len(modes), 1)
    for m, (mode, result) in enumerate(modes.items()):
        runs = result.get("workload", {})
        kinds = [k for k in KINDS if k in runs]
        xs = [KINDS.index(k) + m * width for k in kinds]
        ax.bar(xs, [runs[k]["ok_per_second"] for k in kinds], width, label=mode)
        for x, kind in zip(xs, kinds, strict=True):
            share = runs[kind].get("share_of_reference")
            floor = runs[kind].get("share_of_floor")
            if share is not None:
                ax.annotate(
                    f"{share:.1%}" + (f"\n{floor:.1%} of floor" if floor is not None else ""),
                    (x, runs[kind]["ok_per_second"]),
                    textcoords="offset points",
                    xytext=(0, 3),
                    ha="center",
                    fontsize="x-small",
                    color=f"C{m}",
                )
    ax.axhline(MIXED_RPS, color="grey", linestyle=":", label=f"mixed target {MIXED_RPS}/s")
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(KINDS))], KINDS)
    ax.set_ylabel("successful requests per second")
    ax.set_title(
        f"Throughput at {report['options']['connections']} connections"
        " (share of the reference app above)"
    )
    ax.legend()


def _p99_guard(ax: Any, report: dict[str, Any]) -> None:
    """p99 of each endpoint at the rate it reached (written above its bar)."""
    modes = report["modes"]
    width = 0.8 / max(len(modes), 1)
    for m, (mode, result) in enumerate(modes.items()):
        runs = result.get("workload", {})
        kinds = [k for k in KINDS if k in runs]
        xs = [KINDS.index(k) + m * width for k in kinds]
        p99s = [runs[k]["latency_ms"]["p99"] for k in kinds]
        ax.bar(xs, p99s, width, label=mode, color=f"C{m}")
        for x, kind, p99 in zip(xs, kinds, p99s, strict=True):
            ax.annotate(
                f"{runs[kind]['ok_per_second']:,.0f}/s",
                (x, p99),
                textcoords="offset points",
                xytext=(0, 3),
                ha="center",
                fontsize="x-small",
                rotation=90,
                color=f"C{m}",
            )
    ax.axhline(P99_BUDGET_MS, color="red", linestyle=":", label=f"p99 budget {P99_BUDGET_MS:g} ms")
    ax.set_yscale("log")
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(KINDS))], KINDS)
    ax.set_ylabel("p99 latency (ms, log scale)")
    ax.set_title("p99 per endpoint at the rate reached (req/s above)")
    ax.legend(fontsize="small")


def _workload_latency(ax: Any, report: dict[str, Any]) -> None:
    for m, (mode, result) in enumerate(report["modes"].items()):
        _latency_bars(ax, result.get("workload", {}), KINDS, m, mode)
    ax.axhline(MIXED_P99_MS, color="grey", linestyle=":", label="mixed p99 target")
    ax.set_title("Latency p50 / p90 / p99 per request type")
    ax.legend(fontsize="small", ncol=2)


def _fanout(ax: Any, report: dict[str, Any]) -> None:
    for m, (mode, result) in enumerate(report["modes"].items()):
        fanout = result.get("fanout", [])
        if fanout:
            sizes = [f["followers"] for f in fanout]
            ax.plot(sizes, [f["p50_s"] for f in fanout], "o--", color=f"C{m}", label=f"{mode} p50")
            ax.plot(sizes, [f["p99_s"] for f in fanout], "s-", color=f"C{m}", label=f"{mode} p99")
    ax.set_xscale("log")
    ax.set_yscale("log")
    for size, limit in FANOUT_LIMIT_S.items():
        ax.plot([size], [limit], "r_", markersize=20)
    ax.set_xlabel("followers")
    ax.set_ylabel("delay from 201 to every home timeline (s)")
    ax.set_title("Fan-out delay (red bars: targets)")
    if ax.get_legend_handles_labels()[0]:
        ax.legend()


def _notifications(ax: Any, report: dict[str, Any]) -> None:
    """Latency per run of the notifications step, its throughput written above."""
    labels = [NOTIFICATION_LABELS[k] for k in NOTIFICATION_KINDS]
    each = {r["notifications"]["seed"]["each"] for r in report["modes"].values() if _seeded(r)}
    for m, (mode, result) in enumerate(report["modes"].items()):
        runs = result.get("notifications", {}).get("runs", {})
        _latency_bars(ax, runs, NOTIFICATION_KINDS, m, mode)
        for i, kind in enumerate(NOTIFICATION_KINDS):
            if kind in runs:
                ax.annotate(
                    f"{runs[kind]['ok_per_second']:,.0f}/s",
                    (i * 3 + 1 + m * 0.4, runs[kind]["latency_ms"]["p99"]),
                    textcoords="offset points",
                    xytext=(0, 4 + 10 * m),
                    ha="center",
                    fontsize="x-small",
                    color=f"C{m}",
                )
    ax.set_xticks([i * 3 + 1 for i in range(len(labels))], labels, fontsize="small")
    ax.axhline(NOTIFICATIONS_P99_MS, color="red", linestyle=":", label="list p99 target")
    sizes = ", ".join(f"{n:,}" for n in sorted(each))
    ax.set_title(f"Notifications step ({sizes} each): latency, req/s above")
    ax.legend(fontsize="small", ncol=2)


def _seeded(result: dict[str, Any]) -> bool:
    return "seed" in result.get("notifications", {})


def _latency_bars(ax: Any, runs: dict[str, Any], kinds: tuple[str, ...], m: int, mode: str) -> None:
    """p50, p90 and p99 of each run, three bars per request type, one colour per mode."""
    present = [k for k in kinds if k in runs]
    for p, (pct, hatch) in enumerate((("p50", ""), ("p90", "//"), ("p99", "xx"))):
        ax.bar(
            [kinds.index(k) * 3 + p + m * 0.4 for k in present],
            [runs[k]["latency_ms"][pct] for k in present],
            0.4,
            hatch=hatch,
            color=f"C{m}",
            edgecolor="white",
            label=f"{mode} {pct}",
        )
    ax.set_yscale("log")
    ax.set_xticks([i * 3 + 1 for i in range(len(kinds))], kinds)
    ax.set_ylabel("latency (ms, log scale)")
