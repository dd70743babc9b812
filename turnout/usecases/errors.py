"""The use cases' exceptions: each says, as a message key and its parameters, what the person
who asked is told. Nothing was changed when one is raised."""

from __future__ import annotations

from turnout.i18n import Translator


class UseCaseError(Exception):
    """A use case did not do what was asked; ``key`` and ``params`` say why, to the person.
    ``count``: the number a plural message agrees with ("at most 120 characters")."""

    default_key = "errors.unexpected"

    def __init__(
        self, key: str | None = None, *, count: int | None = None, **params: object
    ) -> None:
        self.key = key or self.default_key
        self.count = count
        self.params = params
        super().__init__(self.key)

    def text(self, t: Translator) -> str:
        """What the person is told, in their language."""
        if self.count is None:
            return t(self.key, **self.params)
        return t.plural(self.key, self.count, **self.params)


class NotAllowed(UseCaseError):
    """The person's roles do not allow it (checked at the moment of the write)."""

    default_key = "access.refused"


class Gone(UseCaseError):
    """What it was about no longer exists, or is no longer in a state that allows it."""

    default_key = "card.gone"


class Invalid(UseCaseError):
    """A value given cannot be used as it is (too long, not a number, in the past…)."""

    default_key = "prompt.expected"


class Declined(UseCaseError):
    """Allowed in general, but not now or not this way (a rate limit, a send still under
    way, a channel where the person is no admin…)."""

    default_key = "errors.unexpected"
