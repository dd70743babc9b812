"""Changing the text of a published call: the new text, then exactly what will change where
(every copy, in every channel and subscriber's chat), and Confirm."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from telegram import Update

from turnout.delivery.direct import send_now
from turnout.handlers.common import prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Step, Turn
from turnout.handlers.common.progress import follow
from turnout.i18n import N_
from turnout.usecases import calls
from turnout.views.calls import call_parts
from turnout.views.delivery import changes
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM, confirm_keyboard
from turnout.views.reply import Reply


class CallEditDraft(BaseModel):
    call: int
    text: str = ""
    entities: list[dict[str, Any]] = []


async def begin(update: Update, context: TurnoutContext, call_id: int) -> None:
    assert update.effective_user is not None
    call = await calls.editable(context.services, update.effective_user.id, call_id)
    await prompts.start(update, context, CALL_EDIT, CallEditDraft(call=call.id))


Turn_ = Turn[CallEditDraft]


async def ask_text(turn: Turn_) -> Reply:
    return Reply(turn.t("calls.ask_text", id=turn.draft.call))


async def got_text(turn: Turn_, text: str) -> Outcome:
    message = turn.update.message
    assert message is not None
    entities = [entity.to_dict() for entity in message.entities or ()]
    call = await calls.editable(turn.services, turn.user_id, turn.draft.call)
    calls.edited(turn.services, call, text, entities)  # says now if it cannot be done
    turn.draft.text, turn.draft.entities = text, entities
    return Go("confirm")


async def ask_confirm(turn: Turn_) -> Reply:
    """The new text as it will read, and where it will change."""
    s, t, draft = turn.services, turn.t, turn.draft
    call = await calls.editable(s, turn.user_id, draft.call)
    after = calls.edited(s, call, draft.text, draft.entities)
    reach = await calls.reach(s, call)
    await turn.say(t("calls.edit_preview", id=call.id))
    for _, payload in call_parts(after, s.translator(s.catalogs.default_language), s.bot_username):
        if payload.text:
            await send_now(turn.context.bot, turn.prompt.chat_id, payload, 10.0)
    channels = ", ".join(reach.channels) or t("calls.no_channels")
    where = t.plural("calls.edit_reach", reach.subscribers, channels=channels)
    if await calls.edit_needs_approval(s, call) is not None:
        where += "\n\n" + t("approval.edit_will_wait")
    return Reply(where, confirm_keyboard(t, turn.prompt.id))


async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    t, draft = turn.t, turn.draft
    if choice == CHANGE:
        return Go("text")
    if choice == CANCEL:
        await turn.say(t("edit.stopped"))
        return End()
    if choice != CONFIRM:
        return None
    if not await turn.close():
        return End()
    edit = await calls.edit_text(
        turn.services, turn.user_id, draft.call, draft.text, draft.entities
    )
    if edit is None:  # the two-person rule: it waits for a second person's approval
        await turn.say(t("approval.edit_waits", id=draft.call))
        return End()
    count, purpose = edit
    status = await turn.say(t.plural("calls.editing", count))
    if count:
        # The status ends with the total once every copy is changed: "Changed 7 of 7 copies."
        follow(
            turn.context,
            purpose,
            turn.prompt.chat_id,
            status.message_id,
            lambda counts: changes(t, counts, deleting=False),
        )
    return End()


CALL_EDIT = Flow(
    "call_edit",
    CallEditDraft,
    {
        "text": Step(N_("expects.new_text"), ask_text, text=got_text),
        "confirm": Step(N_("expects.confirm"), ask_confirm, press=confirm_pressed),
    },
    cancelled=N_("edit.stopped"),
)
