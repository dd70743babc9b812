from __future__ import annotations

from turnout.pseudonym import pseudonym

KEY = bytes(range(32))


def test_a_pseudonym_is_stable_and_keyed() -> None:
    assert pseudonym(KEY, 100001) == pseudonym(KEY, 100001)
    assert pseudonym(KEY, 100001) != pseudonym(KEY, 100002)
    assert pseudonym(KEY, 100001) != pseudonym(bytes(32), 100001)


def test_a_pseudonym_names_no_identity() -> None:
    name = pseudonym(KEY, 123456789)
    assert name.startswith("Member ")
    assert len(name) == len("Member ") + 6
    assert "123456789" not in name


def test_few_collisions_among_thousands() -> None:
    names = {pseudonym(KEY, user_id) for user_id in range(5000)}
    assert len(names) >= 4990
