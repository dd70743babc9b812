"""``/export [action]``: everything members sent, as a ZIP, for organisers.

A full export downloads every file, which takes a while: the status message counts the media
as they arrive, and other people's updates are handled meanwhile (updates of different people
run at the same time). A ZIP over Telegram's 50 MB upload limit stays on the server, and the
organiser is told where.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from pathlib import Path

from telegram import Message, Update
from telegram.error import TelegramError

from turnout.bot.context import TurnoutContext
from turnout.export import ExportError
from turnout.export.archive import ExportRequest, Progress, write_export
from turnout.export.downloads import bot_fetcher
from turnout.handlers.arguments import as_id, optional_action
from turnout.i18n import N_

UPLOAD_LIMIT = 50 * 1024 * 1024
PROGRESS_EVERY = 3.0  # seconds between edits of the status message


async def export_command(update: Update, context: TurnoutContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    t = context.t
    named = " ".join(context.args or ()).strip()
    campaign = None
    if named and as_id(named) is None:  # not an action's number: a campaign's name
        campaign = await context.store.campaign_named(named[:100])
        if campaign is None:
            await message.reply_text(t("export.no_campaign", name=named[:100]))
            return
        action = None
    else:
        valid, action = await optional_action(message, context, N_("export.usage"))
        if not valid:
            return
    action_id = action.id if action else None
    status = await message.reply_text(t("export.started"))
    now = context.now()
    # The random part: two exports in the same second must not write the same file.
    name = f"turnout-{action_id or 'all'}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}.zip"
    path = exports_folder(context) / name
    if campaign is not None:
        title = t("export.title_campaign", name=campaign.name)
    elif action is not None:
        title = t("export.title_action", title=action.title)
    else:
        title = t("export.title_all")
    request = ExportRequest(
        action_id=action_id,
        t=t,
        timezone=context.settings.timezone,
        title=title,
        fetch=bot_fetcher(context.bot),
        progress=_progress(context, status),
        campaign_id=campaign.id if campaign else None,
    )
    try:
        result = await write_export(context.store, path, request)
    except ExportError as error:
        await status.edit_text(t("export.failed", reason=str(error)))
        return
    kept = result.size > UPLOAD_LIMIT
    try:
        scope = {"action": action_id, "campaign": campaign.id if campaign else None}
        await context.store.audit(now, user.id, "export", None, scope)
        summary = t(
            "export.summary",
            reports=result.reports,
            rsvps=result.rsvps,
            files=result.files,
            left_out=result.left_out,
        )
        if kept:
            megabytes = f"{result.size / 1024 / 1024:.0f}"
            where = t("export.kept_on_server", size=megabytes, path=str(path))
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


def exports_folder(context: TurnoutContext) -> Path:
    """Next to the database: the one folder the operator backs up and protects."""
    return context.settings.database.parent / "exports"


def _progress(context: TurnoutContext, status: Message) -> Progress:
    """Edits the status message, at most every few seconds (and at the end)."""
    last = 0.0

    async def report(done: int, total: int) -> None:
        nonlocal last
        moment = time.monotonic()
        if done < total and moment - last < PROGRESS_EVERY:
            return
        last = moment
        # A missed progress edit is no reason to stop the export.
        with contextlib.suppress(TelegramError):
            await status.edit_text(context.t("export.progress", done=done, total=total))

    return report
