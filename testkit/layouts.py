"""Synthetic page dumps, rendered the way this paper's e-paper text comes out, with what they hold.

A page is a few articles in random order, each with the parts real pages show: kickers, headlines
with commas or of 30–40 characters, subheadlines with and without a dash, bylines in every form
and position (■记者 …, glued to the headline, 钟秀勤/文, 记者 李 明, N周刊记者 …, 本报讯(记者 …),
after the body), section heads, column breaks at random points (mid-word, mid-number, after a
comma), jump marks, photo captions with credits, photo news, quote cards, essays under a bare
name; and around them page headers of each form, pinyin and credit lines, weather and adverts.
Text is drawn from jieba's dictionary words, so nothing of a real page is copied.

``render(rng)`` returns the page text and the articles a perfect parser would find in it.

>>> import random
>>> text, articles = render(random.Random(7))
>>> len(articles) >= 1 and all(article.paragraphs for article in articles)
True
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from retrieval.layout import SURNAMES, ends_sentence

GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建文辉林海燕俊峰晨欣怡佳宇浩然思雨婷"
HEADERS = ["第{n}版:{section}", "第{p}{short}", "第 {n} 版 {section}", "南湖晚报 第{n}版:平湖周刊·镇(街道)",
           "第{n}版:{section} “两会”时间"]
SECTIONS = ["今日平湖报", "要闻", "综合", "民生", "评论", "视点"]
SHORT_SECTIONS = ["要闻", "综合", "民生", "评论", "视点"]  # "第6评论": a header without 版 or a colon names a short one
SECTION_HEADS = ["一、{w}", "（二）{w}", "{c}韵:{w}", "■ {w}", "{w}"]
OPENERS = ["昨天上午", "近日", "日前", "据了解", "据悉", "今年以来", "近年来", "目前", "同时", "此外", "为此",
           "在新仓镇", "会上", "随后", "与此同时"]
PLACES = ["平湖", "新仓", "乍浦", "当湖", "钟埭", "独山港", "广陈", "林埭", "新埭", "曹桥"]


@dataclass(frozen=True)
class Truth:
    """An article as a perfect parser reads it back."""

    headline: str
    paragraphs: tuple[str, ...]
    kicker: str = ""
    subheadline: str = ""
    byline: str = ""


@dataclass
class _Article:
    """An article being rendered: the lines it prints and the truth it stands for."""

    lines: list[str] = field(default_factory=list)
    truth: Truth | None = None


@lru_cache(maxsize=1)
def _words() -> tuple[list[str], list[int]]:
    """Two- to four-character words of jieba's dictionary and their cumulative frequencies."""
    import jieba

    rows = []
    with resources.files(jieba).joinpath("dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            word, frequency, tag = line.split()[:3]
            if 2 <= len(word) <= 4 and tag in ("n", "v", "vn", "a", "ad", "d") and int(frequency) > 50 \
                    and all("\u4e00" <= ch <= "\u9fff" for ch in word):
                rows.append((word, int(frequency)))
    rows.sort(key=lambda row: -row[1])
    rows = rows[:20_000]
    return [w for w, _ in rows], list(itertools.accumulate(f for _, f in rows))


class _Writer:
    """Random words, sentences, titles and names, from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words, self.cumulative = _words()

    def word(self) -> str:
        return self.rng.choices(self.words, cum_weights=self.cumulative)[0]

    def phrase(self, low: int, high: int) -> str:
        """Whole words, at most ``high`` characters and, where the words allow, at least ``low``."""
        target, text = self.rng.randint(low, high), ""
        while len(text) < target:
            word = next((w for w in (self.word() for _ in range(20)) if len(text) + len(w) <= high), "")
            if not word:
                break
            text += word
        return text or self.word()[:high]

    def sentence(self, opening: float = 0.3) -> str:
        """A sentence of comma-separated clauses; news sentences often open on when, where or a
        source (昨天上午，近日，据了解，), a paragraph's first one most of all."""
        parts = [self.phrase(6, 16) for _ in range(self.rng.randint(1, 4))]
        if self.rng.random() < opening:
            parts.insert(0, self.rng.choice(OPENERS))
        if self.rng.random() < 0.05:
            parts[0] = f"{self.rng.randint(1990, 2025)}年，" + parts[0]
        if self.rng.random() < 0.15:
            parts[-1] = f"“{parts[-1]}”"
        return "，".join(parts) + self.rng.choice("。。。。。！？")

    def paragraph(self) -> str:
        return "".join(self.sentence(0.6 if n == 0 else 0.3) for n in range(self.rng.randint(1, 5)))

    def name(self) -> str:
        surname = self.rng.choice(sorted(SURNAMES)[:150])
        return surname + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def title(self) -> str:
        roll = self.rng.random()
        if roll < 0.15:  # with a comma inside
            return f"{self.phrase(4, 8)}，{self.phrase(4, 10)}"
        if roll < 0.25:  # long, 30–38 characters, a comma or a "!" inside
            return f"{self.phrase(12, 18)}{self.rng.choice('，！')}{self.phrase(12, 18)}"
        if roll < 0.4:  # a couplet
            return f"{self.phrase(5, 7)} {self.phrase(5, 7)}"
        return self.phrase(8, 20)


def render(rng: random.Random) -> tuple[str, list[Truth]]:
    """One page: its text, and the news and commentary articles on it in order."""
    writer = _Writer(rng)
    count = rng.randint(1, 4)
    articles = [_article(writer, number == 0, number == count - 1) for number in range(count)]
    lines: list[str] = []
    if rng.random() < 0.8:
        number = rng.randint(1, 16)
        header = rng.choice(HEADERS).format(n=f"{number:02d}" if rng.random() < 0.3 else number,
                                            p=number, section=rng.choice(SECTIONS), short=rng.choice(SHORT_SECTIONS))
        lines += [header] + (["DIYI PINGLUN 栏目统筹:" + writer.name()] if rng.random() < 0.2 else [])
    for number, article in enumerate(articles):
        lines += article.lines
        if rng.random() < 0.1 and number < len(articles) - 1:  # the weather, between two stories
            lines.append(f"今天{rng.choice(['多云', '阴有小雨', '晴'])}，最高气温{rng.randint(5, 30)}℃。")
    if rng.random() < 0.3:  # an advert: one block of short lines with contact details
        address = f"地址:平湖市{writer.phrase(4, 6)}路{rng.randint(1, 200)}号"
        lines.append("\n".join([f"{writer.phrase(6, 10)}学校", address, f"招生热线:{rng.randint(8500000, 8599999)}"]))
    if rng.random() < 0.3:
        lines.append(f"今天{rng.choice(['多云到晴', '阴转小雨'])}。明天{rng.choice(['晴', '多云'])}，"
                     f"最低气温{rng.randint(-2, 20)}℃。")
    return "\n\n".join(lines) + "\n", [a.truth for a in articles if a.truth is not None]


def _article(writer: _Writer, first: bool, last: bool) -> _Article:
    shape = writer.rng.random()
    if shape < 0.06 and first:  # a photo with no headline can only be told apart at the top
        return _photo_news(writer)
    if shape < 0.1:
        return _quote_card(writer)
    if shape < 0.14:
        return _essay(writer)
    return _story(writer, first, last)


def _story(writer: _Writer, first: bool, last: bool) -> _Article:
    """A news story or a commentary: head, byline, body with section heads, column breaks, jumps."""
    rng = writer.rng
    kicker = subheadline = ""
    head: list[str] = []
    headline = writer.title()
    roll = rng.random()
    if roll < 0.15:
        kicker = f"一场{writer.phrase(4, 10)}"
        head += [kicker, headline]
    elif roll < 0.25:
        kicker = f"{writer.phrase(5, 7)} {writer.phrase(5, 7)}"
        headline = f"{rng.choice(PLACES)}:{writer.phrase(8, 14)}"
        head += [kicker, headline]
    else:
        head.append(headline)
    if rng.random() < 0.25:
        subheadline = writer.phrase(10, 22)
        head.append(("——" if rng.random() < 0.5 else "") + subheadline)
    if rng.random() < 0.15:
        head.insert(0, writer.phrase(2, 4) + "\n" + writer.phrase(2, 4))  # a column label: 砥砺前行 / 镇在突破
    paragraphs = [writer.paragraph() for _ in range(rng.randint(1, 7))]
    if rng.random() < 0.6:
        paragraphs[0] = f"本报讯 {paragraphs[0]}"
    credit, where, printed = _byline(writer, last)
    if where in ("none", "after") and not first and not paragraphs[0].startswith("本报讯"):
        paragraphs[0] = f"本报讯 {paragraphs[0]}"  # between two stories, a story shows itself by a byline or a dateline
    truth_paragraphs = list(paragraphs)
    if paragraphs[0].startswith("本报讯") and rng.random() < 0.1:  # 本报讯(记者 张三)
        reporter = writer.name()
        credit, where, printed = f"记者 {reporter}", "none", ""
        paragraphs[0] = paragraphs[0].replace("本报讯 ", f"本报讯(记者 {reporter})", 1)
    sections: set[str] = set()
    if len(paragraphs) >= 3 and rng.random() < 0.2:  # a section head before a middle paragraph
        at = rng.randint(1, len(paragraphs) - 1)
        section = rng.choice(SECTION_HEADS).format(w=writer.phrase(4, 10), c=writer.phrase(1, 1))
        paragraphs.insert(at, section)
        truth_paragraphs.insert(at, section)
        sections.add(section)
    if where == "glued":
        head[-1] += printed
    elif where == "above":
        head.insert(0, printed)
    elif where == "below":
        head.append(printed)
    lines = [*head, *_columns(writer, paragraphs, sections)]
    if rng.random() < 0.1:  # a photo's caption with its credit, the story's last paragraph
        caption_credit = f"记者 {writer.name()} 摄"
        caption = f"图为{writer.phrase(6, 14)}现场。"
        lines.append(f"{caption} ■{caption_credit}")
        truth_paragraphs.append(caption)
        credit = f"{caption_credit} {credit}" if where == "after" else f"{credit} {caption_credit}"
        credit = credit.strip()
    if where == "after":
        lines.append(printed)
    return _Article(lines, Truth(headline=headline, paragraphs=tuple(truth_paragraphs), kicker=kicker,
                                 subheadline=subheadline, byline=credit))


def _byline(writer: _Writer, last: bool) -> tuple[str, str, str]:
    """(byline as parsed, where it is printed — above or below the head, glued to the headline,
    after the body, or none — and the text printed)."""
    rng = writer.rng
    one, two = writer.name(), writer.name()
    roll = rng.random()
    if roll < 0.1:
        return "", "none", ""
    if roll < 0.3:
        return f"记者 {one}", "below", f"■记者 {one}"
    if roll < 0.42:
        return f"记者 {one} 通讯员 {two}", "below", f"■记者 {one}\n通讯员 {two}"
    if roll < 0.52:
        return f"记者 {one}", "glued", f"■记者 {one}"
    if roll < 0.58:
        spaced = f"{one[0]} {one[1:]}" if len(one) == 2 else one
        return f"记者 {one}", "below", f"记者 {spaced}"
    if roll < 0.65:
        return f"{one}/文", "below", f"{one}/文"
    if roll < 0.7:
        return f"文/图 {one}", "below", f"文/图 {one}"
    if roll < 0.76:
        return f"N周刊记者 {one} 通讯员 {two}", "below", f"N周刊记者 {one} 通讯员 {two}"
    if roll < 0.82:
        return f"本报记者 {one}", "below", f"■本报记者 {one}"
    if roll < 0.88:
        return one, "below", f"■{one}"  # commentary: the author's name alone
    if roll < 0.94:
        return f"记者 {one}", "above", f"■记者 {one}"  # above the kicker
    if last:
        return f"记者 {one}", "after", f"■记者 {one}"  # printed after the body (the page's last story)
    return f"记者 {one}", "below", f"■记者 {one}"


def _columns(writer: _Writer, paragraphs: list[str], whole: set[str]) -> list[str]:
    """The body as a page dump prints it: columns of random height cut paragraphs anywhere (but
    never a section head in ``whole``)."""
    rng = writer.rng
    lines: list[str] = []
    room = rng.randint(150, 900)
    for paragraph in paragraphs:
        while len(paragraph) > room and paragraph not in whole:
            # A break right after a sentence's end looks like a paragraph's end, on a real page too.
            cut = room
            while 0 < cut < len(paragraph) and ends_sentence(paragraph[:cut]):
                cut += 1
            if 0 < cut < len(paragraph):
                lines.append(paragraph[:cut])
                paragraph = paragraph[cut:]
            room = rng.randint(300, 900)
        lines.append(paragraph)
        room -= len(paragraph)
    return lines


def _photo_news(writer: _Writer) -> _Article:
    """A photo with a caption and a credit, no headline."""
    name = writer.name()
    caption = writer.paragraph()
    return _Article([caption, f"■摄影 {name}"], Truth(headline="", paragraphs=(caption,), byline=f"摄影 {name}"))


def _quote_card(writer: _Writer) -> _Article:
    """A resident's name, who they are in brackets, then what they said."""
    name, quote = writer.name(), writer.paragraph()
    identity = f"{writer.rng.choice(PLACES)}镇{writer.phrase(2, 3)}村村民"
    return _Article([name, f"({identity})", quote], Truth(headline=name, subheadline=identity, paragraphs=(quote,)))


def _essay(writer: _Writer) -> _Article:
    """An essay under its title and the bare name of its author."""
    title, name = writer.phrase(4, 10), writer.name()
    paragraphs = tuple(writer.paragraph() for _ in range(writer.rng.randint(2, 5)))
    return _Article([title, name, *paragraphs], Truth(headline=title, paragraphs=paragraphs, byline=name))


@dataclass
class RoundTrip:
    """How many generated articles the parser read back: wholly, and part by part."""

    pages: int = 0
    articles: int = 0
    whole: int = 0
    boundaries: int = 0  # pages whose articles were found exactly, no more, no fewer
    headlines: int = 0
    titles: int = 0  # kicker and subheadline
    paragraphs: int = 0
    bylines: int = 0
    leaked: int = 0  # articles whose byline names turn up in a title or a paragraph
    misses: list[tuple[int, Truth, object]] = field(default_factory=list)  # (seed, truth, parsed or None)

    def share(self, count: int) -> float:
        return round(count / self.articles, 4) if self.articles else 0.0


def round_trip(seeds: range) -> RoundTrip:
    """Render a page for each seed, parse it, and compare every article with what was rendered."""
    from retrieval.pages import parse_page

    result = RoundTrip()
    for seed in seeds:
        text, truth = render(random.Random(seed))
        found = [a for a in parse_page(text, f"page-{seed}.txt") if a.kind in ("news", "commentary")]
        result.pages += 1
        result.articles += len(truth)
        result.boundaries += len(found) == len(truth)
        for number, expected in enumerate(truth):
            got = found[number] if number < len(found) else None
            if got is None:
                result.misses.append((seed, expected, None))
                continue
            parts = (got.headline == expected.headline, (got.kicker, got.subheadline) == (expected.kicker,
                     expected.subheadline), got.paragraphs == expected.paragraphs, got.byline == expected.byline)
            result.headlines += parts[0]
            result.titles += parts[1]
            result.paragraphs += parts[2]
            result.bylines += parts[3]
            names = [word for word in expected.byline.split() if word not in ("记者", "通讯员", "摄", "本报记者")]
            printed = " ".join((got.kicker, got.headline, got.subheadline, *got.paragraphs))
            result.leaked += any(len(name) >= 2 and name in printed for name in names)
            if all(parts) and len(found) == len(truth):
                result.whole += 1
            else:
                result.misses.append((seed, expected, got))
    return result
