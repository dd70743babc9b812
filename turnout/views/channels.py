"""The list of linked channels."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from turnout.i18n import Translator
from turnout.storage import Channel
from turnout.views.buttons import UnlinkChannel
from turnout.views.reply import Reply


def channel_list(t: Translator, channels: Sequence[Channel]) -> Reply:
    if not channels:
        return Reply(t("channels.none"))
    lines = [t("channels.title"), ""]
    buttons = []
    for channel in channels:
        handle = f" (@{channel.username})" if channel.username else ""
        state = "" if channel.can_post else " — " + t("channels.cannot_post")
        lines.append(f"• {channel.title}{handle}{state}")
        label = t("channels.button.unlink", title=channel.title[:40])
        buttons.append([UnlinkChannel(channel.chat_id).button(label)])
    return Reply("\n".join(lines), InlineKeyboardMarkup(buttons))
