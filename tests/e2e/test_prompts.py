"""Questions left open, as people under stress leave them: a question belongs to the flow that
asked it, and nothing typed later for something else lands in it.

The red-team case this guards: a broadcaster pressed Edit on a published call, said nothing,
later sent /report and typed what happened at the bridge, names included. The channel post must
not be rewritten with that text, and the report must hold it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.e2e.conftest import OWNER_ID, Clock, RunningBot, running, shown, started, text_of
from tests.e2e.test_actions import make_action, organiser_of
from tests.e2e.test_calls import linked_channel, posts_in, publish_text
from tests.e2e.test_channels import broadcaster
from tests.e2e.test_review import open_review, submit
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser

KETTLED = "Police kettled about 40 of us at the bridge, names: Ana, Ben, Cleo"


async def report_text(member: FakeUser, text: str) -> None:
    """/report, about "Other", and a text: as a member on the street sends it."""
    await member.send("/report")
    replies = [text_of(message) for message in await member.replies(2)]
    assert "Closed without saving anything" in replies[0]  # the question left is closed
    assert "Which action" in replies[1]
    await member.press("Other")
    await member.callback_answer()
    await member.reply()
    await member.send(text)
    assert text_of(await member.reply()) == "Text added."


async def test_an_unanswered_call_edit_never_takes_a_later_report(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await publish_text(caster, "Rally at noon", "Clean River News", subscribers=False)
    await bot.outbox_idle()
    await caster.send("/calls")
    await caster.press("Edit #1", message=await caster.reply())
    await caster.callback_answer()
    assert "Send the new text of call #1" in text_of(await caster.reply())

    await report_text(caster, KETTLED)

    await bot.outbox_idle()
    [post] = posts_in(telegram, river.id)
    assert post["text"] == "Rally at noon"
    assert not [c for c in telegram.calls_to("editMessageText") if c.params["chat_id"] == river.id]
    assert bot.rows("SELECT text FROM calls") == [("Rally at noon",)]
    assert bot.rows("SELECT text FROM reports WHERE status = 'draft'") == [(KETTLED,)]


async def test_an_unanswered_action_edit_never_takes_a_later_report(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    action = await make_action(bot)
    await ben.send(f"/start act_{action.id}")
    await ben.replies(2)
    await ben.press("Going")
    await ben.callback_answer()
    org = await organiser_of(bot, owner, ana)
    await org.send(f"/start act_{action.id}")
    await org.press("Edit", message=await org.reply())
    await org.press("Place", message=await org.reply())
    assert "Send the new place" in text_of(await org.reply())

    await report_text(org, KETTLED)

    assert bot.rows("SELECT place FROM actions") == [("Housing office",)]
    assert bot.rows("SELECT COUNT(*) FROM action_notices") == [(0,)]
    assert bot.rows("SELECT text FROM reports WHERE status = 'draft'") == [(KETTLED,)]
    await bot.skip(timedelta(minutes=3))  # no change notice falls due either
    await ben.no_reply(within=0.5)


async def test_an_unanswered_reason_never_takes_a_later_report(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    number = await submit(ana, "Other", text="Blurry")
    card = await open_review(olga)
    await olga.press("✖ Reject", message=card)
    await olga.callback_answer()
    assert "Why is it not accepted?" in text_of(await olga.reply())

    await report_text(olga, KETTLED)

    assert bot.rows("SELECT status, review_note FROM reports WHERE id = :id", id=number) == [
        ("pending", None)
    ]
    assert bot.rows("SELECT text FROM reports WHERE status = 'draft'") == [(KETTLED,)]
    await ana.no_reply(within=0.5)  # the member was told nothing


async def test_a_prompt_left_for_ten_minutes_lapses_and_says_so(
    bot: RunningBot, owner: FakeUser
) -> None:
    action = await make_action(bot)
    await owner.send(f"/start act_{action.id}")
    await owner.replies(2)
    await owner.press("Edit")
    await owner.press("Description", message=await owner.reply())
    question = await owner.reply()
    assert "Send the new description" in text_of(question)

    await bot.skip(timedelta(minutes=11))
    lapsed = text_of(await owner.reply(timeout=10))
    assert "No answer for 10 minutes" in lapsed
    assert "the change to an action" in lapsed
    await owner.send("Bring banners")  # no question now: not a description
    assert "start with /report" in text_of(await owner.reply())
    assert bot.rows("SELECT description FROM actions") == [("Outside the housing office.",)]


async def test_a_prompt_found_expired_before_the_scheduler_looks_says_so_first(
    bot: RunningBot, owner: FakeUser
) -> None:
    """The person writes after the time ran out, before the scheduler closed the question."""
    await owner.send("/newaction")
    await owner.reply()
    bot.clock.advance(timedelta(minutes=11))  # the scheduler is not woken
    await owner.send("Clean River Rally")
    lapsed, then = await owner.replies(2)
    assert "No answer for 10 minutes" in text_of(lapsed)
    assert "the new action" in text_of(lapsed)
    assert "start with /report" in text_of(then)
    await bot.skip(timedelta(0))
    await owner.no_reply(within=0.5)  # told once, not again by the scheduler
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]


async def test_a_restart_keeps_an_open_question(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    owner = telegram.add_user("Olga", user_id=OWNER_ID)
    async with running(settings, clock, telegram):
        await owner.send("/newaction")
        assert "What is the action called?" in text_of(await owner.reply())
    async with running(settings, clock, telegram):
        await owner.send("Clean River Rally")
        assert "In which city" in text_of(await owner.reply())


async def test_starting_another_flow_closes_the_first_and_says_so(
    bot: RunningBot, owner: FakeUser
) -> None:
    await started(owner)
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("/propose")
    closed, asked = await owner.replies(2)
    assert "Closed without saving anything: the new action" in text_of(closed)
    assert "What is it called" in text_of(asked)
    await owner.send("Clean air picket")
    assert "In which city" in text_of(await owner.reply())
    assert bot.rows("SELECT flow, step FROM prompts") == [("propose", "city")]


async def test_cancel_stays_with_the_question_and_other_commands_close_it(
    bot: RunningBot, owner: FakeUser
) -> None:
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("/cancel")
    assert "nothing was created" in text_of(await owner.reply())
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]

    await owner.send("/newaction")
    await owner.reply()
    await owner.send("/help")
    closed, helped = await owner.replies(2)
    assert "Closed without saving anything: the new action" in text_of(closed)
    assert "/newaction" in text_of(helped)
    await owner.send("Clean River Rally")
    assert "start with /report" in text_of(await owner.reply())


async def test_a_photo_for_a_report_is_not_taken_as_an_answer(
    bot: RunningBot, owner: FakeUser
) -> None:
    await owner.send("/newaction")
    await owner.reply()
    await owner.send_photo()
    assert "I am waiting for the title" in shown(await owner.reply())
    await owner.send("Clean River Rally")
    assert "In which city" in text_of(await owner.reply())
    assert bot.rows("SELECT COUNT(*) FROM report_media") == [(0,)]


async def test_back_and_skip_work_as_commands_too(bot: RunningBot, owner: FakeUser) -> None:
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("/back")
    assert "nothing to go back to" in text_of(await owner.reply())
    await owner.send("Clean River Rally")
    await owner.reply()
    await owner.send("/back")
    assert "What is the action called?" in text_of(await owner.reply())
