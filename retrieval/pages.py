"""Parse raw text dumps of newspaper pages, and article text copied from websites, into articles.

Pure functions, no I/O. A page dump is the text of one printed page in reading order: articles
run together, headlines are short lines, bylines start with ■ or a role (记者, 通讯员, 实习生 …),
column breaks cut sentences in two, and page headers, column labels, adverts and the weather sit
among the articles. A copy from a website adds a date-and-source line and reader chrome. The
passes below follow that structure, not any one page's strings:

1. ``_lines``: the text as lines, white space folded, with whether a blank line or an indent
   came before each;
2. ``_furniture``: what each line is (``layout``) — page headers, chrome, date-and-source lines,
   jump marks, bylines, forecasts and adverts are set aside, the rest is text;
3. ``_Assembler``: text into articles — title lines above a body are its head, a short line
   between body paragraphs is a section head unless a byline or a dateline shows a new article
   begins, a paragraph without a sentence end continues in the next body line (column breaks),
   a story's continuation after a jump mark returns to it;
4. ``_titles``: a head's lines into kicker, headline and subheadline;
5. items in page order, each with warnings where the parser was unsure (``diagnose``).

>>> items = parse_page("市委召开会议\\n\\n■记者 张三\\n\\n本报讯 昨天,会议召开。", "2025-12-18.txt")
>>> items[0].headline, items[0].byline, items[0].date, items[0].paragraphs
('市委召开会议', '记者 张三', '2025-12-18', ('本报讯 昨天,会议召开。',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from . import layout, tokenizing
from .layout import ends_sentence, fold, title_like
from .models import Article

# Raise when a rule changes what a page parses into: stored pages are parsed again on the next
# ingest even though their files did not change.
PARSER_VERSION = "4"

_DATE_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A kicker (引题) reads as a lead-in: "一场…", a line ending in a colon or a dash, "…时指出".
_KICKER = re.compile(r"^(?:一[场次个份条张群位堂座片串组种幅曲路抹段]|.*(?:[:：—]|时(?:指出|强调|表示|要求|提出|说))$)")
# A headline that names its place first ("平湖:百名干部…") is the factual line under a kicker.
_PLACE_FIRST = re.compile(r"^[\u3400-\u9fff]{2,6}[:：]")
_LABEL_WORDS = ("新闻", "要闻", "动态", "资讯", "速递", "专题", "头条", "快讯", "图片", "视频", "聚焦", "访谈", "专访")
# Those who talk to a reporter: "平湖市新仓镇党委书记 张三", printed between the headline and the byline.
_INTERVIEWEE = re.compile(r"^\S{2,24}(?:书记|镇长|主任|局长|经理|董事长|负责人|校长|院长|主席|部长|市长|县长|区长|"
                          r"村民|居民|代表|委员|总经理|站长|所长|队长|馆长|会长) [\u3400-\u9fff·]{2,6}$")
_EDITOR = re.compile(r"^【(?:责任)?编辑 ?[:：]")
# Who someone is, in brackets under their name: "(广陈镇山塘村村民)", "(《嘉善史志》编辑)".
_IDENTITY = re.compile(r"^[(（][^()（）]{2,24}[)）]$")
_PAUSE = re.compile(r"[,，;；、]")
_YEAR_END = re.compile(r"\d年$")  # "1504年": a date a column break cut off from its sentence
# A short line does not end a phrase on these: it was cut by a column break, not a section head.
_UNFINISHED = tuple("的了和与及或在对从向把被为将使让给跟同以于是等并而且但着地得所其之这那每各该本")
_CONTINUATION_START = tuple("，,。、；;：:”’）)》」』…—")
_SHORT_PARAGRAPH = 30
# The most lines a story's head (label, kicker, headline, subheadline, bylines) takes: a longer run
# of short lines is not one.
_HEAD_LINES = 8

# Warnings for admins: where the parser was unsure (see ``diagnose``).
WARNINGS = {
    "no-headline": "no headline",
    "long-headline": f"headline over {layout.TITLE_CHARS} characters",
    "title-like-paragraph": "the first paragraph looks like a title",
    "byline-in-body": "a byline-like line was left in the body",
    "one-short-paragraph": "only one short paragraph",
}


def date_from_name(name: str) -> str | None:
    """The ISO date in a file name (``2025-12-18`` or ``20251218``), if it holds a valid one."""
    return layout.date_in(name, _DATE_NAME)


@dataclass
class _Line:
    """A line of the page: folded text, whether a blank line stood before it, whether it was indented."""

    text: str
    gap: bool
    indent: bool
    block: int


@dataclass
class _Token:
    """A line as the furniture pass read it: kind is header, source, end, jump, byline, reset or text."""

    kind: str
    line: _Line
    value: object = None

    @property
    def body(self) -> bool:
        """Body text: a text line that is not title-like."""
        return self.kind == "text" and not self.value


@dataclass
class _Draft:
    """An article while it is being read."""

    heads: list[_Line] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)  # each the pieces a column break cut it into
    page: tuple[str, str] | None = None
    start: float = 0.0  # where on the page it begins, to keep page order with weather and adverts
    date: str | None = None
    web: bool = False  # a date-and-source line stood under its head: a copy from a website
    sealed: bool = False  # the last paragraph is a section head: whole without a sentence end
    filed: bool = False  # already among the drafts (a story a jump mark returned to)
    said: set[str] = field(default_factory=set)  # its head lines, bare, to drop one printed twice

    @property
    def has_body(self) -> bool:
        return bool(self.paragraphs)

    @property
    def open_paragraph(self) -> bool:
        """Whether the last paragraph stops mid-sentence (a column break, so it goes on)."""
        return bool(self.paragraphs) and not self.sealed and not ends_sentence(self.paragraphs[-1][-1])


def parse_page(text: str, source: str) -> list[Article]:
    """Split one page dump (or a copied web article) into articles, weather and adverts, in page order."""
    lines = _lines(text)
    extras, lines = _extras(lines)
    drafts = _Assembler(_furniture(lines)).run()
    first_page = next((d.page for d in drafts if d.page), None) or ("", "")
    file_date = date_from_name(source)
    placed: list[tuple[float, Article]] = []
    for draft in drafts:
        kicker, headline, subheadline = _titles(draft.heads, draft.web)
        number, section = draft.page or first_page
        article = Article(
            id="", source=source, position=0, kind=_kind(draft, section), headline=headline,
            subheadline=subheadline, kicker=kicker, byline=" ".join(dict.fromkeys(draft.bylines)), page=number,
            section=section, date=file_date or draft.date, paragraphs=tuple("".join(p) for p in draft.paragraphs))
        placed.append((draft.start, replace(article, warnings=diagnose(article))))
    for start, kind, headline, extra in extras:
        placed.append((start, Article(
            id="", source=source, position=0, kind=kind, headline=headline,
            paragraphs=tuple(extra) if kind == "advert" else ("".join(extra),),
            page=first_page[0], section=first_page[1], date=file_date)))
    placed.sort(key=lambda pair: pair[0])
    return [replace(article, id=f"{source}#{position}", position=position)
            for position, (_, article) in enumerate(placed)]


def _lines(text: str) -> list[_Line]:
    """Non-blank lines, folded, each knowing whether a blank line or an indent came before it."""
    lines: list[_Line] = []
    gap, block = True, 0
    for raw in _LINE_BREAK.split(text.lstrip("\ufeff")):
        folded = fold(raw)
        if not folded:
            gap = True
            continue
        if gap and lines:
            block += 1
        indent = raw[:1] in ("\u3000", "\t") or raw.startswith("  ")
        lines.append(_Line(folded, gap, indent, block))
        gap = False
    return lines


def _extras(lines: list[_Line]) -> tuple[list[tuple[float, str, str, list[str]]], list[_Line]]:
    """Forecast lines and advert blocks, set aside with where they stood; the other lines."""
    extras: list[tuple[float, str, str, list[str]]] = []
    kept: list[_Line] = []
    blocks: dict[int, list[_Line]] = {}
    for line in lines:
        blocks.setdefault(line.block, []).append(line)
    for block in blocks.values():
        forecast = [line for line in block if layout.weather(line.text)]
        rest = [line for line in block if not layout.weather(line.text)]
        if len(rest) >= 2 and any(layout.contact(line.text) for line in rest):
            rest = [line for line in rest if not layout.furniture(line.text)]  # a site's footer, not an advert
        # Fractions keep these between the lines around them, in the order they stand in the block.
        if forecast:
            at = len(kept) - 0.5 + block.index(forecast[0]) / (2 * len(block))
            extras.append((at, "weather", "天气预报", [line.text for line in forecast]))
        texts = [line.text for line in rest]
        if len(texts) >= 2 and any(map(layout.contact, texts)) and all(len(t) <= 60 for t in texts):
            extras.append((len(kept) - 0.5 + block.index(rest[0]) / (2 * len(block)), "advert", texts[0], texts))
            continue
        kept.extend(rest)
    return extras, kept


def _furniture(lines: list[_Line]) -> list[_Token]:
    """Each line as what it is; chrome and credits are gone, jump marks inside lines removed."""
    tokens = []
    for line in lines:
        text = line.text
        header = layout.page_header(text)
        if header:
            tokens.append(_Token("header", line, header))
            continue
        source = layout.source_line(text)
        if source is not None:
            tokens.append(_Token("source", line, source))
            continue
        credit = layout.byline(text)
        if credit:
            tokens.append(_Token("byline", line, credit))
            continue
        if layout.menu(text):
            tokens.append(_Token("reset", line))
            continue
        if _EDITOR.match(text):
            tokens.append(_Token("end", line))
            continue
        if layout.furniture(text):
            continue
        direction = layout.jump(text)
        if direction:
            tokens.append(_Token("jump", line, direction))
            continue
        text, glued = _split_glued_byline(layout.strip_jumps(text))
        if not text:
            continue
        if _INTERVIEWEE.match(text) and layout.bare_name(text.rsplit(" ", 1)[1]):
            tokens.append(_Token("byline", line, text))
            continue
        tokens.append(_Token("text", replace(line, text=text), title_like(text)))  # value: title-like
        if glued:  # "资本产业深融■记者 胡佳英", "图为开幕式现场。 ■记者 李强 摄"
            tokens.append(_Token("byline", line, glued))
    return tokens


class _Assembler:
    """Text lines into article drafts, one token at a time, looking ahead where a line is ambiguous."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        # For each token, the index of the next body line before the page's next header (or None):
        # computed once, so no line's look-ahead walks the rest of a long page.
        self.next_body: list[int | None] = [None] * len(tokens)
        following: int | None = None
        for position in range(len(tokens) - 1, -1, -1):
            self.next_body[position] = following
            if tokens[position].kind == "header":
                following = None
            elif tokens[position].body:
                following = position
        self.drafts: list[_Draft] = []
        self.page: tuple[str, str] | None = None
        self.current = _Draft(start=0)
        self.jumped: _Draft | None = None  # the story a "下转" mark sent on
        self.repeat: _Draft | None = None  # after "上接": the story whose headline may be printed again
        self.ended = False  # after a website's editor line, text is the site's

    def run(self) -> list[_Draft]:
        for index, token in enumerate(self.tokens):
            getattr(self, f"_{token.kind}")(index, token)
        self._close()
        return self.drafts

    def _close(self, start: float = 0.0, keep: bool = True) -> None:
        """File the current draft (if it has a body) and start the next one."""
        if keep and self.current.has_body and not self.current.filed:
            self.current.filed = True
            self.drafts.append(self.current)
        self.current = _Draft(page=self.page, start=start)

    def _header(self, index: int, token: _Token) -> None:
        """A page header: the page and section of what follows; a story before it is over, and title
        lines above it were the masthead's ("浙江日报 数字报纸")."""
        self.page = token.value  # type: ignore[assignment]
        self.ended = False
        if self.current.has_body:
            self._close(index)
        self.current.heads.clear()
        self.current.page = self.page

    def _reset(self, index: int, token: _Token) -> None:
        """A website's menu or breadcrumbs: whatever head stood above it was the site's, not the article's."""
        if not self.current.has_body:
            self.current.heads.clear()

    def _source(self, index: int, token: _Token) -> None:
        """A website's date-and-source line: under the headline, so the head is complete."""
        date, credit = token.value  # type: ignore[misc]
        self.current.date = self.current.date or date
        if credit:
            self.current.bylines.append(credit)
        if not self.current.has_body and self.current.heads:
            self.current.web = True

    def _jump(self, index: int, token: _Token) -> None:
        if token.value == "down":
            self.jumped = self.current
            return
        story = self.jumped
        if story is None:
            return
        if self.current is not story and not self.current.has_body:
            repeated = self.current.heads  # the headline printed again above the continuation
            if not story.heads:
                story.heads, story.said = repeated, self.current.said
            self.current = story
        self.repeat = story

    def _byline(self, index: int, token: _Token) -> None:
        credit = str(token.value)
        photo = credit.startswith("摄影") or credit.endswith("摄")
        if self.current.has_body and not photo and self._body_follows(index):
            self._close(index)  # a byline above the next story's head (or its body); a photo's is its caption's
        self.current.bylines.append(credit)

    def _end(self, index: int, token: _Token) -> None:
        """A website's editor line (【编辑:…】) ends the article; what follows is the site's, until a header."""
        self.ended = True

    def _text(self, index: int, token: _Token) -> None:
        if self.ended:
            return
        line = token.line
        text = line.text
        if self.repeat is not None:
            story, self.repeat = self.repeat, None
            if title_like(text) and _bare(text) in story.said:
                return
        if not self.current.has_body:
            self._head_or_body(index, line, text)
        elif title_like(text) and not line.indent:
            self._short_line_in_body(index, line, text)
        else:
            self._body(index, line, text)

    def _head_or_body(self, index: int, line: _Line, text: str) -> None:
        current = self.current
        if _bare(text) in current.said:
            return  # the same headline printed twice
        if text[:1] in "●◆" and len(text) <= 12:
            return  # a column label (●书记访谈)
        if (title_like(text) or (layout.head_like(text) and self._credit_next(index))) and not (
                line.indent and current.heads):
            if layout.bare_name(text) and (current.heads or not self.drafts) and self._body_next(index):
                current.bylines.append(text)  # an author's name above an essay, or under its headline
            elif _IDENTITY.match(text) and index and self.tokens[index - 1].kind == "byline":
                current.bylines.append(text.strip("()（）"))  # who the author is: (《嘉善史志》编辑)
            elif not current.web:
                current.heads.append(replace(line, text=text))
                current.said.add(_bare(text))
            # Under a website's date-and-source line the head is complete: a short line there is a
            # photo's caption or the site's, never a title.
            return
        self._body(index, line, text)

    def _short_line_in_body(self, index: int, line: _Line, text: str) -> None:
        """A short unpunctuated line after body text: a new story's head, a section head, the rest of a
        sentence a column break cut, or a caption at the end."""
        current = self.current
        if self._before_continuation(index):
            story = self.jumped or current
            if not story.heads:
                story.heads.append(replace(line, text=text))  # the headline, printed again over 上接
                story.said.add(_bare(text))
        elif self._starts_story(index):
            self._close(index)
            self.current.heads.append(replace(line, text=text))
        elif current.open_paragraph:
            current.paragraphs[-1].append(text)
        elif not self._body_follows(index):
            return  # a caption-like line under the last story (余姚市党政代表团 over its byline)
        elif self._opens_paragraph(index, text):
            current.paragraphs.append([text])
            current.sealed = False
        else:
            current.paragraphs.append([text])  # a section head, a paragraph of its own
            current.sealed = True

    def _body(self, index: int, line: _Line, text: str) -> None:
        current = self.current
        if current.has_body and layout.dateline(text) and not current.open_paragraph:
            self._close(index)  # 本报讯 opens a story: the last one is over
            current = self.current
        if current.open_paragraph and not line.indent:
            last = current.paragraphs[-1]
            if len(last) == 1 and layout.dateline(last[0]) and len(last[0]) <= 20:
                text = " " + text  # "浙江在线12月19日讯" stood alone on its line
            last.append(text)  # the rest of a sentence a column break cut
            return
        for take in (layout.inline_byline, layout.photo_credit):
            found = take(text)
            if found:
                text, credit = found
                current.bylines.append(credit)
        current.paragraphs.append([text])
        current.sealed = False

    # -- looking ahead -----------------------------------------------------------------------
    def _next(self, index: int) -> _Token | None:
        """The token after ``index``, unless the page ends there."""
        following = self.tokens[index + 1] if index + 1 < len(self.tokens) else None
        return following if following is not None and following.kind != "header" else None

    def _body_follows(self, index: int) -> bool:
        """Whether body text comes after ``index`` (past titles, bylines and source lines) before the page ends."""
        return self.next_body[index] is not None

    def _credit_next(self, index: int) -> bool:
        """Whether a byline or a date-and-source line comes next (under a headline that asks or exclaims)."""
        following = self._next(index)
        return following is not None and following.kind in ("byline", "source")

    def _body_next(self, index: int) -> bool:
        """Whether the very next line is body text."""
        following = self._next(index)
        return following is not None and following.body

    def _before_continuation(self, index: int) -> bool:
        """Whether the next line is an "上接" mark: this line is the jumped story's headline again."""
        following = self._next(index)
        return following is not None and following.kind == "jump" and following.value == "up"

    def _starts_story(self, index: int) -> bool:
        """Whether the title lines from ``index`` head a new story: a byline, a source line or a
        dateline comes before its body, or they are a stack of titles (a section head is one line;
        a last line that runs on into the body is a paragraph's start, not a title), or a name and
        who they are (a quote card), or a title and its author's bare name."""
        titles = [self.tokens[index].line.text]
        for position in range(index + 1, min(index + _HEAD_LINES, len(self.tokens))):
            token = self.tokens[position]
            if token.kind == "header" or token.kind == "jump":
                return False
            if token.kind in ("byline", "source"):
                return self._body_follows(index)
            if token.kind != "text":
                continue
            text = token.line.text
            if token.body:
                if layout.dateline(text):
                    return True
                if self._runs_on(titles[-1], text):
                    titles.pop()
                return len(titles) >= 2
            if _IDENTITY.match(text) or (layout.bare_name(text) and self._body_next(position)):
                return True
            titles.append(text)
        return False

    def _opens_paragraph(self, index: int, text: str) -> bool:
        """Whether a short line before body text is the start of a paragraph a column break cut
        short ("会议要求,要统筹抓好当前"), not a section head."""
        at = self.next_body[index]
        return self._runs_on(text, self.tokens[at].line.text if at is not None else "")

    @staticmethod
    def _runs_on(text: str, following: str) -> bool:
        """Whether a short line reads as the first part of a sentence that ``following`` finishes."""
        if layout.section_head(text):
            return False
        return (len(text) < 4 or bool(_PAUSE.search(text)) or text.endswith(_UNFINISHED) or _unbalanced(text)
                or text[-1].isdigit() or _YEAR_END.search(text) is not None
                or following.startswith(_CONTINUATION_START) or _word_across(text, following))


def _unbalanced(text: str) -> bool:
    """Whether a quote or a bracket opens in ``text`` and does not close: the sentence goes on."""
    return any(text.count(left) > text.count(right) for left, right in ("“”", "《》", "（）", "()", "「」"))


def _word_across(before: str, after: str) -> bool:
    """Whether a word runs across the break between two lines ("科学研判国" / "内国际大势": 国内),
    as jieba cuts the characters around it."""
    if not before or not after:
        return False
    left, right = before[-3:], after[:3]
    at = 0
    for word in tokenizing.cut(left + right):
        if at < len(left) < at + len(word) and len(word) >= 2:
            return True
        at += len(word)
    return False


def _split_glued_byline(line: str) -> tuple[str, str]:
    """Split "资本产业深融■记者 胡佳英" into the text and the byline glued to it."""
    cut = line.find("■")
    if cut > 0:
        credit = layout.byline(line[cut:])
        if credit:
            return line[:cut].rstrip(), credit
    return line, ""


def _bare(text: str) -> str:
    """A title line's letters and digits: two printings of one headline differ in spacing and quotes only."""
    return "".join(ch for ch in text if ch.isalnum())


def _titles(heads: list[_Line], web: bool) -> tuple[str, str, str]:
    """(kicker, headline, subheadline) from the title lines above an article.

    Lines of one block (no blank line between them) that are each at most ten characters are one
    title broken over lines ("地企携手聚力 / 资本产业深融"); a line opening with a dash is a
    subheadline. A leading unit of very short lines, or a category word, is a column label when
    more titles follow, and is dropped. Of two titles, the first is a kicker when it reads as one
    (一场…, …: , …时指出), when the second names its place first (平湖:…), or in a copy from a
    website; otherwise the second is the subheadline. Of three or more, the first is the kicker.
    """
    found = _units(heads, web)
    if len(found) == 2 and _IDENTITY.match(found[1][0]):  # a quote card: who speaks, and who they are
        return "", found[0][0], found[1][0].strip("()（）")
    first = 0
    while first < len(found) - 1 and ((found[first][1] and not found[first][0].endswith((":", "：")))
                                      or _label(found[first][0])):
        first += 1
    units = [text for text, _ in found[first:]]
    subs = [unit.lstrip("—-─ ").strip() for unit in units if unit.startswith(("—", "-", "─"))]
    titles = [unit for unit in units if not unit.startswith(("—", "-", "─"))]
    if not titles:  # the copy starts below its headline: keep what is there where it belongs
        return "", "", " ".join(subs)
    kicker = ""
    if len(titles) >= 3 or (len(titles) == 2 and (
            _KICKER.match(titles[0]) or _PLACE_FIRST.match(titles[1]) or (web and not subs))):
        kicker = titles.pop(0).rstrip(":：—")
    return kicker, titles[0], " ".join(titles[1:] + subs)


def _units(heads: list[_Line], web: bool) -> list[tuple[str, bool]]:
    """Titles from head lines, each with whether all its lines are of four characters or fewer.

    On a page, a short line that follows another without a blank line finishes its title; a
    website's copy puts each title on a line of its own.
    """
    units: list[tuple[str, bool]] = []
    joinable = False
    for line in heads:
        short = len(line.text) <= 10 and not line.text.startswith(("—", "-", "─")) and not web
        if units and not line.gap and joinable and short:
            text, tiny = units[-1]
            units[-1] = (f"{text} {line.text}", tiny and len(line.text) <= 4)
        else:
            units.append((line.text, len(line.text) <= 4))
        joinable = short
    return units


def _label(unit: str) -> bool:
    return len(unit) <= 8 and unit.endswith(_LABEL_WORDS)


def _kind(draft: _Draft, section: str) -> str:
    """News carries a dateline (本报讯) or a reporter's byline; commentary an author's name alone."""
    if draft.paragraphs and layout.dateline(draft.paragraphs[0][0]):
        return "news"
    author_only = draft.bylines and all(all(layout.bare_name(word) for word in credit.split())
                                        for credit in draft.bylines)
    return "commentary" if author_only or _COMMENTARY_SECTION.search(section) else "news"


_COMMENTARY_SECTION = re.compile(r"评论|时评|言论|观点|社论")


def diagnose(article: Article) -> tuple[str, ...]:
    """Where the parser was unsure of an item (codes of ``WARNINGS``), for admins to check."""
    warnings = []
    if not article.headline:
        warnings.append("no-headline")
    elif len(article.headline) > layout.TITLE_CHARS:
        warnings.append("long-headline")
    if article.paragraphs and title_like(article.paragraphs[0]) and len(article.paragraphs) > 1:
        warnings.append("title-like-paragraph")
    if any(layout.byline(p) for p in article.paragraphs):
        warnings.append("byline-in-body")
    if len(article.paragraphs) == 1 and len(article.paragraphs[0]) < _SHORT_PARAGRAPH:
        warnings.append("one-short-paragraph")
    return tuple(warnings)
