"""/calls: recent and scheduled calls with how many copies went out; Edit (``call_edit``),
Delete every copy (after a confirmation), Cancel a schedule."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from turnout.handlers import call_edit
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.progress import follow
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.storage import CallStatus
from turnout.usecases import calls
from turnout.views.buttons import ManageCall
from turnout.views.calls import call_list
from turnout.views.delivery import changes
from turnout.views.reply import Reply


async def show_calls(update: Update, context: TurnoutContext) -> None:
    await reply(update, await _listing(context))


async def calls_button(update: Update, context: TurnoutContext, data: ManageCall) -> None:
    query = update.callback_query
    assert query is not None
    s, user_id, t = context.services, query.from_user.id, context.t
    if data.verb == "edit":
        await call_edit.begin(update, context, data.call)
    elif data.verb == "delete":
        call = await calls.editable(s, user_id, data.call)
        await query.answer()
        confirm = InlineKeyboardMarkup(
            [
                [ManageCall("delete_yes", call.id).button(t("calls.button.delete_yes"))],
                [ManageCall("delete_no", call.id).button(t("calls.button.delete_no"))],
            ]
        )
        await reply(update, Reply(t("calls.delete_confirm", id=call.id), confirm))
    elif data.verb == "delete_no":
        await query.answer()
        await edit_in_place(query, t("calls.kept", id=data.call))
    elif data.verb == "delete_yes":
        count, purpose = await calls.delete(s, user_id, data.call)
        await query.answer(t.plural("calls.deleting", count), show_alert=True)
        asked = t("calls.delete_confirm", id=data.call) + "\n\n"
        await edit_in_place(query, asked + t.plural("calls.deleting", count))
        message = query.message
        if count and message is not None:
            # Edited again once every copy is gone: "Deleted 7 of 7 copies."
            follow(
                context,
                purpose,
                message.chat.id,
                message.message_id,
                lambda counts: asked + changes(t, counts, deleting=True),
            )
    else:
        was = await calls.unschedule(s, user_id, data.call)
        await query.answer(
            t("approval.withdrawn") if was is CallStatus.AWAITING else t("calls.unscheduled")
        )
        listing = await _listing(context)
        await edit_in_place(query, listing.text, listing.markup)


async def _listing(context: TurnoutContext) -> Reply:
    recent = await calls.recent(context.services)
    return call_list(context.t, recent.calls, recent.sent, recent.edits_waiting)
