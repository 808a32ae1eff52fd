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
    Integer,
    Select,
    column,
    func,
    literal_column,
    select,
    table,
)

from roost.posts.models import post_search, posts
from roost.search.syntax import SearchQuery, Term

post_fts = table("post_fts", column("rowid", Integer), column("body"))


@dataclass(frozen=True)
class Matched:
    """The statement with the words applied, and the orders it offers."""

    statement: Select[Any]
    newest: ColumnElement[Any]
    relevance: ColumnElement[Any] | None


def apply_words(dialect: str, statement: Select[Any], query: SearchQuery) -> Matched:
    """Restricts ``statement`` (selecting from ``posts``) to the posts the words match."""
    if dialect == "postgresql":
        return _postgres(statement, query)
    return _sqlite(statement, query)


def _fts_string(term: Term) -> str:
    return '"' + term.words.replace('"', '""') + '"'


def _fts_any(terms: list[Term]) -> str:
    inner = " OR ".join(_fts_string(t) for t in terms)
    return f"({inner})"


def _sqlite(statement: Select[Any], query: SearchQuery) -> Matched:
    newest: ColumnElement[Any] = posts.c.id.desc()
    if not query.groups:
        if query.excluded:
            statement = statement.where(
                posts.c.id.not_in(select(post_fts.c.rowid).where(_match(_fts_any(query.excluded))))
            )
        return Matched(statement, newest, None)
    expression = " AND ".join(_fts_any(group) for group in query.groups)
    if query.excluded:
        expression = f"({expression}) NOT {_fts_any(query.excluded)}"
    statement = statement.join(post_fts, post_fts.c.rowid == posts.c.id).where(_match(expression))
    # Ordered by the FTS5 table's own rowid, which it walks newest first without sorting.
    return Matched(statement, post_fts.c.rowid.desc(), literal_column("post_fts.rank"))


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
    tsquery: ColumnElement[Any] | None = None
    for group in query.groups:
        part = _ts_any(group)
        tsquery = part if tsquery is None else func.tsquery_and(tsquery, part)
    if query.excluded:
        excluded = func.tsquery_not(_ts_any(query.excluded))
        tsquery = excluded if tsquery is None else func.tsquery_and(tsquery, excluded)
    if tsquery is None:
        return Matched(statement, posts.c.id.desc(), None)
    statement = statement.where(post_search.c.document.op("@@")(tsquery))
    relevance = func.ts_rank(post_search.c.document, tsquery).desc() if query.groups else None
    return Matched(statement, post_search.c.post_id.desc(), relevance)
