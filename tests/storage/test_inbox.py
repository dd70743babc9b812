"""The inbox: updates kept from arrival until handled, and recognised when sent again."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import NOW
from turnout.storage import Store


async def test_updates_are_kept_in_arrival_order_until_handled(store: Store) -> None:
    assert await store.keep_updates([(7, '{"a":1}'), (5, '{"b":2}')], NOW) == [7, 5]
    assert await store.keep_updates([(9, '{"c":3}')], NOW) == [9]
    assert await store.kept_updates() == [(7, '{"a":1}'), (5, '{"b":2}'), (9, '{"c":3}')]

    await store.mark_updates_handled([7, 9])

    assert await store.kept_updates() == [(5, '{"b":2}')]


async def test_an_update_sent_again_is_kept_once_even_after_it_was_handled(store: Store) -> None:
    await store.keep_updates([(1, "{}"), (2, "{}")], NOW)
    await store.mark_updates_handled([1])

    assert await store.keep_updates([(1, "{}"), (2, "{}"), (3, "{}")], NOW) == [3]
    assert [i for i, _ in await store.kept_updates()] == [2, 3]


async def test_pruning_forgets_old_handled_ids_only(store: Store) -> None:
    await store.keep_updates([(1, "{}"), (2, "{}")], NOW - timedelta(days=2))
    await store.keep_updates([(3, "{}")], NOW)
    await store.mark_updates_handled([1, 3])

    assert await store.prune_inbox(NOW - timedelta(days=1)) == 1

    # 1 is forgotten (it may come back as new), 2 still waits, 3 is still recognised.
    assert await store.keep_updates([(1, "{}"), (3, "{}")], NOW) == [1]
    assert [i for i, _ in await store.kept_updates()] == [2, 1]


async def test_nothing_to_keep_is_no_error(store: Store) -> None:
    assert await store.keep_updates([], NOW) == []
