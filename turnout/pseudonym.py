"""The stable pseudonym organisers see instead of a member's identity (README, "What the bot
stores")."""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: Crockford's base 32: digits and capitals without I, L, O and U, which read as others.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: 12 characters of 5 bits: 60 bits. Among a million members the chance that any two share a
#: pseudonym is about 1 in 2.3 million (n² / 2⁶¹); six hex digits (24 bits), the first form,
#: made a collision likely from about 5,000 members on.
_CHARACTERS = 12
#: The word before the code. Pseudonyms are made, exported and logged with it in English, so
#: that they read the same in every export; organisers see it in their language (``in_words``).
WORD = "Member"


def pseudonym(key: bytes, user_id: int) -> str:
    """ "Member 7F3A-9C2K-Q4B0": a keyed hash of the user id, the same every time for one
    installation, and not reversible without the key (a plain hash of an id could be looked
    up). Before migration 0018 they were six hex digits ("Member 7F3A9C"); the audit log says
    where the form changed."""
    digest = hmac.new(key, str(user_id).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8]) >> (64 - 5 * _CHARACTERS)
    characters = [
        _ALPHABET[(number >> (5 * (_CHARACTERS - 1 - i))) & 31] for i in range(_CHARACTERS)
    ]
    code = "".join(characters)
    return f"{WORD} {code[:4]}-{code[4:8]}-{code[8:]}"


def shown_as(key: bytes, user_id: int, name: str | None) -> str:
    """How organisers see a member: the pseudonym, and the first name only if the member chose
    "Show my name to organisers" (``name`` is None otherwise)."""
    who = pseudonym(key, user_id)
    return f"{who} ({name})" if name else who


def in_words(who: str, word: str) -> str:
    """``who`` (a pseudonym, maybe with the name shown after it) with ``word`` for "Member":
    "Члан 7F3A-9C2K-Q4B0 (Ana)". Anything else (a forgotten mark) stays as it is."""
    prefix = f"{WORD} "
    return f"{word} {who.removeprefix(prefix)}" if who.startswith(prefix) else who


def forgotten_mark() -> str:
    """ "Forgotten 3F9A1C2E": what the audit log keeps of a member who used /forgetme. Random,
    not their pseudonym: organisers saw the pseudonym next to a first name, and the audit log
    must not link that name to what the member did."""
    return f"Forgotten {secrets.token_hex(4).upper()}"
