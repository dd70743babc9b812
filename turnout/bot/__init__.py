"""The composition root: building, running and stopping the application."""

from turnout.bot.application import build_application
from turnout.bot.context import BotData, TurnoutContext
from turnout.bot.runner import run, serve

__all__ = ["BotData", "TurnoutContext", "build_application", "run", "serve"]
