"""Where one home timeline page's Python time goes, in-process, without HTTP.

Builds a small instance on SQLite in a temporary folder (25 people who all follow
each other, 400 posts: plain, with mentions and hashtags, replies, reposts, quotes,
polls, content warnings), then reads one person's home page (20 posts) the way
``GET /api/v1/timelines/home`` does — page IDs, hydration, filters, entities, JSON —
many times, and prints the CPU time per page — this tree's way, and the plain
rendering (full hydration, every entity rendered) in interleaved rounds on the same
data, so that a loaded machine weighs on both alike — and pyinstrument's summary.

    .venv/bin/python bench/home_render_profile.py [--pages 400] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler
from starlette.requests import Request

from roost.accounts.actions import do_register, do_update_profile, hash_password
from roost.api.entities.statuses import status_entities
from roost.api.responses import json_response
from roost.api.timelines import _page_response
from roost.config import Settings
from roost.filters.queries import get_matcher
from roost.graph.actions import do_follow
from roost.paging import Page
from roost.posts.actions import do_create_post, do_reblog
from roost.posts.marks import do_bookmark, do_favourite
from roost.posts.polls import PollSpec
from roost.posts.queries import hydrate
from roost.runtime import Runtime, build_runtime
from roost.store.migrate import migrate
from roost.timelines.feeds import home_page_ids
from roost.worker import drain

# Whether this tree's hydrate has the lean mode (the profile runs before and after it).
LEAN = "lean" in hydrate.__code__.co_varnames


def build_world(rt: Runtime, people: int = 25, posts: int = 400) -> list[int]:
    rng = random.Random(13)
    password = hash_password("correct horse battery")
    ids = [do_register(rt, f"user{i}", "x", password_hash=password) for i in range(people)]
    for i, account in enumerate(ids):
        do_update_profile(
            rt, account, display_name=f"User {i}", note=f"Bio of @user{(i + 1) % people} #birds"
        )
    for a in ids:
        for b in ids:
            if a != b:
                do_follow(rt, a, b)
    made: list[int] = []
    originals: list[int] = []
    for n in range(posts):
        author = rng.choice(ids)
        kind = n % 10
        if kind == 0 and originals:
            made.append(do_reblog(rt, author, rng.choice(originals)))
            continue
        text = (
            f"Post {n} for @user{rng.randrange(people)} about #tag{n % 7} https://example.com/{n}"
        )
        post = do_create_post(
            rt,
            author,
            text,
            in_reply_to_id=rng.choice(originals) if kind == 1 and originals else None,
            quote_id=rng.choice(originals) if kind == 2 and originals else None,
            spoiler_text="cw" if kind == 3 else "",
            poll=PollSpec(["yes", "no"], 3600) if kind == 4 else None,
        )
        made.append(post)
        originals.append(post)
    for post in rng.sample(originals, 80):
        do_favourite(rt, ids[0], post)
        do_bookmark(rt, ids[0], post)
    drain(rt)
    return ids


class _Ctx:
    def __init__(self, rt: Runtime, viewer: int) -> None:
        self.rt = rt
        self.viewer_id = viewer
        self.account_id = viewer
        self.request = Request(
            {
                "type": "http",
                "method": "GET",
                "scheme": "http",
                "server": ("bench.test", 80),
                "path": "/api/v1/timelines/home",
                "query_string": b"",
                "headers": [],
            }
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="roost-render-"))
    migrate(f"sqlite:///{folder / 'roost.sqlite3'}")
    rt = build_runtime(Settings(data_dir=folder, base_url="http://bench.test", rate_limits=False))
    ids = build_world(rt)
    viewers = ids[:5]  # pages of five people, round robin: they share most posts
    page = Page(limit=20)
    turn = [0]

    def plain() -> int:
        """The page as before the piece cache: full hydration, every entity rendered."""
        viewer = viewers[turn[0] % len(viewers)]
        turn[0] += 1
        post_ids = home_page_ids(rt, viewer, page)
        views = hydrate(rt, viewer, post_ids, timeline=True)
        matcher = get_matcher(rt, viewer, "home")
        body = json_response(status_entities(rt, matcher.shown(views), matcher)).body
        return len(body)

    def current() -> int:
        """The page as ``GET /api/v1/timelines/home`` builds it in this tree."""
        viewer = viewers[turn[0] % len(viewers)]
        turn[0] += 1
        post_ids = home_page_ids(rt, viewer, page)
        views = hydrate(rt, viewer, post_ids, timeline=True, **({"lean": True} if LEAN else {}))
        response = _page_response(_Ctx(rt, viewer), views, page, post_ids, "home")  # type: ignore[arg-type]
        return len(response.body)

    size = current()
    for _ in range(50):
        plain()
        current()
    # Interleaved rounds, so that the machine's load (shared, noisy) weighs on both alike.
    spent: dict[str, list[float]] = {"plain": [], "current": []}
    per_round = max(args.pages // args.rounds, 1)
    for _ in range(args.rounds):
        for name, run in (("plain", plain), ("current", current)):
            start = time.process_time()
            for _ in range(per_round):
                run()
            spent[name].append((time.process_time() - start) / per_round * 1000)
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.pages):
        current()
    profiler.stop()
    summary = (
        f"home page of {size} bytes, CPU ms per page (median of {args.rounds} interleaved"
        f" rounds of {per_round}): plain rendering {statistics.median(spent['plain']):.3f},"
        f" this tree {statistics.median(spent['current']):.3f};"
        f" load average {os.getloadavg()[0]:.1f}\n\nProfile of this tree's pages:\n"
    )
    summary += profiler.output_text(unicode=False, color=False, show_all=False)
    if args.out:
        args.out.write_text(summary)
    print(summary)
    rt.close()


if __name__ == "__main__":
    main()
