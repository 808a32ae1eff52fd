"""Account search is bounded: prefix matches served by an index (no scan of every
account for ``%x%``), and an ``offset`` cap."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from roost.accounts.actions import do_update_profile
from roost.accounts.queries import MAX_SEARCH_OFFSET, search_accounts
from roost.errors import ValidationFailed
from roost.runtime import Runtime
from tests.conftest import People


def names(rt: Runtime, query: str) -> set[str]:
    return {row.username for row in search_accounts(rt, query)}


def test_search_matches_the_start_of_username_or_display_name(rt: Runtime, people: People) -> None:
    do_update_profile(rt, people.alice, display_name="Wonder Land")
    do_update_profile(rt, people.bob, display_name="Robert_Land%")
    people.carol  # noqa: B018
    assert names(rt, "ali") == {"alice"}
    assert names(rt, "@ALI") == {"alice"}
    assert names(rt, "wonder") == {"alice"}
    assert names(rt, "robert_") == {"bob"}
    assert names(rt, "robert_land%") == {"bob"}
    assert names(rt, "r_") == set()  # "_" is not a wildcard
    assert names(rt, "land") == set()  # not a prefix: no infix scan
    assert names(rt, "lice") == set()


def test_offset_is_capped(rt: Runtime, people: People) -> None:
    people.alice  # noqa: B018
    assert search_accounts(rt, "a", offset=MAX_SEARCH_OFFSET) == []
    with pytest.raises(ValidationFailed) as refused:
        search_accounts(rt, "a", offset=MAX_SEARCH_OFFSET + 1)
    assert refused.value.field == "offset"


def test_search_is_served_by_indexes(rt: Runtime, people: People) -> None:
    """The plan of the search query names the prefix indexes (no full scan)."""
    people.alice  # noqa: B018
    statements: list[str] = []
    params: list[object] = []
    with rt.db.engine.connect() as conn:

        def capture(
            _c: object, _cur: object, statement: str, parameters: object, *_: object
        ) -> None:
            statements.append(statement)
            params.append(parameters)

        event.listen(rt.db.engine, "before_cursor_execute", capture)
        try:
            search_accounts(rt, "ali")
        finally:
            event.remove(rt.db.engine, "before_cursor_execute", capture)
        statement, parameters = statements[-1], params[-1]
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(
                r[0]
                for r in conn.exec_driver_sql("EXPLAIN " + statement, parameters)  # type: ignore[arg-type]
            )
        else:
            plan = "\n".join(
                str(r[-1])
                for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
            )
    assert "ix_accounts_display_name_prefix" in plan, plan
    username_index = (
        "ix_accounts_username_prefix" if rt.settings.is_postgres else "uq_accounts_username_lower"
    )
    assert username_index in plan, plan
