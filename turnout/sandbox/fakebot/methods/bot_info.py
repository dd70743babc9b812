"""getMe, bot commands, descriptions/names and getFile."""

from __future__ import annotations

import re
from typing import Any

from ..errors import bad_request
from ..jsonutil import JSONDict
from ..params import Params
from .base import Ctx, Handler, api_method

_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES_WITH_CHAT = {"chat", "chat_administrators", "chat_member"}
_SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}


@api_method("getMe")
async def get_me(ctx: Ctx, p: Params) -> JSONDict:
    """The bot's ``User`` object."""
    return {**ctx.world.bot.to_dict(), **ctx.world.bot.bot_flags}


def _scope(ctx: Ctx, p: Params) -> JSONDict:
    scope = p.get_obj("scope") or {"type": "default"}
    kind = scope.get("type")
    if kind in _SCOPES:
        return {"type": kind}
    if kind in _SCOPES_WITH_CHAT:
        ref = scope.get("chat_id")
        if ref is None:
            raise bad_request("chat_id is empty")
        chat = ctx.world.resolve(ref if isinstance(ref, int) else str(ref))
        normalized: JSONDict = {"type": kind, "chat_id": chat.id}
        if kind == "chat_member":
            if scope.get("user_id") is None:
                raise bad_request("user_id is empty")
            normalized["user_id"] = int(scope["user_id"])
        return normalized
    raise bad_request("wrong bot command scope type specified")


def _language(p: Params) -> str:
    code = p.get_str("language_code") or ""
    if code and not re.fullmatch(r"[a-z]{2}", code):
        raise bad_request("invalid language code specified")
    return code


@api_method("setMyCommands")
async def set_my_commands(ctx: Ctx, p: Params) -> bool:
    """Store the command list for ``(scope, language_code)``."""
    commands = p.get_list("commands")
    if commands is None:
        raise bad_request("commands is empty")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    cleaned: list[JSONDict] = []
    for item in commands:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand")
        command = str(item.get("command", ""))
        description = str(item.get("description", ""))
        if not _COMMAND.match(command):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": command, "description": description})
    key = (ctx.world.scope_key(_scope(ctx, p)), _language(p))
    if cleaned:
        ctx.world.commands[key] = cleaned
    else:
        ctx.world.commands.pop(key, None)
    return True


@api_method("getMyCommands")
async def get_my_commands(ctx: Ctx, p: Params) -> list[JSONDict]:
    """The command list stored for exactly this ``(scope, language_code)``."""
    key = (ctx.world.scope_key(_scope(ctx, p)), _language(p))
    return [dict(c) for c in ctx.world.commands.get(key, [])]


@api_method("deleteMyCommands")
async def delete_my_commands(ctx: Ctx, p: Params) -> bool:
    """Forget the command list of this ``(scope, language_code)``."""
    key = (ctx.world.scope_key(_scope(ctx, p)), _language(p))
    ctx.world.commands.pop(key, None)
    return True


_TEXTS = {
    # kind: (what follows ``set``/``get`` in the method names, the longest text Telegram takes)
    "description": ("MyDescription", 512),
    "short_description": ("MyShortDescription", 120),
    "name": ("MyName", 64),
}


def _text_methods(kind: str, limit: int) -> tuple[Handler, Handler]:
    """The setter and getter of one of the bot's texts, each stored per language."""

    async def set_text(ctx: Ctx, p: Params) -> bool:
        text = p.get_str(kind) or ""
        if len(text) > limit:
            raise bad_request(f"{kind} is too long")
        key = (kind, _language(p))
        if text:
            ctx.world.bot_texts[key] = text
        else:
            ctx.world.bot_texts.pop(key, None)
        return True

    async def get_text(ctx: Ctx, p: Params) -> JSONDict:
        language = _language(p)
        text = ctx.world.bot_texts.get((kind, language)) or ctx.world.bot_texts.get((kind, ""))
        if kind == "name" and text is None:
            text = ctx.world.bot.first_name
        return {kind: text or ""}

    what = kind.replace("_", " ")
    set_text.__name__, get_text.__name__ = f"set_my_{kind}", f"get_my_{kind}"
    set_text.__doc__ = f"Store the bot's {what} for a language (an empty text forgets it)."
    get_text.__doc__ = f"The bot's {what} for a language, else the one for all languages."
    return set_text, get_text


for _kind, (_methods, _limit) in _TEXTS.items():
    _setter, _getter = _text_methods(_kind, _limit)
    api_method(f"set{_methods}")(_setter)
    api_method(f"get{_methods}")(_getter)


@api_method("getFile")
async def get_file(ctx: Ctx, p: Params) -> JSONDict:
    """The ``File`` object with a ``file_path`` served by the download route."""
    stored = ctx.world.files.get(p.req_str("file_id"))
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.file_dict()


@api_method("logOut", "close")
async def log_out(ctx: Ctx, p: Params) -> Any:
    """Accepted and ignored."""
    return True
