"""The ``roost-bench`` command: bench, faults and soak (bench/README.md).

A package of its own, installed with the ``bench`` extra, so that ``roost serve``
and ``roost worker`` neither install nor import numpy and matplotlib: the web
processes whose memory the benchmark measures carry none of the harness."""

from __future__ import annotations

import typer

from roost_bench.faults import FaultOptions, run_faults
from roost_bench.run import STEPS, Options, run_bench
from roost_bench.soak import SoakOptions, run_soak

app = typer.Typer(
    help="Benchmark a Roost stack through its HTTP API; results under bench/results/.",
    no_args_is_help=True,
)


@app.command()
def bench(
    mode: str = typer.Option("both", help="embedded, scale or both."),
    graph: str = typer.Option("reed98", help="reed98, powerlaw, or the path of an edge list."),
    people: int = typer.Option(100_000, help="Accounts of the power-law graph."),
    posts: int = typer.Option(0, help="Existing posts (0: ten per account)."),
    home_depth: int = typer.Option(800, help="Entries seeded per home timeline."),
    duration: float = typer.Option(10.0, help="Seconds of each wrk run."),
    connections: int = typer.Option(32, help="Concurrent connections of wrk."),
    fanout: str = typer.Option("100,10000,100000", help="Follower counts to time fan-out at."),
    fanout_posts: int = typer.Option(20, help="Posts timed per follower count (5 at 100k+)."),
    fanout_budget: float = typer.Option(45.0, help="Seconds allowed per follower count."),
    profile: bool = typer.Option(True, help="Profile a web process with py-spy under load."),
    steps: str = typer.Option(
        "workload,fanout,notifications,suggestions,sms,search",
        help="Steps after seeding, comma-separated ('suggestions' alone seeds follows only).",
    ),
    notification_people: int = typer.Option(
        1_000, help="People given notifications in the notifications step (0: skip it)."
    ),
    notifications_each: int = typer.Option(10_000, help="Notifications per such person."),
    sms_followers: int = typer.Option(
        10_000, help="Phone-linked followers of the account that posts in the sms step."
    ),
    sms_rate: float = typer.Option(100.0, help="ROOST_SMS_RATE (texts/s) in the sms step."),
    search_posts: int = typer.Option(1_000_000, help="Posts indexed by the search step."),
    embedded_web: int = typer.Option(
        0, help="Web processes of the embedded mode (0: one per core, as `roost serve`)."
    ),
    server: str = typer.Option(
        "uvicorn", help="ASGI server of Roost and the reference app: uvicorn or granian."
    ),
) -> None:
    """Benchmark the stack through its HTTP API; JSON and PNG under bench/results/."""
    if mode not in ("embedded", "scale", "both"):
        raise typer.BadParameter("choose embedded, scale or both", param_hint="--mode")
    if server not in ("uvicorn", "granian"):
        raise typer.BadParameter("choose uvicorn or granian", param_hint="--server")
    chosen = [step.strip() for step in steps.split(",") if step.strip()]
    if unknown := set(chosen) - set(STEPS):
        raise typer.BadParameter(f"unknown steps {sorted(unknown)}", param_hint="--steps")
    options = Options(
        modes=["embedded", "scale"] if mode == "both" else [mode],
        graph=graph,
        people=people,
        posts=posts,
        home_depth=home_depth,
        duration=duration,
        connections=connections,
        fanout_sizes=[int(n) for n in fanout.split(",") if n.strip()],
        fanout_posts=fanout_posts,
        fanout_budget=fanout_budget,
        profile=profile,
        steps=chosen,
        notification_people=notification_people,
        notifications_each=notifications_each,
        sms_followers=sms_followers,
        sms_rate=sms_rate,
        search_posts=search_posts,
        embedded_web=embedded_web,
        server=server,
    )
    json_path, png_path = run_bench(options)
    typer.echo(f"results: {json_path}\nplot: {png_path}")


@app.command()
def faults(
    down: float = typer.Option(10.0, help="Seconds PostgreSQL, then Redis, stay down."),
    clients: int = typer.Option(6, help="Client threads reading homes and posting."),
    web: int = typer.Option(1, help="Web processes."),
) -> None:
    """Stop PostgreSQL, then Redis, under load (a private cluster and Redis of their
    own): outcomes and latency over time, and the checks after, under bench/results/."""
    json_path, png_path = run_faults(
        FaultOptions(down_seconds=down, clients=clients, web_processes=web)
    )
    typer.echo(f"results: {json_path}\nplot: {png_path}")


@app.command()
def soak(
    minutes: float = typer.Option(30.0, help="How long the soak runs."),
    fraction: float = typer.Option(0.7, help="Share of the measured capacity to hold."),
    mode: str = typer.Option("embedded", help="embedded or scale."),
    connections: int = typer.Option(16, help="Concurrent connections of wrk."),
    window: float = typer.Option(30.0, help="Seconds per wrk run (one p99 each)."),
) -> None:
    """The mixed workload at a share of capacity for a long time: errors, p99, RSS slope
    of every process and the job queue, as JSON and PNG under bench/results/."""
    if mode not in ("embedded", "scale"):
        raise typer.BadParameter("choose embedded or scale", param_hint="--mode")
    json_path, png_path = run_soak(
        SoakOptions(
            mode=mode, minutes=minutes, fraction=fraction, connections=connections, window=window
        )
    )
    typer.echo(f"results: {json_path}\nplot: {png_path}")


def main() -> None:
    app()
