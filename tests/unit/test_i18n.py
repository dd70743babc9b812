"""The catalogs: every message the code uses exists in English, and nothing in it is dead."""

from __future__ import annotations

import ast
import re
import string
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import turnout
from turnout.i18n import Catalogs, Html

PACKAGE = Path(turnout.__file__).parent
# Calls whose first argument is a message key: t("…"), context.t("…"), t.plural("…"), N_("…"),
# and the use cases' refusals, Gone("…") and the like.
TRANSLATING = {"t", "plural", "N_", "Gone", "Invalid", "Declined", "NotAllowed", "UseCaseError"}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def keys_in_code() -> dict[str, str]:
    """Every message key the package uses, with where: the string literals in the first
    argument of a translating call (``t("a" if x else "b")`` counts both)."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and call.args):
                continue
            if _called_name(call) not in TRANSLATING:
                continue
            for node in ast.walk(call.args[0]):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    found.setdefault(node.value, f"{path.relative_to(PACKAGE)}:{node.lineno}")
    return found


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs("en")


def test_every_message_in_the_code_is_in_the_english_catalog(catalogs: Catalogs) -> None:
    missing = {
        key: where for key, where in keys_in_code().items() if key not in catalogs.keys("en")
    }
    assert not missing, f"not in locales/en/LC_MESSAGES/turnout.po: {missing}"


def test_every_english_message_is_used(catalogs: Catalogs) -> None:
    unused = catalogs.keys("en") - set(keys_in_code())
    assert not unused, f"messages nobody uses: {sorted(unused)}"


def test_the_scan_finds_keys_the_code_uses() -> None:
    """Guards the two tests above against a scan that silently finds nothing."""
    found = keys_in_code()
    assert "start.greeting.new" in found
    assert "role.organiser" in found


def test_placeholders_are_well_formed(catalogs: Catalogs) -> None:
    t = catalogs.translator("en")
    for key in catalogs.keys("en"):
        fields = [name for _, name, _, _ in string.Formatter().parse(t(key)) if name]
        assert all(name.isidentifier() for name in fields), key


def test_parameters_are_escaped_unless_marked_html(catalogs: Catalogs) -> None:
    t = catalogs.translator("en")
    assert (
        t("start.greeting.returning", name="<b>Ana</b>") == "Welcome back, &lt;b&gt;Ana&lt;/b&gt;!"
    )
    assert t("start.greeting.returning", name=Html("<b>Ana</b>")) == "Welcome back, <b>Ana</b>!"


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [(None, "en"), ("en", "en"), ("en-GB", "en"), ("de", "en"), ("EN", "en"), ("", "en")],
)
def test_languages_fall_back_to_the_default(
    catalogs: Catalogs, language_code: str | None, expected: str
) -> None:
    assert catalogs.resolve(language_code) == expected


def test_an_unknown_default_language_is_refused() -> None:
    with pytest.raises(ValueError, match="xx"):
        Catalogs("xx")


class _TelegramHtml(HTMLParser):
    """Collects what Telegram's HTML parse mode would refuse."""

    ALLOWED = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre",
                         "a", "tg-spoiler", "blockquote"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED:
            self.problems.append(f"<{tag}>")


def test_messages_are_html_telegram_accepts(catalogs: Catalogs) -> None:
    t = catalogs.translator("en")
    # Command help doubles as the command menu, which is plain text: it is escaped where shown.
    for key in sorted(k for k in catalogs.keys("en") if not k.startswith("command.")):
        parser = _TelegramHtml()
        parser.feed(t(key))
        assert not parser.problems, (key, parser.problems)


LANGUAGES = ["en", "es", "fr", "sr", "sr-Latn"]


def test_the_languages_of_the_design_are_there(catalogs: Catalogs) -> None:
    assert sorted(catalogs.languages) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_catalog_has_every_message(catalogs: Catalogs, language: str) -> None:
    missing = catalogs.keys("en") - catalogs.keys(language)
    assert not missing, f"{language} lacks: {sorted(missing)}"
    extra = catalogs.keys(language) - catalogs.keys("en")
    assert not extra, f"{language} has messages English does not: {sorted(extra)}"


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _tags(text: str) -> list[str]:
    return sorted(re.findall(r"</?[a-z]+", text))


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_keep_the_placeholders_and_the_markup(
    catalogs: Catalogs, language: str
) -> None:
    english, other = catalogs.translator("en"), catalogs.translator(language)
    for key in sorted(catalogs.keys("en")):
        for count in (1, 2, 5):  # every plural form of the languages here
            source = english.plural(key, count) if _is_plural(key) else english(key)
            target = other.plural(key, count) if _is_plural(key) else other(key)
            assert _fields(target) <= _fields(source) | {"count"}, (language, key)
            assert _fields(source) - {"count"} <= _fields(target), (language, key)
            assert _tags(target) == _tags(source), (language, key)


def _is_plural(key: str) -> bool:
    return key in PLURALS


def _plural_keys() -> set[str]:
    """The messages with plural forms, as the English catalog declares them."""
    path = PACKAGE / "i18n" / "locales" / "en" / "LC_MESSAGES" / "turnout.po"
    with path.open("rb") as source:
        catalog = read_po(source)
    return {message.id[0] for message in catalog if isinstance(message.id, tuple)}


PLURALS = _plural_keys()


def test_no_message_is_defined_twice() -> None:
    for folder in sorted((PACKAGE / "i18n" / "locales").iterdir()):
        text = (folder / "LC_MESSAGES" / "turnout.po").read_text(encoding="utf-8")
        ids = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
        doubles = {key for key in ids if ids.count(key) > 1}
        assert not doubles, f"{folder.name}: {sorted(doubles)}"
