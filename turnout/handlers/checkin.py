""" "I'm here" (README, "Action day"): on the card and under the last reminder, from an hour
before the start until the end, for members going. The press checks in; the card pressed shows
it at once. Then, unless the check-in is confirmed already or the action has no point on the
map, one question asks for the member's location (Telegram's own "share location" button, or
Skip): within a kilometre of the action's point it confirms the check-in. The location is only
compared, never kept.
"""

from __future__ import annotations

from pydantic import BaseModel
from telegram import CallbackQuery, Message, ReplyKeyboardRemove, Update

from turnout.handlers.common import prompts
from turnout.handlers.common.cards import action_card
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Outcome, Stay, Step, Turn
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import edit_buttons_in_place, edit_in_place
from turnout.i18n import N_
from turnout.usecases import checkins
from turnout.usecases.checkins import CheckedIn
from turnout.usecases.errors import UseCaseError
from turnout.views.buttons import CheckIn
from turnout.views.checkins import (
    SKIP,
    here_button,
    located,
    location_keyboard,
    location_question,
)
from turnout.views.reply import Reply


async def checkin_button(update: Update, context: TurnoutContext, data: CheckIn) -> None:
    """Check in; the message pressed shows it; then the location, if it could confirm."""
    query = update.callback_query
    assert query is not None
    member = await known_member(update, context)
    done = await checkins.check_in(context.services, member.user_id, data.action)
    await _show(query, context, done)
    if done.asks_location:
        # The question's first words toast the check-in (``_ask``).
        draft = CheckinDraft(action_id=done.action.id, new=done.new)
        await prompts.start(update, context, CHECKIN, draft)
    else:
        await query.answer(context.t("checkin.done" if done.new else "checkin.again"))


async def _show(query: CallbackQuery, context: TurnoutContext, done: CheckedIn) -> None:
    """The message pressed, in the presser's private chat, shows the check-in: a reminder its
    "I'm here" ticked, a card the card as it is now (an organiser's kept up to date from then
    on). Elsewhere (a card posted in a group) it is left as all its readers see it."""
    message, user_id, action = query.message, query.from_user.id, done.action
    if not isinstance(message, Message) or message.chat.id != user_id:
        return
    if await context.store.is_reminder(message.chat.id, message.message_id, action.id):
        await edit_buttons_in_place(query, here_button(context.t, action, ticked=True))
        return
    card = await action_card(context, user_id, action)
    await edit_in_place(query, card.text, card.markup)
    await checkins.watch_card(
        context.services, user_id, message.chat.id, action, message.message_id
    )


# -- the location ---------------------------------------------------------------------------


class CheckinDraft(BaseModel):
    """Which action the location is for; whether the press that asked checked in."""

    action_id: int
    new: bool = True


async def _ask(turn: Turn[CheckinDraft]) -> Reply:
    """The check-in in a toast; the question with the button that shares a location (a reply
    keyboard, which only a message of its own can carry); Skip under the question proper."""
    t = turn.t
    await turn.toast(t("checkin.done" if turn.draft.new else "checkin.again"))
    await turn.context.bot.send_message(
        turn.prompt.chat_id, location_question(t), reply_markup=location_keyboard(t)
    )
    return Reply(t("checkin.or_skip"), turn.keyboard([turn.button(t("checkin.button.skip"), SKIP)]))


async def _location(turn: Turn[CheckinDraft], message: Message) -> Outcome:
    """A location: compared with the action's point, and forgotten. A venue (a place picked
    from a list) or a forwarded location says nothing of where the person is."""
    t = turn.t
    if message.location is None or message.forward_origin is not None:
        return Stay(t("checkin.own_location"))
    location = message.location
    if location.live_period:
        # A live location would go on reporting where the person is, as edits, after the
        # question ended: one moment is all a check-in needs.
        return Stay(t("checkin.not_live"))
    try:
        result = await checkins.confirm_location(
            turn.services,
            turn.user_id,
            turn.draft.action_id,
            location.latitude,
            location.longitude,
        )
    except UseCaseError as error:
        return await _last_word(turn, error.text(t))
    return await _last_word(
        turn, located(t, result.action, result.metres, confirmed=result.confirmed)
    )


async def _press(turn: Turn[CheckinDraft], choice: str, value: int | None) -> Outcome | None:
    """Skip (the button or /skip): checked in, without a location."""
    if choice != SKIP:
        return None
    return await _last_word(turn, turn.t("checkin.skipped"))


async def _last_word(turn: Turn[CheckinDraft], text: str) -> Outcome:
    """End the question with ``text``, taking the location button away."""
    await turn.close()
    await turn.context.bot.send_message(
        turn.prompt.chat_id, text, reply_markup=ReplyKeyboardRemove()
    )
    return End()


CHECKIN = Flow(
    "checkin",
    CheckinDraft,
    {
        "location": Step(
            expects=N_("checkin.expects"),
            ask=_ask,
            place=_location,
            press=_press,
        )
    },
    cancelled=N_("checkin.skipped"),
    reply_keyboard=True,
)
