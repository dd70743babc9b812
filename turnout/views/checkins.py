"""What a member is told about checking in (README, "Action day"): the question that asks for
their location, what a location showed, and the "I'm here" button of the last reminder."""

from __future__ import annotations

from babel.units import format_unit
from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from turnout.i18n import Translator
from turnout.limits import CHECKIN_RADIUS_METRES
from turnout.storage import Action
from turnout.views.buttons import CheckIn
from turnout.views.timefmt import babel_locale

#: The choice of the question's Skip button (and of /skip).
SKIP = "skip"


def distance(t: Translator, metres: float) -> str:
    """ "310 m", "1.8 km", "1 km", "12 km" as the reader's language writes them: near to ten
    metres, far to a tenth of a kilometre, very far to the kilometre."""
    locale = babel_locale(t.language)
    if metres < 995:
        shown = max(10, round(metres, -1))
        return format_unit(int(shown), "length-meter", length="short", locale=locale)
    km = round(metres / 1000, 1) if metres < 9950 else float(round(metres / 1000))
    if km.is_integer():
        return format_unit(int(km), "length-kilometer", length="short", locale=locale)
    return format_unit(km, "length-kilometer", format="#,##0.0", length="short", locale=locale)


def location_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    """The one button that shares where the phone is (Telegram asks the person first). It goes
    once used; the flow removes it when it ends."""
    share = KeyboardButton(t("checkin.button.share"), request_location=True)
    return ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)


def location_question(t: Translator) -> str:
    """Why a location, what happens to it, and that Skip keeps the check-in."""
    return t("checkin.ask_location", distance=distance(t, CHECKIN_RADIUS_METRES))


def located(t: Translator, action: Action, metres: float, *, confirmed: bool) -> str:
    """What a shared location showed: confirmed, or how far it was."""
    if confirmed:
        return t("checkin.confirmed", title=action.title)
    return t("checkin.far", distance=distance(t, metres))


def here_button(t: Translator, action: Action, *, ticked: bool = False) -> InlineKeyboardMarkup:
    """ "I'm here" under the last reminder of an action; ticked once pressed."""
    label = ("✓ " if ticked else "") + t("card.button.here")
    return InlineKeyboardMarkup([[CheckIn(action.id).button(label)]])
