"""The ``roost`` command: serve, migrate, worker, user, seed, jobs, sms, backup, restore.

The benchmark is ``roost-bench`` (the ``bench`` extra), kept apart so that serving
processes never load numpy or matplotlib.

Each command reads Settings from the environment once, at its start."""

from __future__ import annotations

import logging
import os
import random
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.progress import Progress

from roost.accounts.actions import do_register, hash_password
from roost.accounts.roles import ROLES, check_role, do_set_role
from roost.config import load_settings
from roost.errors import RoostError, ValidationFailed
from roost.graph.actions import do_follow
from roost.ids import new_id
from roost.phones.queries import outbox
from roost.posts.actions import do_create_post
from roost.runtime import build_runtime
from roost.sms.gateway import receive
from roost.store.backup import BackupError, do_backup, do_restore
from roost.store.migrate import migrate as run_migrations
from roost.web.auth import load_secret
from roost.worker import drain, run_until_signalled

app = typer.Typer(help="Roost: a self-hostable microblogging social network.", no_args_is_help=True)
user_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
jobs_app = typer.Typer(help="Inspect and retry the job queue.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(jobs_app, name="jobs")
_ROLE_HELP = (
    "One of: " + ", ".join(ROLES) + " (moderators handle reports; admins also run settings)."
)
sms_app = typer.Typer(help="The SMS gateway: the outbox, and texts as if from a phone.")
app.add_typer(sms_app, name="sms")


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    settings = load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    run_migrations(settings.effective_database_url)
    typer.echo(f"Database at {settings.effective_database_url.split('@')[-1]} is up to date.")


@app.command()
def serve(
    workers: int = typer.Option(0, help="Web processes (default: ROOST_WORKERS)."),
    reload: bool = typer.Option(False, help="Restart on code changes (development)."),
    forwarded_allow_ips: str = typer.Option(
        "",
        envvar="FORWARDED_ALLOW_IPS",
        help="Behind a reverse proxy: the proxy's addresses (comma-separated, or * for"
        " any), whose X-Forwarded-For / X-Forwarded-Proto headers are trusted to name"
        " the client. Empty (the default): those headers are ignored and the client is"
        " the connection's peer. Log-in and sign-up limits count per client address, so"
        " set this to your proxy's address, never * on a directly exposed server.",
    ),
) -> None:
    """Serve the API and the web app."""
    settings = load_settings()
    count = workers or settings.workers or os.cpu_count() or 1
    # Generated here, once, so that the web processes started below all read one key.
    load_secret(settings)
    typer.echo(f"Roost listening on {settings.effective_base_url} ({count} web process(es))")
    uvicorn.run(
        "roost.app:asgi",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=count if count > 1 else None,
        reload=reload,
        log_level="warning",
        access_log=False,
        # Only a configured proxy may name the client (its headers are otherwise ignored).
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or None,
        # Live streams (web SSE) never finish by themselves: do not wait on them for ever.
        timeout_graceful_shutdown=5,
        # A web process answers the supervisor's health check only once it has imported
        # the app; on a loaded machine that takes longer than uvicorn's 5 s, and the
        # supervisor would kill and restart it for ever (measured: never up at load 20).
        timeout_worker_healthcheck=60,
    )


@app.command()
def worker(concurrency: int = typer.Option(1, help="Worker threads in this process.")) -> None:
    """Run jobs (fan-out and the rest) until stopped; start as many as you like."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    rt = build_runtime(load_settings())
    try:
        run_until_signalled(rt, concurrency)
    finally:
        rt.close()


@user_app.command("create")
def user_create(
    username: str,
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
    email: str = typer.Option("", help="Optional email address (log in with it too)."),
    display_name: str = typer.Option("", help="Name shown on the profile."),
    role: str = typer.Option("user", help=_ROLE_HELP),
) -> None:
    """Create an account (``--role owner`` for the person who runs the server)."""
    rt = build_runtime(load_settings())
    try:
        check_role(role)
        account_id = do_register(
            rt,
            username,
            password,
            email=email or None,
            display_name=display_name,
            local_email=True,  # the operator's own address may be admin@localhost
        )
        if role != "user":
            do_set_role(rt, username, role)
    except ValidationFailed as exc:
        for problem in exc.problems:
            typer.echo(f"error: {problem.message}", err=True)
        raise typer.Exit(1) from exc
    except RoostError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    finally:
        rt.close()
    typer.echo(f"created @{username} (id {account_id})")


@user_app.command("role")
def user_role(
    username: str,
    role: Annotated[str, typer.Argument(help=_ROLE_HELP)],
) -> None:
    """Change an account's role."""
    rt = build_runtime(load_settings())
    try:
        do_set_role(rt, username, role)
    except RoostError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc
    finally:
        rt.close()
    typer.echo(f"@{username} is now {role}")


@app.command()
def seed(
    users: int = typer.Option(20, help="How many demo accounts."),
    posts: int = typer.Option(5, help="Posts per account."),
    follows: int = typer.Option(10, help="Follows per account."),
    password: str = typer.Option("password123", help="Password of every demo account."),
) -> None:
    """Fill the database with demo people, follows and posts (through the real actions)."""
    rt = build_runtime(load_settings())
    rng = random.Random(42)
    shared_hash = hash_password(password)  # hashing once keeps seeding fast
    tags = ["hcsm", "meded", "roost", "news", "python"]
    ids: list[int] = []
    with Progress() as progress:
        task = progress.add_task("accounts", total=users)
        for i in range(users):
            name = f"demo{i}"
            try:
                ids.append(
                    do_register(rt, name, "", password_hash=shared_hash, display_name=f"Demo {i}")
                )
            except RoostError:
                pass
            progress.advance(task)
        task = progress.add_task("follows", total=len(ids))
        for account in ids:
            for target in rng.sample(ids, min(follows, len(ids))):
                if target != account:
                    do_follow(rt, account, target)
            progress.advance(task)
        task = progress.add_task("posts", total=len(ids) * posts)
        for account in ids:
            for n in range(posts):
                do_create_post(rt, account, f"Demo post {n} #{rng.choice(tags)}")
                progress.advance(task)
        task = progress.add_task("fan-out", total=None)
        drain(rt)
        progress.update(task, total=1, completed=1)
    rt.close()
    typer.echo(f"seeded {len(ids)} accounts; log in as demo0 / {password}")


@jobs_app.command("list")
def jobs_list() -> None:
    """Show pending and parked (failed) jobs."""
    rt = build_runtime(load_settings())
    typer.echo(f"pending: {rt.jobs.pending_count()}")
    for job in rt.jobs.parked():
        last = (job["last_error"] or "").strip().splitlines()[-1:] or [""]
        typer.echo(f"parked {job['id']} {job['kind']} attempts={job['attempts']}: {last[0]}")
    rt.close()


@jobs_app.command("retry")
def jobs_retry(
    job_id: int = typer.Argument(None, help="One job; all parked jobs if omitted."),
) -> None:
    """Put parked jobs back in the queue."""
    rt = build_runtime(load_settings())
    typer.echo(f"requeued {rt.jobs.retry_parked(job_id)} job(s)")
    rt.close()


@sms_app.command("outbox")
def sms_outbox(limit: int = typer.Option(50, help="How many texts, newest first.")) -> None:
    """Every account's texts: sent, waiting, dropped (and why). For the operator."""
    rt = build_runtime(load_settings())
    for text in outbox(rt, None, limit=limit):
        detail = f" ({text.detail})" if text.detail else ""
        when = text.created_at.strftime("%Y-%m-%d %H:%M:%S")
        typer.echo(f"{when} {text.to_number} {text.kind} {text.status}{detail}: {text.body}")
    rt.close()


@sms_app.command("text")
def sms_text(
    number: str = typer.Argument(..., help="The sender, a linked phone (E.164)."),
    body: str = typer.Argument(..., help="The text."),
) -> None:
    """Receive a text as if from a phone (what the Twilio webhook does) and print the reply."""
    rt = build_runtime(load_settings())
    reply = receive(rt, number, body, f"CLI{new_id()}")
    typer.echo(reply or "(no reply)")
    rt.close()


@app.command()
def backup(path: Annotated[Path, typer.Argument(help="A new, empty folder for the copy.")]) -> None:
    """Copy the database and media while serving (SQLite online backup, or pg_dump)."""
    try:
        folder = do_backup(load_settings(), path)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"backed up to {folder}")


@app.command()
def restore(
    path: Annotated[Path, typer.Argument(help="A folder written by `roost backup`.")],
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Replace the database and media with a backup. Stop the server and workers first."""
    if not yes:
        typer.confirm("This replaces the current database and media. Go on?", abort=True)
    try:
        do_restore(load_settings(), path)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"restored from {path}")


def main() -> None:
    app()
