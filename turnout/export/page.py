"""``index.html`` of an export: one page, no network requests, the reports as a gallery that
can be filtered by action and status. Written in pieces (head, one card per report, tail) so
that an export of any size is streamed, never held in memory."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from turnout.i18n import Translator

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f4f4f6;color:#222}
header{position:sticky;top:0;background:#fff;padding:12px 20px;border-bottom:1px solid #ddd}
h1{font-size:1.2em;margin:0 0 8px}
label{margin-right:16px}
main{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:16px;padding:20px}
article{background:#fff;border-radius:8px;padding:12px;box-shadow:0 1px 3px #0002}
article[hidden]{display:none}
.meta{color:#666;font-size:.85em;margin-bottom:6px}
.text{white-space:pre-wrap;margin:8px 0}
.media{display:flex;flex-wrap:wrap;gap:6px}
.media img,.media video{max-width:100%;max-height:220px;border-radius:4px}
.left{color:#a33;font-size:.85em}
.status{font-weight:600}
"""

_SCRIPT = """
(function(){
  var action=document.getElementById('action'),status=document.getElementById('status');
  var count=document.getElementById('count');
  function apply(){
    var shown=0;
    document.querySelectorAll('article').forEach(function(card){
      var ok=(!action.value||card.dataset.action===action.value)&&
             (!status.value||card.dataset.status===status.value);
      card.hidden=!ok; if(ok){shown++;}
    });
    count.textContent=shown;
  }
  action.addEventListener('change',apply);status.addEventListener('change',apply);apply();
})();
"""


def head(
    t: Translator,
    title: str,
    actions: Sequence[tuple[str, str]],
    statuses: Sequence[tuple[str, str]],
) -> str:
    """Up to the first card. ``actions``/``statuses``: (value, label) of the filters."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{escape(t.language)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<header><h1>{escape(title)}</h1>\n"
        + _select("action", t("export.page.action"), t("export.page.all"), actions)
        + _select("status", t("export.page.status"), t("export.page.all"), statuses)
        + f'<span>{escape(t("export.page.shown"))} <span id="count"></span></span>\n'
        "</header>\n<main>\n"
    )


def _select(name: str, label: str, everything: str, options: Sequence[tuple[str, str]]) -> str:
    listed = "".join(
        f'<option value="{escape(value)}">{escape(text)}</option>' for value, text in options
    )
    return (
        f'<label>{escape(label)} <select id="{name}">'
        f'<option value="">{escape(everything)}</option>{listed}</select></label>\n'
    )


def card(
    t: Translator,
    *,
    number: int,
    action_value: str,
    action_label: str,
    status: str,
    status_label: str,
    when: str,
    who: str,
    text: str,
    location: tuple[float, float] | None,
    files: Iterable[tuple[str, str]],
    left_out: Iterable[str],
) -> str:
    """One report. ``files``: (kind, path inside the ZIP); ``left_out``: reasons, translated."""
    parts = [
        f'<article data-action="{escape(action_value)}" data-status="{escape(status)}">',
        f'<div class="meta">#{number} · {escape(action_label)} · {escape(when)} · '
        f"{escape(who)}</div>",
        f'<div class="status">{escape(status_label)}</div>',
    ]
    if text:
        parts.append(f'<div class="text">{escape(text)}</div>')
    if location is not None:
        parts.append(
            f'<div class="meta">{escape(t("export.page.location"))} '
            f"{location[0]:.5f}, {location[1]:.5f}</div>"
        )
    media = []
    for kind, path in files:
        src = escape(path)
        if kind == "video":
            media.append(f'<video controls preload="none" src="{src}"></video>')
        elif kind == "audio":
            media.append(f'<audio controls preload="none" src="{src}"></audio>')
        else:
            media.append(f'<a href="{src}"><img loading="lazy" alt="" src="{src}"></a>')
    if media:
        parts.append(f'<div class="media">{"".join(media)}</div>')
    parts += [f'<div class="left">{escape(reason)}</div>' for reason in left_out]
    parts.append("</article>\n")
    return "".join(parts)


def tail() -> str:
    return f"</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"
