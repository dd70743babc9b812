"""Prompts on a real SQLite file: one open question per person, ids never reused, a lapse told
exactly once."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ReadDb
from turnout.storage import DeliveryStatus, Store
from turnout.storage.purposes import PromptLapse

EXPIRES = NOW + timedelta(minutes=30)
ANA = 42


async def open_for(
    store: Store, user_id: int = ANA, *, flow: str = "report", expires: datetime = EXPIRES
) -> int:
    """Open a question for ``user_id`` in their private chat; return its id."""
    prompt, _ = await store.open_prompt(user_id, user_id, flow, "text", "{}", NOW, expires)
    return prompt.id


async def test_a_prompt_is_opened_and_read_back(store: Store, db_path: Path) -> None:
    prompt, replaced = await store.open_prompt(
        ANA, ANA, "propose", "title", '{"city": "Niš"}', NOW, EXPIRES
    )
    assert replaced is None
    assert (prompt.user_id, prompt.chat_id, prompt.flow, prompt.step, prompt.data) == (
        ANA,
        ANA,
        "propose",
        "title",
        '{"city": "Niš"}',
    )
    assert (prompt.message_id, prompt.opened_at, prompt.expires_at) == (None, NOW, EXPIRES)
    assert await store.prompt_of(ANA) == prompt
    # What another process opening the file reads: the copy in memory is what was stored.
    other = await Store.open(db_path)
    try:
        assert await other.prompt_of(ANA) == prompt
    finally:
        await other.close()


async def test_a_new_flow_replaces_the_open_prompt(store: Store, read_db: ReadDb) -> None:
    first, _ = await store.open_prompt(ANA, ANA, "report", "text", "{}", NOW, EXPIRES)
    second, replaced = await store.open_prompt(ANA, ANA, "propose", "title", "{}", NOW, EXPIRES)
    assert replaced == first
    assert second.id != first.id
    assert await store.prompt_of(ANA) == second
    assert read_db("SELECT id, flow FROM prompts") == [(second.id, "propose")]


async def test_each_person_has_their_own_prompt(store: Store) -> None:
    mine = await open_for(store, ANA)
    theirs = await open_for(store, ANA + 1)
    await store.close_prompt(mine)
    assert await store.prompt_of(ANA) is None
    other = await store.prompt_of(ANA + 1)
    assert other is not None
    assert other.id == theirs


async def test_prompt_ids_are_never_reused_even_after_the_row_is_deleted(
    store: Store, make_member: MemberFactory, db_path: Path
) -> None:
    """A button of an earlier question carries its id: no later question may have it."""
    seen = [await open_for(store)]
    await store.close_prompt(seen[-1])  # the table is empty now
    seen.append(await open_for(store))
    await store.lapse_prompt(seen[-1], "{}", EXPIRES)
    seen.append(await open_for(store))
    ana = await make_member()
    seen.append(await open_for(store, ana.user_id))
    await store.forget_member(ana.user_id, "Blue Heron", NOW)
    seen.append(await open_for(store, ANA + 1))
    await store.close_prompt(seen[-1])
    other = await Store.open(db_path)  # after a restart, too
    try:
        prompt, _ = await other.open_prompt(ANA, ANA, "report", "text", "{}", NOW, EXPIRES)
    finally:
        await other.close()
    seen.append(prompt.id)
    assert seen == sorted(set(seen)), "every id is new, and higher than the ones before"


async def test_a_prompt_moves_to_its_next_question(store: Store) -> None:
    prompt_id = await open_for(store)
    later = EXPIRES + timedelta(minutes=10)
    moved = await store.update_prompt(prompt_id, "media", '{"text": "hi"}', 77, later)
    assert moved is not None
    assert (moved.id, moved.step, moved.data, moved.message_id, moved.expires_at) == (
        prompt_id,
        "media",
        '{"text": "hi"}',
        77,
        later,
    )
    assert await store.prompt_of(ANA) == moved


async def test_a_closed_prompt_is_not_moved_on_or_closed_again(
    store: Store, read_db: ReadDb
) -> None:
    prompt_id = await open_for(store)
    closed = await store.close_prompt(prompt_id)
    assert closed is not None
    assert closed.id == prompt_id
    assert await store.close_prompt(prompt_id) is None
    assert await store.update_prompt(prompt_id, "media", "{}", None, EXPIRES) is None
    assert await store.prompt_of(ANA) is None
    assert read_db("SELECT COUNT(*) FROM prompts") == [(0,)], "not brought back"


async def test_an_old_prompt_cannot_change_its_successor(store: Store) -> None:
    old = await open_for(store, flow="report")
    new = await open_for(store, flow="propose")
    assert await store.update_prompt(old, "media", "{}", None, EXPIRES) is None
    assert await store.close_prompt(old) is None
    current = await store.prompt_of(ANA)
    assert current is not None
    assert (current.id, current.step) == (new, "text")


async def test_expired_prompts_are_listed_oldest_first(store: Store) -> None:
    late = await open_for(store, ANA, expires=NOW + timedelta(minutes=20))
    early = await open_for(store, ANA + 1, expires=NOW + timedelta(minutes=10))
    await open_for(store, ANA + 2, expires=NOW + timedelta(minutes=40))
    at = NOW + timedelta(minutes=30)
    assert [p.id for p in await store.expired_prompts(at)] == [early, late]
    assert [p.id for p in await store.expired_prompts(at, limit=1)] == [early]
    assert await store.expired_prompts(NOW) == []


async def test_a_lapse_closes_the_prompt_and_is_told_once(store: Store) -> None:
    prompt_id = await open_for(store)
    assert await store.lapse_prompt(prompt_id, '{"text": "too late"}', EXPIRES)
    assert not await store.lapse_prompt(prompt_id, '{"text": "too late"}', EXPIRES)
    assert await store.prompt_of(ANA) is None
    assert await store.expired_prompts(EXPIRES) == []
    [told] = await store.deliveries_of(PromptLapse(prompt_id))
    assert (told.chat_id, told.payload, told.status) == (
        ANA,
        '{"text": "too late"}',
        DeliveryStatus.PENDING,
    )


async def test_lapses_racing_each_other_tell_once(store: Store) -> None:
    prompt_id = await open_for(store)
    results = await asyncio.gather(
        *(store.lapse_prompt(prompt_id, "{}", EXPIRES) for _ in range(5))
    )
    assert sorted(results) == [False, False, False, False, True]
    assert len(await store.deliveries_of(PromptLapse(prompt_id))) == 1


async def test_a_prompt_answered_in_time_does_not_lapse(store: Store) -> None:
    prompt_id = await open_for(store)
    [expired] = await store.expired_prompts(EXPIRES)
    # The person answers just before the lapse is processed: the question is open longer.
    await store.update_prompt(prompt_id, "media", "{}", None, EXPIRES + timedelta(minutes=30))
    assert not await store.lapse_prompt(expired.id, "{}", EXPIRES)
    assert await store.prompt_of(ANA) is not None
    assert await store.deliveries_of(PromptLapse(prompt_id)) == []


async def test_a_prompt_not_yet_expired_does_not_lapse(store: Store) -> None:
    prompt_id = await open_for(store)
    assert not await store.lapse_prompt(prompt_id, "{}", EXPIRES - timedelta(seconds=1))
    assert await store.prompt_of(ANA) is not None


async def test_a_replaced_prompt_does_not_lapse_its_successor(store: Store) -> None:
    old = await open_for(store)
    [expired] = await store.expired_prompts(EXPIRES)
    new = await open_for(store, flow="propose", expires=EXPIRES + timedelta(hours=1))
    assert not await store.lapse_prompt(expired.id, "{}", EXPIRES)
    current = await store.prompt_of(ANA)
    assert current is not None
    assert current.id == new
    assert await store.deliveries_of(PromptLapse(old)) == []
