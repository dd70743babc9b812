"""The sandbox page in a real browser (Debian's chromium, driven by Playwright), used as a
newcomer would: a member answers, the organiser sees it, the broadcaster posts a call to the
channel, and its "I'm going" button leads into the bot; on the day of the action under way, a
member checks in, the organiser sees it and sends an urgent alert, and another member reads it.

Screenshots of the main screens go to ``$SCREENSHOTS`` (``make screenshots`` writes the
README's ``docs/sandbox-*.png``), else to the test's temporary folder.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, async_playwright, expect

from turnout.sandbox import demo
from turnout.sandbox.runner import Sandbox

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OMAR, BEA, ANA, MARKO = 100002, 100003, 100004, 100005
MARCH = "March for Clean Air"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        raise RuntimeError("CI=true needs chromium for the browser test: apt-get install chromium")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
async def page(sandbox: Sandbox) -> AsyncIterator[Page]:
    async with async_playwright() as driver:
        browser = await driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        # The demo's zone, so the page's clock and times agree with the cards' (Belgrade time).
        context = await browser.new_context(
            viewport={"width": 1280, "height": 800}, timezone_id=demo.DEMO_ZONE.key
        )
        opened = await context.new_page()
        problems: list[str] = []
        opened.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        opened.on("pageerror", lambda error: problems.append(str(error)))
        # Nothing may be fetched from anywhere but the sandbox itself.
        outside: list[str] = []
        opened.on(
            "request",
            lambda r: None if r.url.startswith(sandbox.url) else outside.append(r.url),
        )
        opened.set_default_timeout(10_000)
        await opened.goto(sandbox.url)
        yield opened
        await browser.close()
    assert not problems, problems
    assert not outside, outside


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    wanted = os.environ.get("SCREENSHOTS")
    # Relative to the project: the tests run in a temporary working directory.
    folder = Path(__file__).parents[2] / wanted if wanted else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def snap(page: Page, path: Path) -> None:
    """A screenshot without the passing toast of an earlier click."""
    toast = page.locator("#toast")
    await toast.evaluate("t => { t.style.visibility = 'hidden'; }")
    await page.screenshot(path=str(path))
    await toast.evaluate("t => { t.style.visibility = ''; }")


async def as_persona(page: Page, persona: int) -> None:
    await page.click(f'button.persona[data-persona="{persona}"]')
    await expect(page.locator(f'button.persona[data-persona="{persona}"]')).to_have_class(
        "persona active"
    )
    await expect(page.locator("#chat-title")).to_have_text(demo.BOT_NAME)
    # Every persona's private chat is titled with the bot's name: wait for the page to have
    # opened this persona's own, or the next message goes to the previous persona's chat.
    await expect(page).to_have_url(re.compile(rf"[#&]c={persona}(&|$)"))


async def say(page: Page, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    await expect(page.locator("#text")).to_have_text("")


def last_message_with(page: Page, text: str) -> Locator:
    return page.locator("#messages div.message", has_text=text).last


async def open_action(page: Page, title: str = "Picket at City Hall") -> None:
    await say(page, "/actions")
    listing = last_message_with(page, "Upcoming actions")
    await listing.locator("button.kb", has_text=title).click()


async def test_a_member_an_organiser_and_a_broadcaster_use_the_page(
    sandbox: Sandbox, page: Page, shots: Path
) -> None:
    # A member starts the bot from the command menu and answers "Going".
    await as_persona(page, ANA)
    await page.click("#commands-button")
    await page.get_by_text("/start", exact=True).click()
    await expect(last_message_with(page, "Welcome")).to_be_visible()
    await open_action(page)
    card = last_message_with(page, "1 going")
    await expect(card).to_be_visible()
    await card.locator("button.kb", has_text="Going").first.click()
    await expect(page.locator("#toast")).to_have_text("Noted: going.")
    await expect(last_message_with(page, "2 going")).to_be_visible()
    await expect(page.locator("button.kb", has_text="✓ Going")).to_be_visible()
    await snap(page, shots / "sandbox-member.png")

    # The organiser sees her answer on the action's card.
    await as_persona(page, OMAR)
    await open_action(page)
    await expect(last_message_with(page, "2 going")).to_be_visible()
    await expect(last_message_with(page, "2 going").locator("button.kb")).to_contain_text(["Edit"])
    await snap(page, shots / "sandbox-organiser.png")

    # The broadcaster writes a call, links the action and publishes it to the channel.
    await as_persona(page, BEA)
    await say(page, "/newcall")
    await expect(last_message_with(page, "Send the call")).to_be_visible()
    await say(page, "Picket at City Hall on Sunday: come, bring a friend!")
    targets = last_message_with(page, "Demo Channel")
    await targets.locator("button.kb", has_text="Demo Channel").click()
    await expect(targets.locator("button.kb", has_text="✓")).to_be_visible()
    await targets.locator("button.kb", has_text="Link an action").click()
    await (
        last_message_with(page, "Picket at City Hall")
        .locator("button.kb", has_text="Picket at City Hall")
        .click()
    )
    await expect(last_message_with(page, "Linked action")).to_be_visible()
    await page.locator("#messages button.kb", has_text="Publish now").last.click()
    channel = page.locator(f'button.chat[data-chat="{demo.CHANNEL_ID}"]')
    await expect(channel).to_have_class("chat unread")
    await channel.click()
    await expect(page.locator("#chat-title")).to_have_text("Demo Channel")
    post = last_message_with(page, "come, bring a friend")
    await expect(post.locator("button.kb")).to_have_text(["I'm going", "Send a report"])
    await expect(page.locator("#composer")).to_be_hidden()
    # The bot's status message in Bea's chat list has said its last word (not mid-delivery).
    await expect(page.locator("button.chat", has_text="Delivered to")).to_be_visible()
    await snap(page, shots / "sandbox-channel.png")

    # "I'm going" on the post opens the bot chat, which answers with the action's card.
    await post.locator("button.kb", has_text="I'm going").click()
    await expect(page.locator("#chat-title")).to_have_text(demo.BOT_NAME)
    await expect(page.locator("#messages div.message.mine").last).to_contain_text("/start act_1")
    await expect(last_message_with(page, "Picket at City Hall")).to_contain_text("2 going")

    # The organiser also has the review group; the clock can be moved a day ahead.
    await as_persona(page, OMAR)
    await page.click(f'button.chat[data-chat="{demo.REVIEW_GROUP_ID}"]')
    await expect(page.locator("#chat-title")).to_have_text("Review group")
    await page.select_option("#skip-by", "1440")
    await page.click("#skip")
    await expect(page.locator("#clock")).to_contain_text("ahead")
    assert sandbox.clock.offset.days == 1
    for name in ("sandbox-member.png", "sandbox-channel.png", "sandbox-organiser.png"):
        assert (shots / name).stat().st_size > 10_000


async def test_a_call_is_written_with_bold_and_a_link_and_shown_with_them(
    sandbox: Sandbox, page: Page
) -> None:
    await as_persona(page, BEA)
    await say(page, "/newcall")
    await expect(last_message_with(page, "Send the call")).to_be_visible()

    # Typed, then formatted as in Telegram: select the words, choose from the menu.
    await page.click("#text")
    await page.keyboard.type("Picket tonight, map")
    await expect(page.locator("#format-menu")).to_be_hidden()
    await page.keyboard.press("Shift+Control+ArrowLeft")  # "map"
    await expect(page.locator("#format-menu")).to_be_visible()
    await page.click('#format-menu [data-format="link"]')
    await page.fill("#link-url", "example.org/map")
    await page.press("#link-url", "Enter")
    await page.keyboard.press("Control+Home")
    await page.keyboard.press("Shift+Control+ArrowRight")  # "Picket"
    await page.click('#format-menu [data-format="bold"]')
    await expect(page.locator("#text b")).to_have_text("Picket")
    await page.keyboard.press("Enter")
    await expect(page.locator("#text")).to_have_text("")

    sent = next(
        u["message"]
        for u in reversed(sandbox.telegram.updates)
        if u.get("message", {}).get("text") == "Picket tonight, map"
    )
    assert sent["entities"] == [
        {"type": "bold", "offset": 0, "length": 6},
        {"type": "text_link", "offset": 16, "length": 3, "url": "https://example.org/map"},
    ]
    mine = page.locator("#messages div.message.mine").last
    await expect(mine.locator("b")).to_have_text("Picket")
    await expect(mine.locator("a")).to_have_attribute("href", "https://example.org/map")

    # Published, the call keeps them, and its link opens a new tab that cannot reach back.
    targets = last_message_with(page, "Demo Channel")
    await targets.locator("button.kb", has_text="Demo Channel").click()
    await expect(targets.locator("button.kb", has_text="✓")).to_be_visible()
    await page.locator("#messages button.kb", has_text="Publish now").last.click()
    await page.click(f'button.chat[data-chat="{demo.CHANNEL_ID}"]')
    post = last_message_with(page, "Picket tonight")
    await expect(post.locator("b")).to_have_text("Picket")
    link = post.locator("a", has_text="map")
    await expect(link).to_have_attribute("href", "https://example.org/map")
    await expect(link).to_have_attribute("target", "_blank")
    await expect(link).to_have_attribute("rel", "noopener noreferrer")


async def test_the_day_of_an_action_on_the_page(sandbox: Sandbox, page: Page, shots: Path) -> None:
    # A member going to the march under way finds it at the top of /actions and checks in.
    await as_persona(page, MARKO)
    await say(page, "/actions")
    listing = last_message_with(page, "Upcoming actions")
    await expect(listing).to_contain_text(f"{MARCH} — happening now")
    await expect(listing.locator("button.kb").first).to_have_text(f"🔴 {MARCH}")
    await listing.locator("button.kb", has_text=MARCH).click()
    card = last_message_with(page, "From Republic Square")
    await expect(card).to_contain_text("Your answer: going")
    await card.locator("button.kb", has_text="I'm here").click()
    await expect(page.locator("#toast")).to_have_text("📍 You are checked in.")
    await expect(card).to_contain_text("📍 You checked in.")
    await expect(card.locator("button.kb").first).to_have_text("✓ 📍 I'm here")
    # The bot asks for his location. Its "Share my location" button is a reply keyboard,
    # which the page does not show: he skips it, and stays checked in.
    await expect(last_message_with(page, "Share your location")).to_be_visible()
    question = last_message_with(page, "Or skip it")
    await question.locator("button.kb", has_text="Skip").click()
    await expect(last_message_with(page, "You are checked in, without a location.")).to_be_visible()
    await snap(page, shots / "sandbox-checkin.png")

    # The organiser's card counts those going and those here, with the safety check at hand.
    await as_persona(page, OMAR)
    await open_action(page, MARCH)
    card = last_message_with(page, "From Republic Square")
    await expect(card).to_contain_text("3 going · 2 here")
    await expect(card.locator("button.kb", has_text="Safety check now")).to_be_visible()

    # An urgent alert to everyone going: the action, the audience, the text, the preview, Send.
    await say(page, "/alert")
    choose = last_message_with(page, "Which action is the alert for?")
    await choose.locator("button.kb", has_text=f"{MARCH} · under way").click()
    audience = last_message_with(page, "Who should get the alert")
    await audience.locator("button.kb", has_text="Everyone going (3)").click()
    await expect(last_message_with(page, "Type the alert")).to_be_visible()
    await say(page, "Police are blocking the bridge; walk to the north gate.")
    preview = last_message_with(page, "as each person will read it")
    await expect(preview).to_contain_text("URGENT · March for Clean Air")
    await expect(preview).to_contain_text("It goes to 3 people going to March for Clean Air.")
    await preview.locator("button.kb", has_text="Send now").click()
    status = last_message_with(page, f"Alert about {MARCH} sent.")
    await expect(status).to_contain_text("Delivered to 3 of 3 chats")

    # A member going reads it, pinned at the top of her chat, with the button that mutes it.
    await as_persona(page, ANA)
    alert = last_message_with(page, f"URGENT · {MARCH}")
    await expect(alert).to_contain_text("Police are blocking the bridge; walk to the north gate.")
    await expect(alert.locator("button.kb")).to_have_text(["🔕 Mute alerts for this action"])
    # The page shows no pins: the fake server holds what Telegram would show above the chat.
    pinned = sandbox.telegram.user(ANA).chat.pinned_message_id
    assert pinned is not None
    assert str(pinned) == await alert.get_attribute("data-id")
    await snap(page, shots / "sandbox-alert.png")

    # Muting turns the button over; reminders still come.
    await alert.locator("button.kb", has_text="Mute alerts").click()
    await expect(page.locator("#toast")).to_have_text(
        "Alerts for this action are muted. Reminders still come."
    )
    await expect(alert.locator("button.kb")).to_have_text(["🔔 Hear this action's alerts again"])
    for name in ("sandbox-checkin.png", "sandbox-alert.png"):
        assert (shots / name).stat().st_size > 10_000
