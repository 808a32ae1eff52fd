"""The piece cache: bounded, keyed by stamp, shared through Redis in scale mode."""

from __future__ import annotations

from roost.runtime import Runtime
from roost.store.pieces import ACCOUNT, STATUS, PieceCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_piece_is_found_only_under_its_stamp() -> None:
    cache = PieceCache()
    cache.put_many(STATUS, [(1, ("v1",), b'{"id":"1"}')])
    assert cache.get_many(STATUS, [(1, ("v1",))]) == {1: b'{"id":"1"}'}
    assert cache.get_many(STATUS, [(1, ("v2",))]) == {}
    assert cache.get_many(ACCOUNT, [(1, ("v1",))]) == {}


def test_the_least_recently_used_go_first_past_the_bounds() -> None:
    cache = PieceCache(max_items=2)
    for i in (1, 2):
        cache.put_many(STATUS, [(i, (), b"{}")])
    cache.get_many(STATUS, [(1, ())])  # 1 is used again: 2 is now the oldest
    cache.put_many(STATUS, [(3, (), b"{}")])
    assert set(cache.get_many(STATUS, [(i, ()) for i in (1, 2, 3)])) == {1, 3}
    small = PieceCache(max_bytes=2000)
    for i in range(20):
        small.put_many(STATUS, [(i, (), b"x" * 500)])
    assert 0 < len(small) <= 2
    assert small.size_bytes <= 2000


def test_old_pieces_and_forgotten_ones_are_gone() -> None:
    clock = Clock()
    cache = PieceCache(ttl=10, clock=clock)
    cache.put_many(STATUS, [(1, (), b"{}"), (2, (), b"{}")])
    cache.forget(STATUS, 2)
    assert set(cache.get_many(STATUS, [(1, ()), (2, ())])) == {1}
    clock.now = 11
    assert cache.get_many(STATUS, [(1, ())]) == {}


def test_a_forget_message_from_another_process_drops_the_local_copy() -> None:
    cache = PieceCache()
    cache.put_many(ACCOUNT, [(7, (), b"{}")])
    cache.deliver("pieces:forget", "a:7")
    assert cache.get_many(ACCOUNT, [(7, ())]) == {}


def test_runtimes_share_pieces_through_redis_in_scale_mode(rt: Runtime) -> None:
    # given: what one process rendered
    rt.pieces.put_many(STATUS, [(1, ("v1", None), b'{"id":"1"}')])
    rt.pieces.clear()
    # when / then: another process (here, the same one with its memory emptied)
    found = rt.pieces.get_many(STATUS, [(1, ("v1", None))])
    if rt.redis is None:
        assert found == {}  # the embedded default keeps pieces in memory only
    else:
        assert found == {1: b'{"id":"1"}'}
        assert rt.pieces.get_many(STATUS, [(1, ("v2", None))]) == {}
        rt.pieces.forget(STATUS, 1)
        rt.pieces.clear()
        assert rt.pieces.get_many(STATUS, [(1, ("v1", None))]) == {}
