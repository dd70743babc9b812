"""Queries about reports and their media, and the key behind members' pseudonyms."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta

from turnout.storage.base import StoreBase, rows_changed, to_db_time, write_audit
from turnout.storage.deliveries import insert_deliveries
from turnout.storage.models import Decision, Report, ReportMedia, ReportStatus
from turnout.storage.previews import AsIs
from turnout.storage.purposes import ReviewChatNotice
from turnout.storage.records import DigestNumbers
from turnout.storage.rows import report_from

_DRAFT_FIELDS = frozenset({"action_id", "action_chosen", "text", "latitude", "longitude"})


class ReportQueries(StoreBase):
    async def open_draft(self, user_id: int, now: datetime) -> Report:
        """The member's report in progress, or a new empty one."""
        await self._execute(
            """
            INSERT INTO reports (id, user_id, created_at, updated_at)
            VALUES ((SELECT last + 1 FROM id_floors WHERE name = 'reports'), :user_id, :now, :now)
            ON CONFLICT (user_id) WHERE status = 'draft' DO NOTHING
            """,
            {"user_id": user_id, "now": to_db_time(now)},
        )
        draft = await self.draft_of(user_id)
        assert draft is not None
        return draft

    async def draft_of(self, user_id: int) -> Report | None:
        row = await self._fetch_one(
            "SELECT * FROM reports WHERE user_id = :user_id AND status = 'draft'",
            {"user_id": user_id},
        )
        return None if row is None else await self._with_media(row)

    async def reports_of(self, user_id: int, limit: int = 20) -> list[Report]:
        rows = await self._fetch_all(
            """
            SELECT * FROM reports WHERE user_id = :user_id AND status != 'draft'
            ORDER BY id DESC LIMIT :limit
            """,
            {"user_id": user_id, "limit": limit},
        )
        return [await self._with_media(row) for row in rows]

    async def update_draft(self, report_id: int, fields: dict[str, object], now: datetime) -> None:
        """Set the action, text or location of a draft."""
        unknown = set(fields) - _DRAFT_FIELDS
        if unknown:
            raise ValueError(f"not a draft field: {sorted(unknown)}")
        # Column names come from the fixed set above, never from input.
        assignments = ", ".join(f"{name} = :{name}" for name in sorted(fields))
        await self._execute(
            f"UPDATE reports SET {assignments}, updated_at = :now "  # noqa: S608
            "WHERE id = :id AND status = 'draft'",
            {**fields, "id": report_id, "now": to_db_time(now)},
        )

    async def append_draft_text(
        self, report_id: int, text: str, message_id: int | None, now: datetime
    ) -> bool:
        """Set a draft's text to ``text`` (its old text with a message appended), unless that
        message was appended already (an update handled twice after a kill): False then."""
        changed = await self._execute(
            """
            UPDATE reports SET text = :text, text_through = :message_id, updated_at = :now
            WHERE id = :id AND status = 'draft'
              AND (:message_id IS NULL OR text_through IS NULL OR text_through < :message_id)
            """,
            {"id": report_id, "text": text, "message_id": message_id, "now": to_db_time(now)},
        )
        return changed == 1

    async def add_report_media(self, report_id: int, media: ReportMedia) -> bool:
        """Keep one item in a draft; False if that message was already stored (delivered
        twice) or the report is no longer a draft (an album still arriving after /done)."""
        changed = await self._execute(
            """
            INSERT INTO report_media (report_id, kind, file_id, file_unique_id, size, mime, width,
                                      height, duration, caption, media_group_id, message_id)
            SELECT id, :kind, :file_id, :file_unique_id, :size, :mime, :width, :height,
                   :duration, :caption, :media_group_id, :message_id
            FROM reports WHERE id = :report_id AND status = 'draft'
            ON CONFLICT (report_id, message_id) DO NOTHING
            """,
            {"report_id": report_id, **asdict(media)},
        )
        return changed == 1

    async def add_to_open_draft(self, user_id: int, media: ReportMedia, max_media: int) -> bool:
        """The hot path of intake, in one statement: add an item to the member's open draft if
        it has its action chosen and room left. False when not added (the caller asks why)."""
        changed = await self._execute(
            """
            INSERT INTO report_media (report_id, kind, file_id, file_unique_id, size, mime, width,
                                      height, duration, caption, media_group_id, message_id)
            SELECT id, :kind, :file_id, :file_unique_id, :size, :mime, :width, :height,
                   :duration, :caption, :media_group_id, :message_id
            FROM reports
            WHERE user_id = :user_id AND status = 'draft' AND action_chosen = 1
              AND (SELECT COUNT(*) FROM report_media WHERE report_id = reports.id) < :max_media
            ON CONFLICT (report_id, message_id) DO NOTHING
            """,
            {"user_id": user_id, "max_media": max_media, **asdict(media)},
        )
        return changed == 1

    async def submit_report(self, report_id: int, now: datetime) -> bool:
        """A draft sent to the reviewers; the submission is counted (for the rate) even if the
        report is withdrawn later. False if it was not a draft."""
        values = {"id": report_id, "now": to_db_time(now)}
        async with self._transaction() as db:
            cursor = await db.execute(
                """
                UPDATE reports SET status = 'pending', submitted_at = :now, updated_at = :now
                WHERE id = :id AND status = 'draft'
                RETURNING user_id
                """,
                values,
            )
            row = await cursor.fetchone()
            if row is None:
                return False
            await db.execute(
                "DELETE FROM report_submissions WHERE submitted_at < :day_ago",
                {"day_ago": to_db_time(now - timedelta(days=1))},
            )
            await db.execute(
                "INSERT INTO report_submissions (user_id, submitted_at) VALUES (:user, :now)",
                {"user": row["user_id"], "now": values["now"]},
            )
        return True

    async def discard_draft(self, user_id: int) -> bool:
        changed = await self._execute(
            "DELETE FROM reports WHERE user_id = :user_id AND status = 'draft'",
            {"user_id": user_id},
        )
        return changed == 1

    async def withdraw_report(self, report_id: int, user_id: int) -> bool:
        """A member takes back their own report while it waits for review: it is deleted."""
        changed = await self._execute(
            "DELETE FROM reports WHERE id = :id AND user_id = :user_id AND status = 'pending'",
            {"id": report_id, "user_id": user_id},
        )
        return changed == 1

    async def reports_submitted_since(self, user_id: int, since: datetime) -> int:
        row = await self._fetch_one(
            """
            SELECT COUNT(*) FROM report_submissions
            WHERE user_id = :user_id AND submitted_at > :since
            """,
            {"user_id": user_id, "since": to_db_time(since)},
        )
        return int(row[0]) if row else 0

    # -- review ------------------------------------------------------------------------------

    async def report(self, report_id: int) -> Report | None:
        """A submitted report (never someone's draft)."""
        row = await self._fetch_one(
            "SELECT * FROM reports WHERE id = :id AND status != 'draft'", {"id": report_id}
        )
        return None if row is None else await self._with_media(row)

    async def next_pending(self, action_id: int | None, after: int = 0) -> Report | None:
        """The oldest report waiting for review after report ``after`` (Skip), optionally only
        of one action."""
        row = await self._fetch_one(
            """
            SELECT * FROM reports
            WHERE status = 'pending' AND id > :after
              AND (:action_id IS NULL OR action_id = :action_id)
            ORDER BY id LIMIT 1
            """,
            {"after": after, "action_id": action_id},
        )
        return None if row is None else await self._with_media(row)

    async def count_pending(self, action_id: int | None) -> int:
        row = await self._fetch_one(
            """
            SELECT COUNT(*) FROM reports
            WHERE status = 'pending' AND (:action_id IS NULL OR action_id = :action_id)
            """,
            {"action_id": action_id},
        )
        return int(row[0]) if row else 0

    async def decide_report(
        self,
        report_id: int,
        status: ReportStatus,
        note: str | None,
        reviewer: int,
        now: datetime,
    ) -> Decision:
        """Approve, reject or flag a pending report, audited, in one transaction. Only the
        first of two organisers deciding at once succeeds; the other gets the first decision."""
        if status not in (ReportStatus.APPROVED, ReportStatus.REJECTED, ReportStatus.FLAGGED):
            raise ValueError(f"not a decision: {status}")
        async with self._transaction() as db:
            decided = await rows_changed(
                db,
                """
                UPDATE reports
                SET status = :status, review_note = :note, reviewer = :reviewer,
                    reviewed_at = :now, updated_at = :now
                WHERE id = :id AND status = 'pending'
                """,
                {
                    "id": report_id,
                    "status": status,
                    "note": note,
                    "reviewer": reviewer,
                    "now": to_db_time(now),
                },
            )
            if decided:
                await write_audit(
                    db, now, reviewer, f"report:{status}", None,
                    {"report": report_id, "note": bool(note)},
                )  # fmt: skip
        return Decision(decided, await self.report(report_id))

    async def claim_publication(
        self,
        report_id: int,
        channel_id: int,
        actor: int,
        now: datetime,
        *,
        as_is: AsIs | None = None,
    ) -> bool:
        """Reserve publishing an approved report to a channel, audited; False if it was
        published there already (or is being published) or is not approved. ``as_is``: what
        was found when the organiser chose "Publish as is" (faces not covered)."""
        async with self._transaction() as db:
            claimed = await rows_changed(
                db,
                """
                INSERT INTO report_publications (report_id, channel_id, published_by,
                                                 published_at)
                SELECT id, :channel, :actor, :now FROM reports
                WHERE id = :report AND status = 'approved'
                ON CONFLICT (report_id, channel_id) DO NOTHING
                """,
                {
                    "report": report_id,
                    "channel": channel_id,
                    "actor": actor,
                    "now": to_db_time(now),
                },
            )
            if claimed:
                await write_audit(
                    db, now, actor, "report:published", None,
                    {"report": report_id, "channel": channel_id}
                    | ({} if as_is is None else as_is.detail()),
                )  # fmt: skip
        return claimed

    async def is_published(self, report_id: int, channel_id: int) -> bool:
        """Whether the report is published in the channel (or being published there)."""
        row = await self._fetch_one(
            """
            SELECT 1 FROM report_publications
            WHERE report_id = :report_id AND channel_id = :channel_id
            """,
            {"report_id": report_id, "channel_id": channel_id},
        )
        return row is not None

    async def release_publication(self, report_id: int, channel_id: int) -> None:
        """Posting failed: the report can be published there again."""
        await self._execute(
            """
            DELETE FROM report_publications
            WHERE report_id = :report_id AND channel_id = :channel_id
            """,
            {"report_id": report_id, "channel_id": channel_id},
        )

    # -- the review chat ---------------------------------------------------------------------

    async def unnoticed_reports(self, limit: int) -> list[Report]:
        """Submitted reports the review chat has not been told of yet, oldest first."""
        rows = await self._fetch_all(
            """
            SELECT * FROM reports
            WHERE review_noticed = 0 AND status != 'draft' ORDER BY id LIMIT :limit
            """,
            {"limit": limit},
        )
        return [await self._with_media(row) for row in rows]

    async def enqueue_review_notice(
        self, report_ids: Sequence[int], chat_id: int, payload: str, now: datetime
    ) -> int:
        """Queue the notice and mark its reports as told, in one transaction: a crash between
        the two neither loses nor repeats a notice. Returns the rows queued."""
        if not report_ids:
            return 0
        async with self._transaction() as db:
            await db.execute(
                """
                UPDATE reports SET review_noticed = 1
                WHERE id IN (SELECT value FROM json_each(:ids))
                """,
                {"ids": json.dumps(list(report_ids))},
            )
            purpose = ReviewChatNotice(report_ids[0], report_ids[-1])
            return await insert_deliveries(db, purpose, [(chat_id, payload)], now, now, None)

    async def digest_numbers(self, since: datetime) -> DigestNumbers:
        """What happened since ``since``, for the daily digest."""
        row = await self._fetch_one(
            """
            SELECT
              (SELECT COUNT(*) FROM reports WHERE submitted_at > :since),
              (SELECT COUNT(*) FROM reports WHERE status = 'pending'),
              (SELECT COUNT(*) FROM reports WHERE reviewed_at > :since),
              (SELECT COUNT(*) FROM rsvps WHERE answered_at > :since),
              (SELECT COUNT(*) FROM members WHERE created_at > :since)
            """,
            {"since": to_db_time(since)},
        )
        assert row is not None
        return DigestNumbers(*(int(value) for value in row))

    async def pseudonym_key(self) -> bytes:
        row = await self._fetch_one("SELECT value FROM secrets WHERE name = 'pseudonym_key'", {})
        assert row is not None  # made by the migration
        return bytes(row["value"])

    async def _with_media(self, row: sqlite3.Row) -> Report:
        media = await self._fetch_all(
            "SELECT * FROM report_media WHERE report_id = :id ORDER BY message_id, id",
            {"id": row["id"]},
        )
        return report_from(row, media)
