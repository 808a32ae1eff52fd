"""py-spy's raw output becomes self-time and Roost-frame shares."""

from __future__ import annotations

from pathlib import Path

from roost_bench.profile import summarise


def test_profile_summary_ranks_self_time_and_roost_frames(tmp_path: Path) -> None:
    raw = tmp_path / "web.pyspy"
    raw.write_text(
        "run (/x/site-packages/uvicorn/main.py:1);home (/w/src/roost/api/timelines.py:38);"
        "do_execute (/x/site-packages/sqlalchemy/engine/default.py:9) 3\n"
        "run (/x/site-packages/uvicorn/main.py:1);instance (/w/src/roost/api/instance.py:20) 1\n"
    )
    summary = summarise(raw)
    assert summary["samples"] == 4
    assert summary["self"][0] == {
        "frame": "do_execute (sqlalchemy/engine/default.py:9)",
        "share": 0.75,
    }
    frames = {f["frame"]: f["share"] for f in summary["roost_inclusive"]}
    assert frames["home (roost/api/timelines.py:38)"] == 0.75


def test_missing_profile_is_reported_not_raised(tmp_path: Path) -> None:
    assert "error" in summarise(tmp_path / "absent.pyspy")
