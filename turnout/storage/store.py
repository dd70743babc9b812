"""The Store: the only place with SQL. One connection, one writer, one method per query.

Every method maps rows to the frozen dataclasses of ``models`` and ``records`` before returning.
A change that touches several rows (a grant and its audit entry, say) is one transaction. The
queries are grouped by subject in their own modules; ``Store`` is all of them on one connection.
"""

from __future__ import annotations

from turnout.storage.actions import ActionQueries
from turnout.storage.aftermath import AftermathQueries
from turnout.storage.agenda import AgendaQueries
from turnout.storage.alerts import AlertQueries
from turnout.storage.approvals import ApprovalQueries
from turnout.storage.audit import AuditQueries
from turnout.storage.calls import CallQueries
from turnout.storage.campaigns import CampaignQueries
from turnout.storage.channels import ChannelQueries
from turnout.storage.checkins import CheckinQueries
from turnout.storage.daynumbers import DayNumberQueries
from turnout.storage.deliveries import DeliveryQueries
from turnout.storage.export import ExportQueries
from turnout.storage.inbox import InboxQueries
from turnout.storage.members import MemberQueries
from turnout.storage.notices import NoticeQueries
from turnout.storage.ownernotices import OwnerNoticeQueries
from turnout.storage.paid import PaidQueries
from turnout.storage.places import PlaceQueries
from turnout.storage.previews import PreviewQueries
from turnout.storage.privacy import PrivacyQueries
from turnout.storage.prompts import PromptQueries
from turnout.storage.proposals import ProposalQueries
from turnout.storage.reminders import ReminderQueries
from turnout.storage.reports import ReportQueries
from turnout.storage.roles import RoleQueries
from turnout.storage.rsvps import RsvpQueries


class Store(
    MemberQueries,
    RoleQueries,
    AuditQueries,
    DeliveryQueries,
    ActionQueries,
    AftermathQueries,
    RsvpQueries,
    ReminderQueries,
    NoticeQueries,
    AgendaQueries,
    ChannelQueries,
    CallQueries,
    ReportQueries,
    PlaceQueries,
    ProposalQueries,
    CampaignQueries,
    ExportQueries,
    DayNumberQueries,
    PrivacyQueries,
    PromptQueries,
    InboxQueries,
    CheckinQueries,
    AlertQueries,
    OwnerNoticeQueries,
    ApprovalQueries,
    PaidQueries,
    PreviewQueries,
):
    """Async access to Turnout's SQLite database. Open with ``await Store.open(path)``."""
