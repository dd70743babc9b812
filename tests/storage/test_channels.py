"""Linked channels and groups on a real SQLite file."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.storage.conftest import ORGANISER, audited
from turnout.storage import Channel, Conflict, Store

LATER = NOW + timedelta(days=1)
NEWS = -1001


async def test_a_channel_is_linked_and_audited(store: Store) -> None:
    channel = await store.link_channel(NEWS, "News", "news_rs", "channel", ORGANISER, NOW)
    assert channel == Channel(NEWS, "News", "news_rs", "channel", ORGANISER, NOW, True)
    assert await store.channel(NEWS) == channel
    assert await store.channel(-2) is None
    [entry] = await store.audit_entries()
    assert (entry.action, entry.actor_id, entry.target_id, json.loads(entry.detail)) == (
        "channel:link",
        ORGANISER,
        NEWS,
        {"title": "News"},
    )


async def test_a_lost_channel_is_reported_once(store: Store) -> None:
    await store.link_channel(NEWS, "News", None, "channel", ORGANISER, NOW)
    lost = await store.channel_lost(NEWS, LATER)
    assert lost is not None
    assert (lost.chat_id, lost.can_post, lost.linked_by) == (NEWS, False, ORGANISER)
    assert await store.channel_lost(NEWS, LATER) is None, "its admins are told once"
    assert await store.channel_lost(-2, LATER) is None, "not linked"
    stored = await store.channel(NEWS)
    assert stored is not None
    assert not stored.can_post


async def test_relinking_restores_posting_with_the_new_details(store: Store) -> None:
    await store.link_channel(NEWS, "News", None, "group", ORGANISER, NOW)
    await store.channel_lost(NEWS, NOW)
    again = await store.link_channel(NEWS, "News RS", "news_rs", "supergroup", 8, LATER)
    assert again == Channel(NEWS, "News RS", "news_rs", "supergroup", 8, LATER, True)
    assert await store.channels() == [again]
    assert await store.channel_lost(NEWS, LATER) is not None, "lost again is told again"


async def test_an_unlink_is_audited_and_happens_once(store: Store) -> None:
    await store.link_channel(NEWS, "News", None, "channel", ORGANISER, NOW)
    assert await store.unlink_channel(NEWS, 8, LATER)
    assert not await store.unlink_channel(NEWS, 8, LATER)
    assert await store.channel(NEWS) is None
    assert await audited(store) == ["channel:link", "channel:unlink"]


async def test_channels_are_listed_by_title_in_any_case(store: Store) -> None:
    await store.link_channel(-1, "zebra", None, "channel", ORGANISER, NOW)
    await store.link_channel(-2, "Apples", None, "group", ORGANISER, NOW)
    await store.link_channel(-3, "banana", None, "supergroup", ORGANISER, NOW)
    assert [c.title for c in await store.channels()] == ["Apples", "banana", "zebra"]


async def test_only_known_kinds_of_chat_are_linked(store: Store) -> None:
    with pytest.raises(Conflict):
        await store.link_channel(NEWS, "DM", None, "private", ORGANISER, NOW)
    assert await store.channels() == []
    assert await store.audit_entries() == [], "no audit of a link that was not made"
