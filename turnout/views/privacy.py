"""What ``/forgetme`` tells the member it deleted."""

from __future__ import annotations

from babel.lists import format_list

from turnout.i18n import N_, Html, Translator
from turnout.storage import Forgotten
from turnout.views.timefmt import babel_locale


def forgotten_text(t: Translator, forgotten: Forgotten, mark: str) -> str:
    """ "Deleted: your profile, 2 answers to actions and 1 message to you." (what there was of
    each kind, as the reader's language lists things), and the mark the records keep."""
    counted = [
        (N_("privacy.roles"), forgotten.roles),
        (N_("privacy.answers"), forgotten.answers),
        (N_("count.reports"), forgotten.reports),
        (N_("privacy.media"), forgotten.media),
        (N_("privacy.messages"), forgotten.messages),
    ]
    parts = [t("privacy.profile")] + [t.plural(key, n) for key, n in counted if n]
    deleted = format_list(parts, style="standard", locale=babel_locale(t.language))
    return t("privacy.done", deleted=Html(deleted), pseudonym=mark)
