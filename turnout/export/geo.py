"""``actions.geojson``: the actions and the located reports of an export as GeoJSON points
(RFC 7946: longitude first, WGS 84), for any map tool. Written feature by feature."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

import geojson

from turnout.export.daycounts import day_counts
from turnout.storage import Action, Report
from turnout.storage.records import DayNumbers


def point(latitude: float, longitude: float, properties: dict[str, Any]) -> str:
    feature = geojson.Feature(geometry=geojson.Point((longitude, latitude)), properties=properties)
    return json.dumps(feature, ensure_ascii=False)


def action_feature(action: Action, day: DayNumbers | None = None) -> str | None:
    """An action where it is, with its day in counts (``actions.csv`` has the same numbers)."""
    if action.latitude is None or action.longitude is None:
        return None
    counts = {} if day is None else day_counts(day)
    return point(
        action.latitude,
        action.longitude,
        {
            "kind": "action",
            "id": action.id,
            "title": action.title,
            "starts_utc": action.starts_at.isoformat(),
            "ends_utc": action.end.isoformat(),
            "timezone": action.timezone,
            "place": action.place,
            "city": action.city,
            "country": action.country,
            "status": action.status.value,
            "campaign_id": action.campaign_id,
            **counts,
        },
    )


def report_feature(report: Report) -> str | None:
    """Where a report was sent from; the member is not named (the CSV has the pseudonym)."""
    if report.latitude is None or report.longitude is None:
        return None
    submitted = report.submitted_at.isoformat() if report.submitted_at else None
    return point(
        report.latitude,
        report.longitude,
        {
            "kind": "report",
            "id": report.id,
            "action_id": report.action_id,
            "status": report.status.value,
            "submitted_utc": submitted,
        },
    )


class FeatureWriter:
    """A FeatureCollection streamed to ``out``: :meth:`add` each feature, then :meth:`close`."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        out.write('{"type": "FeatureCollection", "features": [')

    def add(self, features: Iterable[str | None]) -> None:
        for feature in features:
            if feature is None:
                continue
            self.out.write(("\n" if self.count == 0 else ",\n") + feature)
            self.count += 1

    def close(self) -> None:
        self.out.write("\n]}\n")
