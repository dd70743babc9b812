"""Chat information and membership methods, sendChatAction and leaveChat."""

from __future__ import annotations

from ..errors import bad_request
from ..jsonutil import JSONDict
from ..members import make_member
from ..params import Params
from .base import Ctx, api_method
from .sending import target_chat

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


@api_method("getChat")
async def get_chat(ctx: Ctx, p: Params) -> JSONDict:
    """``ChatFullInfo`` of a known chat."""
    return ctx.world.resolve(p.chat_ref()).full_info()


@api_method("getChatMember")
async def get_chat_member(ctx: Ctx, p: Params) -> JSONDict:
    """The ``ChatMember`` of one user (``left`` when the user never joined)."""
    chat = ctx.world.resolve(p.chat_ref())
    user_id = p.req_int("user_id")
    if user_id not in ctx.world.users:
        raise bad_request("user not found")
    return ctx.world.member_dict(chat, user_id)


@api_method("getChatAdministrators")
async def get_chat_administrators(ctx: Ctx, p: Params) -> list[JSONDict]:
    """Creator first, then administrators."""
    chat = ctx.world.resolve(p.chat_ref())
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    ranked = sorted(
        (uid for uid, m in chat.members.items() if m.status in {"creator", "administrator"}),
        key=lambda uid: chat.members[uid].status != "creator",
    )
    return [ctx.world.member_dict(chat, uid) for uid in ranked]


@api_method("getChatMemberCount")
async def get_chat_member_count(ctx: Ctx, p: Params) -> int:
    """How many members are currently in the chat."""
    chat = ctx.world.resolve(p.chat_ref())
    return sum(1 for member in chat.members.values() if member.is_present)


@api_method("leaveChat")
async def leave_chat(ctx: Ctx, p: Params) -> bool:
    """The bot leaves a group or channel."""
    chat = ctx.world.resolve(p.chat_ref())
    if chat.type == "private":
        raise bad_request("chat member status can't be changed in private chats")
    chat.members[ctx.world.bot.id] = make_member("left", chat.type)
    return True


@api_method("sendChatAction")
async def send_chat_action(ctx: Ctx, p: Params) -> bool:
    """Accept a valid chat action for a chat the bot may post into."""
    target_chat(ctx, p)
    if p.get_str("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True
