"""Action cards, the list of upcoming actions, and reminders: text and keyboards, no I/O."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.i18n import N_, Html, Translator
from turnout.limits import MESSAGE_CHARACTERS
from turnout.scheduler.checkins import under_way
from turnout.storage import Action, ActionStatus, Answer, Attendance, RsvpCounts, SafetyCounts
from turnout.views.buttons import (
    ActionField,
    ActionsPage,
    ByPlace,
    CalendarFile,
    CheckIn,
    EditActionField,
    ManageAction,
    NearMe,
    OpenAction,
    Rsvp,
    RunSafetyCheck,
)
from turnout.views.reply import Reply
from turnout.views.timefmt import duration, local_time, time_span

PAGE_SIZE = 5

RSVP_LABELS = {
    Answer.GOING: N_("card.button.going"),
    Answer.MAYBE: N_("card.button.maybe"),
    Answer.NOT_GOING: N_("card.button.not_going"),
}


def display_zone(action: Action, reader: str) -> str:
    """The zone an action's time is shown in: a local action's own (its city's), so 18:00 in
    Lisbon reads 18:00 to everyone; otherwise the reader's."""
    return action.timezone if action.city else reader


def map_link(action: Action) -> str | None:
    if action.latitude is None or action.longitude is None:
        return None
    lat, lon = f"{action.latitude:.6f}", f"{action.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def place_line(t: Translator, action: Action) -> str:
    where = action.place
    if action.city and action.city not in where:  # a local action: which city, too
        where = f"{where}, {action.city}" if where else action.city
    place = html.escape(where, quote=False) if where else ""
    link = map_link(action)
    if link:
        shown = place or t("card.map")
        place = f'<a href="{html.escape(link)}">{shown}</a>'
    return t("card.place", place=Html(place)) if place else ""


@dataclass(frozen=True, slots=True)
class DayView:
    """What a card shows on the day of the action (README, "Action day"), worked out by
    ``usecases.cards`` for one reader at one moment."""

    started: bool = False
    """The action has begun: answers are closed."""
    checkin_open: bool = False
    """From an hour before the start until the end: "I'm here" for those going."""
    checked_in: bool = False
    """The reader checked in."""
    attendance: Attendance | None = None
    """Going and here, for organisers and the host."""
    safety: SafetyCounts | None = None
    """The safety check's answers once it was asked, for organisers and the host."""
    safety_round: int = 0
    """How far the safety check went (see ``Action.safety_round``)."""


def attendance_line(t: Translator, attendance: Attendance) -> str:
    """ "Going 120 · Here 37"."""
    return (
        t.plural("count.going", attendance.going) + " · " + t.plural("count.here", attendance.here)
    )


def safety_line(t: Translator, safety: SafetyCounts) -> str:
    """ "Safe 31 · Need help 1 · No answer 6"."""
    return " · ".join(
        (
            t.plural("count.safe", safety.safe),
            t.plural("count.need_help", safety.help),
            t.plural("count.no_answer", safety.no_answer),
        )
    )


def card(
    t: Translator,
    action: Action,
    counts: RsvpCounts,
    mine: Answer | None,
    timezone: str,
    *,
    organiser: bool = False,
    day: DayView | None = None,
) -> Reply:
    """The action card: what, when (in the reader's zone), where, who is coming, buttons."""
    day = day or DayView()
    lines = [f"<b>{html.escape(action.title, quote=False)}</b>"]
    if action.status is ActionStatus.CANCELLED:
        lines.append(t("card.cancelled"))
    lines.append(t("card.time", time=time_span(action.starts_at, action.end, timezone, t.language)))
    if place := place_line(t, action):
        lines.append(place)
    if action.description:
        lines += ["", html.escape(action.description, quote=False)]
    if organiser and day.attendance is not None:
        lines += ["", attendance_line(t, day.attendance)]
    else:
        lines += [
            "",
            t.plural("count.going", counts.going) + " · " + t.plural("count.maybe", counts.maybe),
        ]
    if organiser and day.safety is not None:
        lines.append(safety_line(t, day.safety))
    if action.capacity is not None:
        free = max(0, action.capacity - counts.going)
        lines.append(
            t.plural("card.capacity", action.capacity, free=Html(t.plural("card.free", free)))
        )
        if counts.waitlisted:
            lines.append(t.plural("count.waitlisted", counts.waitlisted))
    if mine is not None:
        lines.append(t("card.your_answer", answer=answer_name(t, mine)))
    if day.checked_in:
        lines.append(t("card.checked_in"))
    rows: list[list[InlineKeyboardButton]] = []
    if action.status is ActionStatus.PLANNED:
        if day.checkin_open and mine is Answer.GOING:
            mark = "✓ " if day.checked_in else ""
            rows.append([CheckIn(action.id).button(mark + t("card.button.here"))])
        if not day.started:
            # A waitlisted member asked to go: their button is the one marked.
            chosen = Answer.GOING if mine is Answer.WAITLISTED else mine
            rows.append(
                [
                    Rsvp(action.id, answer).button(("✓ " if answer is chosen else "") + t(label))
                    for answer, label in RSVP_LABELS.items()
                ]
            )
            rows.append([CalendarFile(action.id).button(t("card.button.calendar"))])
    # Once it began, and even when it was cancelled while under way (the police dispersed
    # it): whoever was there is asked.
    if organiser and day.started and day.attendance is not None and day.attendance.here:
        if day.safety_round == 0:
            rows.append([RunSafetyCheck(action.id, "ask").button(t("card.button.safety_check"))])
        elif day.safety_round == 1 and day.safety is not None and day.safety.no_answer:
            rows.append([RunSafetyCheck(action.id, "again").button(t("card.button.safety_again"))])
    if action.status is ActionStatus.PLANNED and organiser:
        rows.append(
            [
                ManageAction(action.id, "edit").button(t("card.button.edit")),
                ManageAction(action.id, "cancel").button(t("card.button.cancel")),
            ]
        )
    return Reply("\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


def answer_name(t: Translator, answer: Answer) -> str:
    return t(
        {
            Answer.GOING: "answer.going",
            Answer.MAYBE: "answer.maybe",
            Answer.NOT_GOING: "answer.not_going",
            Answer.WAITLISTED: "answer.waitlisted",
        }[answer]
    )


def action_list(
    t: Translator,
    actions: Sequence[Action],
    page: int,
    total: int,
    timezone: str,
    now: datetime | None = None,
) -> Reply:
    """One page of actions, each a button that opens its card; Prev/Next below. Those under
    way at ``now`` come first (the caller puts them there), marked as happening now: their
    card is where "I'm here" and the day's numbers are."""
    if not actions:
        return Reply(t("actions.none"))
    pages = (total + PAGE_SIZE - 1) // PAGE_SIZE
    lines = [t("actions.title", page=page + 1, pages=pages), ""]
    buttons = []
    for action in actions:
        zone = display_zone(action, timezone)
        title = html.escape(action.title, quote=False)
        if now is not None and under_way(action, now):
            span = time_span(action.starts_at, action.end, zone, t.language)
            lines.append(t("checkin.happening_now", title=Html(title), time=span))
            label = f"🔴 {action.title[:58]}"  # a label is plain text: nothing to escape
        else:
            when = local_time(action.starts_at, zone, t.language)
            lines.append(f"• <b>{title}</b> — {when}")
            label = action.title[:60]
        buttons.append([OpenAction(action.id).button(label)])
    navigation = []
    if page > 0:
        navigation.append(ActionsPage(page - 1).button(t("actions.previous")))
    if page + 1 < pages:
        navigation.append(ActionsPage(page + 1).button(t("actions.next")))
    if navigation:
        buttons.append(navigation)
    buttons.append(
        [
            ByPlace().button(t("places.by_place")),
            NearMe().button(t("places.near_me")),
        ]
    )
    return Reply("\n".join(lines), InlineKeyboardMarkup(buttons))


def reminder(t: Translator, action: Action, minutes_before: int, timezone: str) -> str:
    """ "Reminder: Clean River Rally starts in 2 hours, Sat … 18:00 CET, at the old bridge."""
    lead = duration(t.language, minutes_before)
    lines = [
        t(
            "reminder.text",
            title=action.title,
            lead=lead,
            time=local_time(action.starts_at, display_zone(action, timezone), t.language),
        )
    ]
    if place := place_line(t, action):
        lines.append(place)
    return "\n".join(lines)


def change_notice(t: Translator, action: Action, changes: frozenset[str], timezone: str) -> str:
    """What RSVP'd members are told after a change: the action as it is now."""
    title = action.title
    when = local_time(action.starts_at, display_zone(action, timezone), t.language)
    if "cancelled" in changes or action.status is ActionStatus.CANCELLED:
        return t("notice.cancelled", title=title, time=when)
    lines = [t("notice.changed", title=title)]
    if "time" in changes:
        lines.append(t("notice.new_time", time=when))
    if "place" in changes and (place := place_line(t, action)):
        lines.append(place)
    return "\n".join(lines)


FIELD_LABELS = {
    ActionField.TITLE: N_("edit.field.title"),
    ActionField.TIME: N_("edit.field.time"),
    ActionField.END: N_("edit.field.end"),
    ActionField.PLACE: N_("edit.field.place"),
    ActionField.DESCRIPTION: N_("edit.field.description"),
    ActionField.CAPACITY: N_("edit.field.capacity"),
    ActionField.REMINDERS: N_("edit.field.reminders"),
    ActionField.CAMPAIGN: N_("edit.field.campaign"),
}
#: What only organisers change (a host runs their action, campaigns are the organisers' view).
ORGANISER_FIELDS = frozenset({ActionField.CAMPAIGN})


def edit_menu(t: Translator, action: Action, *, organiser: bool = True) -> Reply:
    """Which field of the action to change: one button each."""
    names = [field for field in ActionField if organiser or field not in ORGANISER_FIELDS]
    rows = [
        [
            EditActionField(action.id, field).button(t(FIELD_LABELS[field]))
            for field in names[index : index + 2]
        ]
        for index in range(0, len(names), 2)
    ]
    return Reply(t("edit.choose", title=action.title), InlineKeyboardMarkup(rows))


def cancel_confirmation(t: Translator, action: Action) -> Reply:
    """Cancel: are you sure? Everyone who answered will be told."""
    markup = InlineKeyboardMarkup(
        [
            [ManageAction(action.id, "cancel_yes").button(t("organise.cancel_yes"))],
            [OpenAction(action.id).button(t("organise.cancel_no"))],
        ]
    )
    return Reply(t("organise.cancel_confirm", title=action.title), markup)


def field_value(
    t: Translator, action: Action, field: ActionField, timezone: str, campaign: str | None = None
) -> str:
    """One field of an action as the Edit menu's Confirm step shows it."""
    none = t("edit.value.none")
    match field:
        case ActionField.TITLE:
            return html.escape(action.title, quote=False)
        case ActionField.TIME | ActionField.END:
            # The whole span for both: a new start moves the end with it.
            zone = display_zone(action, timezone)
            return time_span(action.starts_at, action.end, zone, t.language)
        case ActionField.PLACE:
            return place_line(t, action) or none
        case ActionField.DESCRIPTION:
            return html.escape(action.description, quote=False) or none
        case ActionField.CAPACITY:
            return str(action.capacity) if action.capacity is not None else t("edit.value.no_limit")
        case ActionField.REMINDERS:
            minutes = sorted(action.reminder_minutes, reverse=True)
            return ", ".join(_lead(t, m) for m in minutes) or none
        case ActionField.CAMPAIGN:
            return html.escape(campaign, quote=False) if campaign else none


def edit_confirmation(
    t: Translator,
    before: Action,
    after: Action,
    field: ActionField,
    timezone: str,
    *,
    campaigns: tuple[str | None, str | None] = (None, None),
    tells: bool = False,
) -> str:
    """What an edit will change, before it is made: the field now, and as it will be. The new
    value is shown whole; the old one is shortened when both would not fit in one message (two
    long descriptions)."""

    def text(now: Action) -> str:
        lines = [
            t("edit.confirm", field=t(FIELD_LABELS[field]), title=before.title),
            t("edit.before", value=Html(field_value(t, now, field, timezone, campaigns[0]))),
            t("edit.after", value=Html(field_value(t, after, field, timezone, campaigns[1]))),
        ]
        if tells:
            lines += ["", t("edit.tells")]
        return "\n".join(lines)

    shown = text(before)
    over = len(shown) - MESSAGE_CHARACTERS
    if over > 0 and field is ActionField.DESCRIPTION:
        # Each character cut takes at least one off the message (escaping only adds).
        kept = max(len(before.description) - over - 1, 0)
        shown = text(replace(before, description=before.description[:kept] + "…"))
    return shown


def _lead(t: Translator, minutes: int) -> str:
    return duration(t.language, minutes)
