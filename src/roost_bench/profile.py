"""Where a web process spends its time under load, from py-spy's sampled stacks.

Why record it in the run: when a target is missed, the JSON should already say
which code was hot, from the same load that missed it, not from a later guess.
py-spy samples from outside the process (no instrumentation, no slowdown worth
measuring); when it is missing or not allowed to attach, the run goes on
without a profile and says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def py_spy() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start_recording(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes] | None:
    binary = py_spy()
    if binary is None:
        return None
    command = [binary, "record", "-p", str(pid), "-d", str(max(int(seconds), 1))]
    command += ["-r", "50", "-f", "raw", "--nonblocking", "-o", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def summarise(output: Path, top: int = 15) -> dict[str, Any]:
    """Self time (the frame on top of the stack) and inclusive time of Roost's own
    frames, as shares of all samples."""
    if not output.exists():
        return {"error": "py-spy produced no profile (not installed, or not allowed to attach)"}
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in output.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        own[_short(frames[-1])] += count
        for frame in {_short(f) for f in frames if "roost/" in f and "roost/bench" not in f}:
            inclusive[frame] += count
    if not total:
        return {"error": "no samples"}

    def shares(counter: Counter[str]) -> list[dict[str, Any]]:
        return [
            {"frame": frame, "share": round(count / total, 3)}
            for frame, count in counter.most_common(top)
        ]

    return {"samples": total, "self": shares(own), "roost_inclusive": shares(inclusive)}


def _short(frame: str) -> str:
    """``handler (/long/path/site-packages/pkg/mod.py:12)`` -> ``handler (pkg/mod.py:12)``."""
    name, _, where = frame.partition(" (")
    for marker in ("site-packages/", "/src/", "/lib/python3"):
        if marker in where:
            where = where.split(marker, 1)[1]
            break
    return f"{name} ({where}" if where else name
