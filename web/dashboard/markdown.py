"""A small, safe Markdown subset for the model card: headings, paragraphs, lists, pipe tables,
fenced code, and inline code / bold / italics / links. Every character of the source is escaped
before any markup is added, so the card can never inject HTML."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

_INLINE = (
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*(?!\w)"), r"<em>\1</em>"),
    (re.compile(r"\[([^\]]+)\]\(((?:https?://|#)[^)\s\"]*)\)"), r'<a href="\2">\1</a>'),
)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def _inline(text: str) -> str:
    out = str(escape(text))
    for pattern, replacement in _INLINE:
        out = pattern.sub(replacement, out)
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def render(source: str, heading_offset: int = 2) -> Markup:
    """Markdown subset -> HTML; headings shift down by ``heading_offset`` (h1 -> h3)."""
    lines = source.replace("\r\n", "\n").split("\n")
    html: list[str] = []
    para: list[str] = []
    i = 0

    def flush() -> None:
        if para:
            html.append(f"<p>{_inline(' '.join(para))}</p>")
            para.clear()

    while i < len(lines):
        line = lines[i]
        if line.strip().startswith("```"):
            flush()
            end = next((j for j in range(i + 1, len(lines))
                        if lines[j].strip().startswith("```")), len(lines))
            html.append(f"<pre><code>{escape(chr(10).join(lines[i + 1:end]))}</code></pre>")
            i = end + 1
        elif m := _HEADING.match(line):
            flush()
            level = min(6, len(m.group(1)) + heading_offset)
            html.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
            i += 1
        elif "|" in line and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            flush()
            head = "".join(f"<th scope=\"col\">{_inline(c)}</th>" for c in _cells(line))
            body, i = [], i + 2
            while i < len(lines) and "|" in lines[i] and lines[i].strip():
                body.append("<tr>" + "".join(f"<td>{_inline(c)}</td>"
                                             for c in _cells(lines[i])) + "</tr>")
                i += 1
            html.append(f'<div class="table-wrap"><table class="table"><thead><tr>{head}</tr>'
                        f"</thead><tbody>{''.join(body)}</tbody></table></div>")
        elif _BULLET.match(line) or _NUMBERED.match(line):
            flush()
            pattern = _BULLET if _BULLET.match(line) else _NUMBERED
            tag = "ul" if pattern is _BULLET else "ol"
            items = []
            while i < len(lines) and (m := pattern.match(lines[i])):
                items.append(f"<li>{_inline(m.group(1))}</li>")
                i += 1
            html.append(f"<{tag}>{''.join(items)}</{tag}>")
        elif not line.strip():
            flush()
            i += 1
        else:
            para.append(line.strip())
            i += 1
    flush()
    return Markup("\n".join(html))
