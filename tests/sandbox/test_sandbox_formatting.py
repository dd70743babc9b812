"""Telegram's formatting on the sandbox page: entities shown as HTML, links as links, and
nothing in a message able to run or to lead anywhere unsafe."""

from __future__ import annotations

from typing import Any

import pytest

from turnout.sandbox.web.formatting import read, strip, to_html
from turnout.sandbox.web.render import safe_html


def entity(kind: str, offset: int, length: int, **more: Any) -> dict[str, Any]:
    return {"type": kind, "offset": offset, "length": length, **more}


@pytest.mark.parametrize(
    ("text", "entities", "shown"),
    [
        ("Come <now> & bring", [entity("bold", 0, 4)], "<b>Come</b> &lt;now&gt; &amp; bring"),
        # Overlapping ranges, which HTML cannot nest: closed and opened again.
        (
            "Hello world",
            [entity("bold", 0, 8), entity("italic", 6, 5)],
            "<b>Hello <i>wo</i></b><i>rld</i>",
        ),
        # Offsets in UTF-16 code units: the emoji counts two.
        ("🙂 go\nnow", [entity("underline", 3, 2)], "🙂 <u>go</u><br>now"),
        ("secret", [entity("spoiler", 0, 6)], '<span class="tg-spoiler">secret</span>'),
        (
            "the map",
            [entity("text_link", 4, 3, url='https://example.org/?a=1&b="2"')],
            'the <a href="https://example.org/?a=1&amp;b=&quot;2&quot;">map</a>',
        ),
        (
            "the map",
            [entity("text_link", 4, 3, url="tg://resolve?domain=x")],
            'the <a href="tg://resolve?domain=x">map</a>',
        ),
        # A link to somewhere unsafe keeps its text and loses its address.
        ("the map", [entity("text_link", 4, 3, url="javascript:alert(1)")], "the <a>map</a>"),
        ("x", [entity("text_link", 0, 1, url="data:text/html,<script>")], "<a>x</a>"),
        # What makes no sense is left out, not trusted.
        ("abc", [entity("bold", 2, 5), entity("bold", -1, 2), "x", entity("mystery", 0, 1)], "abc"),
        ("🙂", [entity("bold", 1, 1)], "🙂"),
    ],
)
def test_entities_are_shown_as_the_apps_show_them(
    text: str, entities: list[Any], shown: str
) -> None:
    assert to_html(text, entities) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "Photos: https://example.org/a_(b). Next",
            'Photos: <a href="https://example.org/a_(b)">https://example.org/a_(b)</a>. Next',
        ),
        ("(see www.example.org)", '(see <a href="https://www.example.org">www.example.org</a>)'),
        (
            "t.me/turnout_sandbox_bot?start=inv_ab, now",
            '<a href="https://t.me/turnout_sandbox_bot?start=inv_ab">'
            "t.me/turnout_sandbox_bot?start=inv_ab</a>, now",
        ),
        (
            'http://x.org/"onmouseover="alert(1)',
            '<a href="http://x.org/">http://x.org/</a>&quot;onmouseover=&quot;alert(1)',
        ),
        ("javascript:alert(1) and https:// and www.", "javascript:alert(1) and https:// and www."),
        ("mail me: ana@example.org", "mail me: ana@example.org"),
    ],
)
def test_addresses_in_plain_text_become_links(text: str, shown: str) -> None:
    assert to_html(text) == shown


def test_an_address_already_linked_or_in_code_is_left_as_it_is() -> None:
    text = "see https://a.org or https://b.org"
    assert to_html(
        text, [entity("code", 4, 13), entity("text_link", 21, 13, url="https://c.org")]
    ) == ('see <code>https://a.org</code> or <a href="https://c.org">https://b.org</a>')
    assert safe_html(
        '<a href="https://c.org">https://b.org</a> <code>https://a.org</code>', "HTML"
    ) == ('<a href="https://c.org">https://b.org</a> <code>https://a.org</code>')
    assert safe_html("<b>Map:</b> https://example.org", "HTML") == (
        '<b>Map:</b> <a href="https://example.org">https://example.org</a>'
    )


def test_the_composer_formatting_is_checked_and_moved_with_the_trimmed_text() -> None:
    typed = "  🙂 bold \n"
    checked = read([entity("bold", 5, 4, extra="dropped")], typed)
    assert checked == [entity("bold", 5, 4)]
    assert strip(typed, [*checked, entity("italic", 0, 3)]) == (
        "🙂 bold",
        [entity("bold", 3, 4), entity("italic", 0, 1)],
    )
