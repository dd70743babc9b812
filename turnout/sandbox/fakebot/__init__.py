"""An in-process fake Telegram Bot API server for end-to-end tests.

Typical use::

    async with FakeTelegram(TOKEN) as tg:
        alice = tg.add_user("Alice")
        app = ApplicationBuilder().token(TOKEN).base_url(tg.base_url)
              .base_file_url(tg.base_file_url).build()
        ...
        await alice.send("/start")
        reply = await alice.reply()
        await alice.press("Yes")
"""

from __future__ import annotations

from .calls import ApiCall
from .client import FakeUser
from .errors import ApiError
from .params import UploadedFile
from .server import FakeTelegram
from .webhook import SECRET_HEADER, WebhookDelivery
from .world import FakeChat, StoredMessage, UserRecord

__all__ = [
    "SECRET_HEADER",
    "ApiCall",
    "ApiError",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "StoredMessage",
    "UploadedFile",
    "UserRecord",
    "WebhookDelivery",
]
