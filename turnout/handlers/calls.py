"""/calls: recent and scheduled calls with how many copies went out; Edit (``call_edit``),
Delete every copy (after a confirmation), Cancel a schedule."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from turnout.handlers import call_edit
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.usecases import calls
from turnout.views.buttons import ManageCall
from turnout.views.calls import call_list
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
            [[ManageCall("delete_yes", call.id).button(t("calls.button.delete_yes"))]]
        )
        await reply(update, Reply(t("calls.delete_confirm", id=call.id), confirm))
    elif data.verb == "delete_yes":
        count = await calls.delete(s, user_id, data.call)
        await query.answer(t("calls.deleting", count=count), show_alert=True)
        await edit_in_place(
            query,
            t("calls.delete_confirm", id=data.call) + "\n\n" + t("calls.deleting", count=count),
        )
    else:
        await calls.unschedule(s, user_id, data.call)
        await query.answer(t("calls.unscheduled"))
        listing = await _listing(context)
        await edit_in_place(query, listing.text, listing.markup)


async def _listing(context: TurnoutContext) -> Reply:
    recent, sent = await calls.recent(context.services)
    return call_list(context.t, recent, sent)
