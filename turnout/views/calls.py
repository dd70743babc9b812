"""How a call is posted: its text exactly as the author formatted it, its media, and the
buttons that bring readers into the bot (a bot can message only people who opened it)."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.helpers import create_deep_linked_url

from turnout.delivery import Button, Media, Payload
from turnout.i18n import N_, Translator
from turnout.storage import Call, CallStatus, Channel
from turnout.views.reply import Reply

#: Telegram's limit for a caption, in UTF-16 code units.
CAPTION_LIMIT = 1024


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def call_parts(call: Call, t: Translator, bot_username: str) -> list[tuple[str, Payload]]:
    """The messages a call is posted as: (part name, payload). One message usually; media and
    then the text when the text is too long for a caption, or when an album needs buttons."""
    entities = tuple(json.loads(call.entities))
    # Without Telegram's own formatting the text is plain: escape it, so "<b> & co" arrives
    # exactly as typed rather than being read as HTML.
    text = call.text if entities else html.escape(call.text, quote=False)
    media = tuple(Media(item["kind"], item["file_id"]) for item in json.loads(call.media))
    buttons: tuple[tuple[Button, ...], ...] = ()
    if call.action_id is not None:
        buttons = (
            (
                Button(
                    t("call.button.going"),
                    url=create_deep_linked_url(bot_username, f"act_{call.action_id}"),
                ),
                Button(
                    t("call.button.report"),
                    url=create_deep_linked_url(bot_username, f"rep_{call.action_id}"),
                ),
            ),
        )
    if call.campaign_id is not None:
        buttons += (
            (
                Button(
                    t("call.button.near"),
                    url=create_deep_linked_url(bot_username, f"near_{call.campaign_id}"),
                ),
            ),
            (
                Button(
                    t("call.button.propose"),
                    url=create_deep_linked_url(bot_username, f"prop_{call.campaign_id}"),
                ),
            ),
        )
    if not media:
        return [("text", Payload(text, entities, buttons=buttons))]
    fits = utf16_length(call.text) <= CAPTION_LIMIT
    if len(media) == 1 and fits:
        return [("media", Payload(text, entities, media, buttons=buttons))]
    if fits and not buttons:
        return [("media", Payload(text, entities, media))]
    parts = [("media", Payload(media=media))]
    if text or buttons:
        parts.append(("text", Payload(text or t("call.more"), entities, buttons=buttons)))
    return parts


def purpose(call_id: int, part: str) -> str:
    return f"call:{call_id}:{part}"


def compose_options(
    t: Translator,
    channels: Sequence[Channel],
    targets: set[int],
    to_subscribers: bool,
    action_title: str | None,
    campaign_name: str | None = None,
) -> Reply:
    """The choices before publishing: where to, subscribers, the linked action and campaign."""
    lines = [t("newcall.options")]
    if action_title:
        lines.append(t("newcall.linked_action", title=action_title))
    if campaign_name:
        lines.append(t("newcall.linked_campaign", name=campaign_name))
    rows = [
        [
            InlineKeyboardButton(
                ("✓ " if channel.chat_id in targets else "") + channel.title[:50],
                callback_data=f"nc:target:{channel.chat_id}",
            )
        ]
        for channel in channels
        if channel.can_post
    ]
    rows.append(
        [
            InlineKeyboardButton(
                ("✓ " if to_subscribers else "") + t("newcall.button.subscribers"),
                callback_data="nc:subscribers",
            )
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(t("newcall.button.action"), callback_data="nc:action"),
            InlineKeyboardButton(t("newcall.button.campaign"), callback_data="nc:campaign"),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(t("newcall.button.preview"), callback_data="nc:preview"),
            InlineKeyboardButton(t("newcall.button.publish"), callback_data="nc:publish"),
        ]
    )
    rows.append(
        [
            InlineKeyboardButton(t("newcall.button.schedule"), callback_data="nc:schedule"),
            InlineKeyboardButton(t("newcall.button.cancel"), callback_data="nc:cancel"),
        ]
    )
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


def parts_in(
    call: Call, translators: Mapping[str, Translator], bot_username: str
) -> dict[str, list[tuple[str, Payload]]]:
    """The call's parts in each language (only the buttons differ; the parts are the same)."""
    return {language: call_parts(call, t, bot_username) for language, t in translators.items()}


def text_part(parts: Sequence[tuple[str, Payload]]) -> tuple[str, Payload] | None:
    """The part of a call that carries its text: the text message, or the captioned media."""
    for name, payload in reversed(parts):
        if payload.text:
            return name, payload
    return None


def call_list(t: Translator, calls: Sequence[Call], sent: dict[int, int]) -> Reply:
    """/calls: the recent calls with their state and how many copies went out."""
    if not calls:
        return Reply(t("calls.none"))
    lines = [t("calls.title"), ""]
    rows = []
    for call in calls:
        preview = html.escape(call.text[:50] + ("…" if len(call.text) > 50 else ""), quote=False)
        lines.append(
            t(
                "calls.line",
                id=call.id,
                status=t(CALL_STATES[call.status]),
                copies=sent.get(call.id, 0),
            )
            + f" — {preview}"
        )
        if call.status is CallStatus.PUBLISHED:
            rows.append(
                [
                    InlineKeyboardButton(
                        t("calls.button.edit", id=call.id), callback_data=f"calls:edit:{call.id}"
                    ),
                    InlineKeyboardButton(
                        t("calls.button.delete", id=call.id),
                        callback_data=f"calls:delete:{call.id}",
                    ),
                ]
            )
        elif call.status is CallStatus.SCHEDULED:
            rows.append(
                [
                    InlineKeyboardButton(
                        t("calls.button.unschedule", id=call.id),
                        callback_data=f"calls:unschedule:{call.id}",
                    )
                ]
            )
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


CALL_STATES = {
    CallStatus.DRAFT: N_("calls.state.draft"),
    CallStatus.SCHEDULED: N_("calls.state.scheduled"),
    CallStatus.PUBLISHED: N_("calls.state.published"),
    CallStatus.DELETED: N_("calls.state.deleted"),
}
