"""The questions engine: one open prompt per person, and everything they send routed to it.

The rules (docs/ARCHITECTURE.md, "Prompts"):

- A prompt belongs to the flow that asked. It says what it waits for, and it ends when it is
  answered, when it lapses (``TURNOUT_PROMPT_TIMEOUT``, ten minutes by default, and the person
  is told), when the person sends a command that is not the flow's own (/cancel, and /back and
  /skip where the flow has them, stay with it), when another flow starts, or when a button of
  another family is pressed in its chat. The person is told when a prompt they left is closed.
- Messages go to an open prompt only. With none, they go where they would anyway (an open
  report, or the help): the router lets them through. An edited message is never an answer.
- A button of a question carries the prompt's id, never reused: a press on a button of a
  question that ended, or of someone else's, answers why and changes nothing. A press counts
  only on the current question's message or a later one, so a button of an earlier question
  of the same prompt does nothing either.
- A use case's refusal, in a step or in the next question, is explained where it happened and
  ends the prompt (what it was about is gone, or no longer allowed) or keeps the step.
- Prompts live in the database with their flow's draft, so a restart keeps them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError
from telegram import CallbackQuery, Message, ReplyKeyboardRemove, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ApplicationHandlerStop

from turnout.handlers.common.context import TurnoutContext
from turnout.handlers.common.flows import (
    End,
    Flow,
    Go,
    Outcome,
    Stay,
    Step,
    Turn,
    uses_reply_keyboard,
)
from turnout.handlers.common.replies import explain
from turnout.i18n import N_
from turnout.storage import Prompt
from turnout.usecases.errors import Gone, NotAllowed, UseCaseError
from turnout.views.buttons import FAMILIES, PromptButton
from turnout.views.prompts import cancelled, closed, expected, lapsed

log = logging.getLogger(__name__)

Flows = Mapping[str, Flow[Any]]

#: Commands that act like a button of the same name at the current step.
PRESS_COMMANDS = frozenset({"back", "skip"})


# -- opening ------------------------------------------------------------------------------


async def start(update: Update, context: TurnoutContext, flow: Flow[Any], draft: BaseModel) -> None:
    """Open ``flow`` for the person of ``update`` (closing any question they had open) and ask
    its first question, in their private chat."""
    user = update.effective_user
    assert user is not None
    now = context.now()
    prompt, replaced = await context.store.open_prompt(
        user.id,
        user.id,
        flow.name,
        flow.first,
        draft.model_dump_json(),
        now,
        now + context.settings.prompt_timeout,
    )
    if replaced is not None:
        await _closed(context, replaced, tell=True)
    turn: Turn[Any] = Turn(update, context, prompt, draft, started=now)
    try:
        await _ask(turn, flow, flow.first)
    except UseCaseError:
        # The first question cannot be asked (what it is about is gone): said by the caller.
        await context.store.close_prompt(prompt.id)
        raise
    except Forbidden:
        # Pressed in a group by someone who never opened the bot: nowhere to ask.
        await context.store.close_prompt(prompt.id)
        await turn.toast(context.t("prompt.open_private_chat"), alert=True)
        return
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE:
        await turn.toast(context.t("prompt.asked_in_private"), alert=True)
    elif update.callback_query is not None:
        await turn.toast("")


async def ask_again(
    update: Update, context: TurnoutContext, flow: Flow[Any], prompt_id: int, step: str
) -> None:
    """Ask ``step`` of a prompt later, outside the update that led to it (once an album is
    complete): with the draft as it is by then, and only if that prompt is still open."""
    assert update.effective_user is not None
    prompt = await current(context, update.effective_user.id)
    if prompt is None or prompt.id != prompt_id:
        return
    turn = _turn(update, context, prompt, flow)
    if turn is not None:
        await _ask(turn, flow, step)


async def current(context: TurnoutContext, user_id: int) -> Prompt | None:
    """The person's open prompt; one whose time ran out is closed here, and they are told."""
    prompt = await context.store.prompt_of(user_id)
    if prompt is None or prompt.expires_at > context.now():
        return prompt
    if await context.store.close_prompt(prompt.id) is not None:
        minutes = int(context.settings.prompt_timeout.total_seconds() // 60)
        await _strip(context, prompt)
        await context.bot.send_message(
            prompt.chat_id,
            lapsed(context.t, prompt.flow, minutes),
            reply_markup=_keyboard_removed(prompt.flow),
        )
    return None


# -- routing ------------------------------------------------------------------------------


def router(flows: Flows) -> Any:
    """The handler that runs before every feature (its own group): a message from someone with
    an open prompt goes to the prompt's flow, and no further."""

    async def route(update: Update, context: TurnoutContext) -> None:
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        if update.callback_query is not None:
            await _pressed_elsewhere(context, update.callback_query, user.id)
            return
        message = update.message or update.edited_message
        if message is None:
            return
        prompt = await current(context, user.id)
        if prompt is None or prompt.chat_id != chat.id:
            return
        flow = flows.get(prompt.flow)
        if flow is None:  # a flow that no longer exists (an older version's)
            await context.store.close_prompt(prompt.id)
            return
        turn = _turn(update, context, prompt, flow)
        if turn is None:
            return
        name = _command_of(message)
        if name is not None and name not in flow.commands | PRESS_COMMANDS:
            # Something else now: the question is left, and the command goes on to its own
            # handler. Nothing typed later can land in it.
            await _close(context, prompt, tell=True)
            return
        if update.edited_message is not None:
            # A message already sent, changed: what it said first was taken (or refused), and
            # read again it would answer a question asked since. It is not an answer.
            await _run(turn, flow, Stay(context.t("prompt.edited")))
        else:
            await _run(turn, flow, lambda: _handle_message(turn, flow, name))
        raise ApplicationHandlerStop

    return route


def pressed(flows: Flows) -> Any:
    """The handler of every question's buttons (``PromptButton``)."""

    async def press(update: Update, context: TurnoutContext, data: PromptButton) -> None:
        query = update.callback_query
        assert query is not None
        prompt = await current(context, query.from_user.id)
        flow = flows.get(prompt.flow) if prompt is not None else None
        if prompt is None or flow is None or prompt.id != data.prompt:
            await stale(update, context)
            return
        if not _of_current_question(query, prompt):
            await _earlier(query, context)
            return
        turn = _turn(update, context, prompt, flow)
        if turn is None:
            return
        step = flow.steps[prompt.step]

        async def outcome() -> Outcome:
            answer = await step.press(turn, data.choice, data.value) if step.press else None
            if answer is None:  # not one of this step's choices: a forged or an old button
                await turn.toast(context.t("prompt.not_now"), alert=True)
                return Stay()
            await turn.toast("")
            return answer

        await _run(turn, flow, outcome)

    return press


async def stale(update: Update, context: TurnoutContext) -> None:
    """A button of a question that is closed: say so, and take the keyboard away."""
    query = update.callback_query
    assert query is not None
    await query.answer(context.t("prompt.stale"), show_alert=True)
    # Already without buttons, or too old to edit: the answer said it all.
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=None)


async def _earlier(query: CallbackQuery, context: TurnoutContext) -> None:
    """A button of an earlier question of the open prompt: say so; its keyboard goes."""
    await query.answer(context.t("prompt.not_now"), show_alert=True)
    with contextlib.suppress(TelegramError):
        await query.edit_message_reply_markup(reply_markup=None)


def _of_current_question(query: CallbackQuery, prompt: Prompt) -> bool:
    """Whether a pressed button is on the current question or on a message sent after it
    (one of its choices): message ids grow in a chat, and the prompt keeps its question's."""
    message = query.message
    return (
        message is not None
        and prompt.message_id is not None
        and message.chat.id == prompt.chat_id
        and message.message_id >= prompt.message_id
    )


async def _pressed_elsewhere(context: TurnoutContext, query: CallbackQuery, user_id: int) -> None:
    """A button that is not a question's, pressed in the chat of an open prompt: the person
    is doing something else now, so the question is left (and they are told), and nothing
    typed later can land in it. The press goes on to its own handler. Forged or mangled data
    (no family's) leaves the question as it is: it is answered as a stale button."""
    if query.message is None or not any(
        family.decode(query.data) is not None for family in FAMILIES if family is not PromptButton
    ):
        return
    prompt = await current(context, user_id)
    if prompt is not None and prompt.chat_id == query.message.chat.id:
        await _close(context, prompt, tell=True)


def _turn(
    update: Update, context: TurnoutContext, prompt: Prompt, flow: Flow[Any]
) -> Turn[Any] | None:
    try:
        draft = flow.draft.model_validate_json(prompt.data)
    except ValidationError:
        # A draft an older version wrote, which this one cannot read.
        log.warning("prompt %d of flow %s: unreadable draft", prompt.id, flow.name)
        return None
    return Turn(update, context, prompt, draft, started=context.now())


async def _handle_message(turn: Turn[Any], flow: Flow[Any], command: str | None) -> Outcome:
    """A message for the flow: one of its commands, or an answer to its current step."""
    t, message = turn.t, turn.update.message
    assert message is not None
    step: Step[Any] = flow.steps[turn.prompt.step]
    if command == "cancel":
        await turn.close()
        await turn.context.bot.send_message(
            turn.prompt.chat_id,
            t(flow.cancelled) if flow.cancelled else cancelled(t, flow.name),
            reply_markup=_keyboard_removed(flow.name),
        )
        return End()
    if command is not None:
        outcome = await step.press(turn, command, None) if step.press else None
        nothing = N_("prompt.no_back") if command == "back" else N_("prompt.no_skip")
        return outcome or Stay(t(nothing))
    if (message.location is not None or message.venue is not None) and step.place:
        return await step.place(turn, message)
    if _carries_media(message) and step.media:
        return await step.media(turn, message)
    if message.text and step.text:
        return await step.text(turn, message.text)
    return Stay(expected(t, step.expects))


async def _refused(turn: Turn[Any], error: UseCaseError) -> Outcome:
    """A use case said no: explain; the flow ends if what it was about is gone or no longer
    allowed, and otherwise stays for another answer."""
    if turn.update.callback_query is not None and turn.answered:
        await turn.say(error.text(turn.t))  # the press has had its toast
    else:
        await explain(turn.update, turn.context, error)
    turn.answered = True
    return End() if isinstance(error, Gone | NotAllowed) else Stay()


async def _run(
    turn: Turn[Any], flow: Flow[Any], outcome: Outcome | Callable[[], Awaitable[Outcome]]
) -> None:
    """Take ``outcome`` (or the one a step's handler gives), and follow it: the next question
    asked, or the flow ended. A use case that says no, in the handler or in the next question
    (the action was cancelled, the role revoked meanwhile), is explained, and the flow ends or
    stays as ``_refused`` says; it never escapes with the prompt left open."""
    try:
        if callable(outcome):
            outcome = await outcome()
        await _apply(turn, flow, outcome)
    except UseCaseError as error:
        await _apply(turn, flow, await _refused(turn, error))


# -- asking and ending --------------------------------------------------------------------


async def _apply(turn: Turn[Any], flow: Flow[Any], outcome: Outcome) -> None:
    match outcome:
        case Go(step):
            await _ask(turn, flow, step)
        case Stay(text, markup):
            if text:
                await turn.context.bot.send_message(turn.prompt.chat_id, text, reply_markup=markup)
            await _save(turn, turn.prompt.step, turn.prompt.message_id)
        case End():
            if not turn.closed:
                await _close(turn.context, turn.prompt, tell=False)
            else:
                await _strip(turn.context, turn.prompt)


async def _ask(turn: Turn[Any], flow: Flow[Any], step: str) -> None:
    """Ask ``step``'s question. The step is saved before the question is sent: killed in
    between, the person sees no question rather than having an answer read as another's."""
    question = await flow.steps[step].ask(turn)
    await _save(turn, step, None)
    message: Message = await turn.say(question)
    # Kept with or without buttons: a button on an older message is of an earlier question.
    await _save(turn, step, message.message_id)


async def _save(turn: Turn[Any], step: str, message_id: int | None) -> None:
    """Keep the draft and the step; the prompt's time starts again (from when the person's
    message arrived, not from when the answer to it was sent)."""
    context = turn.context
    saved = await context.store.update_prompt(
        turn.prompt.id,
        step,
        turn.draft.model_dump_json(),
        message_id,
        turn.started + context.settings.prompt_timeout,
    )
    if saved is not None:
        turn.prompt = saved


async def _close(context: TurnoutContext, prompt: Prompt, *, tell: bool) -> None:
    if await context.store.close_prompt(prompt.id) is not None:
        await _closed(context, prompt, tell=tell)


async def _closed(context: TurnoutContext, prompt: Prompt, *, tell: bool) -> None:
    """A prompt ended: its question's buttons go; the person is told when they left it. A
    flow's reply keyboard goes too, which only a message can take away: ended without a word
    of the flow's own (a refusal explained, say), the person is told it is closed then too."""
    await _strip(context, prompt)
    if tell or uses_reply_keyboard(prompt.flow):
        await context.bot.send_message(
            prompt.chat_id,
            closed(context.t, prompt.flow),
            reply_markup=_keyboard_removed(prompt.flow),
        )


def _keyboard_removed(flow: str) -> ReplyKeyboardRemove | None:
    """The markup of a notice that ends a prompt of ``flow``: the reply keyboard its questions
    put under the text field goes with it (pressed later, it would send a location, say, to
    whatever takes messages then)."""
    return ReplyKeyboardRemove() if uses_reply_keyboard(flow) else None


async def _strip(context: TurnoutContext, prompt: Prompt) -> None:
    if prompt.message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(prompt.chat_id, prompt.message_id)
    except (BadRequest, Forbidden) as error:
        log.debug("prompt %d: keyboard not removed: %s", prompt.id, error)


def _command_of(message: Message) -> str | None:
    """The command a message starts with (``/cancel@bot`` → ``cancel``), or None."""
    text = message.text or ""
    if not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else None


def _carries_media(message: Message) -> bool:
    return bool(
        message.photo or message.video or message.document or message.animation or message.voice
    )
