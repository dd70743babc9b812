"""Server-sent events for the page: which chat changed, and the clock after a skip."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

# A comment line now and then keeps proxies and the browser from closing an idle stream.
KEEPALIVE = 15.0
# A page that stops reading loses events beyond this, then refetches on its next change.
BACKLOG = 1000


class EventFeed:
    """Fans events out to every open page; ``publish`` is synchronous (called from the fake
    server's world as messages change)."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[tuple[str, str]]] = set()
        self.closing = asyncio.Event()

    def publish(self, event: str, data: dict[str, Any]) -> None:
        encoded = json.dumps(data)
        for queue in self._queues:
            if queue.qsize() < BACKLOG:
                queue.put_nowait((event, encoded))

    def chat_changed(self, chat_id: int) -> None:
        self.publish("change", {"chat_id": chat_id})

    async def stream(self, request: web.Request) -> web.StreamResponse:
        """``GET /api/events``: the stream, until the page goes or the sandbox stops."""
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-cache",
                "X-Accel-Buffering": "no",
            }
        )
        await response.prepare(request)
        queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
        self._queues.add(queue)
        try:
            await response.write(b"retry: 1000\n\n")
            while not self.closing.is_set():
                try:
                    event, data = await asyncio.wait_for(queue.get(), KEEPALIVE)
                except TimeoutError:
                    await response.write(b": keepalive\n\n")
                    continue
                await response.write(f"event: {event}\ndata: {data}\n\n".encode())
        except ConnectionResetError:  # the page was closed
            pass
        finally:
            self._queues.discard(queue)
        return response

    def close(self) -> None:
        """Let open streams end, so the server can stop without waiting for them."""
        self.closing.set()
        for queue in self._queues:
            queue.put_nowait(("bye", "{}"))
