"""The delivery package's exceptions."""

from __future__ import annotations


class DeliveryError(Exception):
    """Something about the outbox itself went wrong."""


class BadPayload(DeliveryError):
    """A payload cannot be sent as it is (an album with buttons, unreadable JSON…)."""
