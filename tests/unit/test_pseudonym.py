from __future__ import annotations

import re

from turnout.pseudonym import forgotten_mark, in_words, pseudonym, shown_as

KEY = bytes(range(32))


def test_a_pseudonym_is_stable_and_keyed() -> None:
    assert pseudonym(KEY, 100001) == pseudonym(KEY, 100001)
    assert pseudonym(KEY, 100001) != pseudonym(KEY, 100002)
    assert pseudonym(KEY, 100001) != pseudonym(bytes(32), 100001)


def test_a_pseudonym_names_no_identity_and_reads_without_ambiguous_letters() -> None:
    name = pseudonym(KEY, 123456789)
    assert re.fullmatch(
        r"Member [0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}", name
    )
    assert "123456789" not in name


def test_a_million_members_have_a_million_pseudonyms() -> None:
    first = 5_000_000_000  # ids as Telegram gives them today
    names = {pseudonym(KEY, user_id) for user_id in range(first, first + 1_000_000)}
    assert len(names) == 1_000_000


def test_a_forgotten_member_is_marked_at_random_not_by_their_pseudonym() -> None:
    marks = {forgotten_mark() for _ in range(100)}
    assert len(marks) == 100
    assert all(re.fullmatch(r"Forgotten [0-9A-F]{8}", mark) for mark in marks)


def test_the_word_of_a_pseudonym_is_shown_in_another_language_and_the_code_kept() -> None:
    shown = shown_as(KEY, 100001, "Ana")
    code = pseudonym(KEY, 100001).removeprefix("Member ")
    assert in_words(shown, "Члан") == f"Члан {code} (Ana)"
    assert in_words(pseudonym(KEY, 100001), "Member") == pseudonym(KEY, 100001)
    assert in_words("Forgotten 3F9A1C2E", "Члан") == "Forgotten 3F9A1C2E"
