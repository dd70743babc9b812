"""Every limit in one place: Telegram's own, and those Turnout sets on what people type.

The field rules (``turnout.usecases.fields``), the views and the handlers read them from here,
so a limit changed once holds everywhere it is checked and everywhere it is shown.
"""

from __future__ import annotations

from datetime import timedelta

# -- Telegram's ---------------------------------------------------------------------------

#: Characters of a message's text.
MESSAGE_CHARACTERS = 4096
#: UTF-16 code units of a caption under a photo, video or album.
CAPTION_CHARACTERS = 1024
#: Items of one album.
ALBUM_ITEMS = 10
#: Bytes a bot may download from Telegram.
BOT_DOWNLOAD_BYTES = 20 * 1024 * 1024
#: Bytes a bot may upload as a document.
BOT_UPLOAD_BYTES = 50 * 1024 * 1024
#: Characters of a command's description in the menu.
COMMAND_HELP_CHARACTERS = 256

# -- an action's fields (/newaction, /propose, Edit) ----------------------------------------

TITLE_CHARACTERS = 120
DESCRIPTION_CHARACTERS = 2000
PLACE_CHARACTERS = 300
MOST_PEOPLE = 1_000_000
"""The largest capacity, or number of people a proposer expects."""
CAMPAIGN_NAME_CHARACTERS = 60
LONGEST_REMINDER = timedelta(days=90)
"""How long before an action its earliest reminder may come."""

# -- what people send -----------------------------------------------------------------------

#: A reason a reviewer gives, which the member reads.
REASON_CHARACTERS = 500
#: Media items of one report.
REPORT_MEDIA = 30
#: Characters of a report's text, all messages together.
REPORT_CHARACTERS = 4000
#: How long after its start an action may still be reported on.
REPORT_WINDOW = timedelta(hours=48)

# -- the day of the action (README, "Action day") -------------------------------------------

#: How long before the start "I'm here" appears; it stays until the end.
CHECKIN_OPENS = timedelta(hours=1)
#: How near the action's point a shared location confirms a check-in, in metres.
CHECKIN_RADIUS_METRES = 1000.0
#: The longest an action may last.
LONGEST_ACTION = timedelta(days=7)
#: Characters of an urgent alert's text: short enough to read at a glance on the street.
ALERT_CHARACTERS = 600
#: The least time between two refreshes of an organiser's open card as people check in.
LIVE_CARD_EVERY = timedelta(seconds=5)
#: The safety check and the thank-you are not sent when the bot finds them this late (it was
#: down): "Are you safe?" a day after is noise.
ACTION_DAY_LATEST = timedelta(hours=12)
