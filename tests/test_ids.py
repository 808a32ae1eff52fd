"""IDs: 64-bit, sortable by creation time, unique within a process."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from roost.ids import MAX_ID, id_time, min_id_for, new_id, parse_id


def test_ids_increase_and_never_repeat() -> None:
    ids = [new_id() for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(0 < i < 2**63 for i in ids)


def test_ids_are_unique_across_threads() -> None:
    found: list[int] = []
    lock = threading.Lock()

    def make() -> None:
        mine = [new_id() for _ in range(2000)]
        with lock:
            found.extend(mine)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(found)) == len(found)


def test_an_id_carries_its_time_to_the_millisecond() -> None:
    at = datetime(2024, 5, 17, 12, 30, 45, 123000, tzinfo=UTC)
    made = new_id(at)
    assert id_time(made) == at
    assert min_id_for(at) <= made < min_id_for(at + timedelta(milliseconds=1))


def test_ids_sort_by_time_whatever_the_sequence() -> None:
    earlier = datetime(2024, 1, 1, tzinfo=UTC)
    later = earlier + timedelta(milliseconds=1)
    assert max(new_id(earlier) for _ in range(100)) < min(new_id(later) for _ in range(100))


def test_parse_id_accepts_only_what_a_bigint_can_hold() -> None:
    assert parse_id("42") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    for bad in (None, "", "0", "-1", str(MAX_ID + 1), "1e3", "١٢", " 7", "99999999999999999999"):
        assert parse_id(bad) is None, bad
