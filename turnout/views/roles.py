"""Views for owners: who holds which role, and invite links."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from turnout.i18n import N_, Html, Translator
from turnout.storage import GRANTABLE_ROLES, Invite, Role, RoleGrant
from turnout.views.buttons import InviteFor, RevokeRole
from turnout.views.reply import Reply
from turnout.views.timefmt import local_time

ROLE_NAMES = {
    Role.ORGANISER: N_("role.organiser"),
    Role.BROADCASTER: N_("role.broadcaster"),
    Role.HOST: N_("role.host"),
    Role.OWNER: N_("role.owner"),
}


def role_name(t: Translator, role: Role) -> str:
    return t(ROLE_NAMES[role])


def role_names(t: Translator, roles: frozenset[Role]) -> str:
    return ", ".join(role_name(t, role) for role in sorted(roles))


def roles_overview(t: Translator, owner_ids: Sequence[int], grants: Sequence[RoleGrant]) -> Reply:
    """/roles: owners from the settings, then every grant with a Revoke button."""
    lines = [t("roles.title"), ""]
    owners = ", ".join(f"<code>{owner}</code>" for owner in owner_ids)
    lines.append(t("roles.owners", owners=Html(owners or "—")))
    buttons = []
    if not grants:
        lines += ["", t("roles.none")]
    for grant in grants:
        lines.append(
            t(
                "roles.line",
                name=grant.first_name,
                user_id=grant.user_id,
                role=role_name(t, grant.role),
            )
        )
        label = t("roles.button.revoke", role=role_name(t, grant.role), name=grant.first_name)
        buttons.append([RevokeRole(grant.user_id, grant.role).button(label)])
    return Reply("\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None)


def invite_choice(t: Translator) -> Reply:
    """/invite without a role: one button per role that can be handed out."""
    buttons = [[InviteFor(role).button(role_name(t, role))] for role in GRANTABLE_ROLES]
    return Reply(t("invite.choose"), InlineKeyboardMarkup(buttons))


def invite_created(t: Translator, invite: Invite, link: str, timezone: str) -> Reply:
    return Reply(
        t(
            "invite.created",
            role=role_name(t, invite.role),
            link=link,
            expires=local_time(invite.expires_at, timezone, t.language),
        )
    )
