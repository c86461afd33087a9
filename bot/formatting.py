"""Replies as text: pure functions shared by the Telegram bot (HTML) and the terminal (plain).

Nothing here touches Telegram. Every piece of corpus text and user text is escaped;
a reply never exceeds Telegram's 4,096 characters, and tags are never cut.

>>> from retrieval.models import Answer
>>> render(Answer("你好", "greeting"), html=True).startswith("您好")
True
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence

from retrieval.models import Answer, Hit, Paragraph
from retrieval.searching import split_sentences

MAX_MESSAGE = 4096
PASSAGE_CHARS = 320
HEADLINE_CHARS = 100

BOT_NAME = "平湖新闻问答"
GREETING = f"您好！我是{BOT_NAME}，可以回答关于平湖本地新闻的问题。直接发问题给我就行。"
HELP = (
    f"{BOT_NAME}：用本地日报的报道回答您的问题，并注明标题、日期和版面。\n"
    "直接发送问题即可；在群里请 @我、回复我的消息，或使用 /ask 问题。\n"
    "/latest 查看最新报道标题"
)
NO_ANSWER = "抱歉，现有报道里没有找到能回答这个问题的内容。"
EMPTY = "没看懂这个问题，请用一句中文描述您想了解的新闻，例如“平湖经开区和谁签了战略合作协议？”"
LATEST_TITLE = "最新报道："
NOTHING_YET = "目前还没有收录任何报道。"
MORE_BUTTON = "更多结果"


def escape(text: str, html: bool) -> str:
    return html_lib.escape(text, quote=False) if html else text


def bold(text: str, html: bool) -> str:
    return f"<b>{escape(text, html)}</b>" if html else text


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis where text was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def where(paragraph: Paragraph) -> str:
    """"2025-12-18 · 第6版 评论" from whatever of date, page and section the article has."""
    page = f"第{paragraph.page}版" if paragraph.page else ""
    parts = [paragraph.date or "", " ".join(p for p in (page, paragraph.section) if p)]
    return " · ".join(p for p in parts if p)


def excerpt(text: str, sentence: str, limit: int = PASSAGE_CHARS) -> str:
    """The passage, trimmed to whole sentences around its best sentence when it is long."""
    if len(text) <= limit:
        return text
    sentences = split_sentences(text)
    try:
        best = next(i for i, s in enumerate(sentences) if s.strip() == sentence.strip())
    except StopIteration:
        best = 0
    start, end, size = best, best + 1, len(sentences[best])
    while True:  # grow one sentence at a time, after then before, while it fits
        grown = False
        if end < len(sentences) and size + len(sentences[end]) <= limit:
            size += len(sentences[end])
            end += 1
            grown = True
        if start > 0 and size + len(sentences[start - 1]) <= limit:
            start -= 1
            size += len(sentences[start])
            grown = True
        if not grown:
            break
    body = clip("".join(sentences[start:end]).strip(), limit)
    return ("…" if start > 0 else "") + body + ("…" if end < len(sentences) and not body.endswith("…") else "")


def highlight(text: str, terms: Sequence[str], html: bool) -> str:
    """Escape ``text`` and underline every occurrence of ``terms`` (longest first, case-insensitive)."""
    if not html:
        return text
    wanted = sorted({t for t in terms if t}, key=len, reverse=True)
    if not wanted:
        return escape(text, html)
    pattern = re.compile("|".join(re.escape(t) for t in wanted), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last:match.start()], html))
        out.append(f"<u>{escape(match.group(0), html)}</u>")
        last = match.end()
    out.append(escape(text[last:], html))
    return "".join(out)


def render_hit(hit: Hit, html: bool, limit: int = PASSAGE_CHARS) -> str:
    """One passage: headline in bold, where it ran, then the passage with the matched terms marked."""
    p = hit.paragraph
    lines = [bold(clip(p.headline or "（无标题）", HEADLINE_CHARS), html)]
    located = where(p)
    if located:
        lines.append(escape(located, html))
    lines.append(highlight(excerpt(p.text, hit.sentence, limit), hit.terms, html))
    return "\n".join(lines)


def render_hits(hits: Sequence[Hit], html: bool) -> str:
    """Passages separated by blank lines, shortened until the message fits Telegram's limit."""
    limit = PASSAGE_CHARS
    while True:
        text = "\n\n".join(render_hit(hit, html, limit) for hit in hits)
        if len(text) <= MAX_MESSAGE or limit <= 40:
            return text[:MAX_MESSAGE] if not html else text
        limit //= 2


def render_headlines(headlines: Sequence[tuple[str, str | None]], html: bool, title: str = LATEST_TITLE) -> str:
    if not headlines:
        return NOTHING_YET
    lines = [title]
    for headline, date in headlines:
        lines.append(f"• {escape(clip(headline, HEADLINE_CHARS), html)}" + (f"（{date}）" if date else ""))
    return "\n".join(lines)


def render(answer: Answer, html: bool, latest: Sequence[tuple[str, str | None]] = ()) -> str:
    """The whole reply to a message."""
    if answer.status == "greeting":
        return GREETING
    if answer.status == "help":
        return HELP
    if answer.status == "empty":
        return EMPTY
    if answer.status == "none":
        text = NO_ANSWER
        if latest:
            text += "\n\n" + render_headlines(latest, html, "您可以看看这些最新报道：")
        return text
    return render_hits(answer.passages, html)
