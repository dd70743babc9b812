"""``/export [action | campaign]``: everything members sent, as a ZIP, for organisers.

A full export downloads every file, which takes a while: the status message counts the media
as they arrive, and other people's updates are handled meanwhile (updates of different people
run at the same time). A ZIP over Telegram's 50 MB upload limit stays on the server, and the
organiser is told where.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets

from telegram import Update

from turnout.export.downloads import bot_fetcher
from turnout.handlers.common.arguments import as_id, words
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.progress import counting
from turnout.limits import BOT_UPLOAD_BYTES
from turnout.usecases import exports
from turnout.usecases.errors import Declined, Gone
from turnout.views.exports import export_progress, export_summary, faces_line, kept_on_server

ORIGINALS = "originals"


async def export_command(update: Update, context: TurnoutContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    t, s = context.t, context.services
    named = words(context)
    scope, originals = await _scope(context, named)
    status = await message.reply_text(t("export.started"))
    now = context.now()
    # The random part: two exports in the same second must not write the same file.
    number = scope.action.id if scope.action else "all"
    name = f"turnout-{number}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.zip"
    path = context.settings.exports_folder / name
    try:
        result = await exports.export(
            s,
            user.id,
            scope,
            path,
            t,
            bot_fetcher(context.bot),
            counting(status, lambda done, total: export_progress(t, done, total)),
            originals=originals,
        )
    except Declined as error:
        await status.edit_text(error.text(t))
        return
    kept = result.size > BOT_UPLOAD_BYTES
    try:
        summary = export_summary(t, result.reports, result.rsvps, result.files, result.left_out)
        summary += faces_line(t, result.faces, covered=result.covered, originals=originals)
        if kept:
            where = kept_on_server(t, result.size, str(path))
            await status.edit_text(summary + "\n" + where)
            return
        await status.edit_text(summary)
        content = await asyncio.to_thread(path.read_bytes)
        await context.bot.send_document(
            message.chat.id, content, filename=name, write_timeout=300, read_timeout=300
        )
    finally:
        if not kept:
            # Sent, or not: a copy of everyone's reports is not left lying on the server.
            await asyncio.to_thread(path.unlink, True)


async def _scope(context: TurnoutContext, named: str) -> tuple[exports.Scope, bool]:
    """What ``/export`` was given: nothing, an action's number or a campaign's name, and whether
    ``originals`` follows (the media as sent, where faces would be covered: README, "Faces").
    A campaign whose own name ends in "originals" is that campaign."""
    s = context.services
    originals = named.casefold() == ORIGINALS or named.casefold().endswith(" " + ORIGINALS)
    rest = named[: -len(ORIGINALS)].strip() if originals else named
    if rest and as_id(rest) is None:  # not an action's number: a campaign's name
        if originals:
            with contextlib.suppress(Gone):
                return await exports.campaign_scope(s, named), False
        return await exports.campaign_scope(s, rest), originals
    return await exports.action_scope(s, as_id(rest) if rest else None), originals
