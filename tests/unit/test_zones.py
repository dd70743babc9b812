from __future__ import annotations

import pytest

from turnout.scheduler.zones import resolve_timezone
from turnout.views.settings import toggled


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
