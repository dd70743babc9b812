"""/newcall: compose a call once, choose where it goes, preview it exactly, publish or schedule.

The text keeps the author's own formatting (Telegram's entities), and may come with a photo,
video or document; the parts of an album, which arrive as separate messages, are gathered by
their ``media_group_id`` so that an album is posted as an album.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from telegram import Message, Update

from turnout.delivery.direct import send_now
from turnout.handlers.common import paying, prompts
from turnout.handlers.common.albums import after_album
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Stay, Step, Turn
from turnout.handlers.common.progress import follow
from turnout.handlers.common.replies import edit_in_place
from turnout.i18n import N_
from turnout.scheduler.timeparse import Ambiguous, Parsed, parse_time
from turnout.storage import CallStatus, NewCall
from turnout.usecases import calls
from turnout.views.calls import (
    ACTION,
    CAMPAIGN,
    CANCEL,
    LINK_ACTION,
    LINK_CAMPAIGN,
    PREVIEW,
    PUBLISH,
    SCHEDULE,
    SUBSCRIBERS,
    TARGET,
    compose_options,
    composed,
    link_choices,
)
from turnout.views.delivery import progress
from turnout.views.reply import Reply
from turnout.views.timefmt import AMBIGUITIES, local_time, refusal, zone_label

#: How long after an album's last part the options wait for more.
ALBUM_QUIET = 1.5


class CallDraft(paying.PaidChoice, BaseModel):  # BaseModel again: ruff sees a pydantic model
    text: str = ""
    entities: list[dict[str, Any]] = []
    media: list[dict[str, str]] = []
    album: str | None = None
    action_id: int | None = None
    action_title: str | None = None
    campaign_id: int | None = None
    campaign_name: str | None = None
    targets: list[int] = []
    to_subscribers: bool = False
    publish_at: datetime | None = None
    """Scheduled: when, while the paid-rate card waits for an answer."""

    def as_new(self) -> NewCall:
        return NewCall(
            text=self.text,
            entities=json.dumps(self.entities),
            media=json.dumps(self.media),
            action_id=self.action_id,
            targets=tuple(sorted(self.targets)),
            to_subscribers=self.to_subscribers,
            campaign_id=self.campaign_id,
            paid=self.paid,
        )

    def take(self, message: Message) -> bool:
        """Add what the message carries; False if it carries nothing usable."""
        item: dict[str, str] | None = None
        if message.photo:
            item = {"kind": "photo", "file_id": message.photo[-1].file_id}
        elif message.video is not None:
            item = {"kind": "video", "file_id": message.video.file_id}
        elif message.document is not None:
            item = {"kind": "document", "file_id": message.document.file_id}
        if item is not None:
            self.media.append(item)
        text = message.text or message.caption or ""
        entities = message.entities or message.caption_entities or ()
        if text and not self.text:
            self.text = text
            self.entities = [entity.to_dict() for entity in entities]
        return item is not None or bool(text)


Turn_ = Turn[CallDraft]


async def begin(update: Update, context: TurnoutContext) -> None:
    await prompts.start(update, context, NEWCALL, CallDraft())


# -- composing -----------------------------------------------------------------------------


async def ask_content(turn: Turn_) -> Reply:
    return Reply(turn.t("newcall.ask"))


async def got_text(turn: Turn_, text: str) -> Outcome:
    assert turn.update.message is not None
    turn.draft.take(turn.update.message)
    return Go("options")


async def got_media(turn: Turn_, message: Message) -> Outcome:
    """Media with a caption; the first part of an album, or one more."""
    draft = turn.draft
    if message.media_group_id is None:
        if turn.prompt.step != "compose":
            return Stay(turn.t("newcall.expected"))
        if not draft.take(message):
            return Stay(turn.t("newcall.unsupported"))
        return Go("options")
    if draft.album is not None and message.media_group_id != draft.album:
        return Stay(turn.t("newcall.expected"))
    draft.album = message.media_group_id
    draft.take(message)
    # More parts are on their way: the options come once, after the last of them.
    _options_after_album(turn)
    return Stay()


def _options_after_album(turn: Turn_) -> None:
    update, context, prompt_id = turn.update, turn.context, turn.prompt.id

    async def show() -> None:
        await prompts.ask_again(update, context, NEWCALL, prompt_id, "options")

    after_album(context, f"album-options-{turn.prompt.chat_id}", ALBUM_QUIET, show)


async def compose_text(turn: Turn_, text: str) -> Outcome:
    """At the options, text is not what is waited for (the call is composed already)."""
    return Stay(turn.t("newcall.expected"))


# -- the options ---------------------------------------------------------------------------


async def ask_options(turn: Turn_) -> Reply:
    draft, t = turn.draft, turn.t
    options = compose_options(
        t,
        turn.prompt.id,
        await turn.services.store.channels(),
        draft.targets,
        draft.to_subscribers,
        draft.action_title,
        draft.campaign_name,
    )
    summary = composed(t, [item["kind"] for item in draft.media], len(draft.text))
    return Reply(summary + "\n\n" + options.text, options.markup)


async def option_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    draft, s = turn.draft, turn.services
    if choice in (TARGET, SUBSCRIBERS):
        if choice == SUBSCRIBERS:
            draft.to_subscribers = not draft.to_subscribers
        elif value is not None:
            draft.targets = sorted(set(draft.targets) ^ {value})
        query = turn.update.callback_query
        assert query is not None
        options = await ask_options(turn)
        await turn.toast("")
        await edit_in_place(query, options.text, options.markup)
        return Stay()
    if choice == ACTION:
        return Go("link_action")
    if choice == CAMPAIGN:
        return Go("link_campaign")
    if choice == PREVIEW:
        await turn.say(turn.t("newcall.preview"))
        for payload in calls.preview(s, draft.as_new(), turn.user_id):
            await send_now(turn.context.bot, turn.prompt.chat_id, payload, 10.0)
        return Go("options")
    if choice == PUBLISH:
        return await _publish(turn)
    if choice == SCHEDULE:
        await calls.check(s, turn.user_id, draft.as_new())
        return Go("when")
    if choice == CANCEL:
        await turn.say(turn.t("newcall.cancelled"))
        return End()
    return None


async def _publish(turn: Turn_) -> Outcome:
    await calls.check(turn.services, turn.user_id, turn.draft.as_new())  # says why, and stays
    turn.draft.publish_at, turn.draft.paid = None, False  # paid only as the card's answer
    if await calls.offers_paid(turn.services, turn.draft.as_new()):
        return Go("paid")
    return await _publish_now(turn)


async def _publish_now(turn: Turn_) -> Outcome:
    """Checked: publish it (or ask for its approval), and follow its progress."""
    context, t = turn.context, turn.t
    if not await turn.close():
        return End()
    call, followed = await calls.publish_now(turn.services, turn.user_id, turn.draft.as_new())
    if followed is None:  # the two-person rule: it waits for a second person's approval
        await turn.say(t("approval.waits", id=call.id))
        return End()
    status = await turn.say(t("newcall.publishing"))
    follow(context, followed, turn.prompt.chat_id, status.message_id, lambda c: progress(t, c))
    return End()


# -- linking an action or a campaign -------------------------------------------------------


def _linking(
    ask: str,
    choice: str,
    none: str,
    items: Callable[[Turn_], Awaitable[list[tuple[int, str]]]],
    pick: Callable[[Turn_, int | None], Awaitable[None]],
) -> Step[CallDraft]:
    """A step that links the call to one of ``items`` (id, label), or to none; then back to
    the options."""

    async def question(turn: Turn_) -> Reply:
        markup = link_choices(turn.t, turn.prompt.id, choice, await items(turn), none)
        return Reply(turn.t(ask), markup)

    async def pressed(turn: Turn_, pressed: str, value: int | None) -> Outcome | None:
        if pressed != choice:
            return None
        await pick(turn, value)
        return Go("options")

    return Step(N_("expects.choice"), question, press=pressed)


async def _upcoming(turn: Turn_) -> list[tuple[int, str]]:
    upcoming = await turn.services.store.upcoming_actions(turn.context.now(), 10)
    return [(action.id, action.title) for action in upcoming]


async def _pick_action(turn: Turn_, value: int | None) -> None:
    action = await turn.services.store.action(value) if value is not None else None
    turn.draft.action_id = action.id if action else None
    turn.draft.action_title = action.title if action else None


async def _campaigns(turn: Turn_) -> list[tuple[int, str]]:
    return [(campaign.id, campaign.name) for campaign in await turn.services.store.campaigns(10)]


async def _pick_campaign(turn: Turn_, value: int | None) -> None:
    campaign = await turn.services.store.campaign(value) if value is not None else None
    turn.draft.campaign_id = campaign.id if campaign else None
    turn.draft.campaign_name = campaign.name if campaign else None


# -- scheduling ----------------------------------------------------------------------------


async def ask_when(turn: Turn_) -> Reply:
    return Reply(turn.t("newcall.ask_when", timezone=zone_label(turn.context.timezone)))


async def got_when(turn: Turn_, text: str) -> Outcome:
    t, zone = turn.t, turn.context.timezone
    reading = parse_time(text, zone, turn.context.now())
    if isinstance(reading, Ambiguous):
        return Stay(t(AMBIGUITIES[reading.reason]) + "\n" + t("newcall.be_exact"))
    if not isinstance(reading, Parsed):
        return Stay(refusal(t, reading, zone))
    if reading.at <= turn.context.now():
        return Stay(t("time.past"))
    await calls.check(turn.services, turn.user_id, turn.draft.as_new())
    turn.draft.paid = False  # paid only as the card's answer
    if await calls.offers_paid(turn.services, turn.draft.as_new()):
        turn.draft.publish_at = reading.at
        return Go("paid")
    return await _schedule(turn, reading.at)


async def _schedule(turn: Turn_, at: datetime) -> Outcome:
    """Checked: schedule it at ``at`` (or ask for its approval)."""
    t, zone = turn.t, turn.context.timezone
    if at <= turn.context.now():
        # The paid-rate card was left open past the time: ask for another.
        await turn.say(t("time.past"))
        return Go("when")
    if not await turn.close():
        return End()
    call = await calls.schedule(turn.services, turn.user_id, turn.draft.as_new(), at)
    time = local_time(at, zone, t.language)
    if call.status is CallStatus.AWAITING:
        await turn.say(t("approval.waits_scheduled", id=call.id, time=time))
    else:
        await turn.say(t("newcall.scheduled", time=time))
    return End()


# -- the paid rate (README, "Paid broadcasts") ----------------------------------------------


async def ask_paid(turn: Turn_) -> Reply:
    offer = await calls.paid_offer(turn.services, turn.user_id, turn.draft.as_new())
    return paying.ask(turn, offer)


async def paid_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    draft, s = turn.draft, turn.services
    pressed = await paying.press(
        turn, choice, lambda: calls.paid_offer(s, turn.user_id, draft.as_new())
    )
    if pressed is None:
        return None
    if pressed == "back":
        draft.paid = False
        return Go("options")
    if pressed == "again":
        return Go("paid")
    # Roles and channel rights again, at the press: either may have gone while the card waited.
    await calls.check(s, turn.user_id, draft.as_new())
    if draft.publish_at is not None:
        return await _schedule(turn, draft.publish_at)
    return await _publish_now(turn)


NEWCALL = Flow(
    "newcall",
    CallDraft,
    {
        "compose": Step(N_("expects.call"), ask_content, text=got_text, media=got_media),
        "options": Step(
            N_("expects.choice"),
            ask_options,
            text=compose_text,
            media=got_media,
            press=option_pressed,
        ),
        "link_action": _linking(
            N_("newcall.ask_action"),
            LINK_ACTION,
            N_("newcall.button.no_action"),
            _upcoming,
            _pick_action,
        ),
        "link_campaign": _linking(
            N_("newcall.ask_campaign"),
            LINK_CAMPAIGN,
            N_("newcall.button.no_campaign"),
            _campaigns,
            _pick_campaign,
        ),
        "when": Step(N_("expects.time"), ask_when, text=got_when),
        "paid": Step(N_("expects.choice"), ask_paid, press=paid_pressed),
    },
    cancelled=N_("newcall.cancelled"),
)
