"""What people do with the bot: one module per command or flow, named after it (``newaction``,
``calls``, ``action_edit``…), what they share in ``common``, and ``routes``: the one ordered
registry the application is built from."""
