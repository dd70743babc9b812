"""The demo the sandbox starts with: five people, a channel, a review group and two actions,
one in two days and one happening now (README, "Action day"), with a report from it waiting for
review whose photo has faces to cover (README, "Faces"), so every step can be tried at once.

The people, chats and the report's photos live in the fake server (in memory, rebuilt at every
start, always with the same ids); the roles, the linked channel, the actions and the report are
written to the sandbox database once, when it is new, through the same store methods the bot
uses.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from turnout.config import Settings
from turnout.sandbox import crowd
from turnout.sandbox.fakebot import FakeChat, FakeTelegram
from turnout.sandbox.fakebot.files import FileStore, StoredFile
from turnout.scheduler.reminders import plan_reminders
from turnout.storage import Answer, NewAction, ReportMedia, Role, Store

log = logging.getLogger(__name__)

BOT_USERNAME = "turnout_sandbox_bot"
#: The demo bot's Telegram Stars: what paid broadcasts spend (README, "Paid broadcasts").
STARS = 250.0
BOT_NAME = "Turnout"
CHANNEL_ID = -1001000000101
CHANNEL_USERNAME = "turnout_demo"
REVIEW_GROUP_ID = -1001000000102
DEMO_ZONE = ZoneInfo("Europe/Belgrade")


@dataclass(frozen=True)
class Persona:
    """Someone the page can act as."""

    id: int
    name: str
    role: str
    """What the page shows under the name (the bot itself knows roles from the database)."""
    granted: Role | None = None
    reviews: bool = False
    """A member of the review group."""


PERSONAS = (
    Persona(100001, "Olga", "Owner", reviews=True),
    Persona(100002, "Omar", "Organiser", Role.ORGANISER, reviews=True),
    Persona(100003, "Bea", "Broadcaster", Role.BROADCASTER),
    Persona(100004, "Ana", "Member"),
    Persona(100005, "Marko", "Member"),
)
OWNER = PERSONAS[0]
BROADCASTER = PERSONAS[2]
ORGANISER = PERSONAS[1]
EARLY_BIRD = PERSONAS[4]
"""A member already going to the demo action, so the organiser has an RSVP to see."""
ALREADY_THERE = PERSONAS[3]
"""A member going to the action under way who has checked in, confirmed by her location."""
#: How long ago the action under way began, and how long it lasts.
UNDER_WAY_SINCE = timedelta(minutes=30)
UNDER_WAY_FOR = timedelta(hours=2)
#: What Ana's report from the action under way says; its album: a photo with five faces, then
#: one of the same street without anyone.
REPORT_TEXT = "We're at the square, hundreds of us. Police on the corner, all calm."
#: The photos' file ids, the same at every start: the database keeps them from the first.
FACES_FILE_ID = "DEMO-PHOTO-crowd"
NO_FACE_FILE_ID = "DEMO-PHOTO-street"
#: The album's id, and Ana's messages that carried it (below every id the fake server gives).
_ALBUM_ID = "1000000000000000021"
_FIRST_MESSAGE_ID = 1


@dataclass(frozen=True)
class DemoChats:
    channel: FakeChat
    review_group: FakeChat


def populate(telegram: FakeTelegram) -> DemoChats:
    """Create the people, the channel (Bea's, the bot an admin, everyone else a member; nobody
    is subscribed to the bot's calls) and the review group (the owner, the organiser and the
    bot) in the fake server."""
    for persona in PERSONAS:
        telegram.add_user(persona.name, user_id=persona.id, language_code="en")
    channel = telegram.world.add_chat(
        "channel",
        "Demo Channel",
        username=CHANNEL_USERNAME,
        chat_id=CHANNEL_ID,
        owner_id=BROADCASTER.id,
    )
    telegram.set_chat_member(
        channel,
        telegram.bot_id,
        "administrator",
        can_post_messages=True,
        can_edit_messages=True,
        can_delete_messages=True,
    )
    group = telegram.world.add_chat(
        "supergroup",
        "Review group",
        chat_id=REVIEW_GROUP_ID,
        owner_id=OWNER.id,
        bot_status="member",
    )
    for persona in PERSONAS:
        if persona is not BROADCASTER:
            telegram.set_chat_member(channel, persona.id, "member")
        if persona.reviews and persona is not OWNER:
            telegram.set_chat_member(group, persona.id, "member")
    if report_photos(telegram.world.files) is None:
        log.info(
            "sandbox: scikit-image is not installed, so the demo has no report with faces "
            "(pip install 'turnout[demo]')"
        )
    return DemoChats(channel, group)


def report_photos(files: FileStore) -> list[StoredFile] | None:
    """Store the photos of Ana's report in ``files`` under their fixed ids, and return them
    (the largest size of each, as a report keeps them); None without scikit-image, which
    makes them."""
    photos = _photos()
    if photos is None:
        return None
    return [
        files.add_photo(content, file_id=file_id)[-1]
        for file_id, content in zip((FACES_FILE_ID, NO_FACE_FILE_ID), photos, strict=True)
    ]


@functools.cache
def _photos() -> tuple[bytes, bytes] | None:
    """The photo with faces and the one without, made once a process (in half a second)."""
    if not crowd.available():
        return None
    return crowd.demo_photo(), crowd.no_face_photo()


async def seed(store: Store, settings: Settings, now: datetime) -> None:
    """Write the demo into a new database."""
    for persona in PERSONAS:
        await store.register_member(
            persona.id, persona.name, settings.default_language, settings.timezone, now
        )
        if persona.granted is not None:
            await store.grant_role(persona.id, persona.granted, OWNER.id, now)
    await store.link_channel(
        CHANNEL_ID, "Demo Channel", CHANNEL_USERNAME, "channel", BROADCASTER.id, now
    )
    new = demo_action(settings, now)
    plan = plan_reminders(new.starts_at, new.reminder_minutes, now)
    action = await store.create_action(new, OWNER.id, plan, now)
    await store.answer_rsvp(action.id, EARLY_BIRD.id, Answer.GOING, now)
    await seed_under_way(store, settings, now)


async def seed_under_way(store: Store, settings: Settings, now: datetime) -> None:
    """An action that began half an hour ago, run by the organiser: Ana is there (checked in
    by her location), Marko and the organiser are going and can still check in. The answers
    were given before the start, as they would have been."""
    new = under_way_action(now)
    before = new.starts_at - timedelta(days=1)
    action = await store.create_action(new, ORGANISER.id, (), before)
    for persona in (ALREADY_THERE, EARLY_BIRD, ORGANISER):
        await store.answer_rsvp(action.id, persona.id, Answer.GOING, before)
    await store.check_in(action.id, ALREADY_THERE.id, now, confirmed=True)
    await seed_report(store, action.id, now)


async def seed_report(store: Store, action_id: int, now: datetime) -> None:
    """Ana's report from the action under way, sent a moment ago and waiting for review: a
    text and an album of two photos, the first with faces (none without scikit-image). The
    photos' ids are those :func:`populate` stores them under at every start."""
    photos = report_photos(FileStore())
    if photos is None:
        return
    draft = await store.open_draft(ALREADY_THERE.id, now)
    await store.update_draft(
        draft.id, {"action_id": action_id, "action_chosen": 1, "text": REPORT_TEXT}, now
    )
    for number, photo in enumerate(photos):
        media = ReportMedia(
            kind="photo",
            file_id=photo.file_id,
            file_unique_id=photo.file_unique_id,
            size=len(photo.content),
            mime="image/jpeg",
            width=photo.width,
            height=photo.height,
            duration=None,
            caption=None,
            media_group_id=_ALBUM_ID,
            message_id=_FIRST_MESSAGE_ID + number,
        )
        await store.add_report_media(draft.id, media)
    await store.submit_report(draft.id, now)


def under_way_action(now: datetime) -> NewAction:
    """A march in Belgrade that started half an hour ago and ends in an hour and a half."""
    starts_at = (now - UNDER_WAY_SINCE).replace(second=0, microsecond=0)
    return NewAction(
        title="March for Clean Air",
        description="From Republic Square to the Assembly. Stay with your group.",
        starts_at=starts_at,
        ends_at=starts_at + UNDER_WAY_FOR,
        timezone=DEMO_ZONE.key,
        city_id=792680,  # GeoNames: Belgrade
        city="Belgrade",
        country="RS",
        place="Republic Square",
        latitude=44.8163,
        longitude=20.4600,
        capacity=None,
        reminder_minutes=(),
    )


def demo_action(settings: Settings, now: datetime) -> NewAction:
    """A picket in Belgrade the day after tomorrow at 18:00 there, with the default
    reminders: a local action, so everyone reads Belgrade time."""
    day = now.astimezone(DEMO_ZONE).date() + timedelta(days=2)
    starts_at = datetime.combine(day, time(18, 0), tzinfo=DEMO_ZONE)
    return NewAction(
        title="Picket at City Hall",
        description="Bring a sign and a friend. We meet on the main steps.",
        starts_at=starts_at,
        timezone=DEMO_ZONE.key,
        city_id=792680,  # GeoNames: Belgrade
        city="Belgrade",
        country="RS",
        place="City Hall, main steps",
        latitude=44.8125,
        longitude=20.4612,
        capacity=None,
        reminder_minutes=tuple(
            int(offset.total_seconds() // 60) for offset in settings.reminder_offsets
        ),
    )
