"""``/stats``: the counts an organiser needs, and a chart that is a real PNG."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from PIL import Image

from tests.e2e.conftest import RunningBot, shown, started
from tests.e2e.test_actions import organiser_of
from tests.e2e.test_reports import an_action
from tests.e2e.test_review import submit
from turnout.sandbox.fakebot import FakeTelegram, FakeUser
from turnout.storage import Answer


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {"report_rate": 20}


async def test_stats_counts_and_charts(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    rally = await an_action(bot, "River Rally")
    other = await an_action(bot, "Bike Ride")
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await started(ben)
    data = bot.services
    before = rally.starts_at - timedelta(days=1)
    await data.store.answer_rsvp(rally.id, ana.id, Answer.GOING, before)
    await data.store.answer_rsvp(rally.id, ben.id, Answer.MAYBE, before)
    await data.store.answer_rsvp(other.id, ben.id, Answer.GOING, before)
    await submit(ana, "River Rally", text="One")
    await submit(ben, "Bike Ride", text="Two")

    await olga.send(f"/stats {rally.id}")
    counts = shown(await olga.reply())
    assert "River Rally" in counts
    assert "2 RSVPs: 1 going, 1 maybe, 0 can't go, 0 on the waitlist" in counts
    assert "1 report: 1 waiting for review, 0 approved" in counts
    assert "3 members (3 reachable, 0 subscribed to calls)" in counts
    chart = await telegram.wait_for_call("sendPhoto")
    [upload] = chart.files.values()
    assert upload.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(upload.content)).size == (800, 500)
    assert (await olga.reply())["photo"]

    await olga.send("/stats")
    assert "All actions" in shown(await olga.reply())
    await olga.reply()  # its chart
    await olga.send("/stats 999")
    assert "There is no action 999" in shown(await olga.reply())
