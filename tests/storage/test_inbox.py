"""The inbox: updates kept from arrival until handled, and recognised when sent again."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from tests.conftest import NOW, MemberFactory
from turnout.storage import Store


async def test_updates_are_kept_in_arrival_order_until_handled(store: Store) -> None:
    assert await store.keep_updates([(7, 1, '{"a":1}'), (5, 2, '{"b":2}')], NOW) == [7, 5]
    assert await store.keep_updates([(9, 1, '{"c":3}')], NOW) == [9]
    assert await store.kept_updates() == [(7, '{"a":1}'), (5, '{"b":2}'), (9, '{"c":3}')]

    await store.mark_updates_handled([7, 9])

    assert await store.kept_updates() == [(5, '{"b":2}')]
    with sqlite3.connect(store.path) as db:
        left = db.execute("SELECT update_id FROM inbox WHERE sender IS NOT NULL").fetchall()
    assert left == [(5,)], "a handled update still names its sender"


async def test_an_update_sent_again_is_kept_once_even_after_it_was_handled(store: Store) -> None:
    await store.keep_updates([(1, 1, "{}"), (2, 1, "{}")], NOW)
    await store.mark_updates_handled([1])

    assert await store.keep_updates([(1, 1, "{}"), (2, 1, "{}"), (3, 1, "{}")], NOW) == [3]
    assert [i for i, _ in await store.kept_updates()] == [2, 3]


async def test_pruning_forgets_old_handled_ids_only(store: Store) -> None:
    await store.keep_updates([(1, 1, "{}"), (2, 1, "{}")], NOW - timedelta(days=2))
    await store.keep_updates([(3, 1, "{}")], NOW)
    await store.mark_updates_handled([1, 3])

    assert await store.prune_inbox(NOW - timedelta(days=1)) == 1

    # 1 is forgotten (it may come back as new), 2 still waits, 3 is still recognised.
    assert await store.keep_updates([(1, 1, "{}"), (3, 1, "{}")], NOW) == [1]
    assert [i for i, _ in await store.kept_updates()] == [2, 1]


async def test_nothing_to_keep_is_no_error(store: Store) -> None:
    assert await store.keep_updates([], NOW) == []


async def test_forgetting_a_member_erases_what_they_sent_still_in_the_inbox(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member(first_name="Ana")
    ben = await make_member(first_name="Ben")
    await store.keep_updates(
        [(1, ana.user_id, '{"text":"Ana was here"}'), (2, ben.user_id, '{"text":"Ben"}')], NOW
    )

    await store.forget_member(ana.user_id, "Forgotten 0000AAAA", NOW)

    assert await store.kept_updates() == [(2, '{"text":"Ben"}')]
    with sqlite3.connect(store.path) as db:
        rows = db.execute("SELECT update_id FROM inbox WHERE sender IS NOT NULL").fetchall()
    assert rows == [(2,)]
    assert b"Ana was here" not in store.path.read_bytes()
