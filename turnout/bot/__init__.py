"""The composition root: building, running and stopping the application.

Import from the modules themselves (``turnout.bot.application``, ``turnout.bot.runner``): the
handlers import ``turnout.bot.context``, and a package that imported the application here would
make importing any handler first a circular import.
"""
