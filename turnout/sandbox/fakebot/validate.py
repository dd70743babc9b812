"""Checks Telegram applies to outgoing text, formatting and keyboards.

The fake keeps the raw text and ``parse_mode`` (it does not convert markup into entities), but
it rejects what Telegram would reject, so formatting bugs such as unescaped user input show up
in tests as the same ``BadRequest`` they would cause in production.
"""

from __future__ import annotations

import html
import re

from .errors import ApiError, bad_request
from .jsonutil import JSONDict

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64

_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
    "tg-time",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^<>]*?)?)\s*(/?)>")
_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def _entity_error(detail: str) -> ApiError:
    return bad_request(f"can't parse entities: {detail}")


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def check_html(text: str) -> str:
    """Validate Telegram-HTML; return the plain text it renders to."""
    stack: list[tuple[str, int]] = []
    plain: list[str] = []
    pos = 0
    while pos < len(text):
        lt = text.find("<", pos)
        if lt < 0:
            plain.append(text[pos:])
            break
        plain.append(text[pos:lt])
        match = _TAG.match(text, lt)
        if match is None:
            raise _entity_error(f"Unsupported start tag at byte offset {_byte_offset(text, lt)}")
        closing, name, _attrs, _self_closing = match.groups()
        name = name.lower()
        if name not in _HTML_TAGS:
            raise _entity_error(
                f'Unsupported start tag "{name}" at byte offset {_byte_offset(text, lt)}'
            )
        if closing:
            if not stack:
                raise _entity_error(
                    f'Unexpected end tag "{name}" at byte offset {_byte_offset(text, lt)}'
                )
            expected, _start = stack.pop()
            if expected != name:
                raise _entity_error(
                    f"Unmatched end tag at byte offset {_byte_offset(text, lt)}, "
                    f'expected "</{expected}>", found "</{name}>"'
                )
        else:
            stack.append((name, lt))
        pos = match.end()
    if stack:
        name, _start = stack[-1]
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{name}"')
    return html.unescape("".join(plain))


_MD_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "`": "Code",
    "```": "Pre",
    "[": "TextUrl",
}


def check_markdown_v2(text: str) -> str:
    """Validate MarkdownV2 (reserved characters escaped, entities closed); return plain text."""
    stack: list[tuple[str, int]] = []
    plain: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 < n:
                plain.append(text[i + 1])
            i += 2
            continue
        top = stack[-1][0] if stack else None
        if top in {"`", "```"}:
            if text.startswith(top, i) and (top == "```" or not text.startswith("```", i)):
                stack.pop()
                i += len(top)
            else:
                plain.append(ch)
                i += 1
            continue
        if text.startswith("```", i):
            stack.append(("```", i))
            i += 3
            continue
        token = "__" if text.startswith("__", i) else "||" if text.startswith("||", i) else ch
        if token in {"*", "_", "__", "~", "||", "`"}:
            if top == token:
                stack.pop()
            elif any(entry[0] == token for entry in stack):
                raise _entity_error(
                    f"Can't find end of {_MD_NAMES[stack[-1][0]]} entity at byte offset "
                    f"{_byte_offset(text, stack[-1][1])}"
                )
            else:
                stack.append((token, i))
            i += len(token)
            continue
        if ch == "[" or (ch == "!" and text.startswith("![", i)):
            stack.append(("[", i))
            i += 2 if ch == "!" else 1
            continue
        if ch == "]" and top == "[":
            start = stack.pop()[1]
            if not text.startswith("(", i + 1):
                raise _entity_error(
                    f"Can't find end of TextUrl entity at byte offset {_byte_offset(text, start)}"
                )
            j = i + 2
            while j < n and text[j] != ")":
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                raise _entity_error(
                    f"Can't find end of TextUrl entity at byte offset {_byte_offset(text, start)}"
                )
            i = j + 1
            continue
        if ch == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1
            continue
        if ch in _MDV2_RESERVED:
            raise _entity_error(
                f"Character '{ch}' is reserved and must be escaped with the preceding '\\'"
            )
        plain.append(ch)
        i += 1
    if stack:
        token, start = stack[-1]
        raise _entity_error(
            f"Can't find end of {_MD_NAMES[token]} entity at byte offset "
            f"{_byte_offset(text, start)}"
        )
    return "".join(plain)


def check_markdown(text: str) -> str:
    """Validate legacy Markdown (every entity closed); return plain text."""
    plain: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            plain.append(text[i + 1])
            i += 2
            continue
        if ch in "*_`[":
            closer = "```" if text.startswith("```", i) else "]" if ch == "[" else ch
            start = i + len(closer) if closer == "```" else i + 1
            end = text.find(closer, start)
            if end < 0:
                raise _entity_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
                )
            plain.append(text[start:end])
            i = end + len(closer)
            if ch == "[" and text.startswith("(", i):
                close_paren = text.find(")", i)
                if close_paren < 0:
                    raise _entity_error(
                        "Can't find end of the entity starting at byte offset "
                        f"{_byte_offset(text, i)}"
                    )
                i = close_paren + 1
            continue
        plain.append(ch)
        i += 1
    return "".join(plain)


def rendered_text(text: str, parse_mode: str | None) -> str:
    """Validate ``text`` for ``parse_mode`` and return the text as the user would see it."""
    if parse_mode is None or parse_mode == "":
        return text
    mode = parse_mode.lower()
    if mode == "html":
        return check_html(text)
    if mode == "markdownv2":
        return check_markdown_v2(text)
    if mode == "markdown":
        return check_markdown(text)
    raise bad_request(f"unsupported parse_mode {parse_mode!r}")


def check_text(text: str | None, parse_mode: str | None) -> str:
    """Validate a message text (non-empty, at most 4096 characters after parsing)."""
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    plain = rendered_text(text, parse_mode)
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return text


def check_caption(caption: str | None, parse_mode: str | None) -> None:
    """Validate a media caption (at most 1024 characters after parsing)."""
    if caption is None:
        return
    if len(rendered_text(caption, parse_mode)) > MAX_CAPTION:
        raise bad_request("message caption is too long")


_BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}


def check_reply_markup(markup: JSONDict | None) -> None:
    """Validate the shape of a keyboard, in particular inline buttons' ``callback_data``."""
    if markup is None:
        return
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('can\'t parse inline keyboard button: field "inline_keyboard"')
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not rows:
            raise bad_request("keyboard must be non-empty")
        return
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: object) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a String")
    actions = _BUTTON_ACTIONS & set(button)
    if not actions:
        raise bad_request("text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        raise bad_request("can't parse inline keyboard button: more than one action specified")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not str(button["url"]).strip():
        raise bad_request("BUTTON_URL_INVALID")
