"""/settings: a member's language, time zone (a city, a zone or a UTC offset, typed as the
answer to a question), the reminders they want, and whether organisers see their name."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel
from telegram import Update

from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Outcome, Stay, Step, Turn
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.i18n import N_
from turnout.scheduler.zones import resolve_timezone
from turnout.usecases import members
from turnout.usecases.errors import Invalid
from turnout.views.buttons import SettingsChoice
from turnout.views.reply import Reply
from turnout.views.settings import language_choice, settings_view, toggled
from turnout.views.timefmt import zone_label


async def show_settings(update: Update, context: TurnoutContext) -> None:
    await reply(update, await _view(update, context))


async def settings_button(update: Update, context: TurnoutContext, data: SettingsChoice) -> None:
    """Which reminders, the language, the name shown, or a new time zone; the message is
    updated in place."""
    query = update.callback_query
    assert query is not None
    if query.message is None or query.message.chat.type != query.message.chat.PRIVATE:
        # Settings are answered in the private chat only, never on a post elsewhere.
        raise Invalid("roles.bad_button")
    member = await known_member(update, context)
    s, user_id = context.services, member.user_id
    if data.what == "tz":
        await prompts.start(update, context, TIMEZONE, ZoneDraft())
        return
    if data.what == "lang" and not data.value:
        await query.answer()
        choice = language_choice(context.t, context.catalogs.languages)
        await edit_in_place(query, choice.text, choice.markup)
        return
    if data.what == "lang":
        await members.set_language(s, user_id, data.value)
        context.language = data.value  # this very answer already in the new language
    elif data.what == "name" and data.value in ("on", "off"):
        # Set, not flipped: a press on an older settings message means what its label said.
        await members.set_show_name(s, user_id, data.value == "on")
    elif data.what == "rem":
        await members.set_reminders(
            s, user_id, _wanted(context, member.reminder_minutes, data.value)
        )
    else:
        raise Invalid("roles.bad_button")
    await query.answer(context.t("settings.saved"))
    view = await _view(update, context)
    await edit_in_place(query, view.text, view.markup)


def _offered(context: TurnoutContext) -> list[int]:
    return [int(o.total_seconds() // 60) for o in context.settings.reminder_offsets]


def _wanted(
    context: TurnoutContext, current: tuple[int, ...] | None, choice: str
) -> tuple[int, ...] | None:
    if choice == "all":
        return None
    if choice == "none":
        return ()
    offered = _offered(context)
    if not choice.isdigit() or int(choice) not in offered:
        raise Invalid("roles.bad_button")
    return toggled(current, offered, int(choice))


async def _view(update: Update, context: TurnoutContext) -> Reply:
    member = await known_member(update, context)
    who = await members.who_am_i(context.services, member.user_id)
    return settings_view(context.t, member, _offered(context), context.now(), who)


# -- the time zone, typed ------------------------------------------------------------------


class ZoneDraft(BaseModel):
    """Nothing to keep: the answer is the whole of it."""


async def _ask_zone(turn: Turn[ZoneDraft]) -> Reply:
    return Reply(turn.t("settings.ask_timezone"))


async def _got_zone(turn: Turn[ZoneDraft], text: str) -> Outcome:
    zone = await asyncio.to_thread(resolve_timezone, text)
    if zone is None:
        return Stay(turn.t("settings.bad_timezone"))
    s = turn.services
    await members.set_timezone(s, turn.user_id, zone)
    member = await s.store.member(turn.user_id)
    turn.context.recognise(member)
    await turn.say(turn.t("settings.timezone_set", timezone=zone_label(zone)))
    if member is not None:
        who = await members.who_am_i(s, member.user_id)
        await turn.say(
            settings_view(turn.t, member, _offered(turn.context), turn.context.now(), who)
        )
    return End()


TIMEZONE = Flow(
    "timezone",
    ZoneDraft,
    {"zone": Step(expects=N_("expects.zone"), ask=_ask_zone, text=_got_zone)},
    cancelled=N_("settings.unchanged"),
)
