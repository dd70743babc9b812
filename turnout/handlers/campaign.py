"""``/campaign [name]``: a campaign groups a call and the actions made in answer to it.

Without a name: the campaigns. With one: that campaign (opened if new), its actions by country
and city, RSVPs, reports and hosts, and the links that bring groups in.
"""

from __future__ import annotations

from telegram import Update

from turnout.handlers.common.arguments import words
from turnout.handlers.common.cities import city_names
from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.replies import reply
from turnout.usecases import campaigns
from turnout.views.campaigns import campaign_list, overview
from turnout.views.links import Link, deep_link


async def campaign_command(update: Update, context: TurnoutContext) -> None:
    assert update.effective_user is not None
    s, user_id = context.services, update.effective_user.id
    name = words(context)
    if not name:
        await reply(update, campaign_list(context.t, await campaigns.listed(s, user_id)))
        return
    numbers, created = await campaigns.open_campaign(s, user_id, name)
    campaign, username = numbers.campaign, s.bot_username
    links = (
        deep_link(username, Link("prop", campaign.id)),
        deep_link(username, Link("near", campaign.id)),
    )
    city_name = await city_names(context.t.language)
    await reply(update, overview(context.t, numbers, links, created=created, city_name=city_name))
