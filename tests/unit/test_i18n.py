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


def _forms(language: str) -> dict[str, tuple[str, ...]]:
    """Each message's text as written in the catalog: one form, or each plural form."""
    folder = language.replace("-", "_")
    path = PACKAGE / "i18n" / "locales" / folder / "LC_MESSAGES" / "turnout.po"
    with path.open("rb") as source:
        catalog = read_po(source)
    return {
        (message.id if isinstance(message.id, str) else message.id[0]): (
            (message.string,) if isinstance(message.string, str) else tuple(message.string)
        )
        for message in catalog
        if message.id
    }


ENGLISH = _forms("en")
PLURALS = {key for key, forms in ENGLISH.items() if len(forms) > 1}


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_keep_the_placeholders_and_the_markup(language: str) -> None:
    """Every form of every message, plural forms included, against the English "other" form
    (a singular form may say "one" instead of {count})."""
    for key, forms in sorted(_forms(language).items()):
        source = ENGLISH[key][-1]
        assert (len(forms) > 1) == (key in PLURALS), (language, key, "plural in English only")
        for target in forms:
            assert _fields(target) <= _fields(source), (language, key)
            assert _fields(source) - {"count"} <= _fields(target), (language, key)
            assert _tags(target) == _tags(source), (language, key)


def test_the_plural_forms_of_each_language_are_all_there() -> None:
    wanted = {"en": 2, "es": 2, "fr": 2, "sr": 3, "sr-Latn": 3}
    for language in LANGUAGES:
        for key, forms in _forms(language).items():
            if key in PLURALS:
                assert len(forms) == wanted[language], (language, key)


# -- numbers agree with their nouns ("1 report", "5 reports", "5 извештаја") ------------------

#: Placeholders that hold a number which is not a count of something, so no word agrees with
#: it: those may stand in a message that is not plural.
NOT_COUNTS = {
    "id": "the number of a report, action, call or proposal: “report #12” names it",
    "user_id": "a Telegram user id",
    "page": "“page 2 of 5” is a position; “page” agrees with no number in these languages",
    "pages": "the other number of “page 2 of 5”, which reads the same for any number",
    "sent": "the part of “1,200 of 5,000 chats”: the noun agrees with the whole, the count",
    "done": "the part of “3 of 12 files”, likewise",
}
#: Placeholders filled with words: names, times, lists, and counts already put into words by a
#: plural message of their own ("3 reports", "25.0 megapixels").
WORDS = {
    "about", "actions", "answer", "answers", "channel", "channels", "city", "clock", "contents",
    "default", "deleted", "distance", "duration", "end", "expires", "field", "files", "free",
    "going",
    "language", "largest", "lead", "left_out", "link", "maybe", "name", "near", "note", "owners",
    "path", "place", "propose", "pseudonym", "reachable", "reason", "reminders", "reports",
    "role", "roles", "rsvps", "size", "status", "statuses", "subscribers", "suggestion", "text",
    "time", "timezone", "title", "value", "what", "when", "who", "why",
}  # fmt: skip
#: What English says of more than one: "1" before any of these is a plural message missing.
PLURAL_NOUNS = {
    "actions", "answers", "calls", "characters", "chats", "copies", "days", "documents", "files",
    "hosts", "items", "media", "members", "messages", "people", "photos", "places", "proposals",
    "records", "reports", "roles", "RSVPs", "subscribers", "videos",
}  # fmt: skip
COUNTS = (0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 1000)


def test_every_number_in_a_message_is_a_count_of_a_plural_message_or_known_not_to_be() -> None:
    """A new placeholder must be judged: a count (make the message plural, t.plural), a
    number that is no count (NOT_COUNTS, with the reason), or words (WORDS)."""
    for key, forms in ENGLISH.items():
        for name in set().union(*(_fields(form) for form in forms)):
            if key in PLURALS and name == "count":
                continue
            assert name in WORDS or name in NOT_COUNTS, (
                f"{key}: is {{{name}}} a count? Then make {key} plural and call t.plural;"
                " else add it to NOT_COUNTS (with the reason) or WORDS"
            )
    assert not set(NOT_COUNTS) & WORDS


def test_no_english_message_says_1_with_a_plural_noun() -> None:
    """ "1 reports", "1 copies": every placeholder set to 1 (in a plural message, the count)."""
    t = Catalogs("en").translator("en")
    nouns = "|".join(sorted(PLURAL_NOUNS))
    for key, forms in ENGLISH.items():
        others = {name: "1" for form in forms for name in _fields(form) if name != "count"}
        text = t.plural(key, 1, **others) if key in PLURALS else t(key, **others)
        assert not re.search(rf"\b1 ({nouns})\b(?! item)", text), (key, text)  # 1 media item
        if key in PLURALS and "{count} " in forms[1]:
            # The singular is not the plural: "1 report", unless English says both alike.
            after = forms[1].split("{count} ", 1)[1].split()[0]
            if after.rstrip(".,:;)") in PLURAL_NOUNS:
                assert forms[0] != forms[1], key


@pytest.mark.parametrize("language", LANGUAGES)
def test_count_messages_read_for_any_number(catalogs: Catalogs, language: str) -> None:
    """Each plural message, for numbers that take each form (1, 21: one; 2, 22: few; 5, 11, 25:
    many in Serbian), shows the number; only English and Spanish may say "one" in words, and
    only for 1."""
    t = catalogs.translator(language)
    for key in sorted(PLURALS):
        others = {name: "…" for name in _fields(ENGLISH[key][-1]) if name != "count"}
        for count in COUNTS:
            text = t.plural(key, count, **others)
            assert text and not text.startswith(key), (language, key, count)
            if count != 1 or language not in ("en", "es"):
                assert str(count) in text, (language, key, count, text)


def test_serbian_chooses_the_form_each_number_takes() -> None:
    """One, few, many: "1 извештај", "2 извештаја" and "5 извештаја" are the catalog's three
    forms, in the order the Plural-Forms header numbers them."""
    sr = Catalogs("en").translator("sr")
    latin = Catalogs("en").translator("sr-Latn")
    said = {n: sr.plural("count.actions", n) for n in (1, 2, 5, 11, 21, 22, 25, 111, 112)}
    assert said == {
        1: "1 акција", 2: "2 акције", 5: "5 акција", 11: "11 акција", 21: "21 акција",
        22: "22 акције", 25: "25 акција", 111: "111 акција", 112: "112 акција",
    }  # fmt: skip
    assert [latin.plural("count.files", n) for n in (1, 3, 7)] == ["1 fajl", "3 fajla", "7 fajlova"]


def _calls_with_keys() -> list[tuple[str, str, bool | None, str]]:
    """(how it is called, key, plural?, where) for each literal key in a translating call:
    t.plural and a refusal with ``count=`` are plural, t(…) is not, N_ may be either."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and call.args):
                continue
            name = _called_name(call)
            if name not in TRANSLATING:
                continue
            plural: bool | None
            if name == "N_":
                plural = None
            elif name == "plural":
                plural = True
            elif name == "t":
                plural = False
            else:
                plural = any(keyword.arg == "count" for keyword in call.keywords)
            for node in ast.walk(call.args[0]):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                    found.append((name, node.value, plural, where))
    return found


def test_plural_messages_are_called_with_their_count() -> None:
    wrong = [
        (name, key, where)
        for name, key, plural, where in _calls_with_keys()
        if plural is not None and plural != (key in PLURALS)
    ]
    assert not wrong, (
        f"t.plural for plural messages (and count= in a refusal), t for others: {wrong}"
    )


def test_no_message_is_defined_twice() -> None:
    for folder in sorted((PACKAGE / "i18n" / "locales").iterdir()):
        text = (folder / "LC_MESSAGES" / "turnout.po").read_text(encoding="utf-8")
        ids = re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE)
        doubles = {key for key in ids if ids.count(key) > 1}
        assert not doubles, f"{folder.name}: {sorted(doubles)}"
