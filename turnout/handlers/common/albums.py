"""Albums arrive as one update per item; this runs something once, after the last of them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import JobQueue

from turnout.handlers.common.context import TurnoutContext


def after_album(
    context: TurnoutContext, name: str, seconds: float, then: Callable[[], Awaitable[None]]
) -> None:
    """Run ``then`` ``seconds`` after the latest call with this ``name``: each new part of the
    album moves the moment on, so it runs once, when the album is complete."""
    queue = context.job_queue
    assert queue is not None
    for job in queue.get_jobs_by_name(name):
        job.schedule_removal()

    async def run(_: object) -> None:
        await then()

    queue.run_once(run, when=seconds, name=name)


def cancel_albums_of(queue: JobQueue[Any], chat_id: int) -> None:
    """Drop every pending album job of a chat (its member asked to be forgotten)."""
    for job in queue.jobs():
        name = job.name or ""
        if name == f"album-options-{chat_id}" or name.startswith(f"album-ack-{chat_id}-"):
            job.schedule_removal()
