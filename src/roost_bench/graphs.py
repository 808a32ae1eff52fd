"""Social graphs for the benchmark: a real one (socfb-Reed98), any edge list, and a
generated power-law graph.

A graph is a number of people and a list of directed follow edges between their
indexes ``0..n-1``; the seeder maps indexes to account IDs. Friendship datasets
are undirected, so each friendship becomes a follow both ways, as DeathStarBench
does with the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT_ROOT = Path(__file__).resolve().parents[3]
REED98 = Path("bench/datasets/socfb-Reed98/socfb-Reed98.edges")


@dataclass(frozen=True)
class Graph:
    name: str
    people: int
    # Directed (follower, followee) pairs; no self-follows, no duplicates.
    follows: np.ndarray[tuple[int, int], np.dtype[np.int64]]

    @property
    def follow_count(self) -> int:
        return int(self.follows.shape[0])

    def follower_counts(self) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
        return np.bincount(self.follows[:, 1], minlength=self.people)

    def following_counts(self) -> np.ndarray[tuple[int], np.dtype[np.int64]]:
        return np.bincount(self.follows[:, 0], minlength=self.people)

    def describe(self) -> dict[str, int | str]:
        followers = self.follower_counts()
        return {
            "name": self.name,
            "people": self.people,
            "follows": self.follow_count,
            "max_followers": int(followers.max()) if self.people else 0,
            "median_followers": int(np.median(followers)) if self.people else 0,
            "accounts_over_10k_followers": int((followers > 10_000).sum()),
            "accounts_over_100k_followers": int((followers > 100_000).sum()),
        }


def _dedupe(name: str, people: int, pairs: np.ndarray) -> Graph:
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    keys = np.unique(pairs[:, 0].astype(np.int64) * people + pairs[:, 1])
    follows = np.stack([keys // people, keys % people], axis=1).astype(np.int64)
    return Graph(name=name, people=people, follows=follows)


def find_dataset(path: Path) -> Path:
    """Relative paths are tried from the working folder, then from the project root,
    so ``roost-bench bench`` works from anywhere in a checkout."""
    if path.is_absolute() or path.exists():
        return path
    return PROJECT_ROOT / path


def load_edge_list(path: Path, *, undirected: bool = True) -> Graph:
    """Reads ``a b`` pairs, one a line; ``%`` and ``#`` lines are comments. Node labels
    may be any tokens: they are renumbered in order of first appearance."""
    labels: dict[str, int] = {}
    pairs: list[tuple[int, int]] = []
    with find_dataset(path).open() as lines:
        for line in lines:
            parts = line.split()
            if len(parts) < 2 or parts[0][0] in "%#":
                continue
            a = labels.setdefault(parts[0], len(labels))
            b = labels.setdefault(parts[1], len(labels))
            pairs.append((a, b))
    array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    if undirected:
        array = np.concatenate([array, array[:, ::-1]])
    return _dedupe(path.stem, len(labels), array)


def reed98() -> Graph:
    return load_edge_list(REED98)


def powerlaw(
    people: int, *, mean_following: int = 20, exponent: float = 1.0, seed: int = 7
) -> Graph:
    """Each person follows about ``mean_following`` others (geometric spread), chosen
    with probability proportional to ``rank ** -exponent``: a Zipf popularity that
    gives the heavy tail of real networks, where the top few accounts are followed
    by many people (with 100,000 people and the defaults: 14 accounts above 10,000
    followers, the top one near 64,000, the median 4). No account of this graph
    passes 100,000 followers unless ``people`` is far larger, so the fan-out
    measurement adds dedicated accounts with exact follower counts. Popularity rank
    is shuffled against account order so celebrities are not the first accounts."""
    rng = np.random.default_rng(seed)
    weights = 1.0 / np.arange(1, people + 1, dtype=np.float64) ** exponent
    cumulative = np.cumsum(weights / weights.sum())
    out_degree = np.minimum(rng.geometric(1.0 / mean_following, size=people), people - 1)
    sources = np.repeat(np.arange(people, dtype=np.int64), out_degree)
    ranks = np.searchsorted(cumulative, rng.random(sources.shape[0]), side="right")
    ranks = np.minimum(ranks, people - 1)
    identity = rng.permutation(people).astype(np.int64)
    pairs = np.stack([sources, identity[ranks]], axis=1)
    return _dedupe(f"powerlaw-{people}", people, pairs)
