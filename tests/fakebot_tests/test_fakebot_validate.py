"""The formatting checks the fake applies, and the reusable fixture module."""

from __future__ import annotations

import pytest

from tests.fixtures import make_ptb_bot
from turnout.sandbox.fakebot import ApiError, FakeTelegram
from turnout.sandbox.fakebot.validate import (
    check_html,
    check_markdown,
    check_markdown_v2,
    check_text,
)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("<b>bold</b> &amp; <i>it</i>", "bold & it"),
        ('<a href="https://x.org/?a=1&amp;b=2">link</a>', "link"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st"),
        ("<blockquote expandable>q</blockquote>", "q"),
    ],
)
def test_valid_html(text: str, plain: str) -> None:
    assert check_html(text) == plain


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1 < 2", "Unsupported start tag"),
        ("<foo>x</foo>", 'Unsupported start tag "foo"'),
        ("<b>x", "Can't find end tag"),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
    ],
)
def test_invalid_html(text: str, fragment: str) -> None:
    with pytest.raises(ApiError) as caught:
        check_html(text)
    assert caught.value.status == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert fragment in caught.value.description


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        (r"Hello\!", True),
        ("Hello!", False),
        (r"*bold _italic_* __u__ ~s~ ||sp|| `co\`de`", True),
        (r"[link](https://example.org/a_\(b\))", True),
        ("```python\nprint(1)\n```", True),
        (">quote\n>more", True),
        ("*unclosed", False),
        ("a-b", False),
        (r"a\-b", True),
    ],
)
def test_markdown_v2(text: str, ok: bool) -> None:
    if ok:
        check_markdown_v2(text)
    else:
        with pytest.raises(ApiError):
            check_markdown_v2(text)


def test_legacy_markdown_and_limits() -> None:
    assert check_markdown("*bold* and [link](https://x.org)") == "bold and link"
    with pytest.raises(ApiError):
        check_markdown("snake_case_name_")
    with pytest.raises(ApiError, match="message text is empty"):
        check_text("   ", None)
    with pytest.raises(ApiError, match="message is too long"):
        check_text("<b>" + "x" * 4097 + "</b>", "HTML")
    assert check_text("<b>" + "x" * 4096 + "</b>", "HTML").startswith("<b>")


async def test_fixture_module(fake_telegram: FakeTelegram) -> None:
    async with make_ptb_bot(fake_telegram) as bot:
        assert (await bot.get_me()).username == "turnout_test_bot"
