"""The outbox (README, "The outbox"): persistent fan-out, rate limits, retries, progress."""

from turnout.delivery.errors import BadPayload, DeliveryError
from turnout.delivery.outbox import Outbox
from turnout.delivery.payload import Button, Media, Payload

__all__ = ["BadPayload", "Button", "DeliveryError", "Media", "Outbox", "Payload"]
