"""Rows as models: one function per table, so every query that reads a table maps it the same
way, and the query modules can read each other's tables without importing each other.

A model's field is read from the column of the same name and converted by its type: times
(stored as UTC text), flags (0 or 1), and enums (by value). What the types cannot say (a list of
minutes, JSON) is spelled out.
"""

from __future__ import annotations

import json
import sqlite3
import typing
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar, cast

import aiosqlite

from turnout.storage.base import from_db_time, optional_time, parse_minutes
from turnout.storage.models import (
    Action,
    Call,
    Channel,
    Invite,
    Member,
    Proposal,
    Report,
    ReportMedia,
)
from turnout.storage.records import AuditEntry, Delivery, Prompt

M = TypeVar("M")
Reader = Callable[[Any], object]
_READERS: dict[type[Any], dict[str, Reader]] = {}


def build(model: type[M], row: sqlite3.Row, **given: object) -> M:
    """``model`` from ``row``: each field from its column, read by its type, but those
    ``given``."""
    columns = row.keys()
    values: dict[str, Any] = {
        name: read(row[name])
        for name, read in _readers(model).items()
        if name not in given and name in columns
    }
    return model(**values, **given)


def _readers(model: type[Any]) -> dict[str, Reader]:
    """How each field of ``model`` is read from its column (worked out once per model)."""
    found = _READERS.get(model)
    if found is None:
        hints = typing.get_type_hints(model)
        found = _READERS[model] = {
            spec.name: _reader(hints[spec.name]) for spec in fields(cast(Any, model))
        }
    return found


def _reader(kind: Any) -> Reader:
    if kind is datetime:
        return from_db_time
    if kind == datetime | None:
        return optional_time
    if kind is bool:
        return bool
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return kind
    members = typing.get_args(kind)
    if len(members) == 2 and type(None) in members:  # an optional enum: None stays None
        (inner,) = (member for member in members if member is not type(None))
        if isinstance(inner, type) and issubclass(inner, StrEnum):
            return lambda value: None if value is None else inner(value)
    return lambda value: value


def member_from(row: sqlite3.Row) -> Member:
    return build(Member, row, reminder_minutes=parse_minutes(row["reminder_minutes"]))


def action_from(row: sqlite3.Row) -> Action:
    return build(Action, row, reminder_minutes=parse_minutes(row["reminder_minutes"]) or ())


def proposal_from(row: sqlite3.Row) -> Proposal:
    return build(Proposal, row)


def report_from(row: sqlite3.Row, media: Sequence[sqlite3.Row]) -> Report:
    """A report row and its media rows (in the order sent) as a ``Report``."""
    return build(Report, row, media=tuple(build(ReportMedia, item) for item in media))


def call_from(row: sqlite3.Row) -> Call:
    return build(Call, row, targets=tuple(json.loads(row["targets"])))


def channel_from(row: sqlite3.Row) -> Channel:
    return build(Channel, row)


def invite_from(row: sqlite3.Row) -> Invite:
    return build(Invite, row)


def delivery_from(row: sqlite3.Row) -> Delivery:
    return build(Delivery, row)


def prompt_from(row: sqlite3.Row) -> Prompt:
    return build(Prompt, row)


def audit_from(row: sqlite3.Row) -> AuditEntry:
    return build(AuditEntry, row)


def message_ids(row: sqlite3.Row) -> tuple[int, ...]:
    """The ids of the messages one delivery made: all of an album, or the one message."""
    listed = row["message_ids"] or str(row["message_id"] or "")
    return tuple(int(part) for part in listed.split(",") if part)


async def one_action(db: aiosqlite.Connection, action_id: int) -> Action | None:
    """Within a transaction: the action as it is now."""
    async with db.execute("SELECT * FROM actions WHERE id = :id", {"id": action_id}) as cursor:
        row = await cursor.fetchone()
    return None if row is None else action_from(row)
