"""What one outbox row sends: text, media by file id, or a copy, with an optional keyboard.

Payloads are stored as JSON in the ``deliveries`` table, so they carry only plain data; turning
them into Bot API calls is ``send.py``'s business.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import Any, Literal

from turnout.delivery.errors import BadPayload

MediaKind = Literal["photo", "video", "document", "animation", "audio", "voice"]
ALBUM_KINDS = frozenset({"photo", "video", "document", "audio"})
MAX_ALBUM = 10


@dataclass(frozen=True, slots=True)
class Media:
    kind: MediaKind
    file_id: str


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a link (``url``) or a bot button (``callback_data``)."""

    text: str
    url: str | None = None
    callback_data: str | None = None


@dataclass(frozen=True, slots=True)
class Payload:
    """One message. ``text`` is HTML unless ``entities`` are given (Telegram's own formatting,
    kept exactly as the author wrote it); with media it becomes the caption."""

    text: str = ""
    entities: tuple[dict[str, Any], ...] = ()
    media: tuple[Media, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = ()
    copy_of: tuple[int, int] | None = field(default=None)
    """(chat id, message id) of a message to copy instead of sending text or media."""
    link_preview: bool = False
    edit_of: int | None = None
    """Edit this message (its text, or its caption when ``media`` is set) instead of sending."""
    delete: tuple[int, ...] = ()
    """Delete these messages instead of sending anything."""
    pin: bool = False
    """Once sent, have the message pinned (an urgent alert stays at the top of the chat): the
    outbox queues the pin as a row of its own, a lane lower."""
    pin_of: int | None = None
    """Pin this message, already sent, instead of sending anything."""
    remove_keyboard: bool = False
    """Take away the reply keyboard the bot left under the person's text field (a question's
    "Share my location", when the question lapsed). A plain text message only."""

    def __post_init__(self) -> None:
        if not (self.text or self.media or self.copy_of or self.delete or self.pin_of):
            raise BadPayload("a message needs text, media or a message to copy")
        if len(self.media) > 1:
            if len(self.media) > MAX_ALBUM:
                raise BadPayload(f"an album holds at most {MAX_ALBUM} items")
            if any(item.kind not in ALBUM_KINDS for item in self.media):
                raise BadPayload("animations and voice notes cannot be part of an album")
            if self.buttons:
                raise BadPayload("Telegram does not allow buttons under an album")
        if self.remove_keyboard and (
            self.buttons
            or self.media
            or self.copy_of
            or self.edit_of is not None
            or self.delete
            or self.pin_of is not None
        ):
            raise BadPayload("a keyboard is removed by a plain text message, without buttons")

    @property
    def is_album(self) -> bool:
        return len(self.media) > 1

    def to_json(self) -> str:
        """What differs from the defaults (``from_json`` reads the rest as defaults): a call's
        20,000 rows do not each carry a row of falses."""
        data = {
            key: value for key, value in asdict(self).items() if value != _DEFAULTS.get(key, ())
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Payload:
        try:
            data = json.loads(text)
            return cls(
                text=data.get("text", ""),
                entities=tuple(data.get("entities", ())),
                media=tuple(Media(**item) for item in data.get("media", ())),
                buttons=tuple(
                    tuple(Button(**button) for button in row) for row in data.get("buttons", ())
                ),
                copy_of=tuple(data["copy_of"]) if data.get("copy_of") else None,
                link_preview=bool(data.get("link_preview", False)),
                edit_of=data.get("edit_of"),
                delete=tuple(data.get("delete", ())),
                pin=bool(data.get("pin", False)),
                pin_of=data.get("pin_of"),
                remove_keyboard=bool(data.get("remove_keyboard", False)),
            )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise BadPayload(f"unreadable payload: {error}") from error


#: Each field's default, as ``asdict`` gives it (tuples stay tuples).
_DEFAULTS: dict[str, object] = {
    spec.name: spec.default for spec in fields(Payload) if spec.default is not MISSING
}
