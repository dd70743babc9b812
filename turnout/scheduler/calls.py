"""Publishing a call: one outbox row per target channel and per subscriber, for each part.

Used when a broadcaster presses "Publish now", and by the planner for scheduled calls; each part
has its own outbox purpose, so publishing twice (a retry, a restart) posts nothing twice.
"""

from __future__ import annotations

import logging

from turnout.bot.context import BotData
from turnout.storage import Call
from turnout.views.calls import call_parts, purpose

log = logging.getLogger(__name__)


async def publish_call(data: BotData, call: Call, bot_username: str) -> str:
    """Queue every copy of ``call``; return the purpose whose progress to follow. The caller
    has already moved the call to published (from scheduled, or created it so)."""
    t = data.catalogs.translator(data.catalogs.default_language)
    parts = call_parts(call, t, bot_username)
    subscribers = await data.store.subscribers() if call.to_subscribers else []
    for part, payload in parts:
        chats = [*call.targets, *(person.user_id for person in subscribers)]
        await data.outbox.enqueue(purpose(call.id, part), [(chat, payload) for chat in chats])
    log.info("call %d: %d parts to %d channels and %d subscribers", call.id, len(parts),
             len(call.targets), len(subscribers))  # fmt: skip
    return purpose(call.id, parts[-1][0])
