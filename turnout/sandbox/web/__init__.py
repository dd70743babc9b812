"""The sandbox page: its HTTP API (``app``), what it shows of messages (``render``), live
updates (``events``) and the static client (``static/``)."""
