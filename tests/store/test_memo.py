"""The per-process memo: a value is reused within its time to live, then recomputed."""

from __future__ import annotations

from roost.store.memo import Memo


def test_values_are_reused_until_they_expire() -> None:
    now = [100.0]
    memo = Memo(clock=lambda: now[0])
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memo.get("k", 5.0, compute) == 1
    now[0] += 4.9
    assert memo.get("k", 5.0, compute) == 1
    assert memo.get(("other", 1), 5.0, compute) == 2  # keys are independent
    now[0] += 0.2
    assert memo.get("k", 5.0, compute) == 3
