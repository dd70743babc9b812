"""Turnout: a self-hosted Telegram bot for mobilisation coordination."""

__version__ = "0.1.0"
