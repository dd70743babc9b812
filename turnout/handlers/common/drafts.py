"""The draft of an action being planned (/newaction) or proposed (/propose): what has been
answered so far, kept as JSON with the open prompt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from turnout.handlers.common.cities import Place
from turnout.handlers.common.flows import Go, Outcome, Step, Turn
from turnout.storage import (
    Action,
    ActionStatus,
    NewAction,
    Proposal,
    ProposalStatus,
    carried,
)
from turnout.views.reply import Reply

#: The choices of the steps' own buttons.
BACK, SKIP = "back", "skip"


class ActionDraft(BaseModel):
    # Fields are set by name (``answer``): checked on assignment, as when read back.
    model_config = ConfigDict(validate_assignment=True)

    title: str = ""
    timezone: str = ""
    """Where the time is read and shown; empty: the reader's own zone."""
    city_id: int | None = None
    city: str = ""
    country: str = ""
    city_label: str = ""
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    starts_at: datetime | None = None
    lasts: int | None = None
    """How long it lasts, in minutes (None: the default): a new start keeps it."""
    options: list[datetime] = []
    """Two readings of an ambiguous time, for its buttons to pick from."""
    description: str = ""
    capacity: int | None = None
    reminder_minutes: list[int] = []
    expected: int | None = None
    campaign_id: int | None = None
    revising: bool = False
    """A field is being changed from the preview: its answer leads back to the preview."""

    def take(self, place: Place) -> None:
        """In ``place``'s city and zone, at its point (its centre until a place is shared:
        "near me" finds it all the same), named by its venue if it has one."""
        city = place.city
        self.city_id, self.city, self.country = city.id, city.name, city.country_code
        self.city_label, self.timezone = city.label, place.timezone
        self.latitude, self.longitude, self.place = place.latitude, place.longitude, place.venue

    def nowhere(self, zone: str) -> None:
        """In no city: in ``zone`` (empty: the reader's own), not on the map yet."""
        self.city_id, self.city, self.country, self.city_label = None, "", "", ""
        self.timezone = zone
        self.latitude = self.longitude = None
        self.place = ""

    def as_new(self, zone: str, host_id: int | None = None) -> NewAction:
        assert self.starts_at is not None
        return carried(
            NewAction,
            self,
            timezone=zone,
            reminder_minutes=tuple(self.reminder_minutes),
            host_id=host_id,
            ends_at=self.ends_at,
        )

    @property
    def ends_at(self) -> datetime | None:
        """When it ends; None: at the default duration after the start."""
        if self.starts_at is None or self.lasts is None:
            return None
        return self.starts_at + timedelta(minutes=self.lasts)

    def as_action(self, zone: str) -> Action:
        """The draft as the card it will become, for the preview."""
        new = self.as_new(zone)
        return carried(Action, new, id=0, status=ActionStatus.PLANNED, revision=1, created_by=0)

    def as_proposal(self, proposer: int) -> Proposal:
        """The draft as the proposal it will be, for the preview."""
        new = self.as_new(self.timezone, host_id=proposer)
        return carried(
            Proposal,
            new,
            id=0,
            proposer_id=proposer,
            expected=self.expected,
            status=ProposalStatus.PENDING,
            reason=None,
            action_id=None,
        )


def field_step(
    expects: str,
    ask: str,
    read: Callable[[str], object],
    field: str,
    to: str,
    *,
    skip: str | None = None,
    back: str | None = None,
) -> Step[ActionDraft]:
    """A step that asks (message key ``ask``) for one field of the draft, read from the text
    by its rule (``usecases.fields``); then ``to``. With ``skip`` (a button label key), Skip
    leaves the field empty; with ``back``, Back goes to that step."""

    async def question(turn: Turn[ActionDraft]) -> Reply:
        rows = [[turn.button(turn.t(skip), SKIP)]] if skip else []
        if back:
            rows.append([turn.button(turn.t("newaction.button.back"), BACK)])
        return Reply(turn.t(ask), turn.keyboard(*rows))

    async def typed(turn: Turn[ActionDraft], text: str) -> Outcome:
        setattr(turn.draft, field, read(text))
        return Go("preview" if turn.draft.revising else to)

    async def pressed(turn: Turn[ActionDraft], choice: str, value: int | None) -> Outcome | None:
        if choice == SKIP and skip:
            setattr(turn.draft, field, ActionDraft.model_fields[field].get_default())
            return Go("preview" if turn.draft.revising else to)
        return Go(back) if choice == BACK and back else None

    return Step(expects, question, text=typed, press=pressed if skip or back else None)


async def still_ahead(turn: Turn[ActionDraft]) -> bool:
    """Whether the draft's time is still to come; if not (the preview was left open), says so:
    the flow goes back to the time."""
    if turn.draft.starts_at is not None and turn.draft.starts_at > turn.context.now():
        return True
    await turn.say(turn.t("time.past"))
    return False
