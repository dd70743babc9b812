"""Loading the catalogs and translating with them."""

from __future__ import annotations

import html
from importlib.resources import files
from importlib.resources.abc import Traversable
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "turnout"


class Html(str):
    """Text that is already HTML and must not be escaped when put into a message."""

    __slots__ = ()


def N_(key: str) -> str:
    """Mark a message key that is translated later, so the catalog test finds it."""
    return key


def language_tag(folder_name: str) -> str:
    """``sr_Latn`` (gettext's folder name) → ``sr-Latn`` (what users and settings write)."""
    return folder_name.replace("_", "-")


def _escape(value: object) -> str:
    return value if isinstance(value, Html) else html.escape(str(value), quote=False)


class Translator:
    """Translates message keys into one language; parameters are HTML-escaped unless ``Html``."""

    def __init__(self, language: str, translations: NullTranslations) -> None:
        self.language = language
        self._translations = translations

    def __call__(self, key: str, /, **params: object) -> str:
        text = self._translations.gettext(key)
        if not params:
            return text
        return text.format_map({name: _escape(value) for name, value in params.items()})

    def plural(self, key: str, count: int, /, **params: object) -> str:
        """The form of ``key`` for ``count``; ``{count}`` is available in the text."""
        text = self._translations.ngettext(key, key, count)
        values = {name: _escape(value) for name, value in params.items()}
        values.setdefault("count", str(count))
        return text.format_map(values)


class Catalogs:
    """Every language's messages, loaded once at start-up."""

    def __init__(self, default_language: str, folder: Traversable | Path | None = None) -> None:
        folder = files("turnout.i18n") / "locales" if folder is None else folder
        compiled: dict[str, Translations] = {}
        self._keys: dict[str, frozenset[str]] = {}
        for entry in sorted(folder.iterdir(), key=lambda item: item.name):
            po = entry / "LC_MESSAGES" / f"{DOMAIN}.po"
            if entry.is_dir() and po.is_file():
                language = language_tag(entry.name)
                compiled[language], self._keys[language] = _compile(po, entry.name)
        if default_language not in compiled:
            known = ", ".join(sorted(compiled)) or "none"
            raise ValueError(f"no catalog for the default language {default_language!r} ({known})")
        self.default_language = default_language
        fallback = compiled[default_language]
        for language, translations in compiled.items():
            if language != default_language:
                translations.add_fallback(fallback)
        self._compiled = compiled

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self._compiled)

    def resolve(self, language_code: str | None) -> str:
        """The best catalog for a Telegram ``language_code`` (``sr-Latn``, ``pt-BR``…)."""
        if language_code:
            wanted = language_code.replace("_", "-")
            by_lower = {language.lower(): language for language in self._compiled}
            for candidate in (wanted.lower(), wanted.split("-")[0].lower()):
                if candidate in by_lower:
                    return by_lower[candidate]
        return self.default_language

    def translator(self, language: str | None) -> Translator:
        resolved = self.resolve(language)
        return Translator(resolved, self._compiled[resolved])

    def keys(self, language: str) -> frozenset[str]:
        """The message keys a catalog translates (for the completeness tests)."""
        return self._keys[language]


def _compile(po: Traversable, locale: str) -> tuple[Translations, frozenset[str]]:
    """Compile a ``.po`` file with Babel; also return the keys it actually translates."""
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    keys = frozenset(
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id and not message.fuzzy and _translated(message.string)
    )
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN), keys


def _translated(string: str | tuple[str, ...] | list[str] | None) -> bool:
    """A message counts only when every one of its (plural) forms is filled in."""
    if string is None:
        return False
    forms = [string] if isinstance(string, str) else list(string)
    return bool(forms) and all(forms)
