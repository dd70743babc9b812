"""Every feature's handlers, and HANDLERS: the one ordered registry the application is built from.

Order matters within a group: the first matching handler of a group wins, so the catch-all for
unknown commands comes last.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, TypeHandler, filters

from turnout.handlers import (
    actions,
    calls,
    callsadmin,
    campaigns,
    channels,
    export,
    flood,
    invites,
    members,
    newaction,
    organise,
    places,
    privacy,
    proposals,
    propose,
    publish,
    reports,
    review,
    roles,
    rsvp,
    settings,
    start,
    stats,
    subscriptions,
)
from turnout.handlers.help import nothing_to_cancel, show_help, unknown_command
from turnout.handlers.registry import Button, Command, Conversation, Other, Route
from turnout.i18n import N_
from turnout.permissions import BROADCASTERS, MANAGERS, ORGANISERS, OWNERS

HANDLERS: tuple[Route, ...] = (
    # Group -1 runs before every feature: it loads the member, so replies use their language.
    # Before anything: too many updates from one person stop here.
    Other(lambda: TypeHandler(Update, flood.flood_guard), group=-2),
    Other(lambda: TypeHandler(Update, members.recognise_member), group=-1),
    # Member commands, in the order of the menu.
    Command("start", start.start, N_("command.start")),
    Command("help", show_help, N_("command.help")),
    Command("subscribe", subscriptions.subscribe, N_("command.subscribe")),
    Command("unsubscribe", subscriptions.unsubscribe, N_("command.unsubscribe")),
    Button("sub", subscriptions.subscription_button),
    Command("actions", actions.show_actions, N_("command.actions")),
    Button("acts", actions.page_button),
    Button("act", actions.open_card),
    Button("ics", actions.calendar_button),
    Button("rsvp", rsvp.rsvp_button),
    Button("plc", places.place_button),
    Button("near", places.ask_location),
    Button("tzset", places.set_zone_button),
    Command("settings", settings.show_settings, N_("command.settings")),
    Other(settings.timezone_conversation),
    Button("set", settings.settings_button),
    Command("report", reports.report_command, N_("command.report")),
    Command("done", reports.done, N_("command.done")),
    Command("myreports", reports.show_mine, N_("command.myreports")),
    Button("rpt", reports.report_button),
    Command("forgetme", privacy.forget_me, N_("command.forgetme")),
    Button("forget", privacy.forget_button),
    Conversation(Command("propose", propose.begin, N_("command.propose")), propose.conversation),
    # Organisers.
    Conversation(
        Command("newaction", newaction.begin, N_("command.newaction"), roles=ORGANISERS),
        newaction.conversation,
    ),
    # The field buttons of "Edit" open a conversation, so it comes before the plain buttons.
    Other(organise.edit_conversation),
    Button("org", organise.organiser_button, roles=MANAGERS),
    Command("review", review.review_command, N_("command.review"), roles=MANAGERS),
    # Reject and Flag open a conversation (the reason), so it comes before the plain buttons.
    Other(review.reason_conversation),
    Button("rv", review.review_button, roles=MANAGERS),
    Button("pub", publish.publish_button, roles=ORGANISERS),
    # Reject (its reason) and Edit (a field's value) open conversations: before the buttons.
    Other(proposals.reason_conversation),
    Other(proposals.edit_conversation),
    Button("pp", proposals.proposal_button, roles=ORGANISERS),
    Command("proposals", proposals.pending_command, N_("command.proposals"), roles=ORGANISERS),
    Command("export", export.export_command, N_("command.export"), roles=ORGANISERS),
    Command("stats", stats.stats_command, N_("command.stats"), roles=ORGANISERS),
    Command("campaign", campaigns.campaign_command, N_("command.campaign"), roles=ORGANISERS),
    # Broadcasters.
    Conversation(
        Command("addchannel", channels.begin, N_("command.addchannel"), roles=BROADCASTERS),
        channels.link_conversation,
    ),
    Command("channels", channels.show_channels, N_("command.channels"), roles=BROADCASTERS),
    Button("chan", channels.unlink_button, roles=BROADCASTERS),
    Conversation(
        Command("newcall", calls.begin, N_("command.newcall"), roles=BROADCASTERS),
        calls.conversation,
    ),
    Command("calls", callsadmin.show_calls, N_("command.calls"), roles=BROADCASTERS),
    Other(callsadmin.edit_conversation),
    Button("calls", callsadmin.calls_button, roles=BROADCASTERS),
    # Owners.
    Command("grant", roles.grant, N_("command.grant"), roles=OWNERS),
    Command("revoke", roles.revoke, N_("command.revoke"), roles=OWNERS),
    Command("roles", roles.list_roles, N_("command.roles"), roles=OWNERS),
    Command("invite", invites.invite, N_("command.invite"), roles=OWNERS),
    Button("role", roles.revoke_button, roles=OWNERS),
    Button("invite", invites.invite_button, roles=OWNERS),
    # Someone blocking the bot, or coming back; the bot removed from a channel (group 1, as
    # both are my_chat_member updates and only one handler of a group runs).
    Other(
        lambda: ChatMemberHandler(
            members.bot_blocked_or_unblocked, ChatMemberHandler.MY_CHAT_MEMBER
        )
    ),
    Other(
        lambda: ChatMemberHandler(
            channels.bot_membership_changed, ChatMemberHandler.MY_CHAT_MEMBER
        ),
        group=1,
    ),
    # A location outside a conversation: for an open report, else "Near me".
    Other(
        lambda: MessageHandler(
            filters.ChatType.PRIVATE & (filters.LOCATION | filters.VENUE), places.shared_location
        )
    ),
    # Whatever a member sends outside a command and a conversation: part of their report.
    Other(
        lambda: MessageHandler(
            filters.ChatType.PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
            reports.collect,
        )
    ),
    # /cancel when no conversation is open (each conversation handles its own first).
    Other(lambda: CommandHandler("cancel", nothing_to_cancel, filters=filters.ChatType.PRIVATE)),
    # Last in its group: any command nobody above answered.
    Other(lambda: MessageHandler(filters.COMMAND & filters.ChatType.PRIVATE, unknown_command)),
)

COMMANDS: tuple[Command, ...] = tuple(
    route.command if isinstance(route, Conversation) else route
    for route in HANDLERS
    if isinstance(route, Command | Conversation)
)

__all__ = ["COMMANDS", "HANDLERS", "Button", "Command", "Conversation", "Other", "Route"]
