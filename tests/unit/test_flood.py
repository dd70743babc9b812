"""Flood control: the 21st update in ten seconds is answered once, the rest ignored."""

from __future__ import annotations

from turnout.handlers.common.floodgate import FloodGate, Verdict


def test_over_the_limit_one_warning_then_silence_until_the_window_passes() -> None:
    gate = FloodGate(limit=20, window=10.0)
    verdicts = [gate.check(7, 0.1 * n) for n in range(25)]
    assert verdicts[:20] == [Verdict.ALLOW] * 20
    assert verdicts[20] is Verdict.WARN
    assert verdicts[21:] == [Verdict.DROP] * 4
    assert gate.check(7, 10.05) is Verdict.ALLOW  # the first one has left the window
    assert gate.check(8, 2.0) is Verdict.ALLOW  # someone else is not affected


def test_an_album_counts_once() -> None:
    gate = FloodGate(limit=3, window=10.0)
    parts = [gate.check(7, 0.01 * n, album="a1") for n in range(10)]
    assert parts == [Verdict.ALLOW] * 10
    assert [gate.check(7, 1.0), gate.check(7, 1.1), gate.check(7, 1.2)] == [
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.WARN,
    ]
