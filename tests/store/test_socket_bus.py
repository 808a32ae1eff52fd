"""The embedded default's bus between processes (``roost.store.socket_bus``): two
buses on one folder stand for two processes here (each has its own socket and
threads, exactly as in separate processes); ``tests/test_embedded_processes.py``
runs real ones."""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

from roost.store.socket_bus import QUEUE_LIMIT, BusDoorbell, SocketBus

TIMEOUT = 5.0


def test_a_message_published_in_one_process_reaches_a_listener_in_another(
    tmp_path: Path,
) -> None:
    listener, publisher = SocketBus(tmp_path / "bus"), SocketBus(tmp_path / "bus")

    async def scenario() -> list[tuple[str, str]]:
        async with listener.subscribe(["timeline:home:1"]) as sub:
            # a fan-out's worth of messages, most for channels nobody here listens to
            def publish_all() -> None:
                for i in range(4000):
                    publisher.publish(f"timeline:home:{i % 4}", f"update:{i}")

            thread = threading.Thread(target=publish_all)
            thread.start()
            thread.join()
            return [await asyncio.wait_for(sub.get(), TIMEOUT) for _ in range(1000)]

    try:
        got = asyncio.run(scenario())
    finally:
        listener.close()
        publisher.close()
    assert got == [("timeline:home:1", f"update:{i}") for i in range(1, 4000, 4)]


def test_a_process_started_later_hears_the_earlier_ones(tmp_path: Path) -> None:
    early = SocketBus(tmp_path / "bus")
    late = SocketBus(tmp_path / "bus")  # says hello: the early one lists the folder again

    async def scenario() -> tuple[str, str]:
        async with late.subscribe(["timeline:public"]) as sub:
            for _ in range(50):  # until the hello has been read (milliseconds)
                early.publish("timeline:public", "update:9")
                try:
                    return await asyncio.wait_for(sub.get(), 0.1)
                except TimeoutError:
                    continue
            raise AssertionError("the late process never heard the early one")

    try:
        assert asyncio.run(scenario()) == ("timeline:public", "update:9")
    finally:
        early.close()
        late.close()


def test_the_doorbell_wakes_a_worker_in_another_process(tmp_path: Path) -> None:
    ringer, worker = SocketBus(tmp_path / "bus"), SocketBus(tmp_path / "bus")
    woken, local = threading.Event(), threading.Event()
    try:
        BusDoorbell(worker).listen(woken.set)
        BusDoorbell(ringer).listen(local.set)
        BusDoorbell(ringer).ring()
        assert local.wait(TIMEOUT)  # the ringing process's own worker too
        assert woken.wait(TIMEOUT)
    finally:
        ringer.close()
        worker.close()


def test_a_closed_process_leaves_the_folder_and_a_killed_one_is_forgotten(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "bus"
    first, second = SocketBus(folder), SocketBus(folder)
    second.close()
    assert sorted(os.listdir(folder)) == [first.name]
    # a process killed without closing leaves its file; nobody answers at its address
    (folder / "999999-dead").touch()
    woken = threading.Event()
    third = SocketBus(folder)
    try:
        third.listen(woken.set)
        first.ring()  # the send to the dead one fails, and its file goes
        assert woken.wait(TIMEOUT)
        for _ in range(100):
            if "999999-dead" not in os.listdir(folder):
                break
            threading.Event().wait(0.05)
        assert sorted(os.listdir(folder)) == sorted([first.name, third.name])
    finally:
        first.close()
        third.close()


def test_a_peer_that_stopped_reading_costs_messages_not_memory(tmp_path: Path) -> None:
    # given a registered peer that never reads (a process stopped in a debugger)
    folder = tmp_path / "bus"
    stuck = SocketBus(folder)
    stuck._stopping.set()  # its reader leaves at the next datagram and reads no more
    publisher = SocketBus(folder)
    try:
        # when far more is published than the kernel and the queue hold
        for i in range(QUEUE_LIMIT * 3):
            publisher.publish("timeline:public", f"update:{i}")
        # then what waits in this process stays bounded
        assert len(publisher._queue) <= QUEUE_LIMIT
    finally:
        publisher.close()
        stuck._stopping.clear()
        stuck.close()
