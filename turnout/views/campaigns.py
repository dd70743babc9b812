"""Campaigns: the list, and one campaign's overview. Text only, no I/O."""

from __future__ import annotations

import html
from collections.abc import Sequence

from turnout.i18n import Translator
from turnout.storage import Campaign, CampaignOverview
from turnout.views.places import CityName, as_stored, named
from turnout.views.proposals import country_name_in
from turnout.views.reply import Reply


def campaign_list(t: Translator, campaigns: Sequence[Campaign]) -> Reply:
    if not campaigns:
        return Reply(t("campaign.none"))
    lines = [t("campaign.list_title"), ""]
    lines += [f"• {html.escape(campaign.name, quote=False)}" for campaign in campaigns]
    return Reply("\n".join(lines))


def overview(
    t: Translator,
    numbers: CampaignOverview,
    links: tuple[str, str],
    *,
    created: bool,
    city_name: CityName = as_stored,
) -> Reply:
    """Its actions by country and city, the totals, and the links to share."""
    # t() escapes its parameters: the name goes in as typed.
    name = numbers.campaign.name
    lines = [t("campaign.created" if created else "campaign.title", name=name), ""]
    totals = [
        t.plural("count.actions", numbers.actions),
        t.plural("count.going", numbers.going),
        t.plural("count.reports", numbers.reports),
        t.plural("count.hosts", numbers.hosts),
        t.plural("count.calls", numbers.calls),
    ]
    lines.append(" · ".join(totals))
    country = None
    for place in named(numbers.places, city_name):
        if place.country != country:
            country = place.country
            shown = country_name_in(t, country) if country else t("campaign.no_country")
            lines += ["", f"<b>{html.escape(shown, quote=False)}</b>"]
        city = html.escape(place.city, quote=False) if place.city else t("campaign.no_city")
        lines.append(f"• {city}: {place.count}")
    lines += ["", t("campaign.links", propose=links[0], near=links[1])]
    return Reply("\n".join(lines))
