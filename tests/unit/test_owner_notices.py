"""The owners' notices as owners read them, and which audit entries make one."""

from __future__ import annotations

import json

import pytest

from tests.conftest import NOW
from tests.unit.shown import seen
from turnout.i18n import Catalogs, Translator
from turnout.limits import MESSAGE_CHARACTERS
from turnout.storage import AsIs, Audience, Role
from turnout.storage.records import AuditEntry
from turnout.usecases.owners import SENSITIVE, detail_of, needs_telling
from turnout.views.owners import (
    COMMAND_LINE,
    AlertSent,
    CallOut,
    ChannelMoved,
    Exported,
    InviteUsed,
    Move,
    ReportOut,
    RoleMoved,
    Unreadable,
    What,
    Who,
    first_line,
    owner_notice,
    quoted,
)

OLGA = Who(4242, "Olga")
ANA = Who(501, "Ana")
LANGUAGES = ["en", "es", "fr", "sr", "sr-Latn"]


def notice(t: Translator, what: What, who: Who = OLGA, zone: str = "UTC") -> str:
    return owner_notice(t, Move(NOW, who, what), zone)


def test_a_role_granted_says_who_to_whom_what_and_when(t: Translator) -> None:
    text = seen(notice(t, RoleMoved(True, ANA, Role.ORGANISER)))
    assert "Olga (4242) gave Ana (501) the role organiser." in text
    assert "Thu, Nov 26, 2026 12:00\u202fPM UTC" in text


def test_the_time_is_the_bots_local_time(t: Translator) -> None:
    text = seen(notice(t, RoleMoved(False, ANA, Role.BROADCASTER), zone="Europe/Belgrade"))
    assert "took the role broadcaster away from Ana (501)" in text
    assert "1:00\u202fPM CET" in text


def test_each_kind_names_its_target(t: Translator) -> None:
    assert "opened an invite link from Olga (4242) and is now organiser" in seen(
        notice(t, InviteUsed(Role.ORGANISER, OLGA), who=ANA)
    )
    assert "linked Street News (-1001): calls can now" in seen(
        notice(t, ChannelMoved(True, -1001, "Street News"))
    )
    assert "unlinked Street News (-1001)" in seen(
        notice(t, ChannelMoved(False, -1001, "Street News"))
    )
    alert = AlertSent(3, "Picket", Audience.HERE, 12, "Police at the north gate\nGo south")
    assert (
        "sent an urgent alert about Picket (action #3) to 12 people checked in: "
        "“Police at the north gate”" in seen(notice(t, alert))
    )
    one = AlertSent(3, "Picket", Audience.GOING, 1, "Move")
    assert "to 1 person going" in seen(notice(t, one))
    call = CallOut(7, edited=False, scheduled=False, chats=("News", "Town"), subscribers=True)
    assert "published call #7 without a second approval, to News, Town, the bot's subscribers" in (
        seen(notice(t, call))
    )
    scheduled = CallOut(7, edited=False, scheduled=True, chats=(), subscribers=False)
    assert "Call #7 by Olga (4242), scheduled earlier, went out" in seen(notice(t, scheduled))
    assert "to no chat" in seen(notice(t, scheduled))
    edit = CallOut(7, edited=True, scheduled=False, chats=("News",), subscribers=False)
    assert "changed the text of call #7, already out in News" in seen(notice(t, edit))


def test_exports_say_their_scope_and_whether_media_went_with_them(t: Translator) -> None:
    assert "the command line on the server exported everything members sent, without" in seen(
        notice(t, Exported("all", media=False), who=COMMAND_LINE)
    )
    assert "exported the reports about Picket (action #3), photos and videos included" in seen(
        notice(t, Exported("action", True, 3, "Picket"))
    )
    assert "exported the campaign Rent Strike," in seen(
        notice(t, Exported("campaign", False, title="Rent Strike"))
    )


def test_people_without_a_name_and_people_forgotten_since(t: Translator) -> None:
    assert seen(notice(t, RoleMoved(True, Who(77), Role.ORGANISER))).startswith(
        "🔐 Olga (4242) gave user 77 the role"
    )
    forgotten = Who(forgotten="quiet-otter-12")
    assert "someone forgotten since (quiet-otter-12) gave" in seen(
        notice(t, RoleMoved(True, ANA, Role.ORGANISER), who=forgotten)
    )


def test_what_a_person_typed_cannot_become_markup(t: Translator) -> None:
    evil = Who(9, '<a href="tg://user?id=1">Owner</a> <b>')
    text = notice(t, RoleMoved(True, evil, Role.ORGANISER))
    assert "<a " not in text
    assert "&lt;a href=" in text
    call = CallOut(1, edited=False, scheduled=False, chats=("<i>x</i>",), subscribers=False)
    assert "&lt;i&gt;x&lt;/i&gt;" in notice(t, call)
    assert "<i>x</i>" not in notice(t, call)


def test_a_name_cannot_turn_the_sentence_round(t: Translator) -> None:
    """A right-to-left override in a name would make "gave X the role" read otherwise; it is
    dropped, and each name sits in a direction isolate of its own."""
    text = notice(t, RoleMoved(True, Who(9, "\u202eresu\u200b"), Role.ORGANISER))
    assert "\u202e" not in text
    assert "\u200b" not in text
    assert "\u2068resu\u2069" in text


def test_huge_texts_are_cut_and_the_notice_stays_short(t: Translator) -> None:
    huge = "x" * 5000
    what = AlertSent(1, huge, Audience.GOING, 5, huge)
    text = notice(t, what, who=Who(1, huge))
    assert len(text) < 1000
    assert "…" in text
    assert len(quoted(huge, 64)) == 64 + 2


def test_first_line_skips_blank_lines() -> None:
    assert first_line("\n  \nNorth gate\nsouth") == "North gate"
    assert first_line("") == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_says_every_kind(catalogs: Catalogs, language: str) -> None:
    t = catalogs.translator(language)
    kinds: list[What] = [
        RoleMoved(True, ANA, Role.ORGANISER),
        RoleMoved(False, ANA, Role.ORGANISER),
        InviteUsed(Role.BROADCASTER, OLGA),
        ChannelMoved(True, -1, "News"),
        ChannelMoved(False, -1, None),
        AlertSent(1, "Picket", Audience.GOING, 3, "Go"),
        CallOut(1, False, False, ("News",), True),
        CallOut(1, False, True, (), False),
        CallOut(1, True, False, ("News",), False),
        Exported("all", True),
        Exported("action", False, 1, "Picket"),
        Exported("campaign", True, title="Rent"),
        Unreadable("role:grant"),
    ]
    texts = [notice(t, what, who) for what in kinds for who in (OLGA, COMMAND_LINE)]
    assert all("owners." not in text for text in texts)
    assert len(set(texts)) == len(texts)


def entry(action: str, detail: object = None) -> AuditEntry:
    text = detail if isinstance(detail, str) else json.dumps(detail or {})
    return AuditEntry(1, NOW, 5, action, None, text)


def test_which_entries_owners_hear_of() -> None:
    for kind in ("role:grant", "role:revoke", "invite:redeem", "channel:link", "channel:unlink",
                 "alert:sent", "export:made"):  # fmt: skip
        assert needs_telling(entry(kind)), kind
    for kind in ("action:create", "invite:create", "call:scheduled", "call:deleted", "export"):
        assert not needs_telling(entry(kind)), kind
    assert set(SENSITIVE) >= {"call:published", "call:edit"}


def test_a_call_counts_only_without_a_second_approval() -> None:
    assert needs_telling(entry("call:published", {"call": 1}))  # before the two-person rule
    assert needs_telling(entry("call:published", {"call": 1, "approved_by": None}))
    assert not needs_telling(entry("call:published", {"call": 1, "approved_by": 9}))
    assert not needs_telling(entry("call:published", {"call": 1, "approved_by": 0}))  # forgotten
    assert needs_telling(entry("call:edit", {"call": 1, "approved_by": None}))
    assert not needs_telling(entry("call:edit", {"call": 1}))  # a draft's edit
    assert not needs_telling(entry("call:edit", {"call": 1, "approved_by": 9}))


def test_a_detail_that_is_not_an_object_reads_as_empty() -> None:
    assert detail_of(entry("role:grant", "not json")) == {}
    assert detail_of(entry("role:grant", "[1, 2]")) == {}
    assert detail_of(entry("role:grant", {"role": "organiser"})) == {"role": "organiser"}
    # A forged call entry with a broken detail is still told (as unreadable, by the sweep).
    assert needs_telling(entry("call:published", "{broken"))


def test_a_call_to_very_many_channels_is_told_in_one_message(t: Translator) -> None:
    """Over 4,096 characters Telegram refuses the message, and no owner would hear of it."""
    chats = tuple(f"{n:03d} " + "Ж" * 124 for n in range(60))
    call = CallOut(7, edited=False, scheduled=False, chats=chats, subscribers=True)
    text = seen(notice(t, call))
    assert len(text) <= MESSAGE_CHARACTERS
    assert "and 40 more" in text and chats[0] in text


def test_a_report_published_as_is_and_an_export_of_originals_say_faces_were_not_covered(
    t: Translator,
) -> None:
    plain = seen(notice(t, ReportOut(4, "News")))
    as_is = seen(notice(t, ReportOut(4, "News", as_is=AsIs(3))))
    assert "as is" not in plain
    said = "posted report #4 to News. It was published as is: 3 faces found were not covered."
    assert said in as_is
    one = seen(notice(t, ReportOut(4, "News", as_is=AsIs(1, unchecked=2))))
    assert "1 face found was not covered. 2 photos or videos could not be checked" in one
    originals = seen(notice(t, Exported("action", True, 3, "Picket", originals=True)))
    assert "photos and videos included as sent, faces not covered" in originals
