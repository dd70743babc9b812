"""Proposals of local actions and finding actions by place: text and keyboards, no I/O."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from turnout.i18n import N_, Translator
from turnout.places import City
from turnout.storage import Action, PlaceCount, Proposal, ProposalStatus
from turnout.views.buttons import (
    ByPlace,
    DecideProposal,
    EditProposalField,
    NearMe,
    OpenAction,
    PromptButton,
    ProposalField,
    ProposalVerb,
)
from turnout.views.members import pseudonym_in
from turnout.views.reply import Reply
from turnout.views.timefmt import babel_locale, time_span

#: The fields an organiser may change before deciding, and their button labels.
FIELD_LABELS = {
    ProposalField.TITLE: N_("proposal.field.title"),
    ProposalField.TIME: N_("proposal.field.time"),
    ProposalField.END: N_("edit.field.end"),
    ProposalField.PLACE: N_("proposal.field.place"),
    ProposalField.DESCRIPTION: N_("proposal.field.description"),
}
#: The choice a city's button carries, under a list of cities to pick from.
CITY = "city"


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def country_name_in(t: Translator, code: str) -> str:
    """A country in the reader's language (CLDR's names, through Babel), by its ISO code."""
    return babel_locale(t.language).territories.get(code) or code


def city_labels(t: Translator, cities: Sequence[City]) -> list[str]:
    """ "Lisbon, Portugal" in the reader's language; where two would read the same (six
    Springfields), the state or region code tells them apart."""
    plain = [f"{city.name}, {country_name_in(t, city.country_code)}" for city in cities]
    return [
        f"{city.name} ({city.region}), {label.split(', ', 1)[1]}"
        if plain.count(label) > 1 and city.region.isalpha()
        else label
        for city, label in zip(cities, plain, strict=True)
    ]


def city_choices(t: Translator, prompt: int, cities: Sequence[City]) -> Reply:
    """The matching cities as buttons of the question ``prompt`` (each its GeoNames id)."""
    rows = [
        [PromptButton(prompt, CITY, city.id).button(label)]
        for city, label in zip(cities, city_labels(t, cities), strict=True)
    ]
    return Reply(t("propose.pick_city"), InlineKeyboardMarkup(rows))


def place_label(city: str, country: str) -> str:
    return ", ".join(part for part in (city, country) if part)


def summary(t: Translator, proposal: Proposal) -> str:
    """What was proposed, as the proposer and the organisers read it (from start to end, in
    its place's time)."""
    span = time_span(proposal.starts_at, proposal.end, proposal.timezone, t.language)
    lines = [
        f"<b>{_escape(proposal.title)}</b>",
        t("card.time", time=span),
        t("propose.where", city=place_label(proposal.city, country_name_in(t, proposal.country))),
    ]
    if proposal.place:
        lines.append(t("propose.meeting_point", place=proposal.place))
    if proposal.expected:
        lines.append(t.plural("propose.expected_line", proposal.expected))
    if proposal.description:
        lines += ["", _escape(proposal.description)]
    return "\n".join(lines)


def notice(t: Translator, proposal: Proposal, who: str) -> Reply:
    """For organisers: the proposal with Approve / Approve and trust / Reject / Edit."""
    heading = t("proposal.notice", id=proposal.id, who=pseudonym_in(t, who))
    text = heading + "\n\n" + summary(t, proposal)

    def decide(verb: ProposalVerb, label: str) -> InlineKeyboardButton:
        return DecideProposal(verb, proposal.id).button(t(label))

    markup = InlineKeyboardMarkup(
        [
            [
                decide(ProposalVerb.APPROVE, N_("proposal.button.approve")),
                decide(ProposalVerb.REJECT, N_("proposal.button.reject")),
            ],
            [
                decide(ProposalVerb.TRUST, N_("proposal.button.trust")),
                decide(ProposalVerb.EDIT, N_("proposal.button.edit")),
            ],
        ]
    )
    return Reply(text, markup)


def decided(t: Translator, proposal: Proposal, who: str, by: str | None) -> Reply:
    """The notice once decided: the outcome instead of the buttons."""
    outcome = {
        ProposalStatus.APPROVED: t("proposal.approved_note"),
        ProposalStatus.REJECTED: t("proposal.rejected_note"),
        ProposalStatus.PENDING: "",
    }[proposal.status]
    heading = t("proposal.notice", id=proposal.id, who=pseudonym_in(t, who))
    lines = [heading, "", summary(t, proposal)]
    lines += ["", outcome]
    if proposal.reason:
        lines.append(t("proposal.reason", reason=proposal.reason))
    if by:
        lines.append(t("proposal.decided_by", name=by))
    markup = None
    if proposal.action_id is not None:
        markup = InlineKeyboardMarkup(
            [[OpenAction(proposal.action_id).button(t("proposal.button.open"))]]
        )
    return Reply("\n".join(lines), markup)


def edit_fields(t: Translator, proposal_id: int) -> Reply:
    rows = [
        [EditProposalField(proposal_id, field).button(t(label))]
        for field, label in FIELD_LABELS.items()
    ]
    return Reply(t("proposal.which_field"), InlineKeyboardMarkup(rows))


def distance_text(km: float) -> str:
    """ "850 m", "3.2 km", "48 km": precise near, rounder far."""
    if km < 1:
        return f"{max(10, round(km * 1000, -1)):.0f} m"
    if km < 10:
        return f"{km:.1f} km"
    return f"{km:.0f} km"


def nearby(
    t: Translator,
    found: Sequence[tuple[Action, float]],
    now: datetime,
) -> Reply:
    """Upcoming actions by distance: "3.2 km · today 18:00", each opening its card."""
    if not found:
        return Reply(t("near.none"))
    rows = []
    for action, km in found:
        when = short_when(t, action.starts_at, action.timezone, now)
        label = f"{distance_text(km)} · {when} · {action.title}"
        rows.append([OpenAction(action.id).button(label[:64])])
    return Reply(t.plural("near.title", len(found)), InlineKeyboardMarkup(rows))


def short_when(t: Translator, moment: datetime, timezone: str, now: datetime) -> str:
    """ "today 18:00", "tomorrow 09:30", or the date: in the action's own zone."""
    zone = ZoneInfo(timezone)
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    clock = local.strftime("%H:%M")
    days = (local.date() - today).days
    if days == 0:
        return t("near.today", time=clock)
    if days == 1:
        return t("near.tomorrow", time=clock)
    day = format_skeleton("MMMEd", local, tzinfo=zone, locale=babel_locale(t.language), fuzzy=True)
    return f"{day} {clock}"


def place_filter(t: Translator, places: Sequence[PlaceCount]) -> Reply:
    """Countries (``plc:<CC>``) or the cities of one (``plc:<CC>:<city>``), with counts."""
    if not places:
        return Reply(t("places.none"))
    rows = []
    for place in places:
        label = place.city if place.city_id is not None else country_name_in(t, place.country)
        where = ByPlace(place.country, place.city_id)
        rows.append([where.button(f"{label} ({place.count})")])
    rows.append([NearMe().button(t("places.near_me"))])
    heading = t("places.pick_city") if places[0].city_id else t("places.pick_country")
    return Reply(heading, InlineKeyboardMarkup(rows))
