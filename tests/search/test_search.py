"""Full-text search of posts: each operator, ordering, the index kept in the post's
own transaction, and visibility (nobody finds what they may not read)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from roost.errors import ValidationFailed
from roost.graph.actions import do_follow
from roost.graph.blocks import do_block, do_mute
from roost.ids import new_id
from roost.media.actions import do_upload_media
from roost.posts.actions import do_create_post, do_delete_post, do_reblog
from roost.posts.models import posts
from roost.posts.search_index import (
    index_post,
    mark_post_poll,
    reindex_post,
    unindex_post,
)
from roost.runtime import Runtime
from roost.search import backends
from roost.search.queries import search_status_ids, search_statuses
from roost.search.syntax import Term, parse_query
from tests.conftest import People
from tests.media.pictures import picture


def found(rt: Runtime, viewer: int | None, q: str, **kwargs: object) -> list[int]:
    return [v.post.id for v in search_statuses(rt, viewer, q, **kwargs)]  # type: ignore[arg-type]


def test_words_match_whole_words_newest_first(rt: Runtime, people: People) -> None:
    first = do_create_post(rt, people.alice, "The owls are awake tonight")
    second = do_create_post(rt, people.bob, "An owl? No: owls, many OWLS")
    do_create_post(rt, people.bob, "nothing to see here")
    assert found(rt, people.carol, "owls") == [second, first]
    assert found(rt, people.carol, "owls awake") == [first]
    assert found(rt, people.carol, "owl") == [second]


def test_post_is_searchable_when_committed_and_gone_when_deleted(
    rt: Runtime, people: People
) -> None:
    post = do_create_post(rt, people.alice, "ephemeral thoughts")
    assert found(rt, people.bob, "ephemeral") == [post]
    do_delete_post(rt, people.alice, post)
    assert found(rt, people.bob, "ephemeral") == []


def test_reindex_after_an_edit_finds_the_new_words_only(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "a typo in the frist post")
    with rt.db.write() as tx:
        mark_post_poll(tx.conn, post)
        tx.conn.execute(update(posts).where(posts.c.id == post).values(text="the first post"))
        reindex_post(tx.conn, post)
    assert found(rt, people.bob, "frist") == []
    assert found(rt, people.bob, "first") == [post]
    assert found(rt, people.bob, "has:poll first") == [post]  # flags survive a re-index


def test_exact_phrase_and_exclusion(rt: Runtime, people: People) -> None:
    ordered = do_create_post(rt, people.alice, "hand hygiene saves lives")
    scrambled = do_create_post(rt, people.alice, "lives of hygiene and hand cream")
    assert found(rt, people.bob, '"hand hygiene"') == [ordered]
    assert found(rt, people.bob, "hygiene -cream") == [ordered]
    assert found(rt, people.bob, 'hygiene -"hand hygiene"') == [scrambled]
    assert found(rt, people.bob, "from:alice -cream") == [ordered]


def test_or_joins_alternatives(rt: Runtime, people: People) -> None:
    cats = do_create_post(rt, people.alice, "cats are great")
    dogs = do_create_post(rt, people.alice, "dogs are great")
    do_create_post(rt, people.alice, "fish are great")
    assert found(rt, people.bob, "cats OR dogs") == [dogs, cats]
    assert found(rt, people.bob, "great cats OR dogs") == [dogs, cats]


def test_from_to_and_mention_operators(rt: Runtime, people: People) -> None:
    assert people.bob  # exists before it is mentioned
    to_bob = do_create_post(rt, people.alice, "hello @bob how are the bees")
    by_bob = do_create_post(rt, people.bob, "the bees are fine")
    do_create_post(rt, people.carol, "bees bees bees")
    assert found(rt, people.dave, "bees from:bob") == [by_bob]
    assert found(rt, people.dave, "bees to:bob") == [to_bob]
    assert found(rt, people.dave, "bees @bob") == [to_bob]
    assert found(rt, people.dave, "bees -from:carol") == [by_bob, to_bob]
    assert found(rt, people.bob, "from:me") == [by_bob]
    assert found(rt, people.dave, "bees from:nobody_here") == []
    assert found(rt, people.dave, "from:bob@elsewhere.example") == []


def test_hashtag_operator(rt: Runtime, people: People) -> None:
    tagged = do_create_post(rt, people.alice, "meeting tonight #HITsm")
    do_create_post(rt, people.alice, "meeting tomorrow #meded")
    assert found(rt, people.bob, "#hitsm") == [tagged]
    assert found(rt, people.bob, "meeting -#meded") == [tagged]
    assert found(rt, people.bob, "#nosuchtag") == []


def test_since_and_until_use_the_post_day(rt: Runtime, people: People) -> None:
    old = do_create_post(rt, people.alice, "calendar entry")
    new = do_create_post(rt, people.alice, "calendar entry again")
    # Move the first post three days back: IDs carry their time, as the index does.
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    old_id = new_id(three_days_ago)
    with rt.db.write() as tx:
        unindex_post(tx.conn, old)
        tx.conn.execute(update(posts).where(posts.c.id == old).values(id=old_id))
        index_post(tx.conn, old_id)
    today = datetime.now(UTC).date()
    assert found(rt, people.bob, f"calendar since:{today.isoformat()}") == [new]
    assert found(rt, people.bob, f"calendar until:{today.isoformat()}") == [old_id]
    with pytest.raises(ValidationFailed):
        found(rt, people.bob, "calendar since:yesterday")


def test_has_and_is_operators(rt: Runtime, people: People) -> None:
    link = do_create_post(rt, people.alice, "read https://example.com/paper now")
    plain = do_create_post(rt, people.alice, "read the paper now")
    reply = do_create_post(rt, people.bob, "read it, thanks", in_reply_to_id=plain)
    with rt.db.write() as tx:
        mark_post_poll(tx.conn, plain)
    assert found(rt, people.carol, "read has:link") == [link]
    assert found(rt, people.carol, "read -has:link") == [reply, plain]
    assert found(rt, people.carol, "read has:poll") == [plain]
    assert found(rt, people.carol, "read has:media") == []
    assert found(rt, people.carol, "read is:reply") == [reply]
    assert found(rt, people.carol, "read -is:reply") == [plain, link]
    with pytest.raises(ValidationFailed):
        found(rt, people.carol, "read has:nothing")


def test_has_media_reads_the_attachments(rt: Runtime, people: People) -> None:
    media_id = do_upload_media(
        rt, people.alice, picture("PNG"), content_type="image/png", filename=None
    )
    shown = do_create_post(rt, people.alice, "sunset pictures", media_ids=[media_id])
    told = do_create_post(rt, people.alice, "sunset in words")
    assert found(rt, people.bob, "sunset has:media") == [shown]
    assert found(rt, people.bob, "sunset -has:media") == [told]


def test_lang_operator(rt: Runtime, people: People) -> None:
    french = do_create_post(rt, people.alice, "bonjour le monde", language="fr")
    do_create_post(rt, people.alice, "bonjour world", language="en")
    assert found(rt, people.bob, "bonjour lang:fr") == [french]


def test_relevance_order_ranks_better_matches_first(rt: Runtime, people: People) -> None:
    strong = do_create_post(rt, people.alice, "compost compost compost")
    weak = do_create_post(
        rt, people.alice, "a long post about gardens, soil, seeds and once compost too"
    )
    assert found(rt, people.bob, "compost") == [weak, strong]
    assert found(rt, people.bob, "compost", order="relevance") == [strong, weak]


def test_reposts_are_not_results_and_paging_works(rt: Runtime, people: People) -> None:
    ids = [do_create_post(rt, people.alice, f"paged result {i}") for i in range(5)]
    do_reblog(rt, people.bob, ids[0])
    assert found(rt, people.carol, "paged") == ids[::-1]
    assert search_status_ids(rt, people.carol, "paged", limit=2, offset=2) == ids[2::-1][:2]
    assert found(rt, people.carol, "paged", max_id=ids[2]) == [ids[1], ids[0]]


# -- visibility -------------------------------------------------------------------


def test_followers_only_post_is_never_in_a_strangers_results(
    rt: Runtime, people: People, settle: Callable[[], int]
) -> None:
    do_follow(rt, people.bob, people.alice)
    settle()
    secret = do_create_post(rt, people.alice, "secret garden", visibility="private")
    assert found(rt, people.carol, "secret") == []
    assert found(rt, None, "secret") == []
    assert found(rt, people.bob, "secret") == [secret]
    assert found(rt, people.alice, "secret") == [secret]


def test_direct_post_is_found_by_its_participants_only(rt: Runtime, people: People) -> None:
    assert people.bob
    dm = do_create_post(rt, people.alice, "@bob the whisper", visibility="direct")
    assert found(rt, people.bob, "whisper") == [dm]
    assert found(rt, people.alice, "whisper") == [dm]
    assert found(rt, people.carol, "whisper") == []


def test_unlisted_post_is_found_by_its_author_only(rt: Runtime, people: People) -> None:
    quiet = do_create_post(rt, people.alice, "quiet musings", visibility="unlisted")
    assert found(rt, people.alice, "quiet") == [quiet]
    assert found(rt, people.bob, "quiet") == []


def test_blocked_and_muted_authors_are_not_found(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, "loud opinion")
    do_block(rt, people.alice, people.bob)  # alice blocks bob: bob cannot find her posts
    do_mute(rt, people.carol, people.alice)
    assert found(rt, people.bob, "opinion") == []
    assert found(rt, people.carol, "opinion") == []
    assert found(rt, people.dave, "opinion") == [post]


# -- the language -----------------------------------------------------------------


def test_parse_query_reads_operators_words_and_groups() -> None:
    query = parse_query(
        'from:Alice -#spam "exact words" cats OR dogs -noise has:link -is:reply lang:en x:y'
    )
    assert query.from_users == ["alice"]
    assert query.not_tags == ["spam"]
    assert query.groups == [
        [Term("exact words", phrase=True)],
        [Term("cats"), Term("dogs")],
        [Term("x:y")],
    ]
    assert query.excluded == [Term("noise")]
    assert query.has == {"link": True}
    assert query.is_reply is False
    assert query.languages == ["en"]


def test_query_text_is_data_not_fts_syntax(rt: Runtime, people: People) -> None:
    post = do_create_post(rt, people.alice, 'quotes " and NEAR(stars*) AND col:umn')
    assert found(rt, people.bob, 'NEAR(stars* AND "col:umn') == [post]
    assert found(rt, people.bob, '" ) ( * ^ :') == []


def test_plans_for_many_matches_give_the_same_answers(
    rt: Runtime, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SQLite picks its plan by how many posts the words match (counted up to
    # FEW_MATCHES) and how narrow the other filters are: with the thresholds this low
    # these few posts take the paths of common words.
    tagged = do_create_post(rt, people.alice, "the river is high #flood")
    mine = do_create_post(rt, people.bob, "the river is low")
    other = do_create_post(rt, people.alice, "a river of words")
    queries = ["river", "river from:bob", "river #flood", "river -high", "river is"]
    before = {q: found(rt, people.carol, q) for q in queries}
    monkeypatch.setattr(backends, "RANKED_MATCHES", 2)
    monkeypatch.setattr(backends, "FEW_MATCHES", 2)
    assert {q: found(rt, people.carol, q) for q in queries} == before
    monkeypatch.setattr(backends, "FEW_PROBES", 0)
    assert {q: found(rt, people.carol, q) for q in queries} == before
    assert before["river"] == [other, mine, tagged]
    assert before["river from:bob"] == [mine]
    assert before["river #flood"] == [tagged]
    # Relevance ranks the newest RANKED_MATCHES matches.
    assert sorted(found(rt, people.carol, "river", order="relevance")) == sorted([other, mine])
