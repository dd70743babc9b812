"""The draft of an action being planned (/newaction) or proposed (/propose): what has been
answered so far, kept as JSON with the open prompt."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from turnout.handlers.common.cities import Place
from turnout.storage import Action, ActionStatus, NewAction


class ActionDraft(BaseModel):
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
    options: list[datetime] = []
    """Two readings of an ambiguous time, for its buttons to pick from."""
    description: str = ""
    capacity: int | None = None
    reminder_minutes: list[int] = []
    expected: int | None = None
    campaign_id: int | None = None

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
        return NewAction(
            title=self.title,
            description=self.description,
            starts_at=self.starts_at,
            timezone=zone,
            place=self.place,
            latitude=self.latitude,
            longitude=self.longitude,
            capacity=self.capacity,
            reminder_minutes=tuple(self.reminder_minutes),
            city_id=self.city_id,
            city=self.city,
            country=self.country,
            host_id=host_id,
            campaign_id=self.campaign_id,
        )

    def as_action(self, zone: str) -> Action:
        """The draft as the card it will become, for the preview."""
        new = self.as_new(zone)
        return Action(
            id=0,
            title=new.title,
            description=new.description,
            starts_at=new.starts_at,
            timezone=new.timezone,
            place=new.place,
            latitude=new.latitude,
            longitude=new.longitude,
            capacity=new.capacity,
            reminder_minutes=new.reminder_minutes,
            status=ActionStatus.PLANNED,
            revision=1,
            created_by=0,
            city=new.city,
            country=new.country,
        )
