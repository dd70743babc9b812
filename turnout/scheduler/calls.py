"""Publishing a call: one outbox row per target channel and per subscriber, for each part.

Used when a broadcaster presses "Publish now", and by the planner for scheduled calls; each part
has its own outbox purpose, so publishing twice (a retry, a restart) posts nothing twice.
"""

from __future__ import annotations

import logging

from turnout.bot.context import BotData
from turnout.storage import Call
from turnout.views.calls import parts_in, purpose

log = logging.getLogger(__name__)


async def publish_call(data: BotData, call: Call, bot_username: str) -> str:
    """Queue every copy of ``call``; return the purpose whose progress to follow. The caller
    has already moved the call to published (from scheduled, or created it so)."""
    catalogs = data.catalogs
    default = catalogs.default_language
    subscribers = await data.store.subscribers() if call.to_subscribers else []
    # Channels read the bot's default language; each subscriber their own (the buttons).
    languages = {default} | {catalogs.resolve(person.language) for person in subscribers}
    by_language = parts_in(
        call, {language: catalogs.translator(language) for language in languages}, bot_username
    )
    parts = by_language[default]
    for index, (part, _) in enumerate(parts):
        messages = [(chat, parts[index][1]) for chat in call.targets]
        messages += [
            (person.user_id, by_language[catalogs.resolve(person.language)][index][1])
            for person in subscribers
        ]
        await data.outbox.enqueue(purpose(call.id, part), messages)
    log.info("call %d: %d parts to %d channels and %d subscribers", call.id, len(parts),
             len(call.targets), len(subscribers))  # fmt: skip
    return purpose(call.id, parts[-1][0])
