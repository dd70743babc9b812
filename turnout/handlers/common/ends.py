"""The end of an action being planned (/newaction) or proposed (/propose): an end time or how
long it lasts, right after its start; Skip for the default duration (README, "Action day")."""

from __future__ import annotations

from collections.abc import Callable

from turnout.handlers.common.drafts import BACK, SKIP, ActionDraft
from turnout.handlers.common.flows import Go, Outcome, Step, Turn
from turnout.i18n import N_
from turnout.storage import DEFAULT_DURATION
from turnout.usecases import fields
from turnout.views.reply import Reply
from turnout.views.timefmt import time_span

Turn_ = Turn[ActionDraft]
#: The preview's button that changes the end.
CHANGE_END = "end"


def draft_zone(turn: Turn_) -> str:
    """Where the draft's times are read and shown: its place's zone, else the reader's."""
    return turn.draft.timezone or turn.context.timezone


def end_step(after: Callable[[Turn_], Outcome], *, back: str | None = None) -> Step[ActionDraft]:
    """Asks when the action ends; then ``after`` (the preview, when changing it from there).
    With ``back``, Back goes to that step."""

    async def ask(turn: Turn_) -> Reply:
        t = turn.t
        hours = int(DEFAULT_DURATION.total_seconds() // 3600)
        rows = [[turn.button(t.plural("end.button.skip", hours), SKIP)]]
        if back:
            rows.append([turn.button(t("newaction.button.back"), BACK)])
        return Reply(t("end.ask"), turn.keyboard(*rows))

    async def typed(turn: Turn_, text: str) -> Outcome:
        draft = turn.draft
        assert draft.starts_at is not None
        ends_at = fields.end(text, draft.starts_at, draft_zone(turn))
        draft.lasts = int((ends_at - draft.starts_at).total_seconds() // 60)
        span = time_span(draft.starts_at, ends_at, draft_zone(turn), turn.t.language)
        await turn.say(turn.t("end.read", time=span))
        return _next(turn)

    async def pressed(turn: Turn_, choice: str, value: int | None) -> Outcome | None:
        if choice == SKIP:
            turn.draft.lasts = None
            return _next(turn)
        return Go(back) if choice == BACK and back else None

    def _next(turn: Turn_) -> Outcome:
        if turn.draft.revising:
            return Go("preview")
        return after(turn)

    return Step(N_("end.expects"), ask, text=typed, press=pressed)
