"""How a call is posted: its text exactly as the author formatted it, its media, and the
buttons that bring readers into the bot (a bot can message only people who opened it)."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Collection, Mapping, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.delivery import Button, Media, Payload
from turnout.i18n import N_, Html, Translator
from turnout.limits import CAPTION_CHARACTERS
from turnout.storage import Call, CallStatus, Channel
from turnout.storage.purposes import CallPart
from turnout.views.buttons import ManageCall, PromptButton
from turnout.views.links import Link, LinkTo, deep_link
from turnout.views.reply import Reply
from turnout.views.reports import MEDIA_WORDS


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def call_parts(call: Call, t: Translator, bot_username: str) -> list[tuple[CallPart, Payload]]:
    """The messages a call is posted as: (part name, payload). One message usually; media and
    then the text when the text is too long for a caption, or when an album needs buttons."""
    entities = tuple(json.loads(call.entities))
    # Without Telegram's own formatting the text is plain: escape it, so "<b> & co" arrives
    # exactly as typed rather than being read as HTML.
    text = call.text if entities else html.escape(call.text, quote=False)
    media = tuple(Media(item["kind"], item["file_id"]) for item in json.loads(call.media))

    def link(label: str, to: LinkTo, value: int) -> tuple[Button, ...]:
        return (Button(t(label), url=deep_link(bot_username, Link(to, value))),)

    buttons: tuple[tuple[Button, ...], ...] = ()
    if call.action_id is not None:
        going = link(N_("call.button.going"), "act", call.action_id)
        buttons = (going + link(N_("call.button.report"), "rep", call.action_id),)
    if call.campaign_id is not None:
        buttons += (
            link(N_("call.button.near"), "near", call.campaign_id),
            link(N_("call.button.propose"), "prop", call.campaign_id),
        )
    if not media:
        return [("text", Payload(text, entities, buttons=buttons))]
    fits = utf16_length(call.text) <= CAPTION_CHARACTERS
    if len(media) == 1 and fits:
        return [("media", Payload(text, entities, media, buttons=buttons))]
    if fits and not buttons:
        return [("media", Payload(text, entities, media))]
    parts: list[tuple[CallPart, Payload]] = [("media", Payload(media=media))]
    if text or buttons:
        parts.append(("text", Payload(text or t("call.more"), entities, buttons=buttons)))
    return parts


#: The choices of /newcall's options, as its buttons carry them.
TARGET, SUBSCRIBERS, ACTION, CAMPAIGN = "target", "subscribers", "action", "campaign"
PREVIEW, PUBLISH, SCHEDULE, CANCEL = "preview", "publish", "schedule", "cancel"
LINK_ACTION, LINK_CAMPAIGN = "act", "camp"


def compose_options(
    t: Translator,
    prompt: int,
    channels: Sequence[Channel],
    targets: Collection[int],
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

    def choice(label: str, name: str, value: int | None = None) -> InlineKeyboardButton:
        return PromptButton(prompt, name, value).button(label)

    rows = [
        [
            choice(
                ("✓ " if channel.chat_id in targets else "") + channel.title[:50],
                TARGET,
                channel.chat_id,
            )
        ]
        for channel in channels
        if channel.can_post
    ]
    rows.append(
        [choice(("✓ " if to_subscribers else "") + t("newcall.button.subscribers"), SUBSCRIBERS)]
    )
    rows.append(
        [
            choice(t("newcall.button.action"), ACTION),
            choice(t("newcall.button.campaign"), CAMPAIGN),
        ]
    )
    rows.append(
        [
            choice(t("newcall.button.preview"), PREVIEW),
            choice(t("newcall.button.publish"), PUBLISH),
        ]
    )
    rows.append(
        [
            choice(t("newcall.button.schedule"), SCHEDULE),
            choice(t("newcall.button.cancel"), CANCEL),
        ]
    )
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows))


def link_choices(
    t: Translator, prompt: int, choice: str, items: Sequence[tuple[int, str]], none_label: str
) -> InlineKeyboardMarkup:
    """Which action (or campaign) a call links to: one button each, then "none"."""
    rows = [[PromptButton(prompt, choice, item).button(name[:60])] for item, name in items]
    rows.append([PromptButton(prompt, choice, None).button(t(none_label))])
    return InlineKeyboardMarkup(rows)


def parts_in(
    call: Call, translators: Mapping[str, Translator], bot_username: str
) -> dict[str, list[tuple[CallPart, Payload]]]:
    """The call's parts in each language (only the buttons differ; the parts are the same)."""
    return {language: call_parts(call, t, bot_username) for language, t in translators.items()}


def text_part(parts: Sequence[tuple[CallPart, Payload]]) -> tuple[CallPart, Payload] | None:
    """The part of a call that carries its text: the text message, or the captioned media."""
    for name, payload in reversed(parts):
        if payload.text:
            return name, payload
    return None


def call_list(
    t: Translator, calls: Sequence[Call], sent: dict[int, int], edits_waiting: Collection[int] = ()
) -> Reply:
    """/calls: the recent calls with their state and how many copies went out; those waiting
    for a second person's approval (or whose new text is) say so."""
    if not calls:
        return Reply(t("calls.none"))
    lines = [t("calls.title"), ""]
    rows = []
    for call in calls:
        preview = html.escape(call.text[:50] + ("…" if len(call.text) > 50 else ""), quote=False)
        lines.append(
            t.plural(
                "calls.line", sent.get(call.id, 0), id=call.id, status=t(CALL_STATES[call.status])
            )
            + f" — {preview}"
        )
        if call.id in edits_waiting:
            lines.append("   " + t("approval.edit_pending"))
        if call.status is CallStatus.PUBLISHED:
            rows.append(
                [
                    ManageCall("edit", call.id).button(t("calls.button.edit", id=call.id)),
                    ManageCall("delete", call.id).button(t("calls.button.delete", id=call.id)),
                ]
            )
        elif call.status is CallStatus.SCHEDULED:
            rows.append(
                [ManageCall("unschedule", call.id).button(t("calls.button.unschedule", id=call.id))]
            )
        elif call.status is CallStatus.AWAITING:
            rows.append(
                [
                    ManageCall("unschedule", call.id).button(
                        t("approval.button.withdraw", id=call.id)
                    )
                ]
            )
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


CALL_STATES = {
    CallStatus.DRAFT: N_("calls.state.draft"),
    CallStatus.AWAITING: N_("approval.state"),
    CallStatus.SCHEDULED: N_("calls.state.scheduled"),
    CallStatus.PUBLISHED: N_("calls.state.published"),
    CallStatus.DELETED: N_("calls.state.deleted"),
}


def held(t: Translator, call_id: int, why: str) -> str:
    """A scheduled call kept back when due: its author may not publish it any more (``why``)."""
    return t("calls.held", id=call_id, why=why)


def went_out(t: Translator, call_id: int, channels: Sequence[str], subscribers: int) -> str:
    """A scheduled call fell due and is on its way: where to."""
    where = ", ".join(channels) or t("calls.no_channels")
    return t.plural("calls.went_out", subscribers, id=call_id, channels=where)


def composed(t: Translator, kinds: Sequence[str], characters: int) -> str:
    """What /newcall got: "Got it: 2 photos, 120 characters of text." """
    parts = [t.plural(MEDIA_WORDS[kind], count) for kind, count in Counter(kinds).items()]
    if characters or not parts:
        parts.append(t.plural("newcall.characters", characters))
    return t("newcall.summary", contents=Html(", ".join(parts)))
