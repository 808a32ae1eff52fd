"""The words of a search in each backend's own full-text language: SQLite's FTS5
``MATCH`` over ``post_fts``, PostgreSQL's tsquery over ``post_search.document``.
``roost.search.queries`` builds the rest of the statement, the same on both.

Each term is handed to the database as data, never spliced into SQL: FTS5 receives
one bound MATCH string in which every term is a quoted string (so no user input is
read as FTS5 syntax), PostgreSQL builds its tsquery from bound words with
``plainto_tsquery``/``phraseto_tsquery``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    column,
    exists,
    func,
    literal_column,
    select,
    table,
)

from roost.media.queries import has_media_clause
from roost.posts.models import post_search, posts
from roost.search.syntax import SearchQuery, Term

post_fts = table("post_fts", column("rowid", Integer), column("body"))


@dataclass(frozen=True)
class Matched:
    """The statement with the words applied, to order by ``newest``; and, when the
    words can rank posts, the statement to order by ``rank`` (an ordering, best
    first) instead."""

    statement: Select[Any]
    newest: ColumnElement[Any]
    ranked: Select[Any] | None = None
    rank: ColumnElement[Any] | None = None


def apply_words(
    conn: Connection, statement: Select[Any], query: SearchQuery, *, narrow: int | None = None
) -> Matched:
    """Restricts ``statement`` (selecting from ``posts``) to the posts the words match.
    ``narrow``: about how many posts the statement's narrowest filter of its own (an
    author, a tag, a mention) leaves, if it has one: it may be the better way in."""
    if conn.dialect.name == "postgresql":
        return _postgres(statement, query)
    return _sqlite(conn, _with_flags_sqlite(statement, query), query, narrow=narrow)


def _flag(table: Any, name: str, wanted: bool) -> ColumnElement[bool]:
    if name == "media":  # the attachments themselves, whose presence is the answer
        return has_media_clause(posts.c.id) if wanted else ~has_media_clause(posts.c.id)
    flag: ColumnElement[bool] = table.c[f"has_{name}"].is_(wanted)
    return flag


def _with_flags_sqlite(statement: Select[Any], query: SearchQuery) -> Select[Any]:
    """``has:`` operators: each a lookup of the post's flags by its ID (PostgreSQL
    joins the flags' table anyway, for the words: ``_postgres``)."""
    for name, wanted in query.has.items():
        if name == "media":
            statement = statement.where(_flag(post_search, name, wanted))
            continue
        statement = statement.where(
            exists(
                select(post_search.c.post_id).where(
                    post_search.c.post_id == posts.c.id, _flag(post_search, name, wanted)
                )
            )
        )
    return statement


def _fts_string(term: Term) -> str:
    return '"' + term.words.replace('"', '""') + '"'


def _fts_any(terms: list[Term]) -> str:
    inner = " OR ".join(_fts_string(t) for t in terms)
    return f"({inner})"


# Matches counted before choosing a plan (the count stops there: a bounded cost); a
# narrow filter's posts checked one by one against the words at most; and how many of
# the newest matches ``relevance`` ranks (ranking all of a common word's would read
# every one of its hundreds of thousands of matches).
FEW_MATCHES = 50_000
FEW_PROBES = 5_000
RANKED_MATCHES = 5_000


def _sqlite(
    conn: Connection, statement: Select[Any], query: SearchQuery, *, narrow: int | None
) -> Matched:
    """SQLite's planner always starts from the FTS5 table when it is joined: right for
    words alone (the table walks its matches newest first; the first 20 visible end the
    query), slow when another filter is much narrower than the words (20 posts of one
    author among 300,000 matches of a common word). So the matches are first counted
    up to ``FEW_MATCHES``: with a narrow filter, fewer matches are taken whole as an ID
    list; more are checked post by post from the filter's side when it holds at most
    ``FEW_PROBES`` posts; otherwise the FTS5 table leads."""
    newest: ColumnElement[Any] = posts.c.id.desc()
    if not query.groups:
        if query.excluded:
            statement = statement.where(
                posts.c.id.not_in(select(post_fts.c.rowid).where(_match(_fts_any(query.excluded))))
            )
        return Matched(statement, newest)
    expression = " AND ".join(_fts_any(group) for group in query.groups)
    if query.excluded:
        expression = f"({expression}) NOT {_fts_any(query.excluded)}"
    matching = select(post_fts.c.rowid).where(_match(expression))
    joined = statement.join(post_fts, post_fts.c.rowid == posts.c.id).where(_match(expression))
    newest_matches = matching.order_by(post_fts.c.rowid.desc()).limit(RANKED_MATCHES).subquery()
    ranked = joined.where(
        post_fts.c.rowid >= select(func.min(newest_matches.c.rowid)).scalar_subquery()
    )
    # bm25, which FTS5 negates: ascending is best first.
    rank: ColumnElement[Any] = literal_column("post_fts.rank")
    if narrow is None:
        return Matched(joined, post_fts.c.rowid.desc(), ranked, rank)
    counted = matching.limit(FEW_MATCHES).subquery()
    if (conn.scalar(select(func.count()).select_from(counted)) or 0) < FEW_MATCHES:
        return Matched(statement.where(posts.c.id.in_(matching)), newest, ranked, rank)
    if narrow <= FEW_PROBES:
        probe = exists(
            select(post_fts.c.rowid).where(_match(expression), post_fts.c.rowid == posts.c.id)
        )
        return Matched(statement.where(probe), newest, ranked, rank)
    return Matched(joined, post_fts.c.rowid.desc(), ranked, rank)


def _match(expression: str) -> ColumnElement[bool]:
    matched: ColumnElement[bool] = literal_column("post_fts").op("MATCH")(expression)
    return matched


_SIMPLE: ColumnElement[Any] = literal_column("'simple'::regconfig")


def _tsquery(term: Term) -> ColumnElement[Any]:
    if term.phrase:
        return func.phraseto_tsquery(_SIMPLE, term.words)
    return func.plainto_tsquery(_SIMPLE, term.words)


def _ts_any(terms: list[Term]) -> ColumnElement[Any]:
    combined = _tsquery(terms[0])
    for term in terms[1:]:
        combined = func.tsquery_or(combined, _tsquery(term))
    return combined


def _postgres(statement: Select[Any], query: SearchQuery) -> Matched:
    statement = statement.join(post_search, post_search.c.post_id == posts.c.id)
    for name, wanted in query.has.items():
        statement = statement.where(_flag(post_search, name, wanted))
    tsquery: ColumnElement[Any] | None = None
    for group in query.groups:
        part = _ts_any(group)
        tsquery = part if tsquery is None else func.tsquery_and(tsquery, part)
    if query.excluded:
        excluded = func.tsquery_not(_ts_any(query.excluded))
        tsquery = excluded if tsquery is None else func.tsquery_and(tsquery, excluded)
    if tsquery is None:
        return Matched(statement, posts.c.id.desc())
    statement = statement.where(post_search.c.document.op("@@")(tsquery))
    if not query.groups:
        return Matched(statement, post_search.c.post_id.desc())
    rank = func.ts_rank(post_search.c.document, tsquery).desc()
    # Ranked among the newest RANKED_MATCHES matches (as on SQLite).
    matches = post_search.alias("matches")
    newest_matches = (
        select(matches.c.post_id)
        .where(matches.c.document.op("@@")(tsquery))
        .order_by(matches.c.post_id.desc())
        .limit(RANKED_MATCHES)
        .subquery()
    )
    ranked = statement.where(
        post_search.c.post_id >= select(func.min(newest_matches.c.post_id)).scalar_subquery()
    )
    return Matched(statement, post_search.c.post_id.desc(), ranked, rank)
