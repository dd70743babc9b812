"""``/campaign [name]``: a campaign groups a call and the actions made in answer to it.

Without a name: the campaigns. With one: that campaign (opened if new), its actions by country
and city, RSVPs, reports and hosts, and the links that bring groups in.
"""

from __future__ import annotations

from telegram import Update
from telegram.helpers import create_deep_linked_url

from turnout.bot.context import TurnoutContext
from turnout.views.campaigns import campaign_list, overview

MAX_NAME = 60


async def campaign_command(update: Update, context: TurnoutContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    name = " ".join(context.args or ()).strip()
    if not name:
        reply = campaign_list(context.t, await context.store.campaigns())
        await message.reply_text(reply.text)
        return
    if len(name) > MAX_NAME:
        await message.reply_text(context.t("campaign.bad_name", limit=MAX_NAME))
        return
    campaign, created = await context.store.open_campaign(name, user.id, context.now())
    numbers = await context.store.campaign_overview(campaign)
    links = (
        create_deep_linked_url(context.bot.username, f"prop_{campaign.id}"),
        create_deep_linked_url(context.bot.username, f"near_{campaign.id}"),
    )
    reply = overview(context.t, numbers, links, created=created)
    await message.reply_text(reply.text)
