"""Try Turnout without Telegram: the real bot against a local stand-in, driven from a web page.

``fakebot`` is the stand-in (a fake Bot API server, also used by the end-to-end tests), ``web``
the page that chats with the bot as several people, ``demo`` the seeded people and action, and
``runner`` puts them together for ``turnout sandbox``.
"""
