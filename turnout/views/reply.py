"""What a handler sends back: text (HTML) and an optional inline keyboard."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from turnout.delivery import Button, Payload


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    markup: InlineKeyboardMarkup | None = None

    def to_payload(self) -> Payload:
        """The same message for the outbox (which stores plain data, not Telegram objects)."""
        rows = self.markup.inline_keyboard if self.markup is not None else ()
        buttons = tuple(
            tuple(Button(button.text, button.url, _data(button.callback_data)) for button in row)
            for row in rows
        )
        return Payload(self.text, buttons=buttons)


def _data(callback_data: object) -> str | None:
    return None if callback_data is None else str(callback_data)
