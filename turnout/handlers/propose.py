"""/propose: any member plans a local action, one question at a time.

title → city (typed and picked from the gazetteer, or a shared location) → time (in that
place's time zone, read back for confirmation) → end (an end time or how long it lasts; Skip:
two hours) → meeting point → description → how many they expect → preview → submit. From
the preview any answer can be changed; the question asked again leads back to the preview (a
new city asks the time again: its zone may differ; a new time keeps the duration). A trusted
host's proposal is published at once; any other goes to the organisers.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from turnout.handlers.common import cities, prompts
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.drafts import ActionDraft, field_step, still_ahead
from turnout.handlers.common.ends import end_step
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Stay, Step, Turn
from turnout.handlers.common.members import known_member
from turnout.handlers.common.replies import reply
from turnout.handlers.common.times import picked, read_time
from turnout.i18n import N_
from turnout.usecases import fields, proposals
from turnout.views.buttons import ProposeFor
from turnout.views.links import Link, deep_link
from turnout.views.proposals import CITY, city_choices, summary
from turnout.views.reply import Reply
from turnout.views.timefmt import PICK, local_time, zone_label

Turn_ = Turn[ActionDraft]
SUBMIT, CANCEL, CHANGE, YES, RETYPE = "submit", "cancel", "change", "yes", "retype"
#: What the preview lets the proposer change: (step, button label), in the order asked.
CHANGEABLE = (
    ("title", N_("proposal.field.title")),
    ("city", N_("propose.field.city")),
    ("time", N_("proposal.field.time")),
    ("end", N_("edit.field.end")),
    ("meeting", N_("proposal.field.place")),
    ("description", N_("proposal.field.description")),
    ("expected", N_("propose.field.expected")),
)


async def begin(update: Update, context: TurnoutContext) -> None:
    await known_member(update, context)
    await _may_propose(update, context)
    await prompts.start(update, context, PROPOSE, ActionDraft())


async def _may_propose(update: Update, context: TurnoutContext) -> None:
    assert update.effective_user is not None
    await proposals.may_propose(context.services, update.effective_user.id)


async def begin_for(update: Update, context: TurnoutContext, data: ProposeFor) -> None:
    """The "Propose an action" button of a campaign."""
    await known_member(update, context)
    await _may_propose(update, context)
    campaign = await context.store.campaign(data.campaign)
    draft = ActionDraft(campaign_id=campaign.id if campaign else None)
    await prompts.start(update, context, PROPOSE, draft)


async def invited(update: Update, context: TurnoutContext, campaign_id: int) -> None:
    """The link a campaign shares: what the campaign asks, and a button to propose."""
    campaign = await context.store.campaign(campaign_id)
    if campaign is None:
        await reply(update, context.t("propose.how"))
        return
    button = ProposeFor(campaign.id).button(context.t("propose.button.start"))
    text = context.t("propose.for_campaign", name=campaign.name)
    await reply(update, Reply(text, InlineKeyboardMarkup([[button]])))


async def ask_city(turn: Turn_) -> Reply:
    return Reply(turn.t("propose.ask_place"))


async def got_city_name(turn: Turn_, text: str) -> Outcome:
    """A typed city: the matches as buttons."""
    found = await cities.search(text)
    if not found:
        return Stay(turn.t("propose.no_city", name=text.strip()[:100]))
    choices = city_choices(turn.t, turn.prompt.id, found)
    return Stay(choices.text, choices.markup)


async def city_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice != CITY:
        return None
    place = await cities.picked(value, turn.context.settings.timezone)
    if place is None:
        return Stay()
    turn.draft.take(place)
    return Go("time")


async def city_by_location(turn: Turn_, message: Message) -> Outcome:
    turn.draft.take(await cities.located(message, turn.context.settings.timezone))
    return Go("time")


async def ask_time(turn: Turn_) -> Reply:
    draft = turn.draft
    return Reply(
        turn.t("propose.ask_time", city=draft.city_label, timezone=zone_label(draft.timezone))
    )


async def got_time(turn: Turn_, text: str) -> Outcome:
    reading = await read_time(turn, text, turn.draft.timezone)
    if reading is None:
        return Stay()
    if isinstance(reading, tuple):
        turn.draft.options = list(reading)
        return Stay()
    turn.draft.starts_at = reading
    return Go("confirm_time")


async def time_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice != PICK:
        return None
    turn.draft.starts_at = picked(turn.draft.options, value) or turn.draft.starts_at
    return Go("confirm_time") if turn.draft.starts_at else Stay()


async def ask_confirm_time(turn: Turn_) -> Reply:
    """The time as it was read, in the action's place and words: "Sun, Jun 29, 2027 11:00 AM
    WEST, Lisbon time"."""
    draft, t = turn.draft, turn.t
    assert draft.starts_at is not None
    shown = local_time(draft.starts_at, draft.timezone, t.language)
    markup = turn.keyboard(
        [
            turn.button(t("newaction.button.yes"), YES),
            turn.button(t("newaction.button.retype"), RETYPE),
        ]
    )
    where = draft.city_label or zone_label(draft.timezone)
    return Reply(t("propose.confirm_time", time=shown, city=where), markup)


async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    if choice == YES:
        return _after_time(turn) if await still_ahead(turn) else Go("time")
    if choice == PICK:
        return await time_pressed(turn, choice, value)
    return Go("time") if choice == RETYPE else None


def _after_time(turn: Turn_) -> Outcome:
    # A new time keeps the end as long after it as before.
    return Go("preview") if turn.draft.revising else Go("end")


def _after_end(turn: Turn_) -> Outcome:
    # A venue named the meeting point already.
    return Go("description") if turn.draft.place else Go("meeting")


async def ask_preview(turn: Turn_) -> Reply:
    t = turn.t
    changes = [
        turn.button("✏️ " + t(label), CHANGE, number) for number, (_, label) in enumerate(CHANGEABLE)
    ]
    markup = turn.keyboard(
        [turn.button(t("propose.button.submit"), SUBMIT)],
        changes[0:2],
        changes[2:4],
        changes[4:6],
        changes[6:8],
        [turn.button(t("newaction.button.cancel"), CANCEL)],
    )
    return Reply(
        t("propose.preview") + "\n\n" + summary(t, turn.draft.as_proposal(turn.user_id)), markup
    )


async def preview_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    t, draft = turn.t, turn.draft
    if choice == CANCEL:
        await turn.say(t("propose.cancelled"))
        return End()
    if choice == CHANGE and value is not None and 0 <= value < len(CHANGEABLE):
        draft.revising = True
        return Go(CHANGEABLE[value][0])
    if choice != SUBMIT:
        return None
    if not await still_ahead(turn):
        return Go("time")
    new = draft.as_new(draft.timezone, host_id=turn.user_id)
    if not await turn.close():
        return End()
    outcome = await proposals.submit(turn.services, turn.user_id, new, draft.expected)
    if outcome.action is not None:
        link = deep_link(turn.services.bot_username, Link("act", outcome.action.id))
        await turn.say(t("propose.published", link=link))
    else:
        await turn.say(t("propose.sent"))
    return End()


PROPOSE = Flow(
    "propose",
    ActionDraft,
    {
        "title": field_step(
            N_("expects.title"), N_("propose.ask_title"), fields.title, "title", "city"
        ),
        "city": Step(
            N_("expects.city"),
            ask_city,
            text=got_city_name,
            place=city_by_location,
            press=city_pressed,
        ),
        "time": Step(N_("expects.time"), ask_time, text=got_time, press=time_pressed),
        "confirm_time": Step(
            N_("expects.choice"), ask_confirm_time, text=got_time, press=confirm_pressed
        ),
        "end": end_step(_after_end),
        "meeting": field_step(
            N_("expects.meeting_point"),
            N_("propose.ask_meeting_point"),
            fields.place_name,
            "place",
            "description",
        ),
        "description": field_step(
            N_("expects.description"),
            N_("propose.ask_description"),
            fields.description,
            "description",
            "expected",
            skip=N_("newaction.button.skip"),
        ),
        "expected": field_step(
            N_("expects.expected"),
            N_("propose.ask_expected"),
            fields.expected,
            "expected",
            "preview",
            skip=N_("propose.button.dont_know"),
        ),
        "preview": Step(N_("expects.choice"), ask_preview, press=preview_pressed),
    },
    commands=frozenset({"cancel", "skip"}),
    cancelled=N_("propose.cancelled"),
)
