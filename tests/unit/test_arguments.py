"""Numbers typed or carried in button data: only what int() and SQLite can take."""

from __future__ import annotations

from turnout.handlers.common.arguments import as_id


def test_numbers_that_python_calls_digits_but_are_not_ids() -> None:
    assert as_id("12") == 12
    assert as_id("-1001234567890".removeprefix("-")) == 1001234567890
    for text in ("", "²", "1²", "x1", " 1", "-1", "9" * 40):
        assert as_id(text) is None, text
