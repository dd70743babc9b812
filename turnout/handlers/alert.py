"""/alert: an urgent message to everyone going to one action, or only to those checked in.

The flow: choose the action (those under way or about to start first; a host sees their own),
choose the audience (with how many each reaches), type the text, and see it exactly as each
person will, with Send / Change / Cancel. Send shows a status that follows the delivery. Under
each alert, a button mutes (or hears again) the alerts of that action.
"""

from __future__ import annotations

from pydantic import BaseModel
from telegram import Update

from turnout.handlers.common import paying, prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Stay, Step, Turn
from turnout.handlers.common.progress import follow
from turnout.handlers.common.replies import edit_buttons_in_place
from turnout.i18n import N_
from turnout.limits import ACTION_DAY_LATEST, ALERT_CHARACTERS
from turnout.storage import Action, Audience, DeliveryCounts
from turnout.usecases import alerts
from turnout.usecases.errors import Gone
from turnout.views.alerts import (
    AUDIENCES,
    PICK_ACTION,
    PICK_AUDIENCE,
    action_choice,
    ask_text,
    audience_choice,
    mute_markup,
    mute_toast,
    preview,
    sending,
)
from turnout.views.buttons import MuteAlerts
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM
from turnout.views.reply import Reply
from turnout.views.timefmt import duration


class AlertDraft(paying.PaidChoice, BaseModel):  # BaseModel again: ruff sees a pydantic model
    action_id: int | None = None
    audience: Audience | None = None
    text: str = ""


Turn_ = Turn[AlertDraft]


async def begin(update: Update, context: TurnoutContext) -> None:
    """/alert: ask which action (or say why there is none to alert)."""
    await prompts.start(update, context, ALERT, AlertDraft())


async def _action(turn: Turn_) -> Action:
    """The chosen action, if the person may still alert it (checked at every step)."""
    assert turn.draft.action_id is not None
    return await alerts.alertable(turn.services, turn.user_id, turn.draft.action_id)


async def _cancelled(turn: Turn_) -> Outcome:
    await turn.say(turn.t("alert.cancelled"))
    return End()


# -- the action ------------------------------------------------------------------------------


async def ask_action(turn: Turn_) -> Reply:
    t = turn.t
    found = await alerts.choices(turn.services, turn.user_id)
    if not found:
        before = int(alerts.ALERTS_OPEN.total_seconds() // 60)
        after = int(ACTION_DAY_LATEST.total_seconds() // 60)
        raise Gone(
            "alert.none", duration=duration(t.language, before), when=duration(t.language, after)
        )
    return action_choice(t, turn.prompt.id, found, turn.context.now(), turn.context.timezone)


async def action_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == CANCEL:
        return await _cancelled(turn)
    if choice != PICK_ACTION or value is None:
        return None
    await alerts.alertable(turn.services, turn.user_id, value)
    turn.draft.action_id = value
    return Go("audience")


# -- the audience ----------------------------------------------------------------------------


async def ask_audience(turn: Turn_) -> Reply:
    action = await _action(turn)
    counts = await alerts.audiences(turn.services, turn.user_id, action.id)
    return audience_choice(turn.t, turn.prompt.id, action, counts)


async def audience_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == CANCEL:
        return await _cancelled(turn)
    if choice != PICK_AUDIENCE or value is None or not 0 <= value < len(AUDIENCES):
        return None
    audience = AUDIENCES[value]
    action = await _action(turn)
    if not (await alerts.audiences(turn.services, turn.user_id, action.id))[audience]:
        return Stay(turn.t("alert.nobody"))
    turn.draft.audience = audience
    return Go("text")


# -- the text and the preview ----------------------------------------------------------------


async def ask_for_text(turn: Turn_) -> Reply:
    return ask_text(turn.t, ALERT_CHARACTERS)


async def got_text(turn: Turn_, text: str) -> Outcome:
    turn.draft.text = alerts.checked_text(text)  # too long or empty: said, and the step stays
    return Go("preview")


async def ask_preview(turn: Turn_) -> Reply:
    draft = turn.draft
    assert draft.audience is not None
    action = await _action(turn)
    reach = (await alerts.audiences(turn.services, turn.user_id, action.id))[draft.audience]
    return preview(turn.t, turn.prompt.id, action, draft.audience, reach, draft.text)


async def preview_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == CHANGE:
        return Go("text")
    if choice == CANCEL:
        return await _cancelled(turn)
    if choice != CONFIRM:
        return None
    s, draft = turn.services, turn.draft
    assert draft.action_id is not None and draft.audience is not None
    # Anything that would refuse it is said now, with the preview still open.
    await alerts.check(s, turn.user_id, draft.action_id, draft.audience, draft.text)
    draft.paid = False
    if await alerts.offers_paid(s, turn.user_id, draft.action_id, draft.audience):
        return Go("paid")
    return await _send(turn)


async def _send(turn: Turn_) -> Outcome:
    """Checked: send it, and follow its progress."""
    s, t, draft = turn.services, turn.t, turn.draft
    assert draft.action_id is not None and draft.audience is not None
    if not await turn.close():
        return End()  # pressed twice at once: the other press sends it
    sent = await alerts.send(
        s, turn.user_id, draft.action_id, draft.audience, draft.text, pay=draft.paid
    )
    title = sent.action.title
    status = await turn.say(
        sending(t, title, DeliveryCounts(sent.purpose.key, pending=sent.copies))
    )
    follow(
        turn.context,
        sent.purpose,
        turn.prompt.chat_id,
        status.message_id,
        lambda counts: sending(t, title, counts),
    )
    return End()


# -- the paid rate (README, "Paid broadcasts") ----------------------------------------------


async def ask_paid(turn: Turn_) -> Reply:
    draft = turn.draft
    assert draft.action_id is not None and draft.audience is not None
    offer = await alerts.paid_offer(turn.services, turn.user_id, draft.action_id, draft.audience)
    return paying.ask(turn, offer)


async def paid_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    s, draft = turn.services, turn.draft
    action_id, audience = draft.action_id, draft.audience
    assert action_id is not None and audience is not None
    pressed = await paying.press(
        turn, choice, lambda: alerts.paid_offer(s, turn.user_id, action_id, audience)
    )
    if pressed is None:
        return None
    if pressed == "back":
        draft.paid = False
        return Go("preview")
    if pressed == "again":
        return Go("paid")
    # Rights, the action's window and the reach again, at the press: the card may have waited.
    await alerts.check(s, turn.user_id, action_id, audience, draft.text)
    return await _send(turn)


ALERT = Flow(
    "alert",
    AlertDraft,
    {
        "action": Step(N_("expects.choice"), ask_action, press=action_pressed),
        "audience": Step(N_("expects.choice"), ask_audience, press=audience_pressed),
        "text": Step(N_("alert.expects"), ask_for_text, text=got_text),
        "preview": Step(N_("expects.confirm"), ask_preview, text=got_text, press=preview_pressed),
        "paid": Step(N_("expects.choice"), ask_paid, press=paid_pressed),
    },
    cancelled=N_("alert.cancelled"),
)


# -- muting ----------------------------------------------------------------------------------


async def mute_button(update: Update, context: TurnoutContext, data: MuteAlerts) -> None:
    """Under an alert: mute (or hear again) the alerts of its action; the button turns over."""
    query = update.callback_query
    assert query is not None
    t = context.t
    if not await alerts.mute(context.services, query.from_user.id, data.action, data.muted):
        await query.answer(t("alert.mute_nothing"), show_alert=True)
        return
    await query.answer(mute_toast(t, data.muted))
    await edit_buttons_in_place(query, mute_markup(t, data.action, data.muted))
