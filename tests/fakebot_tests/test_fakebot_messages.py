"""getMe, routing, sending/editing/deleting, commands and chat queries through real PTB."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    ChatFullInfo,
    ChatMemberAdministrator,
    ChatMemberBanned,
    ChatMemberLeft,
    ChatMemberMember,
    ChatMemberOwner,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, InvalidToken

from turnout.sandbox.fakebot import FakeTelegram

from .conftest import TOKEN, make_bot


async def test_get_me(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 900000001
    assert me.is_bot
    assert me.username == "turnout_test_bot"
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert [c.method for c in tg.calls] == ["getMe", "getMe"]
    assert all(c.status == 200 for c in tg.calls)


async def test_wrong_token_is_401(tg: FakeTelegram) -> None:
    bad = Bot("42:wrong", base_url=tg.base_url, base_file_url=tg.base_file_url)
    with pytest.raises(InvalidToken):
        await bad.initialize()
    assert tg.calls[-1].status == 401
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.base_url}42:wrong/getMe") as resp,
    ):
        assert resp.status == 401
        assert await resp.json() == {
            "ok": False,
            "error_code": 401,
            "description": "Unauthorized",
        }


async def test_unknown_method_is_404(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert tg.calls[-1].status == 404
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{tg.base_url}{TOKEN}/sendTelepathy") as resp,
    ):
        assert resp.status == 404
        assert await resp.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_method_names_case_insensitive_and_json_and_get(tg: FakeTelegram) -> None:
    alice = tg.add_user("Alice")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{tg.base_url}{TOKEN}/GETME") as resp:
            body = await resp.json()
            assert body["ok"] is True
            assert body["result"]["username"] == "turnout_test_bot"
        payload = {
            "chat_id": alice.id,
            "text": "json body",
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
        }
        async with http.post(f"{tg.base_url}{TOKEN}/sendmessage", json=payload) as resp:
            body = await resp.json()
            assert body["ok"] is True
            assert body["result"]["text"] == "json body"
    call = tg.calls_to("sendMessage")[0]
    assert call.method == "sendMessage"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"
    assert tg.calls_to("getme")[0].http_method == "GET"


async def test_send_edit_delete_round_trip(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice", language_code="de")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go:1")]])
    sent = await bot.send_message(
        alice.id,
        "<b>Hello</b> &amp; welcome",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard,
        disable_notification=True,
    )
    assert sent.message_id == 1
    assert sent.chat.id == alice.id
    assert sent.from_user is not None
    assert sent.from_user.id == 900000001
    assert sent.reply_markup == keyboard

    call = tg.calls_to("sendMessage")[0]
    assert call.params["chat_id"] == alice.id
    assert call.params["disable_notification"] is True
    assert call.params["reply_markup"] == keyboard.to_dict()

    reply = await alice.reply()
    assert reply["text"] == "<b>Hello</b> &amp; welcome"
    assert reply["parse_mode"] == "HTML"
    assert reply["reply_markup"]["inline_keyboard"][0][0]["text"] == "Go"

    second = await bot.send_message(
        alice.id, "a reply", reply_parameters=ReplyParameters(message_id=sent.message_id)
    )
    assert second.message_id == 2
    assert second.reply_to_message is not None
    assert second.reply_to_message.message_id == 1

    edited = await bot.edit_message_text("Bye", chat_id=alice.id, message_id=1)
    assert isinstance(edited, type(sent))
    assert edited.text == "Bye"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # omitting reply_markup removes the keyboard
    assert (await alice.edit())["text"] == "Bye"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Bye", chat_id=alice.id, message_id=1)

    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Again", callback_data="again")]])
    again = await bot.edit_message_reply_markup(alice.id, 1, reply_markup=markup)
    assert not isinstance(again, bool)
    assert again.reply_markup == markup

    assert await bot.delete_message(alice.id, 1) is True
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=alice.id, message_id=1)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(alice.id, 1)
    assert [m["text"] for m in alice.inbox] == ["a reply"]
    assert tg.message(alice.id, 1).deleted


async def test_send_validation(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hi")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(alice.id, "1 < 2 <b>bold", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)reserved"):
        await bot.send_message(alice.id, "Done.", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(alice.id, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(
            alice.id,
            "hi",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("x", callback_data="y" * 65)]]
            ),
        )
    ok = await bot.send_message(alice.id, r"Done\. *bold*", parse_mode=ParseMode.MARKDOWN_V2)
    assert ok.text == r"Done\. *bold*"
    # reply keyboards are kept for the test view, but not echoed back to the bot
    kb = ReplyKeyboardMarkup([["Yes", "No"]], one_time_keyboard=True)
    msg = await bot.send_message(alice.id, "choose", reply_markup=kb)
    assert msg.reply_markup is None
    view = alice.inbox[-1]
    assert view["reply_markup"]["keyboard"] == [[{"text": "Yes"}, {"text": "No"}]]


async def test_channel_membership_rules(tg: FakeTelegram, bot: Bot) -> None:
    owner = tg.add_user("Olga")
    channel = tg.add_channel("News", "turnout_news", owner=owner)
    with pytest.raises(Forbidden, match=r"(?i)not a member of the channel"):
        await bot.send_message(channel.id, "hello")
    tg.set_chat_member(channel.id, 900000001, "administrator", can_post_messages=False)
    with pytest.raises(BadRequest, match=r"(?i)need administrator rights"):
        await bot.send_message("@turnout_news", "hello")
    tg.set_chat_member(channel.id, 900000001, "administrator", can_post_messages=True)
    post = await bot.send_message("@turnout_news", "hello")
    assert post.chat.type == "channel"
    assert post.sender_chat is not None
    assert post.sender_chat.id == channel.id

    member = await bot.get_chat_member(channel.id, 900000001)
    assert isinstance(member, ChatMemberAdministrator)
    assert member.can_post_messages is True
    assert member.can_manage_chat is True
    admins = await bot.get_chat_administrators(channel.id)
    assert [type(a) for a in admins] == [ChatMemberOwner, ChatMemberAdministrator]


async def test_chat_queries(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice", username="alice")
    bob = tg.add_user("Bob")
    assert (alice.id, bob.id) == (100001, 100002)
    group = tg.add_group("Organisers", owner=alice)
    assert group.id < 0
    tg.set_chat_member(group.id, bob.id, "member")
    info = await bot.get_chat(alice.id)
    assert isinstance(info, ChatFullInfo)
    assert (info.type, info.first_name, info.username) == ("private", "Alice", "alice")
    group_info = await bot.get_chat(group.id)
    assert (group_info.type, group_info.title) == ("supergroup", "Organisers")
    assert isinstance(await bot.get_chat_member(group.id, alice.id), ChatMemberOwner)
    assert isinstance(await bot.get_chat_member(group.id, bob.id), ChatMemberMember)
    tg.set_chat_member(group.id, bob.id, "kicked")
    assert isinstance(await bot.get_chat_member(group.id, bob.id), ChatMemberBanned)
    tg.set_chat_member(group.id, bob.id, "left")
    assert isinstance(await bot.get_chat_member(group.id, bob.id), ChatMemberLeft)
    assert await bot.get_chat_member_count(group.id) == 2  # Alice and the bot
    assert await bot.send_chat_action(alice.id, "typing") is True
    assert await bot.leave_chat(group.id) is True
    with pytest.raises(Forbidden, match=r"(?i)not a member of the supergroup chat"):
        await bot.send_message(group.id, "still here?")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-100999)


async def test_commands_per_scope_and_language(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    default = [BotCommand("start", "Start"), BotCommand("help", "Help")]
    german = [BotCommand("start", "Los")]
    private = [BotCommand("join", "Join")]
    chat_scope = BotCommandScopeChat(alice.id)
    assert await bot.set_my_commands(default)
    assert await bot.set_my_commands(german, language_code="de")
    assert await bot.set_my_commands(private, scope=BotCommandScopeAllPrivateChats())
    assert await bot.set_my_commands([BotCommand("admin", "Admin")], scope=chat_scope)

    assert await bot.get_my_commands() == tuple(default)
    assert await bot.get_my_commands(language_code="de") == tuple(german)
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == tuple(private)
    assert [c.command for c in await bot.get_my_commands(scope=chat_scope)] == ["admin"]
    assert tg.commands() == [c.to_dict() for c in default]
    assert tg.commands({"type": "chat", "chat_id": alice.id})[0]["command"] == "admin"

    assert await bot.delete_my_commands(language_code="de")
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest):
        await bot.set_my_commands([BotCommand("Bad Command", "x")])

    assert await bot.set_my_description("Long description", language_code="en")
    assert await bot.set_my_short_description("Short")
    assert tg.bot_text("description", "en") == "Long description"
    assert (await bot.get_my_short_description()).short_description == "Short"


async def test_copy_and_forward(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    owner = tg.add_user("Olga")
    channel = tg.add_channel("News", owner=owner)
    tg.set_chat_member(channel.id, 900000001, "administrator", can_post_messages=True)
    user_msg = await alice.send("my report")
    copied = await bot.copy_message(channel.id, alice.id, user_msg["message_id"])
    assert tg.message(channel.id, copied.message_id).data["text"] == "my report"
    forwarded = await bot.forward_message(alice.id, channel.id, copied.message_id)
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.type == "channel"
    with pytest.raises(BadRequest, match=r"(?i)message to copy not found"):
        await bot.copy_message(channel.id, alice.id, 999)


async def test_forbid_and_block(tg: FakeTelegram, bot: Bot) -> None:
    alice = tg.add_user("Alice")
    tg.forbid(alice.id)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(alice.id, "hi")
    assert tg.calls[-1].status == 403
    tg.allow(alice.id)
    await bot.send_message(alice.id, "hi")
    await alice.block_bot()
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(alice.id, "hi again")
    await alice.unblock_bot()
    await bot.send_message(alice.id, "welcome back")
    assert [m["text"] for m in await alice.replies(2)] == ["hi", "welcome back"]


async def test_separate_clients_share_the_world(tg: FakeTelegram) -> None:
    alice = tg.add_user("Alice")
    async with make_bot(tg) as first, make_bot(tg) as second:
        await first.send_message(alice.id, "one")
        await second.send_message(alice.id, "two")
    assert [m["message_id"] for m in alice.inbox] == [1, 2]


async def test_user_who_never_started_the_bot(tg: FakeTelegram, bot: Bot) -> None:
    carol = tg.add_user("Carol", started=False)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(carol.id, "hello?")
    await carol.send("/start")
    await bot.send_message(carol.id, "hello!")
    assert (await carol.reply())["text"] == "hello!"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"Origin": "http://evil.example"}, 403),  # a form or fetch of another site
        ({"Origin": "null"}, 403),
        ({"Host": "rebound.example"}, 421),  # another name for 127.0.0.1 (DNS rebinding)
    ],
)
async def test_only_the_bot_on_this_computer_may_act_as_telegram(
    tg: FakeTelegram, headers: dict[str, str], status: int
) -> None:
    url = f"{tg.base_url}{TOKEN}/setWebhook"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data={"url": "http://evil.example/hook"}, headers=headers) as resp,
    ):
        assert resp.status == status
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{tg.base_url}{TOKEN}/getWebhookInfo") as resp,
    ):
        assert (await resp.json())["result"]["url"] == ""  # the webhook was not set
