"""Rows as models: one function per table, so every query that reads a table maps it the same
way, and the query modules can read each other's tables without importing each other."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from turnout.storage.base import from_db_time, optional_time, parse_minutes
from turnout.storage.models import (
    Action,
    ActionStatus,
    Call,
    CallStatus,
    Channel,
    Invite,
    Member,
    Proposal,
    ProposalStatus,
    Report,
    ReportMedia,
    ReportStatus,
    Role,
)
from turnout.storage.records import Delivery, DeliveryStatus, Prompt


def member_from(row: sqlite3.Row) -> Member:
    return Member(
        user_id=row["user_id"],
        first_name=row["first_name"],
        language=row["language"],
        timezone=row["timezone"],
        subscribed=bool(row["subscribed"]),
        reachable=bool(row["reachable"]),
        created_at=from_db_time(row["created_at"]),
        reminder_minutes=parse_minutes(row["reminder_minutes"]),
        show_name=bool(row["show_name"]),
    )


def action_from(row: sqlite3.Row) -> Action:
    return Action(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        starts_at=from_db_time(row["starts_at"]),
        timezone=row["timezone"],
        place=row["place"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        capacity=row["capacity"],
        reminder_minutes=parse_minutes(row["reminder_minutes"]) or (),
        status=ActionStatus(row["status"]),
        revision=row["revision"],
        created_by=row["created_by"],
        city_id=row["city_id"],
        city=row["city"],
        country=row["country"],
        host_id=row["host_id"],
        campaign_id=row["campaign_id"],
    )


def proposal_from(row: sqlite3.Row) -> Proposal:
    return Proposal(
        id=row["id"],
        proposer_id=row["proposer_id"],
        title=row["title"],
        description=row["description"],
        starts_at=from_db_time(row["starts_at"]),
        timezone=row["timezone"],
        place=row["place"],
        city_id=row["city_id"],
        city=row["city"],
        country=row["country"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        expected=row["expected"],
        campaign_id=row["campaign_id"],
        status=ProposalStatus(row["status"]),
        reason=row["reason"],
        action_id=row["action_id"],
    )


def report_from(row: sqlite3.Row, media: Sequence[sqlite3.Row]) -> Report:
    """A report row and its media rows (in the order sent) as a ``Report``."""
    return Report(
        id=row["id"],
        user_id=row["user_id"],
        action_id=row["action_id"],
        action_chosen=bool(row["action_chosen"]),
        text=row["text"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        status=ReportStatus(row["status"]),
        review_note=row["review_note"],
        media=tuple(media_from(item) for item in media),
        submitted_at=optional_time(row["submitted_at"]),
        reviewer=row["reviewer"],
        reviewed_at=optional_time(row["reviewed_at"]),
    )


def media_from(row: sqlite3.Row) -> ReportMedia:
    return ReportMedia(
        kind=row["kind"],
        file_id=row["file_id"],
        file_unique_id=row["file_unique_id"],
        size=row["size"],
        mime=row["mime"],
        width=row["width"],
        height=row["height"],
        duration=row["duration"],
        caption=row["caption"],
        media_group_id=row["media_group_id"],
        message_id=row["message_id"],
    )


def call_from(row: sqlite3.Row) -> Call:
    return Call(
        id=row["id"],
        author=row["author"],
        text=row["text"],
        entities=row["entities"],
        media=row["media"],
        action_id=row["action_id"],
        targets=tuple(json.loads(row["targets"])),
        to_subscribers=bool(row["to_subscribers"]),
        status=CallStatus(row["status"]),
        publish_at=optional_time(row["publish_at"]),
        created_at=from_db_time(row["created_at"]),
        campaign_id=row["campaign_id"],
    )


def channel_from(row: sqlite3.Row) -> Channel:
    return Channel(
        chat_id=row["chat_id"],
        title=row["title"],
        username=row["username"],
        kind=row["kind"],
        linked_by=row["linked_by"],
        linked_at=from_db_time(row["linked_at"]),
        can_post=bool(row["can_post"]),
    )


def invite_from(row: sqlite3.Row) -> Invite:
    return Invite(
        token=row["token"],
        role=Role(row["role"]),
        created_by=row["created_by"],
        created_at=from_db_time(row["created_at"]),
        expires_at=from_db_time(row["expires_at"]),
        used_by=row["used_by"],
        used_at=optional_time(row["used_at"]),
    )


def delivery_from(row: sqlite3.Row) -> Delivery:
    return Delivery(
        id=row["id"],
        purpose=row["purpose"],
        chat_id=row["chat_id"],
        payload=row["payload"],
        due_at=from_db_time(row["due_at"]),
        status=DeliveryStatus(row["status"]),
        attempts=row["attempts"],
        last_error=row["last_error"],
        message_id=row["message_id"],
        updated_at=from_db_time(row["updated_at"]),
    )


def prompt_from(row: sqlite3.Row) -> Prompt:
    return Prompt(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        flow=row["flow"],
        step=row["step"],
        data=row["data"],
        message_id=row["message_id"],
        opened_at=from_db_time(row["opened_at"]),
        expires_at=from_db_time(row["expires_at"]),
    )


def message_ids(row: sqlite3.Row) -> tuple[int, ...]:
    """The ids of the messages one delivery made: all of an album, or the one message."""
    listed = row["message_ids"] or str(row["message_id"] or "")
    return tuple(int(part) for part in listed.split(",") if part)
