"""A status message kept up to date while the outbox works through a purpose (a publication,
an edit or a deletion of a call's copies), in a task of its own."""

from __future__ import annotations

from collections.abc import Callable

from turnout.delivery.progress import follow_progress
from turnout.handlers.common.context import TurnoutContext
from turnout.storage import DeliveryCounts
from turnout.storage.purposes import Purpose


def follow(
    context: TurnoutContext,
    purpose: Purpose,
    chat_id: int,
    message_id: int,
    render: Callable[[DeliveryCounts], str],
) -> None:
    """Edit the message with ``render(counts)`` until nothing of ``purpose`` is left to send
    (or the bot stops); returns at once."""
    application = context.application
    application.create_task(
        follow_progress(
            context.services.outbox,
            purpose,
            context.bot,
            chat_id,
            message_id,
            render,
            running=lambda: application.running,
        ),
        name=f"progress-{purpose}",
    )
