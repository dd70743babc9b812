"""HANDLERS: the one ordered registry the application is built from.

Order matters within a group: the first matching handler of a group wins, so the catch-alls
come last. Groups run in order, each update through every group until one stops it.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from turnout.handlers import (
    action_card,
    action_edit,
    actions,
    addchannel,
    alert,
    approval,
    call_edit,
    calls,
    campaign,
    channels,
    chat_members,
    checkin,
    export,
    flood,
    forgetme,
    help,
    invite,
    myreports,
    newaction,
    newcall,
    places,
    proposal_edit,
    proposal_reason,
    proposals,
    propose,
    publish,
    report,
    report_on,
    review,
    review_reason,
    roles,
    rsvp,
    safety,
    settings,
    start,
    stats,
    subscribe,
)
from turnout.handlers.common import prompts
from turnout.handlers.common.commands import CommandEntry
from turnout.handlers.common.flows import Flow
from turnout.handlers.common.members import recognise_member
from turnout.handlers.common.registry import Button, Command, Other, Route, command, guarded
from turnout.i18n import N_
from turnout.permissions import BROADCASTERS, EVERYONE, MANAGERS, ORGANISERS, OWNERS
from turnout.views import buttons as b

#: Every question flow, by the name its prompts are stored under.
FLOWS: dict[str, Flow[Any]] = {
    flow.name: flow
    for flow in (
        newaction.NEWACTION,
        propose.PROPOSE,
        newcall.NEWCALL,
        addchannel.ADD_CHANNEL,
        settings.TIMEZONE,
        action_edit.ACTION_EDIT,
        call_edit.CALL_EDIT,
        review_reason.REVIEW_REASON,
        proposal_reason.PROPOSAL_REASON,
        proposal_edit.PROPOSAL_EDIT,
        alert.ALERT,
        checkin.CHECKIN,
    )
}

PRIVATE = filters.ChatType.PRIVATE

HANDLERS: tuple[Route, ...] = (
    # Before anything: too many updates from one person stop here.
    Other(lambda: TypeHandler(Update, flood.flood_guard), group=-3),
    # The member, so that every answer is in their language.
    Other(lambda: TypeHandler(Update, recognise_member), group=-2),
    # A question left open takes the person's next message, and only then does it go further.
    Other(lambda: TypeHandler(Update, guarded(prompts.router(FLOWS), EVERYONE)), group=-1),
    # Member commands, in the order of the menu.
    command("start", start.start, N_("command.start")),
    command("help", help.show_help, N_("command.help")),
    command("subscribe", subscribe.subscribe, N_("command.subscribe")),
    command("unsubscribe", subscribe.unsubscribe, N_("command.unsubscribe")),
    Button(b.Subscription, subscribe.subscription_button),
    command("actions", actions.show_actions, N_("command.actions")),
    Button(b.ActionsPage, actions.page_button),
    Button(b.OpenAction, actions.open_card),
    Button(b.CalendarFile, actions.calendar_button),
    Button(b.Rsvp, rsvp.rsvp_button),
    Button(b.CheckIn, checkin.checkin_button),
    Button(b.MuteAlerts, alert.mute_button),
    Button(b.ByPlace, places.place_button),
    Button(b.NearMe, places.near_button),
    Button(b.UseZone, places.use_zone_button),
    command("settings", settings.show_settings, N_("command.settings")),
    Button(b.SettingsChoice, settings.settings_button),
    command("report", report.report_command, N_("command.report")),
    command("done", report.done, N_("command.done")),
    command("myreports", myreports.show_mine, N_("command.myreports")),
    Button(b.ChooseReportAction, report.action_chosen),
    Button(b.ReportDraftStep, report.draft_button),
    Button(b.ReportOn, report_on.report_on),
    Button(b.SafetyReply, safety.safety_reply),
    Button(b.ShareContact, safety.share_contact),
    Button(b.WithdrawReport, myreports.withdraw_button),
    command("forgetme", forgetme.forget_me, N_("command.forgetme")),
    Button(b.ForgetMe, forgetme.forget_button),
    command("propose", propose.begin, N_("command.propose")),
    Button(b.ProposeFor, propose.begin_for),
    # Organisers, and hosts for their own action.
    command("newaction", newaction.begin, N_("command.newaction"), ORGANISERS),
    Button(b.ManageAction, action_card.manage_button, MANAGERS),
    Button(b.EditActionField, action_edit.field_button, MANAGERS),
    Button(b.RunSafetyCheck, safety.run_check, MANAGERS),
    command("review", review.review_command, N_("command.review"), MANAGERS),
    Button(b.ReviewReport, review.review_button, MANAGERS),
    command("alert", alert.begin, N_("command.alert"), MANAGERS),
    Button(b.PublishReport, publish.publish_button, ORGANISERS),
    Button(b.PublishPreview, publish.preview_button, ORGANISERS),
    command("proposals", proposals.pending_command, N_("command.proposals"), ORGANISERS),
    Button(b.DecideProposal, proposals.proposal_button, ORGANISERS),
    Button(b.EditProposalField, proposal_edit.field_button, ORGANISERS),
    command("export", export.export_command, N_("command.export"), ORGANISERS),
    command("stats", stats.stats_command, N_("command.stats"), ORGANISERS),
    command("campaign", campaign.campaign_command, N_("command.campaign"), ORGANISERS),
    # Broadcasters.
    command("addchannel", addchannel.begin, N_("command.addchannel"), BROADCASTERS),
    command("channels", channels.show_channels, N_("command.channels"), BROADCASTERS),
    Button(b.UnlinkChannel, channels.unlink_button, BROADCASTERS),
    command("newcall", newcall.begin, N_("command.newcall"), BROADCASTERS),
    command("calls", calls.show_calls, N_("command.calls"), BROADCASTERS),
    Button(b.ManageCall, calls.calls_button, BROADCASTERS),
    # A second broadcaster or organiser approves a call (the two-person rule).
    Button(b.DecideCall, approval.decide_button, BROADCASTERS | ORGANISERS),
    # Owners.
    command("grant", roles.grant, N_("command.grant"), OWNERS),
    command("revoke", roles.revoke, N_("command.revoke"), OWNERS),
    command("roles", roles.list_roles, N_("command.roles"), OWNERS),
    command("invite", invite.invite, N_("command.invite"), OWNERS),
    Button(b.RevokeRole, roles.revoke_button, OWNERS),
    Button(b.InviteFor, invite.invite_button, OWNERS),
    # The buttons of every question the bot asks; each checks the question is still open.
    Button(b.PromptButton, prompts.pressed(FLOWS)),
    # Someone blocking the bot, or coming back; the bot removed from a channel (group 1, as
    # both are my_chat_member updates and only one handler of a group runs).
    Other(
        lambda: ChatMemberHandler(
            guarded(chat_members.bot_blocked_or_unblocked, EVERYONE),
            ChatMemberHandler.MY_CHAT_MEMBER,
        )
    ),
    Other(
        lambda: ChatMemberHandler(
            guarded(channels.bot_membership_changed, EVERYONE), ChatMemberHandler.MY_CHAT_MEMBER
        ),
        group=1,
    ),
    # With no question open: a location is for an open report, else "Near me"… (a new one
    # only: a live location goes on moving as edits, and each would answer again)
    Other(
        lambda: MessageHandler(
            PRIVATE & filters.UpdateType.MESSAGE & (filters.LOCATION | filters.VENUE),
            guarded(places.shared_location, EVERYONE),
        )
    ),
    # …and whatever else a member sends outside a command is part of their report.
    Other(
        lambda: MessageHandler(
            PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            guarded(report.collect, EVERYONE),
        )
    ),
    # /cancel with no question open.
    Other(lambda: CommandHandler("cancel", help.nothing_to_cancel, filters=PRIVATE)),
    # Last in their group: any command, and any press, nobody above answered.
    Other(lambda: MessageHandler(filters.COMMAND & PRIVATE, help.unknown_command)),
    Other(lambda: CallbackQueryHandler(help.stale_button)),
)

COMMANDS: tuple[CommandEntry, ...] = tuple(
    route.entry for route in HANDLERS if isinstance(route, Command)
)

__all__ = ["COMMANDS", "FLOWS", "HANDLERS", "Button", "Command", "Other", "Route"]
