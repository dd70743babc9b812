"""Members on a real SQLite file: registering, their choices, and who gets what."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.conftest import NOW, MemberFactory
from tests.storage.conftest import ReadDb
from turnout.storage import Member, Recipient, Store

LATER = NOW + timedelta(days=3)


async def stored(db_path: Path, user_id: int) -> Member | None:
    """The member as another process opening the file reads them (no copy in memory)."""
    other = await Store.open(db_path)
    try:
        return await other.member(user_id)
    finally:
        await other.close()


async def test_a_new_member_is_registered_once(store: Store, db_path: Path) -> None:
    member, created = await store.register_member(42, "Ana", "sr", "Europe/Belgrade", NOW)
    assert created
    assert member == Member(42, "Ana", "sr", "Europe/Belgrade", False, True, NOW)
    assert await stored(db_path, 42) == member
    again, created_again = await store.register_member(42, "Ana", "sr", "Europe/Belgrade", LATER)
    assert not created_again
    assert again == member, "the first registration's time is kept"


async def test_a_returning_member_is_reachable_again_with_their_new_name(
    store: Store, db_path: Path
) -> None:
    await store.register_member(42, "Ana", "en", "Europe/Belgrade", NOW)
    await store.set_reachable(42, False, NOW)
    await store.set_show_name(42, True, NOW)
    member, created = await store.register_member(42, "Ana M.", "fr", "UTC", LATER)
    assert not created
    assert (member.first_name, member.reachable, member.language, member.timezone) == (
        "Ana M.",
        True,
        "en",
        "Europe/Belgrade",
    )
    assert member.show_name
    assert await store.member(42) == member == await stored(db_path, 42)


async def test_every_choice_is_stored_and_read_back_at_once(
    store: Store, make_member: MemberFactory, db_path: Path
) -> None:
    ana = await make_member()
    assert await store.member(ana.user_id) == ana  # a copy is kept from now on
    assert await store.set_language(ana.user_id, "es", NOW)
    assert await store.set_timezone(ana.user_id, "America/Bogota", NOW)
    assert await store.set_show_name(ana.user_id, True, NOW)
    assert await store.set_subscribed(ana.user_id, True, NOW)
    assert await store.set_reminder_minutes(ana.user_id, (1440, 120), NOW)
    member = await store.member(ana.user_id)
    assert member is not None
    assert (
        member.language,
        member.timezone,
        member.show_name,
        member.subscribed,
        member.reminder_minutes,
    ) == ("es", "America/Bogota", True, True, (1440, 120))
    assert await stored(db_path, ana.user_id) == member
    assert await store.set_reachable(ana.user_id, False, NOW)
    member = await store.member(ana.user_id)
    assert member is not None
    assert not member.reachable


async def test_every_reminder_none_and_some_are_told_apart(
    store: Store, make_member: MemberFactory, db_path: Path
) -> None:
    ana = await make_member()
    assert ana.reminder_minutes is None, "every reminder, unless the member chose"
    for chosen in ((), (60,), None, (1440, 120)):
        await store.set_reminder_minutes(ana.user_id, chosen, NOW)
        member = await stored(db_path, ana.user_id)
        assert member is not None
        assert member.reminder_minutes == chosen


async def test_changes_to_an_unknown_member_create_nobody(store: Store, read_db: ReadDb) -> None:
    assert not await store.set_language(7, "fr", NOW)
    assert not await store.set_timezone(7, "UTC", NOW)
    assert not await store.set_show_name(7, True, NOW)
    assert not await store.set_subscribed(7, True, NOW)
    assert not await store.set_reminder_minutes(7, (), NOW)
    assert not await store.set_reachable(7, True, NOW)
    assert await store.member(7) is None
    assert read_db("SELECT COUNT(*) FROM members") == [(0,)]


async def test_subscribers_are_those_who_asked_and_can_be_reached(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member(language="fr", timezone="Europe/Paris")
    ben, cleo, dan = await make_member(), await make_member(), await make_member()
    for person in (dan, ana, ben):
        await store.set_subscribed(person.user_id, True, NOW)
    await store.set_reachable(ben.user_id, False, NOW)
    assert cleo.user_id not in [r.user_id for r in await store.subscribers()]
    assert await store.subscribers() == [
        Recipient(ana.user_id, "fr", "Europe/Paris"),
        Recipient(dan.user_id, "en", "UTC"),
    ]


async def test_languages_are_looked_up_for_members_only(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member(language="sr")
    ben = await make_member(language="es")
    found = await store.languages_of([ben.user_id, ana.user_id, ana.user_id, -100123])
    assert found == {ana.user_id: "sr", ben.user_id: "es"}
    assert await store.languages_of([]) == {}


async def test_names_are_shown_only_to_organisers_of_those_who_chose_it(
    store: Store, make_member: MemberFactory
) -> None:
    ana = await make_member(first_name="Ana")
    ben = await make_member(first_name="Ben")
    await store.set_show_name(ana.user_id, True, NOW)
    assert await store.names_shown([ana.user_id, ben.user_id, 7]) == {ana.user_id: "Ana"}
    await store.set_show_name(ana.user_id, False, NOW)
    assert await store.names_shown([ana.user_id, ben.user_id]) == {}
