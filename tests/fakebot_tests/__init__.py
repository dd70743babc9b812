"""Tests of the fake Telegram Bot API server in ``tests/fakebot``."""
