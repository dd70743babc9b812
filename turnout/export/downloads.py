"""Downloading members' files from Telegram for an export; its errors become ExportError."""

from __future__ import annotations

from telegram import Bot
from telegram.error import TelegramError

from turnout.export.archive import Fetch
from turnout.export.errors import ExportError


def bot_fetcher(bot: Bot) -> Fetch:
    async def fetch(file_id: str) -> bytes:
        try:
            file = await bot.get_file(file_id)
            return bytes(await file.download_as_bytearray())
        except TelegramError as error:
            raise ExportError(f"could not download {file_id}: {error}") from error

    return fetch
