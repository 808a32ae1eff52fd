"""The ``search`` step: a million posts in the full-text index, searched in a few
shapes, timed in-process (the query and the page's hydration, no HTTP).

The posts are bulk-loaded straight into ``posts`` (as the rest of the seeding) and
indexed by the database in ID ranges with the statements the migration uses for
existing posts, so a million posts load in minutes rather than the hours a million
API calls would take. Their words follow a Zipf law over a generated vocabulary,
so there are words in most posts and words in a few dozen; some posts carry one of
a few hashtags, a link, a reply or another language.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import insert, text

from roost.ids import new_id
from roost.posts.models import post_tags, posts, tags
from roost.runtime import Runtime
from roost.search.queries import search_statuses
from roost_bench.seed import bulk_insert, post_ids_between, post_row

VOCABULARY = 20_000
TAGS = ("hcsm", "meded", "hitsm", "roost", "birds")
INDEX_CHUNK = 50_000
SYLLABLES = [c + v for c in "bcdfghjklmnprstvz" for v in "aeiou"]
TARGET_P99_MS = 50.0


def _words(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct pronounceable words (two to four syllables)."""
    found: dict[str, None] = {}
    while len(found) < n:
        size = int(rng.integers(2, 5))
        found["".join(SYLLABLES[int(i)] for i in rng.integers(0, len(SYLLABLES), size))] = None
    return list(found)


@dataclass
class Corpus:
    posts: int
    vocabulary: list[str]  # most frequent first
    authors: list[int]
    seconds: float


def seed_search_corpus(
    rt: Runtime,
    authors: Sequence[int],
    count: int,
    advance: Callable[[str, int, int], None],
    seed: int = 23,
) -> Corpus:
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    vocabulary = _words(VOCABULARY, rng)
    with rt.db.write() as tx:
        tag_ids = {}
        for name in TAGS:
            found = tx.conn.scalar(text("SELECT id FROM tags WHERE lower(name) = :n"), {"n": name})
            if found is None:
                found = new_id()
                tx.conn.execute(
                    insert(tags).values(id=found, name=name, created_at=datetime.now(UTC))
                )
            tag_ids[name] = int(found)
    now = datetime.now(UTC)
    ids = post_ids_between(count, datetime.fromtimestamp(now.timestamp() - 60 * 86400, UTC), now)
    links: list[dict[str, Any]] = []

    def rows() -> Iterator[dict[str, Any]]:
        """Drawn a chunk at a time: a million rows at once would take gigabytes."""
        for first in range(0, count, INDEX_CHUNK):
            n = min(INDEX_CHUNK, count - first)
            lengths = rng.integers(6, 24, size=n)
            # Zipf ranks folded into the vocabulary: rank 0 is the most frequent word.
            ranks = (rng.zipf(1.15, size=int(lengths.sum())) - 1) % VOCABULARY
            who = rng.integers(0, len(authors), size=n)
            draws = rng.random((4, n))
            offset = 0
            for k in range(n):
                j = first + k
                words = [vocabulary[int(r)] for r in ranks[offset : offset + int(lengths[k])]]
                offset += int(lengths[k])
                if draws[0, k] < 0.05:
                    tag = TAGS[j % len(TAGS)]
                    words.append(f"#{tag}")
                    links.append({"post_id": ids[j], "tag_id": tag_ids[tag]})
                if draws[1, k] < 0.1:
                    words.append(f"https://example.com/{words[0]}")
                row = post_row(ids[j], authors[int(who[k])], j)
                body = " ".join(words)
                row.update(
                    text=body,
                    content=f"<p>{body}</p>",
                    language="fr" if draws[2, k] < 0.05 else "en",
                )
                if draws[3, k] < 0.1 and j > 0:
                    row.update(in_reply_to_id=ids[j - 1], in_reply_to_account_id=row["account_id"])
                yield row

    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        advance("search posts", done, count)

    bulk_insert(rt, posts, rows(), step)
    bulk_insert(rt, post_tags, links)
    index_posts(rt, ids, lambda n: advance("search index", n, count))
    if not rt.db.is_sqlite:
        with rt.db.write() as tx:
            tx.conn.execute(text("ANALYZE posts"))
            tx.conn.execute(text("ANALYZE post_search"))
            tx.conn.execute(text("ANALYZE post_tags"))
    return Corpus(count, vocabulary, list(authors), time.perf_counter() - started)


def index_posts(rt: Runtime, ids: Sequence[int], advance: Callable[[int], None]) -> None:
    """Indexes the bulk-loaded posts by ID range, in the database (the migration's
    statements for the posts it finds)."""
    for start in range(0, len(ids), INDEX_CHUNK):
        lo, hi = ids[start], ids[min(start + INDEX_CHUNK, len(ids)) - 1]
        bounds = {"lo": lo, "hi": hi}
        with rt.db.write() as tx:
            if rt.db.is_sqlite:
                tx.conn.execute(
                    text(
                        "INSERT INTO post_search (post_id, has_link, has_poll)"
                        " SELECT id, text LIKE '%https://%', 0 FROM posts"
                        " WHERE id BETWEEN :lo AND :hi"
                    ),
                    bounds,
                )
                tx.conn.execute(
                    text(
                        "INSERT INTO post_fts (rowid, body) SELECT id, text || ' ' || spoiler_text"
                        " FROM posts WHERE id BETWEEN :lo AND :hi"
                    ),
                    bounds,
                )
            else:
                tx.conn.execute(
                    text(
                        "INSERT INTO post_search (post_id, has_link, has_poll, document)"
                        " SELECT id, text ~* 'https?://', false,"
                        " to_tsvector('simple', text || ' ' || spoiler_text)"
                        " FROM posts WHERE id BETWEEN :lo AND :hi"
                    ),
                    bounds,
                )
        advance(min(start + INDEX_CHUNK, len(ids)))


def query_shapes(corpus: Corpus, rng: np.random.Generator) -> dict[str, Callable[[], str]]:
    """Each shape draws its words afresh per query, from a frequency band."""
    v = corpus.vocabulary

    def pick(lo: int, hi: int) -> str:
        return v[int(rng.integers(lo, hi))]

    def author() -> str:
        return f"u{int(rng.integers(0, len(corpus.authors)))}"

    return {
        "common_word": lambda: pick(0, 10),
        "medium_word": lambda: pick(100, 1_000),
        "rare_word": lambda: pick(5_000, 20_000),
        "two_words": lambda: f"{pick(0, 200)} {pick(0, 200)}",
        "phrase": lambda: f'"{pick(0, 30)} {pick(0, 30)}"',
        "or_not": lambda: f"{pick(50, 500)} OR {pick(50, 500)} -{pick(0, 5)}",
        "from_user": lambda: f"{pick(0, 300)} from:{author()}",
        "hashtag_word": lambda: f"#{TAGS[int(rng.integers(0, len(TAGS)))]} {pick(0, 100)}",
        "operators": lambda: f"{pick(0, 100)} has:link lang:en -is:reply",
        "relevance": lambda: pick(100, 1_000),
    }


def measure_search(
    rt: Runtime, corpus: Corpus, viewers: Sequence[int], *, queries: int = 200, seed: int = 5
) -> dict[str, Any]:
    """``queries`` searches per shape, each by a random seeded account, timed alone."""
    rng = np.random.default_rng(seed)
    shapes = query_shapes(corpus, rng)
    out: dict[str, Any] = {}
    for name, make in shapes.items():
        order = "relevance" if name == "relevance" else "newest"
        for _ in range(5):  # warm the caches the way a running server has them
            search_statuses(rt, viewers[0], make(), order=order)
        timings = []
        results = []
        for _ in range(queries):
            q = make()
            viewer = viewers[int(rng.integers(0, len(viewers)))]
            started = time.perf_counter()
            found = search_statuses(rt, viewer, q, order=order, limit=20)
            timings.append((time.perf_counter() - started) * 1000)
            results.append(len(found))
        ms = np.array(timings)
        out[name] = {
            "example": make(),
            "order": order,
            "queries": queries,
            "mean_results": round(float(np.mean(results)), 1),
            "ms": {
                "p50": round(float(np.percentile(ms, 50)), 2),
                "p95": round(float(np.percentile(ms, 95)), 2),
                "p99": round(float(np.percentile(ms, 99)), 2),
                "max": round(float(ms.max()), 2),
            },
        }
    worst = max(entry["ms"]["p99"] for entry in out.values())
    return {
        "shapes": out,
        "worst_p99_ms": worst,
        "target_p99_ms": TARGET_P99_MS,
        "met": worst < TARGET_P99_MS,
    }
