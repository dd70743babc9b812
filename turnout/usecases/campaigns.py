"""Campaigns: a name grouping a call and the actions made in answer to it."""

from __future__ import annotations

from turnout.permissions import ORGANISERS, allowed
from turnout.storage import Campaign, CampaignOverview
from turnout.usecases.errors import NotAllowed
from turnout.usecases.fields import campaign_name
from turnout.usecases.services import Services


async def listed(s: Services, actor: int) -> list[Campaign]:
    await _organiser(s, actor)
    return await s.store.campaigns()


async def open_campaign(s: Services, actor: int, name: str) -> tuple[CampaignOverview, bool]:
    """The campaign of this name, started if new (True); its actions by place and totals."""
    await _organiser(s, actor)
    campaign, created = await s.store.open_campaign(campaign_name(name), actor, s.now())
    return await s.store.campaign_overview(campaign), created


async def _organiser(s: Services, actor: int) -> None:
    if not allowed(await s.roles_of(actor), ORGANISERS):
        raise NotAllowed()
