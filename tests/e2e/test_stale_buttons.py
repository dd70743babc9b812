"""Old buttons, pressed twice, pressed on yesterday's messages: each press answers why it does
nothing, and changes nothing. No press is ever a silent no-op."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import RunningBot, button_data, labels, shown, started, text_of
from tests.e2e.test_actions import make_action, organiser_of
from tests.e2e.test_calls import compose, linked_channel
from tests.e2e.test_channels import broadcaster
from tests.e2e.test_reports import begin
from turnout.sandbox.fakebot import FakeTelegram, FakeUser

CLOSED = "This question is closed"


async def pressed_again(person: FakeUser, message: dict[str, Any], label: str) -> str:
    """Press ``label`` as ``message`` showed it when it arrived (its keyboard may be gone
    since); the text the bot answered the press with."""
    await person.press_data(button_data(message, label), message)
    answer = await person.callback_answer()
    text = str(answer.get("text") or "")
    assert text, f"{label!r} was answered with no reason"
    return text


async def test_finished_questions_answer_that_they_are_closed(
    bot: RunningBot, owner: FakeUser
) -> None:
    """Create pressed twice makes one action; Back after /cancel goes nowhere."""
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Clean River Rally")
    city = await owner.reply()
    await owner.press("Here, in my time zone (UTC)")
    await owner.callback_answer()
    await owner.reply()
    await owner.send("tomorrow 18:00")
    confirm = await owner.reply()
    await owner.press("Yes")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("Skip: it lasts 2 hours")
    await owner.callback_answer()
    await owner.reply()
    await owner.send("The old bridge")
    await owner.reply()
    await owner.press("Skip")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("No limit")
    await owner.callback_answer()
    await owner.reply()
    await owner.press("No reminders")
    await owner.callback_answer()
    preview = await owner.reply()
    assert "That button belongs to an earlier question" in await pressed_again(
        owner, confirm, "Yes"
    )
    await owner.press("Create", message=preview)
    await owner.callback_answer()
    assert "start=act_" in text_of(await owner.reply())
    message = owner.chat.messages[preview["message_id"]]
    await bot.telegram.wait_until(lambda: labels(message.view()) == [])  # its keyboard goes

    assert CLOSED in await pressed_again(owner, preview, "Create")
    assert CLOSED in await pressed_again(owner, city, "◀ Back")
    assert bot.rows("SELECT COUNT(*) FROM actions") == [(1,)]


async def test_a_submitted_or_cancelled_report_says_so(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser
) -> None:
    await started(ana)
    await begin(ana, "Other")
    await ana.send("Leaflets handed out")
    await ana.reply()
    await ana.send("/done")
    summary = await ana.reply()
    await ana.press("Submit", message=summary)
    await ana.callback_answer()
    await ana.reply()
    assert "Already submitted" in await pressed_again(ana, summary, "Submit")
    assert "Already submitted" in await pressed_again(ana, summary, "Add more")

    await begin(ana, "Other")
    await ana.send("Second")
    await ana.reply()
    await ana.send("/done")
    second = await ana.reply()
    await ana.press("Cancel", message=second)
    await ana.callback_answer()
    assert "Report discarded" in text_of(await ana.reply())
    assert "no report in progress" in await pressed_again(ana, second, "Submit")
    assert bot.rows("SELECT status FROM reports") == [("pending",)]


async def test_a_published_calls_options_say_the_call_is_out(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await compose(caster, "Rally at noon", "Clean River News")
    stored = caster.chat.bot_messages()[-1]
    await telegram.wait_until(lambda: "✓ Clean River News" in labels(stored.view()))
    options = stored.view()
    await caster.press("Publish now")
    await caster.callback_answer()
    await caster.reply()
    await bot.outbox_idle()
    for label in ("Publish now", "Preview", "Schedule", "✓ Clean River News"):
        assert CLOSED in await pressed_again(caster, options, label), label
    sent = [c for c in telegram.calls_to("sendMessage") if c.params["chat_id"] == river.id]
    assert len(sent) == 1


async def test_a_cancelled_actions_card_says_so_and_shows_the_card_as_it_is(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    action = await make_action(bot)
    await ana.send(f"/start act_{action.id}")
    *_, ana_card = await ana.replies(2)
    await owner.send(f"/start act_{action.id}")
    *_, card = await owner.replies(2)
    await owner.press("Cancel this action", message=card)
    await owner.callback_answer()
    confirm = await owner.reply()
    await owner.press("Yes, cancel it", message=confirm)
    await owner.callback_answer()
    await owner.edit(of=confirm)

    assert "Answers are closed" in await pressed_again(ana, ana_card, "Going")
    assert "Cancelled" in shown(await ana.edit(of=ana_card))  # the card as it is now
    assert "was cancelled" in await pressed_again(owner, card, "Edit")
    assert "was cancelled" in await pressed_again(owner, confirm, "Yes, cancel it")
    assert bot.rows("SELECT COUNT(*) FROM rsvps") == [(0,)]


async def test_old_and_forged_data_is_out_of_date(bot: RunningBot, ana: FakeUser) -> None:
    greeting = await started(ana)
    for data in ("rpt:submit", "na:back", "nc:publish", "q:999:confirm", "xyz", "rv:ok:x"):
        await ana.press_data(data, greeting)
        answer = await ana.callback_answer()
        assert answer["text"], data
        assert answer["show_alert"] is True


async def test_deleted_calls_unlinked_channels_and_revoked_roles_say_so(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await caster.send("/channels")
    channels = await caster.reply()
    await caster.press("Unlink Clean River News", message=channels)
    await caster.callback_answer()
    assert "already unlinked" in await pressed_again(caster, channels, "Unlink Clean River News")

    await started(ben)
    await owner.send(f"/grant {ben.id} organiser")
    await owner.reply()
    await owner.send("/roles")
    roles = await owner.reply()
    await owner.press("Revoke organiser from Ben", message=roles)
    await owner.callback_answer()
    assert "no longer hold" in await pressed_again(owner, roles, "Revoke organiser from Ben")


async def test_a_decided_report_and_proposal_say_whose_decision_it_was(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    from tests.e2e.test_local_actions import propose
    from tests.e2e.test_review import open_review, submit

    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await submit(ana, "Other", text="Crowd")
    card = await open_review(olga)
    await olga.press("✅ Approve", message=card)
    await olga.callback_answer()
    await olga.edit(of=card)
    assert "decided already: approved" in await pressed_again(olga, card, "⚑ Flag")
    assert bot.rows("SELECT status FROM reports") == [("approved",)]
    assert "was approved" in text_of(await ana.reply(timeout=10))

    await propose(ana)
    notice = await owner.reply()
    await owner.press("✅ Approve", message=notice)
    await owner.callback_answer()
    await owner.edit(of=notice)
    assert "decided already" in await pressed_again(owner, notice, "❌ Reject")
    assert "decided already" in await pressed_again(owner, notice, "✏️ Edit")
    assert bot.rows("SELECT status FROM proposals") == [("approved",)]
