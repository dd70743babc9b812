"""The composition root, on top of everything: building the application (``application``),
opening and closing what it holds (``lifecycle``), its scheduled jobs and the hooks use cases
wake them by (``jobs``), and running it (``runner``). Nothing below imports from here."""
