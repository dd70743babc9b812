"""Chat membership records and their ``ChatMember`` JSON shapes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .jsonutil import JSONDict

STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")

ADMIN_RIGHTS: dict[str, bool] = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": False,
    "can_manage_video_chats": False,
    "can_restrict_members": False,
    "can_promote_members": False,
    "can_change_info": False,
    "can_invite_users": False,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
}
"""Required ``ChatMemberAdministrator`` fields and their defaults."""

CHANNEL_ADMIN_RIGHTS = {"can_post_messages": False, "can_edit_messages": False}
GROUP_ADMIN_RIGHTS = {"can_pin_messages": False}
SUPERGROUP_ADMIN_RIGHTS = {"can_pin_messages": False, "can_manage_topics": False}

RESTRICTED_RIGHTS: dict[str, bool] = {
    "is_member": True,
    "can_send_messages": False,
    "can_send_audios": False,
    "can_send_documents": False,
    "can_send_photos": False,
    "can_send_videos": False,
    "can_send_video_notes": False,
    "can_send_voice_notes": False,
    "can_send_polls": False,
    "can_send_other_messages": False,
    "can_add_web_page_previews": False,
    "can_change_info": False,
    "can_invite_users": False,
    "can_pin_messages": False,
    "can_manage_topics": False,
    "can_edit_tag": False,
}
"""Required ``ChatMemberRestricted`` fields and their defaults."""

_KNOWN = (
    set(ADMIN_RIGHTS)
    | set(CHANNEL_ADMIN_RIGHTS)
    | set(SUPERGROUP_ADMIN_RIGHTS)
    | set(RESTRICTED_RIGHTS)
    | {"can_manage_direct_messages", "can_react_to_messages"}
)


@dataclass
class Member:
    """One user's membership in one chat."""

    status: str
    rights: dict[str, bool] = field(default_factory=dict)
    custom_title: str | None = None
    until_date: int = 0

    def right(self, name: str) -> bool:
        """Whether this member holds ``name`` (creators hold everything)."""
        if self.status == "creator":
            return True
        return bool(self.rights.get(name, False))

    @property
    def is_present(self) -> bool:
        """Whether the member is currently in the chat."""
        if self.status == "restricted":
            return bool(self.rights.get("is_member", True))
        return self.status in {"creator", "administrator", "member"}


def make_member(
    status: str, chat_type: str, *, custom_title: str | None = None, **rights: Any
) -> Member:
    """Validate ``status``/``rights`` and fill in the defaults for the chat type."""
    if status not in STATUSES:
        raise ValueError(f"unknown chat member status {status!r}; expected one of {STATUSES}")
    unknown = set(rights) - _KNOWN - {"until_date"}
    if unknown:
        raise ValueError(f"unknown chat member rights: {sorted(unknown)}")
    until_date = int(rights.pop("until_date", 0) or 0)
    filled: dict[str, bool] = {}
    if status == "administrator":
        filled.update(ADMIN_RIGHTS)
        if chat_type == "channel":
            filled.update(CHANNEL_ADMIN_RIGHTS)
        elif chat_type == "supergroup":
            filled.update(SUPERGROUP_ADMIN_RIGHTS)
        elif chat_type == "group":
            filled.update(GROUP_ADMIN_RIGHTS)
    elif status == "restricted":
        filled.update(RESTRICTED_RIGHTS)
    filled.update({key: bool(value) for key, value in rights.items()})
    return Member(status=status, rights=filled, custom_title=custom_title, until_date=until_date)


def member_dict(member: Member, user: JSONDict) -> JSONDict:
    """The ``ChatMember`` object (the subclass shape matching ``member.status``)."""
    data: JSONDict = {"status": member.status, "user": user}
    if member.status == "creator":
        data["is_anonymous"] = member.rights.get("is_anonymous", False)
    elif member.status in {"administrator", "restricted"}:
        data.update(member.rights)
    if member.status in {"restricted", "kicked"}:
        data["until_date"] = member.until_date
    if member.status == "member" and member.until_date:
        data["until_date"] = member.until_date
    if member.custom_title and member.status in {"creator", "administrator"}:
        data["custom_title"] = member.custom_title
    return data
