"""A lean stand-in for the Bot API, for the fan-out benchmark: just what a broadcast needs.

The sandbox's fake server (``turnout/sandbox/fakebot``) models Telegram's world: chats, stored
messages, updates, files, every call recorded with its parameters. That costs about a
millisecond of its own CPU per request, so on a 2-core machine it cannot answer 1,000 requests
a second beside the sender being measured. This responder answers over plain asyncio with
HTTP/1.1 keep-alive and keeps only counters: which chats got a message and how many times, how
many copies went paid (``allow_paid_broadcast``), and the 429s it gave.

Telegram's limits as it enforces them: unpaid messages at most ``free_rate`` a second, paid
ones at most ``paid_rate`` a second (each a token bucket that allows a burst of a fifth of a
second), each paid copy costing ``STARS_PER_PAID`` from the bot's balance; a paid copy when
the balance cannot cover it is refused with 400. ``getUpdates`` waits out its timeout (nobody
writes to the bot here); any other method answers ``true``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from turnout.sandbox.fakebot.faults import TokenBucket

#: The fee per message sent with ``allow_paid_broadcast`` (Bot API), in Stars.
STARS_PER_PAID = 0.1


def bucket(rate: float) -> TokenBucket:
    """``rate`` a second, with a burst of a fifth of a second's worth (at least one)."""
    return TokenBucket(rate, burst=rate / 5)


@dataclass
class Tally:
    per_chat: Counter[int] = field(default_factory=Counter)
    paid: int = 0
    throttled: int = 0
    refused: int = 0


class Responder:
    def __init__(self, token: str, *, free_rate: float, paid_rate: float, stars: float) -> None:
        self.token = token
        self.free_rate, self.paid_rate = free_rate, paid_rate
        self.stars = stars
        self.tally = Tally()
        self.reset()
        self._server: asyncio.Server | None = None
        self._message_id = 0

    def reset(self) -> None:
        """A fresh tally and full buckets for the next run."""
        self.tally = Tally()
        self.free = bucket(self.free_rate)
        self.paid = bucket(self.paid_rate)

    async def start(self) -> int:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(lambda: _Connection(self), "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    # -- the API ---------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "sendMessage":
            return self._send(params)
        if method == "getMe":
            return 200, _ok(
                {"id": 900000001, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
            )
        if method == "getMyStarBalance":
            return 200, _ok({"amount": int(self.stars), "nanostar_amount": 0})
        return 200, _ok(True)

    def _send(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        paid = str(params.get("allow_paid_broadcast", "")).lower() in ("true", "1")
        if paid and self.stars < STARS_PER_PAID:
            self.tally.refused += 1
            return 400, _error(400, "Bad Request: not enough Stars for a paid broadcast")
        if not (self.paid if paid else self.free).take():
            self.tally.throttled += 1
            return 429, {**_error(429, "Too Many Requests: retry after 1"), "parameters": {
                "retry_after": 1
            }}  # fmt: skip
        if paid:
            self.stars -= STARS_PER_PAID
            self.tally.paid += 1
        chat_id = int(params["chat_id"])
        self.tally.per_chat[chat_id] += 1
        self._message_id += 1
        return 200, _ok(
            {
                "message_id": self._message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Member"},
                "text": params.get("text", ""),
            }
        )


def _ok(result: Any) -> dict[str, Any]:
    return {"ok": True, "result": result}


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


class _Connection(asyncio.Protocol):
    """One keep-alive connection: requests parsed from the byte stream, answered in order."""

    def __init__(self, responder: Responder) -> None:
        self.responder = responder
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            head_end = self.buffer.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = self.buffer[:head_end].decode("latin-1").split("\r\n")
            headers = {}
            for line in head[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0"))
            if len(self.buffer) < head_end + 4 + length:
                return
            body = self.buffer[head_end + 4 : head_end + 4 + length]
            self.buffer = self.buffer[head_end + 4 + length :]
            self._respond(head[0], headers.get("content-type", ""), body)

    def _respond(self, request_line: str, content_type: str, body: bytes) -> None:
        path = request_line.split(" ")[1]
        token, _, method = path.removeprefix("/bot").partition("/")
        params: dict[str, Any]
        if content_type.startswith("application/json"):
            params = json.loads(body) if body else {}
        else:
            params = dict(parse_qsl(body.decode()))
        if token != self.responder.token:
            status, answer = 401, _error(401, "Unauthorized")
        elif method == "getUpdates":
            timeout = float(params.get("timeout", 0) or 0)
            asyncio.get_running_loop().call_later(min(timeout, 5.0), self._write, 200, _ok([]))
            return
        else:
            status, answer = self.responder.answer(method, params)
        self._write(status, answer)

    def _write(self, status: int, answer: dict[str, Any]) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        payload = json.dumps(answer).encode()
        self.transport.write(
            b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
            % (status, len(payload), payload)
        )
