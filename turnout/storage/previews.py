"""What a report would look like in a channel with its faces covered, kept between the
organiser seeing it and choosing "Publish blurred" or "Publish as is" (README, "Faces")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from turnout.storage.base import StoreBase, from_db_time, to_db_time


@dataclass(frozen=True, slots=True)
class PreviewItem:
    """A photo, video or animation ready to post by file id, and the faces covered in it."""

    kind: str
    file_id: str
    faces: int


@dataclass(frozen=True, slots=True)
class Preview:
    id: int
    report_id: int
    channel_id: int
    made_at: datetime
    items: tuple[PreviewItem, ...]
    left_out: str
    """Why each item left out was, as the JSON its use case wrote (``export.reasons``)."""

    @property
    def faces(self) -> int:
        return sum(item.faces for item in self.items)


@dataclass(frozen=True, slots=True)
class AsIs:
    """A report published "as is" after a preview: the faces found and not covered, and the
    photos and videos that could not be checked at all (README, "Faces")."""

    faces: int
    unchecked: int = 0

    def detail(self) -> dict[str, object]:
        """What the audit entry of the publication adds (``report:published``)."""
        return {"as_is": True, "faces": self.faces, "unchecked": self.unchecked}


class PreviewQueries(StoreBase):
    async def save_preview(
        self,
        report_id: int,
        channel_id: int,
        items: list[PreviewItem],
        left_out: str,
        now: datetime,
    ) -> Preview:
        """Keep a preview (its number is for the buttons under it)."""
        rows = await self._execute_returning(
            """
            INSERT INTO publication_previews (report_id, channel_id, made_at, items, left_out)
            VALUES (:report, :channel, :now, :items, :left_out)
            RETURNING id
            """,
            {
                "report": report_id,
                "channel": channel_id,
                "now": to_db_time(now),
                "items": json.dumps(
                    [{"kind": i.kind, "file_id": i.file_id, "faces": i.faces} for i in items]
                ),
                "left_out": left_out,
            },
        )
        return Preview(int(rows[0]["id"]), report_id, channel_id, now, tuple(items), left_out)

    async def preview(self, preview_id: int) -> Preview | None:
        row = await self._fetch_one(
            "SELECT * FROM publication_previews WHERE id = :id", {"id": preview_id}
        )
        if row is None:
            return None
        return Preview(
            id=row["id"],
            report_id=row["report_id"],
            channel_id=row["channel_id"],
            made_at=from_db_time(row["made_at"]),
            items=tuple(
                PreviewItem(str(i["kind"]), str(i["file_id"]), int(i["faces"]))
                for i in json.loads(row["items"])
            ),
            left_out=row["left_out"],
        )

    async def drop_preview(self, preview_id: int) -> bool:
        """Forget a preview (the organiser cancelled it); False if it was gone already."""
        return (
            await self._execute(
                "DELETE FROM publication_previews WHERE id = :id", {"id": preview_id}
            )
            > 0
        )
