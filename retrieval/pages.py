"""Parse raw text dumps of newspaper pages into articles.

Pure functions, no I/O. A page dump is the text of one printed page in reading
order: articles run together, headlines are short lines, bylines start with ■ or
a role (记者, 通讯员, 实习生, 摄影, 文/图 …), column breaks cut sentences into two
blocks, and page headers, column labels, adverts and the weather sit among the
articles. The rules below follow that structure, not any one page's strings.

>>> items = parse_page("市委召开会议\\n\\n■记者 张三\\n\\n本报讯 昨天,会议召开。", "2025-12-18.txt")
>>> items[0].headline, items[0].byline, items[0].date, items[0].paragraphs
('市委召开会议', '记者 张三', '2025-12-18', ('本报讯 昨天,会议召开。',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from .models import Article

# Raise when a rule changes what a page parses into: stored pages are parsed again on the next
# ingest even though their files did not change.
PARSER_VERSION = "3"

# A sentence (and so a paragraph) can only end on these; closing quotes and
# brackets may follow them ("……说。”").
_TERMINAL = "。！？!?…；;：:"
_CLOSERS = "”’」』）)》〉】\"'"
# Longest line still taken for a headline-like line; body lines are longer or punctuated.
_SHORT = 32

_CJK = r"\u3400-\u9fff"
_NAME = rf"[{_CJK}·•]{{2,6}}"
_ROLE = r"(?:本报|见习|特约|首席)?(?:记者|通讯员|实习生|摄影|摄像|编辑|作者)|文 ?[/／] ?图|图 ?[/／] ?文|文|图"
# Every pattern below reads one line whose white space is already folded into single spaces
# (``_fold``), so " ?" stands for any run. None of them nests quantifiers or lets two of them
# take the same characters: each runs in time linear in the line (tests/test_patterns.py).
# A role is set off from the names by a space or a colon: "记者 胡佳英", "文：李四". Without
# that, "文化节开幕" or "记者节座谈会" would read as a role and a name.
_ROLE_SEP = r"(?: ?[:：] ?| )"
# A byline is roles and names only: "■记者 胡佳英", "通讯员 曹金凤 查放", "■言成声", "文/图 李四".
# Possessive (*+): "记者" is both a role and a name, and a line of twenty "记者 张三" that fails
# at its end must not be tried both ways at every step.
_BYLINE = re.compile(
    rf"^(?:■ ?)?(?:(?:{_ROLE}){_ROLE_SEP})?{_NAME}(?:(?: ?[、,，] ?| )(?:(?:{_ROLE}){_ROLE_SEP})?{_NAME})*+ ?(?:摄)?$"
)
_ROLE_START = re.compile(rf"^(?:■|(?:{_ROLE}){_ROLE_SEP}{_NAME})")
# Page headers: "第6评论", "第C01版:今日平湖报", "第 3 版 要闻".
_PAGE_HEADER = re.compile(r"^第 ?([A-Z]?\d{1,3}) ?(?:版)? ?[:：]? ?([^\s:：]{0,12}) ?$")
# Pinyin section names under a header ("DIYI PINGLUN"), editorial credits.
_PINYIN = re.compile(r"^[A-Z][A-Z ]{3,}(?= |$)")
_CREDIT = re.compile(r"(?:栏目统筹|责任编辑|责编|美术编辑|美编|版式|校对|组版|值班编委|审读) ?[:：] ?\S+")
# "（下转第3版）" / "(上接第1版)": where a story jumps; not part of its text.
_JUMP = re.compile(r" ?[(（] ?(?:下转|上接|转|接)第? ?[A-Z]?\d+ ?版? ?[)）]")
_PHOTO_CREDIT = re.compile(rf" ?[(（]? ?(?:■ ?)?(?:(?:{_ROLE}) ?)?{_NAME} ?摄 ?[)）]?$")
# A forecast names the sky right after the day ("今天多云到晴", "明天白天阴有小雨"); a news line
# that merely starts with 今天 ("今天上午，市领导调研防风工作") does not.
_WEATHER = re.compile(r"^(?:今天|今日|今晚|今夜|明天|明日|后天)(?:白天|夜里|夜间|上午|下午|晚上|早晨)?"
                      r"[^，,。]{0,4}?(?:晴|多云|阴|雨|雪|雾|霾)")
_CONTACT = re.compile(r"(?:地址|热线|电话|咨询|联系人|网址|微信|招生|报名) ?[:：]|\d{3,4}-?\d{7,8}|\d{7,11}")
_DATE_NAME = re.compile(r"(?<!\d)(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_DATELINE = re.compile(r"^(?:本报讯|本报\S{0,6}讯|据\S{1,12}(?:报道|消息)|新华社)")
_KICKER = re.compile(r"^(?:一[场次个份条张群位堂座片串组种幅曲路抹段]|.*[:：—]$)")
_BLOCK_BREAK = re.compile(r"\n[ \t\u3000]*\n")  # a blank line, white space allowed
_PAUSE = re.compile(r"[,，;；]")
_COMMENTARY_SECTION = re.compile(r"评论|时评|言论|观点|社论")


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence, so the next block starts a new paragraph."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def date_from_name(name: str) -> str | None:
    """The ISO date in a file name (``2025-12-18`` or ``20251218``), if it holds a valid one."""
    for match in _DATE_NAME.finditer(name):
        year, month, day = (int(g) for g in match.groups())
        if 1900 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _is_short(line: str) -> bool:
    return len(line) <= _SHORT and not ends_sentence(line) and not _DATELINE.match(line)


def _split_glued_byline(line: str) -> tuple[str, str]:
    """Split "资本产业深融■记者 胡佳英" into headline part and byline part."""
    cut = line.find("■")
    if cut > 0 and _BYLINE.match(line[cut:]):
        return line[:cut].rstrip(), line[cut:]
    return line, ""


def _strip_header(line: str) -> tuple[str, tuple[str, str] | None]:
    """Remove page-header furniture from a line; return what is left and (page, section) if named."""
    match = _PAGE_HEADER.match(line)
    if match:
        return "", (match.group(1), match.group(2))
    rest = _CREDIT.sub("", line).strip()
    pinyin = _PINYIN.match(rest)
    if pinyin and (rest != line or len(rest) == len(pinyin.group(0))):
        rest = rest[pinyin.end():].strip()
    return rest, None


@dataclass
class _Draft:
    """An article while it is being read."""

    heads: list[list[str]] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    paragraphs: list[list[str]] = field(default_factory=list)  # each the pieces a column break cut it into
    page: tuple[str, str] | None = None
    start: float = 0.0  # where on the page it begins, to keep page order with weather and adverts

    @property
    def has_body(self) -> bool:
        return bool(self.paragraphs)


def _titles(heads: list[list[str]]) -> tuple[str, str, str]:
    """(kicker, headline, subheadline) from the head blocks above an article.

    A block of very short lines before further head blocks is a column label
    ("砥砺前行 / 镇在突破") and is dropped. Of what is left, a block that reads as
    a kicker (一场…, or ending in a colon or dash) opens; the next is the
    headline; anything after is the subheadline.
    """
    blocks = [block for block in heads if block]
    while len(blocks) > 1 and all(len(line) <= 4 for line in blocks[0]):
        blocks = blocks[1:]
    texts = [" ".join(block) for block in blocks]
    if not texts:
        return "", "", ""
    kicker = ""
    if len(texts) >= 3 or (len(texts) == 2 and _KICKER.match(texts[0])):
        kicker = texts.pop(0).rstrip(":：—")
    headline = texts[0]
    subheadline = " ".join(text.lstrip("—-─ ") for text in texts[1:])
    return kicker, headline, subheadline


def _opens_paragraph(line: str, lines: list[tuple[int, str]], index: int) -> bool:
    """Whether a short line with a comma starts a paragraph that a column break cut short.

    "会议要求,要统筹抓好当前" is such a line; a headline with a comma is followed by
    a byline, a dateline or more head lines instead of running on into body text.
    Only the next line that is not a page header is read.
    """
    if not _PAUSE.search(line):
        return False
    for position in range(index + 1, len(lines)):
        after = _strip_header(lines[position][1])[0]
        if after:
            return not (_is_byline(_split_glued_byline(after)[0]) or _is_short(after) or _DATELINE.match(after))
    return False


def _fold(line: str) -> str:
    """A line with its white space (full-width spaces included) folded into single spaces."""
    return " ".join(line.split())


def _is_byline(line: str) -> bool:
    return bool(_BYLINE.match(line)) and (line.startswith("■") or bool(_ROLE_START.match(line)))


def parse_page(text: str, source: str) -> list[Article]:
    """Split one page dump into articles, weather and adverts, in page order."""
    date = date_from_name(source)
    blocks = [
        [folded for folded in map(_fold, block.split("\n")) if folded]
        for block in _BLOCK_BREAK.split(text.replace("\r\n", "\n").replace("\r", "\n"))
    ]
    drafts: list[_Draft] = []
    extras: list[tuple[float, str, str, list[str]]] = []  # (start, kind, headline, lines)
    current = _Draft()
    page: tuple[str, str] | None = None
    pending_head: list[str] = []  # head lines of the block being read

    def close_head() -> None:
        nonlocal pending_head
        if pending_head:
            current.heads.append(pending_head)
            pending_head = []

    def start_article(start: float) -> None:
        nonlocal current
        if current.has_body:
            drafts.append(current)
        current = _Draft(page=page, start=start)

    lines: list[tuple[int, str]] = []  # (block number, line) of everything that is not weather or advert
    for number, block in enumerate(blocks):
        weather = [line for line in block if _WEATHER.match(line)]
        forecast = set(weather)
        rest = [line for line in block if line not in forecast]
        # Fractions keep these between the lines around them, in the order they stand in the block.
        if weather:
            start = len(lines) - 0.5 + block.index(weather[0]) / (2 * len(block))
            extras.append((start, "weather", "天气预报", weather))
        if len(rest) >= 2 and any(_CONTACT.search(line) for line in rest) and all(len(line) <= 60 for line in rest):
            extras.append((len(lines) - 0.5 + block.index(rest[0]) / (2 * len(block)), "advert", rest[0], rest))
            continue
        lines.extend((number, line) for line in rest)

    previous_block = -1
    for index, (number, raw) in enumerate(lines):
        if number != previous_block:
            close_head()
            previous_block = number
        line, header = _strip_header(raw)
        if header:
            page = header
            continue
        line = _JUMP.sub("", line).strip()
        if not line:
            continue
        line, glued = _split_glued_byline(line)
        if _is_byline(line):
            close_head()
            current.bylines.append(line.lstrip("■ "))
            continue
        if _is_short(line) and not _opens_paragraph(line, lines, index):
            continuing = current.paragraphs and not ends_sentence(current.paragraphs[-1][-1]) and not pending_head
            if continuing:
                # The short tail of a sentence cut by a column break, never a headline.
                current.paragraphs[-1].append(line)
                continue
            if current.has_body:
                start_article(index)
            pending_head.append(line)
            if glued:
                close_head()
                current.bylines.append(glued.lstrip("■ "))
            continue
        close_head()
        if glued:  # a photo caption's credit: "图为开幕式现场。 ■记者 李强 摄"
            current.bylines.append(glued.lstrip("■ "))
        credit = _PHOTO_CREDIT.search(line)
        if credit and credit.start() > 0 and ends_sentence(line[: credit.start()]):
            current.bylines.append(credit.group(0).strip(" ()（）■"))
            line = line[: credit.start()].rstrip()
        if current.paragraphs and not ends_sentence(current.paragraphs[-1][-1]):
            current.paragraphs[-1].append(line)
        else:
            current.paragraphs.append([line])
    close_head()
    start_article(len(lines))

    # A page header names the page of everything on it, including what stands above it.
    first_page = next((d.page for d in drafts if d.page), page) or ("", "")
    placed: list[tuple[float, Article]] = []
    for draft in drafts:
        kicker, headline, subheadline = _titles(draft.heads)
        number, section = draft.page or first_page
        placed.append((draft.start, Article(
            id="", source=source, position=0, kind=_kind(draft, section), headline=headline,
            subheadline=subheadline, kicker=kicker, byline=" ".join(draft.bylines), page=number,
            section=section, date=date, paragraphs=tuple("".join(pieces) for pieces in draft.paragraphs),
        )))
    for start, kind, headline, extra in extras:
        placed.append((start, Article(
            id="", source=source, position=0, kind=kind, headline=headline,
            paragraphs=tuple(extra) if kind == "advert" else ("".join(extra),),
            page=first_page[0], section=first_page[1], date=date,
        )))
    placed.sort(key=lambda pair: pair[0])
    return [
        replace(article, id=f"{source}#{position}", position=position)
        for position, (_, article) in enumerate(placed)
    ]


def _kind(draft: _Draft, section: str) -> str:
    """News carries a dateline (本报讯) or a reporter's byline; commentary an author's name alone."""
    if draft.paragraphs and _DATELINE.match(draft.paragraphs[0][0]):
        return "news"
    author_only = any(not _ROLE_START.match(byline) for byline in draft.bylines)
    return "commentary" if author_only or _COMMENTARY_SECTION.search(section) else "news"
