"""The ``roost`` command, run as an operator runs it (typer's runner, settings from
the environment), on the test's database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from roost.accounts.actions import authenticate
from roost.accounts.queries import get_account_by_username, get_email
from roost.cli import app
from roost.config import Settings
from roost.errors import NotFound
from roost.runtime import Runtime


def _env(settings: Settings) -> dict[str, str]:
    env = {"ROOST_DATA_DIR": str(settings.data_dir), "ROOST_DATABASE_URL": settings.database_url}
    if settings.redis_url:
        env |= {"ROOST_REDIS_URL": settings.redis_url, "ROOST_REDIS_PREFIX": settings.redis_prefix}
    return env


def test_user_create_accepts_a_local_address_for_the_first_administrator(
    rt: Runtime, settings: Settings
) -> None:
    # when the operator creates the admin with Mastodon's development address
    result = CliRunner().invoke(
        app,
        ["user", "create", "admin", "--email", "admin@localhost", "--password", "a long password"],
        env=_env(settings),
    )
    # then the account exists, with that address, and can log in with it
    assert result.exit_code == 0, result.output
    account = get_account_by_username(rt, "admin")
    assert get_email(rt, account.id) == "admin@localhost"
    assert authenticate(rt, "admin@localhost", "a long password", address=None) == account.id


def test_user_create_reports_every_problem_and_fails(rt: Runtime, settings: Settings) -> None:
    result = CliRunner().invoke(
        app,
        ["user", "create", "bad name", "--email", "not an address", "--password", "short"],
        env=_env(settings),
    )
    assert result.exit_code == 1
    for words in ("Username", "Email", "Password"):
        assert words in result.output


def test_serve_trusts_forwarded_headers_only_from_a_configured_proxy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("ROOST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert calls[-1]["proxy_headers"] is False
    result = CliRunner().invoke(app, ["serve"], env={"FORWARDED_ALLOW_IPS": "10.0.0.1"})
    assert result.exit_code == 0
    assert calls[-1]["proxy_headers"] is True
    assert calls[-1]["forwarded_allow_ips"] == "10.0.0.1"
    assert "FORWARDED_ALLOW_IPS" in CliRunner().invoke(app, ["serve", "--help"]).output


def test_serve_starts_one_web_process_per_core_sharing_one_session_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))
    monkeypatch.setenv("ROOST_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ROOST_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    # when the operator serves with the defaults
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    # then three web processes start, and the key they sign sessions with was made
    # before them (each reads the file; none races to write its own)
    assert calls[-1]["workers"] == 3
    assert (tmp_path / "secret_key").read_text().strip()
    # and ROOST_WORKERS=1 is the single process of before
    monkeypatch.setenv("ROOST_WORKERS", "1")
    assert CliRunner().invoke(app, ["serve"]).exit_code == 0
    assert calls[-1]["workers"] is None


def test_user_create_with_a_role_makes_the_owner(rt: Runtime, settings: Settings) -> None:
    # when the operator creates the first account as the owner
    result = CliRunner().invoke(
        app,
        ["user", "create", "boss", "--password", "a long password", "--role", "owner"],
        env=_env(settings),
    )
    # then it exists with that role
    assert result.exit_code == 0, result.output
    assert get_account_by_username(rt, "boss").role == "owner"


def test_user_create_refuses_an_unknown_role_and_creates_nothing(
    rt: Runtime, settings: Settings
) -> None:
    result = CliRunner().invoke(
        app,
        ["user", "create", "boss", "--password", "a long password", "--role", "king"],
        env=_env(settings),
    )
    assert result.exit_code == 1
    assert "Role" in result.output
    with pytest.raises(NotFound):
        get_account_by_username(rt, "boss")


def test_user_role_changes_the_role(rt: Runtime, settings: Settings) -> None:
    env = _env(settings)
    created = ["user", "create", "mia", "--password", "a long password"]
    assert CliRunner().invoke(app, created, env=env).exit_code == 0
    result = CliRunner().invoke(app, ["user", "role", "mia", "moderator"], env=env)
    assert result.exit_code == 0, result.output
    assert get_account_by_username(rt, "mia").role == "moderator"
    unknown = CliRunner().invoke(app, ["user", "role", "nobody", "admin"], env=env)
    assert unknown.exit_code == 1
