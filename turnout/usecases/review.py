"""Reviewing reports: who may review which, the next report waiting, and the decisions.

Organisers review everything; a host reviews the reports of the actions they host. Two
reviewers deciding at once: the store lets only the first decision through, and the second
learns whose it was. The member is told the outcome, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass

from turnout.permissions import ORGANISERS, allowed
from turnout.pseudonym import shown_as
from turnout.storage import Decision, Report, ReportStatus
from turnout.storage.purposes import ReportDecided
from turnout.usecases.errors import Gone, Invalid, NotAllowed
from turnout.usecases.services import Services
from turnout.usecases.telling import tell
from turnout.views.review import member_told

DECISIONS = frozenset({ReportStatus.APPROVED, ReportStatus.REJECTED, ReportStatus.FLAGGED})


@dataclass(frozen=True, slots=True)
class Shown:
    """A report as a reviewer sees it: the action's title and the member by pseudonym."""

    report: Report
    title: str | None
    who: str


async def scope_for(s: Services, actor: int, requested: int | None) -> int | None:
    """Which action /review is limited to: any for organisers (None: all); a host's own."""
    if allowed(await s.roles_of(actor), ORGANISERS):
        return requested
    hosted = sorted(await s.store.hosted_action_ids(actor))
    if requested is None and len(hosted) == 1:
        return hosted[0]
    if requested is None:
        raise Invalid("review.host_usage", actions=", ".join(str(a) for a in hosted))
    if requested not in hosted:
        raise NotAllowed()
    return requested


async def may_review(
    s: Services,
    actor: int,
    *,
    scope: int | None = None,
    report: int | None = None,
    browsing: bool = False,
) -> bool:
    """Organisers review everything. A host decides only reports about an action they host
    (``report``), and browses (Skip, Next: ``browsing``) only within one (``scope``)."""
    if allowed(await s.roles_of(actor), ORGANISERS):
        return True
    hosted = await s.store.hosted_action_ids(actor)
    if browsing and (scope is None or scope not in hosted):
        return False
    if report is not None:
        found = await s.store.report(report)
        return found is not None and found.action_id in hosted
    return scope is not None and scope in hosted


async def next_report(
    s: Services, actor: int, scope: int | None, after: int
) -> tuple[Shown | None, int]:
    """The next report waiting after ``after`` (round to the oldest), and how many wait."""
    if not await may_review(s, actor, scope=scope, browsing=True):
        raise NotAllowed()
    store = s.store
    report = await store.next_pending(scope, after) or await store.next_pending(scope, 0)
    shown = None if report is None else await show(s, report, actor)
    return shown, await store.count_pending(scope)


async def show(s: Services, report: Report, viewer: int) -> Shown:
    """The report with its action's title and its member's pseudonym, as ``viewer`` sees it:
    the member's first name too only if they chose to show it to organisers and ``viewer`` is
    one (a host reviewing their own action's reports sees the pseudonym alone)."""
    action = await s.store.action(report.action_id) if report.action_id else None
    member = await s.store.member(report.user_id)
    name = None
    if member is not None and member.show_name and await _organiser(s, viewer):
        name = member.first_name
    who = shown_as(await s.store.pseudonym_key(), report.user_id, name)
    return Shown(report, action.title if action else None, who)


async def decide(
    s: Services, actor: int, report_id: int, status: ReportStatus, reason: str | None
) -> tuple[Decision, Shown]:
    """Record a decision (unless someone was first) and tell the member; rights are checked
    again here, as they may have changed since the card was shown."""
    if status not in DECISIONS:
        raise Invalid("roles.bad_button")
    if not await may_review(s, actor, report=report_id):
        raise NotAllowed()
    decision = await s.store.decide_report(report_id, status, reason, actor, s.now())
    if decision.report is None:
        raise Gone("review.withdrawn")  # withdrawn by the member meanwhile
    shown = await show(s, decision.report, actor)
    if decision.decided:
        await _tell_member(s, shown)
    return decision, shown


async def decided_by(s: Services, report: Report, actor: int) -> str | None:
    """Who decided a report first, when it was not ``actor``: their first name."""
    if report.reviewer is None or report.reviewer == actor:
        return None
    member = await s.store.member(report.reviewer)
    return member.first_name if member else ""


async def _tell_member(s: Services, shown: Shown) -> None:
    report = shown.report
    await tell(
        s,
        ReportDecided(report.id),
        report.user_id,
        lambda t: member_told(t, report.id, report.status, shown.title, report.review_note),
    )


async def _organiser(s: Services, person: int) -> bool:
    return allowed(await s.roles_of(person), ORGANISERS)
