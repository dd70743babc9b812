"""What the handlers share: the typed context, the registry's shapes and its guard, the
questions engine (prompts and flows), and small helpers for replying and reading input."""
