"""Pure rendering: text and keyboards from models and a translator. No I/O here."""

from turnout.views.reply import Reply

__all__ = ["Reply"]
