"""Replies as text: pure functions shared by the Telegram bot (HTML) and the terminal (plain).

Nothing here touches Telegram. Every piece of corpus text and user text is escaped;
a reply never exceeds Telegram's 4,096 characters, and tags are never cut.

>>> from retrieval.models import Answer, Status
>>> render(Answer("你好", Status.GREETING), html=True).startswith("您好")
True
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.answering import split_sentences
from retrieval.ingesting import IngestReport
from retrieval.models import Answer, Edition, Hit, Paragraph, QuestionStats, Status, Vote

MAX_MESSAGE = 4096
PASSAGE_CHARS = 320
HEADLINE_CHARS = 100
EDITION_ITEMS = 10  # headlines listed for a day's paper, each with a 全文 button

BOT_NAME = "平湖新闻问答"
GREETING = f"您好！我是{BOT_NAME}，可以回答关于平湖本地新闻的问题。直接发问题给我就行。"
HELP = (
    f"{BOT_NAME}：用本地日报的报道回答您的问题，并注明标题、日期和版面。\n"
    "直接发送问题即可；在群里请 @我、回复我的消息，或使用 /ask 问题。\n"
    "/latest 查看最新报道标题，也可以问“今天有什么新闻”\n"
    "/subscribe 订阅每天的新报纸标题，/unsubscribe 取消订阅\n"
    "答案下方的“全文”可阅读整篇报道；在任何聊天里输入 @本机器人 加问题，可把答案发给家人朋友"
)
NO_ANSWER = "抱歉，现有报道里没有找到能回答这个问题的内容。"
RELATED = "没有找到确切答案，以下报道可能相关："
EMPTY = "没看懂这个问题，请用一句中文描述您想了解的新闻，例如“平湖经开区和谁签了战略合作协议？”"
LATEST_TITLE = "最新报道："
NOTHING_YET = "目前还没有收录任何报道。"
MORE_BUTTON = "更多结果"
FULL_BUTTON = "全文"
LIKE_BUTTON, DISLIKE_BUTTON = "👍 有用", "👎 没用"
THANKS = "谢谢您的反馈！"
SUBSCRIBED = "已订阅：每当有新一天的报纸收录，我会把当天的标题发给您。发送 /unsubscribe 可随时取消。"
ALREADY_SUBSCRIBED = "您已经订阅了。发送 /unsubscribe 可取消。"
UNSUBSCRIBED = "已取消订阅。"
NOT_SUBSCRIBED = "您还没有订阅。发送 /subscribe 可订阅每天的新报纸标题。"
SUBSCRIBE_BUTTON, UNSUBSCRIBE_BUTTON = "订阅每日标题", "取消订阅"
ARTICLE_GONE = "这篇报道已不在库中，请重新提问。"
DIGEST_TITLE = "新报纸到了"


def escape(text: str, html: bool) -> str:
    return html_lib.escape(text, quote=False) if html else text


def bold(text: str, html: bool) -> str:
    return f"<b>{escape(text, html)}</b>" if html else text


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis where text was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)] + "…"


def source_line(paragraph: Paragraph) -> str:
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


def highlight(text: str, terms: Sequence[str], html: bool, sentence: str = "") -> str:
    """Escape ``text``, underline every occurrence of ``terms`` (longest first, case-insensitive) and
    set ``sentence``, the one that answers, in bold when the passage says more than it."""
    if not html:
        return text
    at = text.find(sentence.strip()) if sentence.strip() and sentence.strip() != text.strip() else -1
    if at >= 0:
        end = at + len(sentence.strip())
        return (highlight(text[:at], terms, html) + "<b>" + highlight(text[at:end], terms, html) + "</b>"
                + highlight(text[end:], terms, html))
    spans: list[list[int]] = []
    for start, end in _occurrences(text, terms):
        if spans and spans[-1][1] == start:  # adjacent terms read as one: 最高气温
            spans[-1][1] = end
        else:
            spans.append([start, end])
    out, last = [], 0
    for start, end in spans:
        out.append(escape(text[last:start], html))
        out.append(f"<u>{escape(text[start:end], html)}</u>")
        last = end
    out.append(escape(text[last:], html))
    return "".join(out)


def _occurrences(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where ``terms`` occur in ``text``, case-insensitively, left to right without overlaps, the
    longest term where several start at one place: a regular expression's alternation, without
    compiling one per question (each question has its own terms, and compiling cost 0.3 ms a reply)."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (İ): positions would shift
        wanted = sorted({t for t in terms if t}, key=len, reverse=True)
        pattern = "|".join(re.escape(t) for t in wanted)
        return [match.span() for match in re.finditer(pattern, text, re.IGNORECASE)] if wanted else []
    found = []
    for term in {t.lower() for t in terms if t}:
        at = lowered.find(term)
        while at >= 0:
            found.append((at, at + len(term)))
            at = lowered.find(term, at + 1)
    chosen: list[tuple[int, int]] = []
    for start, end in sorted(found, key=lambda span: (span[0], -span[1])):
        if not chosen or start >= chosen[-1][1]:
            chosen.append((start, end))
    return chosen


def old_report(day: str | None, today: str) -> str:
    """"这是2021年的报道" for a passage from a year before ``today``'s, else ""."""
    if not day or not today or day[:4] >= today[:4] or not day[:4].isdigit():
        return ""
    return f"这是{day[:4]}年的报道"


def render_hit(hit: Hit, html: bool, limit: int = PASSAGE_CHARS, today: str = "", marked: bool = False,
               byline: bool = False) -> str:
    """One passage: headline in bold, where it ran (and how old it is), then the passage with the
    matched terms underlined and, when ``marked``, the answering sentence in bold; with ``byline``,
    who wrote it first."""
    p = hit.paragraph
    # A copy that starts below its headline still shows the title it has.
    lines = [bold(clip(p.headline or p.subheadline or "（无标题）", HEADLINE_CHARS), html)]
    located = "，".join(part for part in (source_line(p), old_report(p.date, today)) if part)
    if located:
        lines.append(escape(located, html))
    if byline and p.byline:
        lines.append(bold(f"作者：{clip(p.byline, HEADLINE_CHARS)}", html))
    lines.append(highlight(excerpt(p.text, hit.sentence, limit), hit.terms, html, hit.sentence if marked else ""))
    return "\n".join(lines)


def render_hits(hits: Sequence[Hit], html: bool, today: str = "", marked: bool = False, byline: bool = False) -> str:
    """Passages separated by blank lines, shortened until the message fits Telegram's limit."""
    limit = PASSAGE_CHARS
    while True:
        text = "\n\n".join(render_hit(hit, html, limit, today, marked, byline) for hit in hits)
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


def day_words(day: str | None, today: str = "") -> str:
    """"12月18日" for an ISO day (with its year when not ``today``'s year); "日期不明" for none."""
    if not day or len(day) < 10 or not day[:4].isdigit():
        return "日期不明"
    words = f"{int(day[5:7])}月{int(day[8:10])}日"
    return words if today[:4] == day[:4] else f"{day[:4]}年{words}"


def render_edition(edition: Edition, html: bool, today: str = "", title: str = "") -> str:
    """A day's paper as a numbered list of headlines with their pages (the 全文 buttons follow the
    numbers), or, for a day without a paper, the days nearest to it."""
    if edition.asked is not None:
        nearest = "、".join(day_words(day, today) for day in edition.nearest)
        return (f"{day_words(edition.asked, today)}的报纸还没有收录。" + (f"最近的几期：{nearest}。" if nearest else "")
                + ("可以发送“" + day_words(edition.nearest[-1], today) + "有什么新闻”查看。" if nearest else ""))
    if not edition.headlines:
        return NOTHING_YET
    named = "日期不明的报纸" if edition.day is None else f"{day_words(edition.day, today)}的报纸"
    lines = [bold(title or f"{named}（{len(edition.headlines)}篇）：", html)]
    for number, item in enumerate(edition.headlines[:EDITION_ITEMS], start=1):
        page = f"（第{item.page}版）" if item.page else ""
        lines.append(f"{number}. {escape(clip(item.headline or '（无标题）', HEADLINE_CHARS), html)}{page}")
    if len(edition.headlines) > EDITION_ITEMS:
        lines.append(f"……另有 {len(edition.headlines) - EDITION_ITEMS} 篇")
    return "\n".join(lines)


def weather_note(paragraph: Paragraph, today: str = "") -> str:
    """What a forecast is: "12月18日报纸的天气预报：" (its paper's date in words), or that its date is unknown."""
    if not paragraph.date:
        return "这份天气预报来自日期不明的报纸："
    return f"{day_words(paragraph.date, today)}报纸的天气预报："


def render_article(paragraphs: Sequence[Paragraph], html: bool, limit: int = MAX_MESSAGE) -> list[str]:
    """A whole article as messages of at most ``limit`` characters: headline, subheadline, byline,
    where it ran, then its paragraphs, split between paragraphs (a paragraph longer than a message
    alone is split between sentences, and a sentence longer than that by characters)."""
    first = paragraphs[0]
    head = [bold(clip(first.headline or first.subheadline or "（无标题）", HEADLINE_CHARS), html)]
    if first.subheadline and first.headline:
        head.append(escape(clip(first.subheadline, HEADLINE_CHARS), html))
    if first.byline:
        head.append(escape(clip(first.byline, HEADLINE_CHARS), html))
    if source_line(first):
        head.append(escape(source_line(first), html))
    pieces = ["\n".join(head)]
    for paragraph in paragraphs:
        pieces += _fitting(paragraph.text, html, limit)
    messages: list[str] = []
    for piece in pieces:
        if messages and len(messages[-1]) + 2 + len(piece) <= limit:
            messages[-1] += "\n\n" + piece
        else:
            messages.append(piece)
    return messages


def _fitting(text: str, html: bool, limit: int) -> list[str]:
    """``text`` escaped, in pieces of at most ``limit`` characters: whole if it fits, else by
    sentences, and a sentence too long alone by characters (never inside an entity)."""
    if len(escape(text, html)) <= limit:
        return [escape(text, html)]
    pieces: list[str] = []
    for sentence in split_sentences(text) or [text]:
        while sentence:
            cut = len(sentence)
            while len(escape(sentence[:cut], html)) > limit:
                cut = max(1, cut * limit // len(escape(sentence[:cut], html)) - 1)
            part = escape(sentence[:cut], html)
            if pieces and len(pieces[-1]) + len(part) <= limit:
                pieces[-1] += part
            else:
                pieces.append(part)
            sentence = sentence[cut:]
    return pieces


def render(answer: Answer, html: bool, latest: Sequence[tuple[str, str | None]] = ()) -> str:
    """The whole reply to a message."""
    if answer.status is Status.NEWS and answer.edition is not None:
        return render_edition(answer.edition, html, answer.today)
    if answer.status is Status.GREETING:
        return GREETING
    if answer.status is Status.HELP:
        return HELP
    if answer.status is Status.EMPTY:
        return EMPTY
    if answer.status is Status.NONE:
        text = NO_ANSWER
        if latest:
            text += "\n\n" + render_headlines(latest, html, "您可以看看这些最新报道：")
        return text
    if answer.status is Status.RELATED:
        return RELATED + "\n\n" + render_hits(answer.passages, html, answer.today)
    text = render_hits(answer.passages, html, answer.today, marked=True, byline=answer.byline)
    if answer.passages[0].paragraph.kind == "weather":
        # Three passages of at most PASSAGE_CHARS leave room for the note under MAX_MESSAGE.
        return escape(weather_note(answer.passages[0].paragraph, answer.today), html) + "\n" + text
    return text


RATE_LIMITED = "您提问太快了，请稍等一分钟再问。"
NOT_ADMIN = "抱歉，这个命令只对管理员开放。"
RELOAD_BUSY = "正在重新加载，请等这一次完成后再试。"
RELOAD_FAILED = "重新加载失败，继续使用原来的内容。原因："
ERROR = "抱歉，出了点问题，请稍后再试。"
STALE = "这条结果已过期，请重新提问。"
NO_MORE = "没有更多结果了。"
ASK_USAGE = "用法：/ask 您的问题，例如 /ask 明天天气怎么样"
UPLOAD_REFUSED = "无法接收这个文件："
UNKNOWN_COMMAND = "没有这个命令。直接发送问题即可，或发送 /help 查看用法。"

_STATUS_NAMES = {"new": "新增", "changed": "更新", "unchanged": "未变", "removed": "移除", "failed": "失败"}
# Where the parser was unsure of an item (retrieval.pages.WARNINGS), for the admin who sent the page.
WARNING_NAMES = {"no-headline": "没有标题", "long-headline": "标题超过40字", "title-like-paragraph": "第一段像标题",
                 "byline-in-body": "正文里有像署名的一行", "one-short-paragraph": "只有一小段"}


def render_report(report: IngestReport, html: bool, details: int = 20) -> str:
    """An ingest report for an admin: files by outcome, the first ``details`` failures, skipped lines
    and items to check, with their reasons, totals. Lines are never cut, so the HTML stays whole."""
    counts = "，".join(f"{name} {report.count(status)}" for status, name in _STATUS_NAMES.items())
    problems = [f"• {escape(clip(f.path, 80), html)}：{escape(clip(f.reason, 200), html)}"
                for f in report.files if f.status == "failed"]
    problems += [f"• 跳过 {escape(clip(str(bad), 200), html)}" for f in report.files for bad in f.bad_lines]
    problems += [f"• 请核对 {escape(clip(f.path, 80), html)}《{escape(clip(headline or '无标题', 40), html)}》："
                 f"{WARNING_NAMES.get(code, code)}" for f in report.files for headline, code in f.warnings]
    totals = f"文章 {report.articles} 篇，段落 {report.paragraphs} 段，用时 {report.seconds:.1f} 秒"
    while True:  # fewer details until the message fits (escaping can make a line four times longer)
        shown = problems if len(problems) <= details else [*problems[:details], f"……另有 {len(problems) - details} 条"]
        text = "\n".join([f"文件：{counts}", *shown, totals])
        if len(text) <= MAX_MESSAGE or details == 0:
            return text
        details //= 2


def saved_as(name: str, saved: str, html: bool) -> str:
    """The first line of an upload's report: where the file went, if not under its own name."""
    if saved == name:
        return f"已保存 {escape(name, html)}。\n"
    return f"已有同名的不同文件，新文件另存为 {escape(saved, html)}。\n"


@dataclass(frozen=True)
class Stats:
    """What /stats shows: the corpus in service, when it was loaded, the question log's figures,
    subscribers, and this week's 👍/👎 with the latest disliked answers (question, headlines shown)."""

    articles: int
    paragraphs: int
    loaded_at: str | None
    questions: QuestionStats
    subscribers: int = 0
    votes: tuple[Vote, ...] = ()
    disliked: tuple[tuple[str, tuple[str, ...]], ...] = ()


def render_stats(stats: Stats, html: bool) -> str:
    """Corpus size, last reload and what residents asked (and missed)."""
    asked = stats.questions
    share = f"{asked.unanswered / asked.total:.0%}" if asked.total else "—"
    lines = [
        f"收录：文章 {stats.articles} 篇，段落 {stats.paragraphs} 段",
        f"上次加载：{stats.loaded_at or '—'}",
        f"提问：今天 {asked.today} 个，累计 {asked.total} 个，未能回答 {share}",
    ]
    if asked.missed:
        lines.append("最近未能回答的问题：")
        lines += [f"• {escape(clip(q, 60), html)}" for q in asked.missed]
    lines.append(f"订阅：{stats.subscribers} 人")
    down = sum(vote.vote < 0 for vote in stats.votes)
    lines.append(f"本周反馈：👍 {len(stats.votes) - down}，👎 {down}"
                 + (f"（👎 占 {down / len(stats.votes):.0%}）" if stats.votes else ""))
    if stats.disliked:
        lines.append("最近被点 👎 的回答：")
        lines += [f"• {escape(clip(q, 60), html)} → {escape('；'.join(clip(h, 30) for h in shown) or '无答案', html)}"
                  for q, shown in stats.disliked]
    return clip("\n".join(lines), MAX_MESSAGE)


def example_questions(latest: Sequence[tuple[str, str | None]], has_weather: bool) -> list[str]:
    """Three questions the current corpus answers, built from its newest headlines."""
    examples = ["明天天气怎么样？"] if has_weather else []
    examples += [f"{clip(headline, 30)}讲了什么？" for headline, _ in latest]
    return examples[:3]


def welcome(examples: Sequence[str], html: bool) -> str:
    lines = [HELP, "", "可以这样问："] + [f"• {escape(q, html)}" for q in examples]
    return "\n".join(lines)
