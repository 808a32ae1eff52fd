"""Which of a viewer's filters a post trips, and whether it must be hidden.

Each filter's keywords become one case-insensitive regex (a named group per
keyword, so a match says which keyword it was); ``whole_word`` keywords get word
boundaries where they begin or end with a word character, as Mastodon does. The
text matched is the post's own text and its content warning; a repost is judged
by the post it reposts. A filter's posts match by ID, the post's or a repost's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from roost.filters.models import FilterView
from roost.posts.queries import StatusView


@dataclass(frozen=True)
class FilterMatch:
    """Mastodon's FilterResult: the filter, and the keywords or posts that tripped it."""

    filter: FilterView
    keyword_matches: list[str] | None
    status_matches: list[int] | None


def keyword_pattern(keyword: str, whole_word: bool) -> str:
    escaped = re.escape(keyword)
    if not whole_word:
        return escaped
    start = r"\b" if re.match(r"\w", keyword) else ""
    end = r"\b" if re.search(r"\w$", keyword) else ""
    return f"{start}{escaped}{end}"


class _Compiled:
    def __init__(self, view: FilterView) -> None:
        self.view = view
        self.words = [k.keyword for k in view.keywords]
        alternatives = [
            f"(?P<k{i}>{keyword_pattern(k.keyword, k.whole_word)})"
            for i, k in enumerate(view.keywords)
        ]
        self.regex = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None
        self.post_ids = {s.post_id for s in view.statuses}

    def match(self, post: Any, text: str) -> FilterMatch | None:
        keywords: list[str] = []
        if self.regex is not None:
            for found in self.regex.finditer(text):
                word = self.words[int(str(found.lastgroup)[1:])]
                if word not in keywords:
                    keywords.append(word)
        statuses = [post.id] if post.id in self.post_ids else []
        if not keywords and not statuses:
            return None
        return FilterMatch(self.view, keywords or None, statuses or None)


class Matcher:
    """A viewer's active filters for one context, compiled once."""

    def __init__(self, views: Sequence[FilterView]) -> None:
        self._filters = [_Compiled(v) for v in views]
        self._owner = views[0].account_id if views else None

    def __bool__(self) -> bool:
        return bool(self._filters)

    def matches(self, view: StatusView) -> list[FilterMatch]:
        if not self._filters:
            return []
        proper = view.reblog if view.reblog is not None else view
        post = proper.post
        if post.account_id == self._owner:  # one's own posts are never filtered
            return []
        text = f"{post.spoiler_text}\n{post.text}"
        found = (f.match(post, text) for f in self._filters)
        return [m for m in found if m is not None]

    def hides(self, view: StatusView) -> bool:
        return any(m.filter.filter_action == "hide" for m in self.matches(view))

    def shown(self, views: Sequence[StatusView]) -> list[StatusView]:
        """The views left once those a ``hide`` filter catches are dropped."""
        if not self._filters:
            return list(views)
        return [v for v in views if not self.hides(v)]


EMPTY = Matcher([])
