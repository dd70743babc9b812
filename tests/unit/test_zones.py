from __future__ import annotations

import pytest

from turnout.scheduler.zones import resolve_timezone
from turnout.views.settings import toggled
from turnout.views.timefmt import zone_label


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Belgrade", "Europe/Belgrade"),
        ("novi sad", "Europe/Belgrade"),
        ("Београд", "Europe/Belgrade"),
        ("New York", "America/New_York"),
        ("Europe/Paris", "Europe/Paris"),
        ("europe/paris", "Europe/Paris"),
        ("UTC", "UTC"),
        ("UTC+2", "Etc/GMT-2"),
        ("GMT-3", "Etc/GMT+3"),
        ("+0", "UTC"),
    ],
)
def test_places_zones_and_offsets(text: str, zone: str) -> None:
    assert resolve_timezone(text) == zone


@pytest.mark.parametrize("text", ["", "Atlantis City", "UTC+15", "+05:30"])
def test_what_cannot_be_placed(text: str) -> None:
    assert resolve_timezone(text) is None


def test_reminder_toggles() -> None:
    offered = [1440, 120]
    assert toggled(None, offered, 1440) == (120,)
    assert toggled((120,), offered, 120) == ()
    assert toggled((120,), offered, 1440) is None  # everything on again: "all"
    assert toggled((), offered, 15) == (15,)


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("UTC+14", "UTC+14"), ("utc-5", "UTC-5"), ("+2", "UTC+2"), ("GMT-11", "UTC-11")],
)
def test_an_offset_is_shown_as_typed_not_as_its_inverted_etc_name(typed: str, shown: str) -> None:
    zone = resolve_timezone(typed)
    assert zone is not None and zone.startswith("Etc/GMT")
    assert zone_label(zone) == shown


def test_named_zones_are_shown_as_they_are() -> None:
    assert zone_label("Europe/Lisbon") == "Europe/Lisbon"
    assert zone_label("UTC") == "UTC"
