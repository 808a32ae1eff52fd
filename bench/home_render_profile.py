"""Where one home timeline page's Python time goes, in-process, without HTTP.

Builds a small instance on SQLite in a temporary folder (25 people who all follow
each other, 400 posts: plain, with mentions and hashtags, replies, reposts, quotes,
polls, content warnings), then reads one person's home page (20 posts) the way
``GET /api/v1/timelines/home`` does — page IDs, hydration, filters, entities, JSON —
many times, and prints the mean time per page and pyinstrument's summary.

    .venv/bin/python bench/home_render_profile.py [--pages 400] [--out FILE]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler
from starlette.requests import Request

from roost.accounts.actions import do_register, do_update_profile, hash_password
from roost.api.timelines import _page_response
from roost.config import Settings
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
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="roost-render-"))
    migrate(f"sqlite:///{folder / 'roost.sqlite3'}")
    rt = build_runtime(Settings(data_dir=folder, base_url="http://bench.test", rate_limits=False))
    ids = build_world(rt)
    viewer = ids[0]
    page = Page(limit=20)

    def one() -> int:
        post_ids = home_page_ids(rt, viewer, page)
        views = hydrate(rt, viewer, post_ids, timeline=True, **({"lean": True} if LEAN else {}))
        response = _page_response(_Ctx(rt, viewer), views, page, post_ids, "home")  # type: ignore[arg-type]
        return len(response.body)

    size = one()
    for _ in range(50):
        one()
    start = time.process_time()
    for _ in range(args.pages):
        one()
    mean = (time.process_time() - start) / args.pages
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.pages):
        one()
    profiler.stop()
    summary = (
        f"home page: {mean * 1000:.3f} ms of CPU (mean) over {args.pages} pages, {size} bytes\n\n"
    )
    summary += profiler.output_text(unicode=False, color=False, show_all=False)
    if args.out:
        args.out.write_text(summary)
    print(summary)
    rt.close()


if __name__ == "__main__":
    main()
