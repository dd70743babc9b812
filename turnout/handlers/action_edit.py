"""Changing one field of an action: its new value, then what will change, and Confirm.

Every change shows the field as it is and as it will be before it is made, since members see
the card, and a new time or place is announced to everyone who answered. A new start keeps the
duration (the end moves with it); a new end is an end time or how long it lasts from the start.
Rights are checked when the field is picked and again when the change is made.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from telegram import Message, Update

from turnout.handlers.common import prompts
from turnout.handlers.common.cards import action_card, action_zone, out_of_date
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import End, Flow, Go, Outcome, Stay, Step, Turn
from turnout.handlers.common.times import picked, read_time
from turnout.i18n import N_
from turnout.permissions import ORGANISERS, allowed
from turnout.storage import Action
from turnout.usecases import actions, fields
from turnout.usecases.actions import (
    ActionChange,
    NewCampaign,
    NewCapacity,
    NewDescription,
    NewEnd,
    NewPlace,
    NewReminders,
    NewTime,
    NewTitle,
    changed,
    tells_members,
)
from turnout.usecases.errors import Gone, Invalid, NotAllowed
from turnout.usecases.fields import Spot
from turnout.views.actions import ORGANISER_FIELDS, edit_confirmation
from turnout.views.buttons import ActionField, EditActionField
from turnout.views.prompts import CANCEL, CHANGE, CONFIRM, confirm_keyboard
from turnout.views.reply import Reply
from turnout.views.timefmt import PICK, zone_label

PROMPTS = {
    ActionField.TITLE: N_("edit.ask.title"),
    ActionField.TIME: N_("edit.ask.time"),
    ActionField.END: N_("end.ask_edit"),
    ActionField.PLACE: N_("edit.ask.place"),
    ActionField.DESCRIPTION: N_("edit.ask.description"),
    ActionField.CAPACITY: N_("edit.ask.capacity"),
    ActionField.REMINDERS: N_("edit.ask.reminders"),
    ActionField.CAMPAIGN: N_("edit.ask.campaign"),
}


class EditDraft(BaseModel):
    """The field being changed, and its new value once given."""

    action_id: int
    field: ActionField
    text: str | None = None
    """The new title, description, place name or campaign name (None: a campaign cleared)."""
    latitude: float | None = None
    longitude: float | None = None
    keep_place_name: bool = False
    """A location shared alone moves the pin, not the name."""
    capacity: int | None = None
    minutes: list[int] = []
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    options: list[datetime] = []

    def change(self) -> ActionChange:
        match self.field:
            case ActionField.TITLE:
                return NewTitle(self.text or "")
            case ActionField.DESCRIPTION:
                return NewDescription(self.text or "")
            case ActionField.PLACE:
                place = None if self.keep_place_name else self.text or ""
                return NewPlace(Spot(place, self.latitude, self.longitude))
            case ActionField.CAPACITY:
                return NewCapacity(self.capacity)
            case ActionField.REMINDERS:
                return NewReminders(tuple(self.minutes))
            case ActionField.CAMPAIGN:
                return NewCampaign(self.text)
            case ActionField.TIME:
                assert self.starts_at is not None
                return NewTime(self.starts_at)
            case ActionField.END:
                assert self.ends_at is not None
                return NewEnd(self.ends_at)


Turn_ = Turn[EditDraft]


async def field_button(update: Update, context: TurnoutContext, data: EditActionField) -> None:
    """A field of the Edit menu: ask for its new value."""
    query = update.callback_query
    assert query is not None
    s, user_id = context.services, query.from_user.id
    try:
        await actions.managed(s, user_id, data.action)
    except Gone as error:
        await out_of_date(update, context, data.action, error)
        return
    if data.field in ORGANISER_FIELDS and not await _organiser(context, user_id):
        raise NotAllowed()
    await prompts.start(
        update, context, ACTION_EDIT, EditDraft(action_id=data.action, field=data.field)
    )


async def _organiser(context: TurnoutContext, user_id: int) -> bool:
    return allowed(await context.roles_of(user_id), ORGANISERS)


async def _action(turn: Turn_) -> Action:
    return await actions.managed(turn.services, turn.user_id, turn.draft.action_id)


async def ask_value(turn: Turn_) -> Reply:
    action = await _action(turn)
    zone = action_zone(turn.context, action)
    return Reply(turn.t(PROMPTS[turn.draft.field], timezone=zone_label(zone)))


async def got_value(turn: Turn_, text: str) -> Outcome:
    draft, field = turn.draft, turn.draft.field
    draft.keep_place_name = False
    match field:
        case ActionField.TITLE:
            draft.text = fields.title(text)
        case ActionField.DESCRIPTION:
            draft.text = fields.description(text, dash_clears=True)
        case ActionField.PLACE:
            draft.text = fields.place_name(text)
            draft.latitude = draft.longitude = None
        case ActionField.CAPACITY:
            draft.capacity = fields.capacity(text, may_clear=True)
        case ActionField.REMINDERS:
            draft.minutes = list(fields.reminders(text, may_clear=True))
        case ActionField.CAMPAIGN:
            name = text.strip()
            draft.text = None if name.lower() in fields.NONE_WORDS else name[:100]
            if (
                draft.text is not None
                and await turn.context.store.campaign_named(draft.text) is None
            ):
                raise Invalid("export.no_campaign", name=draft.text)
        case ActionField.TIME:
            action = await _action(turn)
            reading = await read_time(turn, text, action_zone(turn.context, action))
            if reading is None:
                return Stay()
            if isinstance(reading, tuple):
                draft.options = list(reading)
                return Stay()
            draft.starts_at = reading
        case ActionField.END:
            action = await _action(turn)
            draft.ends_at = fields.end(text, action.starts_at, action_zone(turn.context, action))
            if draft.ends_at <= turn.context.now():
                raise Invalid("end.past")
    return Go("confirm")


async def got_place(turn: Turn_, message: Message) -> Outcome:
    """A location or venue for the place (other fields take text only)."""
    draft = turn.draft
    if draft.field is not ActionField.PLACE:
        return Stay(turn.t("prompt.expected", what=turn.t("expects.new_value")))
    if message.venue is not None:
        draft.text = fields.venue(message.venue.title, message.venue.address)
        location = message.venue.location
        draft.keep_place_name = False
    else:
        assert message.location is not None
        location = message.location
        draft.keep_place_name = True
    draft.latitude, draft.longitude = location.latitude, location.longitude
    return Go("confirm")


async def value_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    """One of two readings of an ambiguous time."""
    if choice != PICK:
        return None
    turn.draft.starts_at = picked(turn.draft.options, value) or turn.draft.starts_at
    return Go("confirm") if turn.draft.starts_at else Stay()


async def ask_confirm(turn: Turn_) -> Reply:
    draft, t = turn.draft, turn.t
    before = await _action(turn)
    change = draft.change()
    campaigns: tuple[str | None, str | None] = (None, None)
    if draft.field is ActionField.CAMPAIGN:
        campaigns = (await _campaign_name(turn, before.campaign_id), draft.text)
    text = edit_confirmation(
        t, before, changed(before, change), draft.field, action_zone(turn.context, before),
        campaigns=campaigns, tells=tells_members(change),
    )  # fmt: skip
    return Reply(text, confirm_keyboard(t, turn.prompt.id))


async def _campaign_name(turn: Turn_, campaign_id: int | None) -> str | None:
    if campaign_id is None:
        return None
    campaign = await turn.context.store.campaign(campaign_id)
    return campaign.name if campaign else None


async def confirm_pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
    t = turn.t
    if choice == CHANGE:
        return Go("value")
    if choice == CANCEL:
        await turn.say(t("edit.stopped"))
        return End()
    if choice != CONFIRM:
        return None
    draft = turn.draft
    if draft.field is ActionField.TIME and not (
        draft.starts_at is not None and draft.starts_at > turn.context.now()
    ):
        # Confirm pressed after the new time came: ask for the time again, the edit open.
        await turn.toast(t("time.past"), alert=True)
        return Go("value")
    if draft.field is ActionField.END and (why := await _end_refused(turn)):
        # The end passed, or the start moved past it, while Confirm waited: ask again.
        await turn.toast(why, alert=True)
        return Go("value")
    if not await turn.close():
        return End()
    updated = await actions.edit_action(
        turn.services, turn.user_id, draft.action_id, draft.change()
    )
    await turn.say(t("edit.saved"))
    await turn.say(await action_card(turn.context, turn.user_id, updated))
    return End()


async def _end_refused(turn: Turn_) -> str | None:
    """Why the new end can no longer be confirmed; None if it can."""
    assert turn.draft.ends_at is not None
    if turn.draft.ends_at <= turn.context.now():
        return turn.t("end.past")
    try:
        fields.check_end((await _action(turn)).starts_at, turn.draft.ends_at)
    except Invalid as refused:
        return refused.text(turn.t)
    return None


ACTION_EDIT = Flow(
    "action_edit",
    EditDraft,
    {
        "value": Step(
            N_("expects.new_value"),
            ask_value,
            text=got_value,
            place=got_place,
            press=value_pressed,
        ),
        "confirm": Step(N_("expects.confirm"), ask_confirm, press=confirm_pressed),
    },
    cancelled=N_("edit.stopped"),
)
