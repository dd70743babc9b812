"""Translations: gettext catalogs (``locales/<lang>/LC_MESSAGES/turnout.po``) and the ``t`` helper.

Messages are looked up by key (``start.greeting``); the English catalog holds the text of every
key and the other languages fall back to it. Catalogs are compiled with Babel when they are loaded,
so the ``.po`` files are the only source and nothing compiled needs keeping in step.
"""

from turnout.i18n.catalogs import N_, Catalogs, Html, Translator, language_tag

__all__ = ["N_", "Catalogs", "Html", "Translator", "language_tag"]
