"""Red team of the question flows (README, "Questions and buttons"): questions left open, old
and forged buttons, Confirm steps, hostile answers and lapsed questions, as a person under
stress and a hostile one would try them.

Each of the first five sections is a hole found by trying, closed since (every test there
failed before its fix); the last holds what already held, and covers what ``test_prompts`` and
``test_stale_buttons`` do not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.e2e.conftest import (
    OWNER_ID,
    Clock,
    RunningBot,
    button_data,
    labels,
    running,
    shown,
    started,
    text_of,
)
from tests.e2e.test_actions import make_action, organiser_of
from tests.e2e.test_calls import compose, linked_channel, posts_in, publish_text, schedule_text
from tests.e2e.test_channels import broadcaster
from tests.e2e.test_local_actions import propose
from tests.e2e.test_reports import begin
from tests.e2e.test_review import open_review, submit
from turnout.config import Settings
from turnout.sandbox.fakebot import FakeTelegram, FakeUser

WENT_WRONG = "Something went wrong"
EARLIER = "That button belongs to an earlier question"
CLOSED = "This question is closed"
NO_PROMPT = "start with /report"
KETTLED = "Police kettled about 40 of us at the bridge, names: Ana, Ben, Cleo"


# -- helpers -------------------------------------------------------------------------------


async def answer_of(person: FakeUser, data: str, message: dict[str, Any]) -> str:
    """Press ``data`` on ``message`` (as it showed when it arrived); the toast's text."""
    await person.press_data(data, message)
    answer = await person.callback_answer()
    return str(answer.get("text") or "")


async def tap(person: FakeUser, label: str, message: dict[str, Any] | None = None) -> str:
    """Press ``label`` (on ``message``, or the newest message that has it); the toast's text."""
    await person.press(label, message=message)
    answer = await person.callback_answer()
    return str(answer.get("text") or "")


async def open_card(person: FakeUser, action_id: int) -> dict[str, Any]:
    """The action's card, opened with its link (a greeting comes first for a newcomer)."""
    await person.send(f"/start act_{action_id}")
    while True:
        message = await person.reply()
        if "Going" in labels(message):
            return message


async def edit_question(person: FakeUser, action_id: int, field: str) -> dict[str, Any]:
    """Edit → ``field`` on the action's card; the question asking for the new value."""
    card = await open_card(person, action_id)
    await tap(person, "Edit", card)
    menu = await person.reply()
    await tap(person, field, menu)
    return await person.reply()


async def newaction_until_description(owner: FakeUser) -> dict[str, Any]:
    """/newaction answered up to the description; its question."""
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Clean River Rally")
    await owner.reply()
    await tap(owner, "Here, in my time zone (UTC)")
    await owner.reply()
    await owner.send("tomorrow 18:00")
    await owner.reply()
    await tap(owner, "Yes")
    await owner.reply()
    await tap(owner, "Skip: it lasts 2 hours")
    await owner.reply()
    await owner.send("The old bridge")
    question = await owner.reply()
    assert "Describe the action" in text_of(question)
    return question


def steps(bot: RunningBot) -> list[tuple[Any, ...]]:
    return bot.rows("SELECT flow, step FROM prompts")


# -- 1. questions left open ----------------------------------------------------------------


async def test_an_edit_whose_action_was_cancelled_meanwhile_ends_there(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    action = await make_action(bot)
    org = await organiser_of(bot, owner, ana)
    await begin(org, "Other")
    await org.send("Leaflets handed out at the gate")
    await org.reply()
    assert "Send the new title" in text_of(await edit_question(org, action.id, "Title"))
    # Another organiser cancels the action while the first one is typing.
    card = await open_card(owner, action.id)
    await tap(owner, "Cancel this action", card)
    await tap(owner, "Yes, cancel it", await owner.reply())

    await org.send("Tenants' Picket, moved indoors")
    assert "was cancelled" in text_of(await org.reply())
    await org.no_reply(within=0.5)  # said once, and the title went nowhere else
    assert bot.rows("SELECT text FROM reports WHERE status = 'draft'") == [
        ("Leaflets handed out at the gate",)
    ]
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]
    await org.send("Police at the gate, 20 people inside")  # for the report, not the edit
    assert text_of(await org.reply()) == "Text added."


async def test_an_edit_of_someone_whose_role_was_revoked_ends_there(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    action = await make_action(bot)
    org = await organiser_of(bot, owner, ana)
    await edit_question(org, action.id, "Capacity")
    await owner.send(f"/revoke {org.id} organiser")
    await owner.reply()
    await org.reply()  # told of the revoke
    await org.send("25")
    assert "not for you" in text_of(await org.reply())
    await org.no_reply(within=0.5)
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]
    assert bot.rows("SELECT capacity FROM actions") == [(None,)]


async def test_an_edited_answer_never_lands_in_the_report(
    bot: RunningBot, telegram: FakeTelegram, ana: FakeUser
) -> None:
    await started(ana)
    await begin(ana, "Other")
    await ana.send("Leaflets handed out")
    await ana.reply()
    await ana.send("/propose")
    await ana.reply()
    sent = await ana.send("Picket for clean aire")
    assert "In which city" in text_of(await ana.reply())
    # She fixes the typo in the title she sent, as Telegram lets her.
    edited = {**sent, "text": "Picket for clean air", "edit_date": sent["date"] + 5}
    telegram.push_update({"edited_message": edited})
    await ana.reply()
    assert bot.rows("SELECT text FROM reports WHERE status = 'draft'") == [("Leaflets handed out",)]
    assert steps(bot) == [("propose", "city")]


async def test_a_question_left_for_a_button_elsewhere_never_takes_a_later_report(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    await started(ana)
    action = await make_action(bot)
    card = await open_card(owner, action.id)
    await propose(ana)
    notice = await owner.reply()
    await begin(owner, "Other")
    await tap(owner, "✏️ Edit", notice)
    await tap(owner, "Title", await owner.reply())
    assert "Send the new title" in text_of(await owner.reply())
    await tap(owner, "Going", card)  # something else now, with a button
    assert "Closed without saving anything" in text_of(await owner.reply())

    await owner.send(KETTLED)
    assert text_of(await owner.reply()) == "Text added."
    assert bot.rows("SELECT title FROM proposals") == [("Picket for clean air",)]
    assert bot.rows("SELECT text FROM reports WHERE status = 'draft'") == [(KETTLED,)]


async def test_an_invisible_title_is_refused(bot: RunningBot, owner: FakeUser) -> None:
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("\u200b\u200b\u2060\ufeff")
    assert "at most 120 characters" in text_of(await owner.reply())
    assert steps(bot) == [("newaction", "title")]


# -- 2. buttons ----------------------------------------------------------------------------


async def test_a_double_tapped_skip_answers_only_its_own_question(
    bot: RunningBot, owner: FakeUser
) -> None:
    description = await newaction_until_description(owner)
    skip = button_data(description, "Skip")
    await answer_of(owner, skip, description)
    assert "How many people" in text_of(await owner.reply())
    assert EARLIER in await answer_of(owner, skip, description)  # the second tap
    await owner.no_reply(within=0.5)  # not the reminders question: capacity is unanswered
    assert steps(bot) == [("newaction", "capacity")]


async def test_confirm_under_an_earlier_preview_does_not_publish_the_later_text(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await publish_text(caster, "Rally at noon", "Clean River News", subscribers=False)
    await bot.outbox_idle()
    await caster.send("/calls")
    await tap(caster, "Edit #1", await caster.reply())
    await caster.reply()
    await caster.send("Rally at noon, bring water")
    *_, first = await caster.replies(3)
    await tap(caster, "✏️ Change", first)
    await caster.reply()
    await caster.send("Rally called off, stay home")
    *_, second = await caster.replies(3)
    assert "✅ Confirm" in labels(second)

    # The one that read "bring water" is pressed.
    assert EARLIER in await answer_of(caster, button_data(first, "✅ Confirm"), first)
    await bot.outbox_idle()
    assert bot.rows("SELECT text FROM calls") == [("Rally at noon",)]
    assert [post["text"] for post in posts_in(telegram, river.id)] == ["Rally at noon"]


async def test_publish_posts_only_to_the_channels_its_message_shows(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    tenants = await linked_channel(bot, telegram, caster, "Tenants United", "tenants")
    await caster.send("/newcall")
    await caster.reply()
    await caster.send("Rally at noon")
    before = await caster.reply()
    await tap(caster, "Clean River News", before)
    await tap(caster, "Preview", before)
    *_, after = await caster.replies(3)
    assert "✓ Clean River News" in labels(after) and "Tenants United" in labels(after)

    assert EARLIER in await tap(caster, "Tenants United", before)  # the older message
    await tap(caster, "Publish now", after)
    await caster.reply()
    await bot.outbox_idle()
    assert posts_in(telegram, tenants.id) == []


# -- 3. Confirm steps ----------------------------------------------------------------------


async def test_confirm_of_a_time_that_passed_meanwhile_asks_for_the_time_again(
    bot: RunningBot, owner: FakeUser
) -> None:
    action = await make_action(bot)
    await edit_question(owner, action.id, "Time (postpone)")
    await owner.send("in 5 minutes")
    confirm = await owner.reply()
    assert "New: " in shown(confirm)
    bot.clock.advance(timedelta(minutes=6))  # the question itself waits 10 minutes
    assert "already passed" in await tap(owner, "✅ Confirm", confirm)
    assert "Send the new time" in text_of(await owner.reply())  # asked again
    await owner.send("tomorrow 19:00")
    assert "New: " in shown(await owner.reply())


async def test_a_long_description_can_be_confirmed(bot: RunningBot, owner: FakeUser) -> None:
    long_title = ("Tenants' Picket at the housing office " * 4)[:120]
    before = ("Bring banners. " * 134)[:2000]  # as long as a description may be
    action = await make_action(bot, title=long_title, description=before)
    await edit_question(owner, action.id, "Description")
    await owner.send(("Bring water and warm clothes. " * 67)[:2000])
    confirm = await owner.reply()
    assert WENT_WRONG not in text_of(confirm)
    assert "✅ Confirm" in labels(confirm)


async def test_a_reminder_of_90_minutes_is_confirmed_as_90_minutes(
    bot: RunningBot, owner: FakeUser
) -> None:
    action = await make_action(bot)
    await edit_question(owner, action.id, "Reminders")
    await owner.send("90m")
    confirm = shown(await owner.reply())
    assert "New: " in confirm
    assert "2 hours" not in confirm


async def test_a_scheduled_call_of_a_revoked_broadcaster_is_not_published(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    assert "Scheduled for" in text_of(
        await schedule_text(caster, "Rally at noon", "Clean River News")
    )
    await owner.send(f"/revoke {caster.id} broadcaster")
    await owner.reply()
    assert "no longer broadcaster" in text_of(await caster.reply())
    await bot.skip(timedelta(minutes=3))

    held = "Scheduled call #1 was not published"
    assert held in text_of(await caster.reply(timeout=10))  # the author, and the owners
    assert held in text_of(await owner.reply(timeout=10))
    await bot.outbox_idle()
    assert posts_in(telegram, river.id) == []
    assert bot.rows("SELECT status FROM calls") == [("draft",)]


# -- 4. hostile answers --------------------------------------------------------------------


async def test_a_huge_reminder_offset_is_refused(bot: RunningBot, owner: FakeUser) -> None:
    await newaction_until_description(owner)
    await tap(owner, "Skip")
    await owner.reply()
    await tap(owner, "No limit")
    await owner.reply()
    await owner.send("99999999999d")
    assert "Please send durations" in text_of(await owner.reply())
    assert steps(bot) == [("newaction", "reminders")]


async def test_a_reminder_before_the_calendar_begins_is_refused(
    bot: RunningBot, owner: FakeUser
) -> None:
    action = await make_action(bot)
    await edit_question(owner, action.id, "Reminders")
    await owner.send("1000000d")
    answer = await owner.reply()
    toast = await tap(owner, "✅ Confirm", answer) if "✅ Confirm" in labels(answer) else ""
    assert WENT_WRONG not in toast
    assert "years" not in shown(answer)
    assert bot.rows("SELECT reminder_minutes FROM actions") == [("",)]


async def test_an_impossible_time_is_not_read_as_now(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await compose(caster, "Rally at noon", "Clean River News")
    await tap(caster, "Schedule")
    await caster.reply()
    await caster.send("tomorrow 25:00")  # dateparser alone reads this as the current time
    assert "Scheduled for" not in text_of(await caster.reply())
    assert bot.rows("SELECT COUNT(*) FROM calls") == [(0,)]


async def test_a_time_with_an_invisible_character_is_read_as_it_shows(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await compose(caster, "Rally at noon", "Clean River News")
    await tap(caster, "Schedule")
    await caster.reply()
    await caster.send("tomorrow 1\u200b8:00")  # a zero-width space pasted inside
    assert "Scheduled for" in text_of(await caster.reply())
    [(publish_at,)] = bot.rows("SELECT publish_at FROM calls")
    assert " 18:00:00" in publish_at  # the bot's zone is UTC


# -- 5. lapsed questions -------------------------------------------------------------------


async def test_a_lapse_after_90_minutes_says_90_minutes(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    owner = telegram.add_user("Olga", user_id=OWNER_ID)
    async with running(make_settings(prompt_timeout="90m"), clock, telegram) as bot:
        await owner.send("/newaction")
        await owner.reply()
        await bot.skip(timedelta(minutes=91))
        lapsed = text_of(await owner.reply(timeout=10))
        assert "No answer for" in lapsed
        assert "2 hours" not in lapsed


async def test_confirm_of_a_reason_for_a_report_decided_meanwhile_says_so_there(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    await started(owner)
    org = await organiser_of(bot, owner, ben)
    await started(ana)
    await submit(ana, "Other", text="Crowd at the bridge")
    await tap(org, "✖ Reject", await open_review(org))
    await org.reply()
    await org.send("Blurry, and faces can be recognised")
    confirm = await org.reply()
    await tap(owner, "✅ Approve", await open_review(owner))

    assert "Already decided by Olga" in await tap(org, "✅ Confirm", confirm)
    assert bot.rows("SELECT status, review_note FROM reports") == [("approved", None)]
    assert "was approved" in text_of(await ana.reply(timeout=10))
    await ana.no_reply(within=0.5)


async def test_confirm_of_a_reason_for_a_proposal_decided_meanwhile_says_so_there(
    bot: RunningBot, owner: FakeUser, ana: FakeUser, ben: FakeUser
) -> None:
    await started(owner)
    org = await organiser_of(bot, owner, ben)
    await started(ana)
    await propose(ana)
    notice, org_notice = await owner.reply(), await org.reply()
    await tap(org, "❌ Reject", org_notice)
    await org.reply()
    await org.send("Too close to the other picket")
    confirm = await org.reply()
    await tap(owner, "✅ Approve", notice)

    assert "decided" in await tap(org, "✅ Confirm", confirm)
    assert bot.rows("SELECT status, reason FROM proposals") == [("approved", None)]


# -- what held up --------------------------------------------------------------------------


async def test_a_text_in_a_group_is_not_an_answer_to_the_private_question(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser
) -> None:
    group = telegram.add_group("Organisers", owner=owner, bot_status="administrator")
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("Clean River Rally", chat=group)
    await owner.send("/cancel", chat=group)
    await owner.no_reply(within=0.5)
    assert steps(bot) == [("newaction", "title")]
    await owner.send("Clean River Rally")
    assert "In which city" in text_of(await owner.reply())


async def test_a_button_carrying_someone_elses_question_changes_nothing(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(ana)
    await ana.send("/propose")
    await ana.reply()
    [(ana_prompt,)] = bot.rows("SELECT id FROM prompts WHERE user_id = :u", u=ana.id)
    description = await newaction_until_description(owner)
    [(olga_prompt,)] = bot.rows("SELECT id FROM prompts WHERE user_id = :u", u=owner.id)
    # Each forges the other's question id, with a choice the other's step would take.
    assert CLOSED in await answer_of(owner, f"q:{ana_prompt}:skip", description)
    greeting = ana.inbox[0]
    assert CLOSED in await answer_of(ana, f"q:{olga_prompt}:skip", greeting)
    assert CLOSED in await answer_of(ana, f"q:{olga_prompt}:back", greeting)
    await owner.no_reply(within=0.5)
    await ana.no_reply(within=0.5)
    assert sorted(steps(bot)) == [("newaction", "description"), ("propose", "title")]
    assert "Describe the action" in text_of(owner.inbox[-1])  # Olga's question still shows


async def test_mangled_question_buttons_are_answered_and_change_nothing(
    bot: RunningBot, owner: FakeUser
) -> None:
    description = await newaction_until_description(owner)
    [(prompt,)] = bot.rows("SELECT id FROM prompts")
    for data in (
        "q",
        "q:",
        f"q:{prompt}",
        "q:\u0661:skip",  # an Arabic-Indic digit
        f"q:{prompt}:skip:0:extra",
        "q:" + "9" * 17 + ":skip",
        f"q:{prompt}:" + "s" * 13,
        f"q:{prompt}:skip:" + "9" * 60,  # over 64 bytes
        f"q:{prompt}:sk\u200bip",
        f"q:{prompt}:skip:\u0661",
        f"q:{prompt}:create",  # the preview's choice, at the description
        f"q:-{prompt}:skip",
        None,
    ):
        await owner.press_data(data, description)
        answer = str((await owner.callback_answer()).get("text") or "")
        assert answer, data
        assert WENT_WRONG not in answer, data
    await owner.no_reply(within=0.5)
    assert steps(bot) == [("newaction", "description")]
    assert bot.rows("SELECT COUNT(*) FROM actions") == [(0,)]


async def test_confirm_after_a_restart_saves_what_was_shown(
    telegram: FakeTelegram, make_settings: Callable[..., Settings], clock: Clock
) -> None:
    settings = make_settings()
    owner = telegram.add_user("Olga", user_id=OWNER_ID)
    async with running(settings, clock, telegram) as bot:
        action = await make_action(bot)
        await edit_question(owner, action.id, "Title")
        await owner.send("<b>Picket</b> {title} & co")
        confirm = await owner.reply()
        assert "New: <b>Picket</b> {title} & co" in shown(confirm)
    async with running(settings, clock, telegram) as bot:
        await tap(owner, "✅ Confirm", confirm)
        assert text_of(await owner.reply()) == "Saved."
        assert bot.rows("SELECT title FROM actions") == [("<b>Picket</b> {title} & co",)]
        assert CLOSED in await answer_of(owner, button_data(confirm, "✅ Confirm"), confirm)


async def test_create_after_the_role_was_revoked_writes_nothing(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    org = await organiser_of(bot, owner, ana)
    await newaction_until_description(org)
    await tap(org, "Skip")
    await org.reply()
    await tap(org, "No limit")
    await org.reply()
    await tap(org, "No reminders")
    preview = await org.reply()
    await owner.send(f"/revoke {org.id} organiser")
    await owner.reply()
    await org.reply()
    assert "not for you" in await tap(org, "Create", preview)
    assert bot.rows("SELECT COUNT(*) FROM actions") == [(0,)]
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]


async def test_a_call_deleted_while_its_edit_waits_for_confirm_is_not_edited(
    bot: RunningBot, telegram: FakeTelegram, owner: FakeUser, ana: FakeUser
) -> None:
    caster = await broadcaster(owner, ana)
    river = await linked_channel(bot, telegram, caster, "Clean River News", "cleanriver")
    await publish_text(caster, "Rally at noon", "Clean River News", subscribers=False)
    await bot.outbox_idle()
    await caster.send("/calls")
    listing = await caster.reply()
    await tap(caster, "Edit #1", listing)
    await caster.reply()
    await caster.send("Rally at noon, bring water")
    *_, confirm = await caster.replies(3)
    await started(owner)
    await owner.send("/calls")  # another broadcaster (the owner) deletes it meanwhile
    await tap(owner, "Delete #1", await owner.reply())
    await tap(owner, "Yes, delete every copy", await owner.reply())
    await bot.outbox_idle()

    assert "can no longer be changed" in await tap(caster, "✅ Confirm", confirm)
    await bot.outbox_idle()
    assert not telegram.calls_to("editMessageText") or all(
        call.params["chat_id"] != river.id for call in telegram.calls_to("editMessageText")
    )
    assert bot.rows("SELECT status, text FROM calls") == [("deleted", "Rally at noon")]


async def test_a_lapse_is_told_in_the_persons_language(
    bot: RunningBot, telegram: FakeTelegram
) -> None:
    claire = telegram.add_user("Claire", language_code="fr")
    await started(claire)
    await claire.send("/propose")
    await claire.reply()
    await bot.skip(timedelta(minutes=11))
    lapsed = text_of(await claire.reply(timeout=10))
    assert "Pas de réponse depuis 10 minutes" in lapsed
    assert "ta proposition" in lapsed


async def test_forgetme_confirmed_while_a_question_is_open_closes_it(
    bot: RunningBot, ana: FakeUser
) -> None:
    await started(ana)
    await ana.send("/forgetme")
    asked = await ana.reply()
    await ana.send("/propose")
    await ana.reply()
    await ana.send("Picket for clean air")
    assert "In which city" in text_of(await ana.reply())
    await tap(ana, "Delete everything", asked)
    await ana.edit(of=asked)
    assert bot.rows("SELECT COUNT(*) FROM prompts") == [(0,)]
    await ana.send("Lisboa")  # no question now: not a city for a proposal
    assert "In which city" not in text_of(await ana.reply())
    assert bot.rows("SELECT COUNT(*) FROM proposals") == [(0,)]


async def test_hostile_titles_are_kept_exactly_or_refused(bot: RunningBot, owner: FakeUser) -> None:
    await owner.send("/newaction")
    await owner.reply()
    await owner.send("x" * 4097)
    assert "at most 120 characters" in text_of(await owner.reply())
    await owner.send("   ")
    assert "at most 120 characters" in text_of(await owner.reply())
    title = "<b>Rally</b> {title} %s \u202eevil\u202c\x00 & <i>"
    await owner.send(title)
    assert "In which city" in text_of(await owner.reply())
    assert steps(bot) == [("newaction", "city")]
    [(data,)] = bot.rows("SELECT data FROM prompts")
    assert '"title":"<b>Rally</b> {title} %s' in data


async def test_non_ascii_digits_are_refused_as_a_capacity(bot: RunningBot, owner: FakeUser) -> None:
    await newaction_until_description(owner)
    await tap(owner, "Skip")
    await owner.reply()
    for typed in ("\u0663\u0660", "\uff13\uff10", "30\u200b", "1e3", "-5", "99999999999999999"):
        await owner.send(typed)
        assert "number" in text_of(await owner.reply()), typed
    assert steps(bot) == [("newaction", "capacity")]


async def test_confirm_pressed_after_the_time_ran_out_says_so_and_saves_nothing(
    bot: RunningBot, owner: FakeUser
) -> None:
    action = await make_action(bot)
    await edit_question(owner, action.id, "Title")
    await owner.send("Tenants' Picket, moved indoors")
    confirm = await owner.reply()
    bot.clock.advance(timedelta(minutes=11))  # the scheduler is not woken
    assert CLOSED in await tap(owner, "✅ Confirm", confirm)
    assert "No answer for 10 minutes" in text_of(await owner.reply())
    await bot.skip(timedelta(0))
    await owner.no_reply(within=0.5)  # told once
    assert bot.rows("SELECT title FROM actions") == [("Tenants' Picket",)]


async def test_a_hostile_reason_is_confirmed_and_sent_exactly_or_refused(
    bot: RunningBot, owner: FakeUser, ana: FakeUser
) -> None:
    await started(owner)
    olga = await organiser_of(bot, owner, owner)
    await started(ana)
    await submit(ana, "Other", text="Crowd at the bridge")
    await tap(olga, "✖ Reject", await open_review(olga))
    await olga.reply()
    await olga.send("x" * 4097)
    assert "500" in text_of(await olga.reply())
    reason = "<b>Blurry</b> {reason} {{id}} & \u202eface\u202c visible"
    await olga.send(reason)
    confirm = await olga.reply()
    assert f"Note from the reviewers: {reason}" in shown(confirm)
    await tap(olga, "✅ Confirm", confirm)
    assert f"Note from the reviewers: {reason}" in shown(await ana.reply(timeout=10))
    assert bot.rows("SELECT review_note FROM reports") == [(reason,)]
