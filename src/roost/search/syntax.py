"""The search language, parsed into a ``SearchQuery`` that the backends turn into SQL.

Words are matched whole (no stemming), every word must match unless ``OR`` joins it
to its neighbours; ``"exact phrase"``; ``-word`` / ``-"phrase"`` excludes. Operators:

==================  ==========================================================
``from:user``       written by ``user`` (``from:me``: by the viewer)
``to:user``         mentioning ``user`` (a reply mentions whom it answers);
``@user``           the same
``#tag``            tagged ``tag``
``since:Y-M-D``     written on or after that day (UTC)
``until:Y-M-D``     written before that day (UTC): exclusive, as on Twitter
``has:link``        with a link (also ``has:media``, ``has:poll``)
``is:reply``        a reply (``-is:reply``: not a reply)
``lang:xx``         in that language (as the author's client declared it)
==================  ==========================================================

``-`` before an operator negates it (``-#tag``, ``-has:link``, ``-from:user``).
A word that merely looks like an operator (``https://...``, ``note:``) is a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from roost.errors import ValidationFailed

HAS_VALUES = ("link", "media", "poll")
IS_VALUES = ("reply",)
MAX_TERMS = 16

_TOKEN_RE = re.compile(r'(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))')
_USER_RE = re.compile(r"@?([A-Za-z0-9_]{1,30})(?:@([\w.-]+))?")


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in this order)."""

    words: str
    phrase: bool = False


@dataclass
class SearchQuery:
    """``groups``: every group must match, each by one of its terms (``a OR b c``
    is ``[[a, b], [c]]``). ``excluded``: no term may match. The rest are filters."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    from_users: list[str] = field(default_factory=list)
    not_from_users: list[str] = field(default_factory=list)
    to_users: list[str] = field(default_factory=list)
    not_to_users: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    not_tags: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None
    has: dict[str, bool] = field(default_factory=dict)
    is_reply: bool | None = None
    languages: list[str] = field(default_factory=list)

    @property
    def has_text(self) -> bool:
        return bool(self.groups)

    @property
    def is_empty(self) -> bool:
        return self == SearchQuery()


def parse_query(raw: str, *, local_domain: str | None = None) -> SearchQuery:
    """Raises ``ValidationFailed`` for an operator with a value it cannot take (a bad
    date, ``has:nothing``): a silent no-op would return misleading results."""
    query = SearchQuery()
    join_next = False
    count = 0
    for match in _TOKEN_RE.finditer(raw):
        negated, name, quoted, bare = (
            match.group(1) == "-",
            (match.group(2) or "").lower(),
            match.group(3),
            match.group(4),
        )
        if quoted is None and bare == "OR" and not negated and not name:
            join_next = bool(query.groups)
            continue
        count += 1
        if count > MAX_TERMS:
            raise ValidationFailed(f"A search takes at most {MAX_TERMS} terms", field="q")
        if name and quoted is None and _operator(query, name, bare or "", negated, local_domain):
            join_next = False
            continue
        sigil = not name and quoted is None and bare and bare[0] in "#@" and len(bare) > 1
        if sigil and _sigil(query, bare or "", negated, local_domain):
            join_next = False
            continue
        if quoted is not None:
            term = Term(" ".join(quoted.split()), phrase=True)
            if name:  # ``word:"..."`` is not an operator: keep the word
                term = Term(f"{name} {term.words}", phrase=True)
        else:
            term = Term(f"{name}:{bare}" if name else (bare or ""))
        if not re.search(r"\w", term.words):
            join_next = False
            continue
        if negated:
            query.excluded.append(term)
        elif join_next:
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        join_next = False
    return query


def _sigil(query: SearchQuery, token: str, negated: bool, local_domain: str | None) -> bool:
    if token[0] == "#":
        name = token[1:].rstrip(".,;:!?")
        if not re.fullmatch(r"\w{1,100}", name):
            return False
        (query.not_tags if negated else query.tags).append(name)
        return True
    user = _username(token, local_domain)
    if user is None:
        return False
    (query.not_to_users if negated else query.to_users).append(user)
    return True


def _operator(
    query: SearchQuery, name: str, value: str, negated: bool, local_domain: str | None
) -> bool:
    """Applies ``name:value``; False when ``name`` is no operator (the token is a word)."""
    if name in ("from", "to"):
        user = _username(value, local_domain)
        if user is None:
            raise ValidationFailed(f"{name}: takes a user name", field="q")
        if name == "from":
            (query.not_from_users if negated else query.from_users).append(user)
        else:
            (query.not_to_users if negated else query.to_users).append(user)
        return True
    if name in ("since", "until"):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(f"{name}: takes a date as YYYY-MM-DD", field="q") from None
        setattr(query, name, day)
        return True
    if name == "has":
        if value.lower() not in HAS_VALUES:
            raise ValidationFailed(f"has: takes one of {', '.join(HAS_VALUES)}", field="q")
        query.has[value.lower()] = not negated
        return True
    if name == "is":
        if value.lower() not in IS_VALUES:
            raise ValidationFailed(f"is: takes one of {', '.join(IS_VALUES)}", field="q")
        query.is_reply = not negated
        return True
    if name == "lang":
        if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?", value):
            raise ValidationFailed("lang: takes a language code such as en", field="q")
        query.languages.append(value.lower())
        return True
    return False


def _username(value: str, local_domain: str | None) -> str | None:
    """``user``, ``@user`` or ``user@this-server``; None for anything else (another
    server's account cannot be a local author)."""
    match = _USER_RE.fullmatch(value)
    if match is None:
        return None
    host = match.group(2)
    if host is not None and (local_domain is None or host.lower() != local_domain.lower()):
        return f"{match.group(1)}@{host}"  # kept, so that it matches no local account
    return match.group(1).lower()
