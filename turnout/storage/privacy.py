"""Forgetting a member, and purging what the retention period no longer allows (README, "What
the bot stores").

Both are one transaction each: a member is either entirely there or entirely gone, and a purge
never leaves media records without their report.
"""

from __future__ import annotations

import json
from datetime import datetime

from turnout.storage.base import StoreBase, to_db_time, write_audit
from turnout.storage.models import ActionStatus
from turnout.storage.ownernotices import forget_owner_notices
from turnout.storage.purposes import ProposalNotice, ReviewChatNotice
from turnout.storage.records import Forgotten, Purged
from turnout.storage.rows import one_action
from turnout.storage.rsvps import promote

# Columns that name a person in a role that must go on existing (the action they created, the
# call they wrote...): the id becomes 0, "someone forgotten". Nullable ones become NULL.
_STAFF_COLUMNS_TO_ZERO = (
    ("actions", "created_by"),
    ("channels", "linked_by"),
    ("calls", "author"),
    ("report_publications", "published_by"),
    ("invites", "created_by"),
    ("invites", "used_by"),
    ("campaigns", "created_by"),
    ("alerts", "sent_by"),
    # Trust outlives whoever gave it: "trusted" is a non-empty trusted_by.
    ("members", "trusted_by"),
)
_STAFF_COLUMNS_TO_NULL = (
    ("roles", "granted_by"),
    ("reports", "reviewer"),
    ("actions", "host_id"),
    ("proposals", "decided_by"),
)


class PrivacyQueries(StoreBase):
    async def forget_member(self, user_id: int, pseudonym: str, now: datetime) -> Forgotten:
        """Delete everything about a member (``/forgetme``): their row, roles, answers (the
        waitlist moves up as usual), reports and their media records, drafts, and every message
        queued or sent to them. Where they acted as staff the record stays, without their id;
        the audit log keeps only their pseudonym."""
        uid = {"uid": user_id}
        async with self._transaction() as db:

            async def count(sql: str) -> int:
                async with db.execute(sql, uid) as cursor:
                    row = await cursor.fetchone()
                return int(row[0]) if row else 0

            roles = await count("SELECT COUNT(*) FROM roles WHERE user_id = :uid")
            reports = await count(
                "SELECT COUNT(*) FROM reports WHERE user_id = :uid AND status != 'draft'"
            )
            media = await count(
                "SELECT COUNT(*) FROM report_media JOIN reports ON reports.id = report_id "
                "WHERE reports.user_id = :uid"
            )
            # Seats given up: the longest-waiting members move up, as when someone says no.
            async with db.execute(
                "SELECT action_id, answer FROM rsvps WHERE user_id = :uid", uid
            ) as cursor:
                answers = [(row["action_id"], row["answer"]) for row in await cursor.fetchall()]
            await db.execute("DELETE FROM rsvps WHERE user_id = :uid", uid)
            promoted: list[tuple[int, tuple[int, ...]]] = []
            for action_id, answer in answers:
                action = await one_action(db, action_id)
                if (
                    answer == "going"
                    and action is not None
                    and action.capacity is not None
                    and action.status is ActionStatus.PLANNED
                    and action.starts_at > now
                ):
                    moved = await promote(db, action_id, action.capacity, now)
                    if moved:
                        promoted.append((action_id, moved))
            cursor = await db.execute("DELETE FROM deliveries WHERE chat_id = :uid", uid)
            messages = cursor.rowcount
            # The notices of their proposals to organisers quote what they wrote.
            async with db.execute(
                "SELECT id FROM proposals WHERE proposer_id = :uid", uid
            ) as cursor:
                notices = [ProposalNotice(row["id"]).key for row in await cursor.fetchall()]
            await db.execute(
                "DELETE FROM deliveries WHERE purpose IN (SELECT value FROM json_each(:keys))",
                {"keys": json.dumps(notices)},
            )
            # The review chat's notices of their reports name them (a pseudonym, a first name
            # shown). One notice may tell of others' reports too: those stay in the review
            # queue all the same, and /review shows them.
            async with db.execute("SELECT id FROM reports WHERE user_id = :uid", uid) as cursor:
                theirs = {row["id"] for row in await cursor.fetchall()}
            async with db.execute(
                "SELECT id, purpose FROM deliveries WHERE purpose LIKE :like ESCAPE '\\'",
                {"like": ReviewChatNotice.FAMILY.like},
            ) as cursor:
                naming = [
                    row["id"]
                    for row in await cursor.fetchall()
                    if (notice := ReviewChatNotice.read(row["purpose"])) and notice.covers(theirs)
                ]
            await db.execute(
                "DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(:ids))",
                {"ids": json.dumps(naming)},
            )
            # A call for help to the safety team names them (with their consent, then): it goes,
            # sent or not, with everything else about them.
            await db.execute(
                "DELETE FROM deliveries WHERE purpose LIKE 'safety-help:%:' || :uid", uid
            )
            # A question left open holds what they were typing.
            await db.execute("DELETE FROM prompts WHERE user_id = :uid", uid)
            # The cards they opened on the day of an action (their check-ins go with their row).
            await db.execute("DELETE FROM live_cards WHERE chat_id = :uid", uid)
            # What they sent that is still in the inbox, this very /forgetme included (it is
            # handled from memory; a restart does not handle it again).
            await db.execute("UPDATE inbox SET body = NULL, sender = NULL WHERE sender = :uid", uid)
            await db.execute("DELETE FROM report_submissions WHERE user_id = :uid", uid)
            await db.execute("DELETE FROM reports WHERE user_id = :uid", uid)  # media cascade
            await db.execute("DELETE FROM members WHERE user_id = :uid", uid)  # roles cascade
            for table, column in _STAFF_COLUMNS_TO_ZERO:
                # Table and column names come from the constants above, never from input.
                await db.execute(
                    f"UPDATE {table} SET {column} = 0 WHERE {column} = :uid",  # noqa: S608
                    uid,
                )
            for table, column in _STAFF_COLUMNS_TO_NULL:
                await db.execute(
                    f"UPDATE {table} SET {column} = NULL WHERE {column} = :uid",  # noqa: S608
                    uid,
                )
            # The owners' notices name the member; found through the entries that still
            # hold the id, so before those are made anonymous.
            await forget_owner_notices(db, user_id)
            await db.execute(
                """
                UPDATE audit_log SET actor_id = NULL, detail = json_set(detail, '$.actor', :who)
                WHERE actor_id = :uid
                """,
                {**uid, "who": pseudonym},
            )
            await db.execute(
                """
                UPDATE audit_log SET target_id = NULL, detail = json_set(detail, '$.target', :who)
                WHERE target_id = :uid
                """,
                {**uid, "who": pseudonym},
            )
            await db.execute(
                """
                UPDATE audit_log SET detail = json_set(detail, '$.invited_by', :who)
                WHERE json_extract(detail, '$.invited_by') = :uid
                """,
                {**uid, "who": pseudonym},
            )
            await write_audit(db, now, None, "member:forgotten", None, {"member": pseudonym})
        self._members.pop(user_id, None)
        self._prompts.pop(user_id, None)
        await self._scrub()
        return Forgotten(
            roles=roles,
            answers=len(answers),
            reports=reports,
            media=media,
            messages=messages,
            promoted=tuple(promoted),
        )

    async def purge_before(self, before: datetime, now: datetime) -> Purged:
        """The retention period: reports (with their media records) and answers about actions
        that ended before ``before``, reports about no action submitted (drafts: last
        changed) before it, and messages delivered or given up before it."""
        cutoff = {"before": to_db_time(before)}
        async with self._transaction() as db:
            # Counted from the end: a week-long camp is kept as long after its last day.
            old_actions = (
                "SELECT id FROM actions"
                " WHERE COALESCE(ends_at, datetime(starts_at, '+2 hours')) < :before"
            )
            async with db.execute(
                f"""
                SELECT COUNT(*) FROM report_media WHERE report_id IN (
                    SELECT id FROM reports
                    WHERE action_id IN ({old_actions})
                       OR (action_id IS NULL AND COALESCE(submitted_at, updated_at) < :before))
                """,  # noqa: S608 - a constant subquery
                cutoff,
            ) as cursor:
                row = await cursor.fetchone()
            media = int(row[0]) if row else 0
            reports = await db.execute(
                f"""
                DELETE FROM reports
                WHERE action_id IN ({old_actions})
                   OR (action_id IS NULL AND COALESCE(submitted_at, updated_at) < :before)
                """,  # noqa: S608 - a constant subquery
                cutoff,
            )
            rsvps = await db.execute(
                f"DELETE FROM rsvps WHERE action_id IN ({old_actions})",  # noqa: S608
                cutoff,
            )
            # Who was there and what they answered to the safety check go with the answers.
            await db.execute(
                f"DELETE FROM checkins WHERE action_id IN ({old_actions})",  # noqa: S608
                cutoff,
            )
            # Messages long delivered (or given up) say who answered, who was reminded and what
            # was decided: they go by the same period.
            await db.execute(
                """
                DELETE FROM deliveries
                WHERE status IN ('sent', 'failed', 'skipped') AND updated_at < :before
                """,
                cutoff,
            )
            purged = Purged(reports=reports.rowcount, media=media, answers=rsvps.rowcount)
            if purged.reports or purged.answers:
                await write_audit(
                    db, now, None, "retention:purge", None,
                    {"before": to_db_time(before), "reports": purged.reports,
                     "media": media, "answers": purged.answers},
                )  # fmt: skip
        await self._scrub()
        return purged
