"""/forgetme: a member deletes everything Turnout keeps about them."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import edit_in_place, reply
from turnout.usecases import members
from turnout.usecases.errors import Invalid
from turnout.views.buttons import ForgetMe
from turnout.views.privacy import forgotten_text
from turnout.views.reply import Reply


async def forget_me(update: Update, context: TurnoutContext) -> None:
    assert update.effective_user is not None
    t = context.t
    if await context.store.member(update.effective_user.id) is None:
        await reply(update, t("privacy.nothing"))
        return
    markup = InlineKeyboardMarkup(
        [
            [ForgetMe("yes").button(t("privacy.button.delete"))],
            [ForgetMe("no").button(t("privacy.button.keep"))],
        ]
    )
    await reply(update, Reply(t("privacy.confirm"), markup))


async def forget_button(update: Update, context: TurnoutContext, data: ForgetMe) -> None:
    """Delete, or keep; only ever the presser's own data."""
    query = update.callback_query
    assert query is not None
    t = context.t
    if query.message is None or query.message.chat.type != query.message.chat.PRIVATE:
        # Only on the bot's question in the private chat, never on a post elsewhere.
        raise Invalid("roles.bad_button")
    if data.answer != "yes":
        await query.answer()
        await edit_in_place(query, t("privacy.kept"))
        return
    forgotten, mark = await members.forget(context.services, query.from_user.id)
    await query.answer()
    await edit_in_place(query, forgotten_text(t, forgotten, mark))
