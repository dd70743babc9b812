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
