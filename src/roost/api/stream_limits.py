"""How much streaming one person or one address may hold open.

A streaming connection costs a task, a queue and its share of every rendering for as
long as it lasts, so each web process counts them: at most
``streaming_max_per_account`` per signed-in account and ``streaming_max_per_address``
per client address (signed-out listeners of public streams included), refused with
429 before a WebSocket is accepted or an event stream starts. The counts are per
process: ``roost serve --workers N`` lets N times as many through in total, which
bounds the cost per process, the thing that runs out. One WebSocket may hold at most
``streaming_max_subscriptions`` streams (``roost.api.streaming``).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from starlette.datastructures import State

TOO_MANY_CONNECTIONS = "Too many streaming connections"
TOO_MANY_SUBSCRIPTIONS = "Too many subscriptions on this connection"


class StreamSlots:
    """Open streaming connections in this process, by account and by address."""

    def __init__(self, *, per_account: int, per_address: int) -> None:
        self.per_account = per_account
        self.per_address = per_address
        self._lock = threading.Lock()
        self._accounts: Counter[int] = Counter()
        self._addresses: Counter[str] = Counter()

    def take(self, account_id: int | None, address: str) -> Callable[[], None] | None:
        """A slot, as the function that gives it back; None when either count is full."""
        with self._lock:
            if self._addresses[address] >= self.per_address:
                return None
            if account_id is not None and self._accounts[account_id] >= self.per_account:
                return None
            self._addresses[address] += 1
            if account_id is not None:
                self._accounts[account_id] += 1
        released = threading.Event()

        def give_back() -> None:
            if released.is_set():
                return
            released.set()
            with self._lock:
                self._addresses[address] -= 1
                if not self._addresses[address]:
                    del self._addresses[address]
                if account_id is not None:
                    self._accounts[account_id] -= 1
                    if not self._accounts[account_id]:
                        del self._accounts[account_id]

        return give_back


def slots_of(state: State, per_account: int, per_address: int) -> StreamSlots:
    """The process's counts, kept on the application (made on first use)."""
    slots = getattr(state, "stream_slots", None)
    if not isinstance(slots, StreamSlots):
        slots = StreamSlots(per_account=per_account, per_address=per_address)
        state.stream_slots = slots
    return slots
