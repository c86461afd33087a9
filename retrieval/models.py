"""The value types that flow through the pipeline: articles, paragraphs, questions, hits, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

KINDS = ("news", "commentary", "weather", "advert")
T = TypeVar("T")


def assembled(cls: type[T], fields: dict[str, Any]) -> T:
    """``cls(**fields)`` for a frozen dataclass given every one of its fields, without the generated
    ``__init__``, which sets each field through ``object.__setattr__``: 0.7 against 2.4 µs for a
    Paragraph, of which a question reads some twenty from the store. It checks nothing, so it is for
    a place that names every field (a test reads each field of what it built)."""
    instance = object.__new__(cls)
    instance.__dict__.update(fields)
    return instance


class Status(StrEnum):
    """What became of a message: an answer, passages on its topic that do not answer it, none, or
    not a search at all."""

    ANSWERED = "answered"
    RELATED = "related"  # on the topic, but no passage holds what was asked (a time, a price, that year)
    NONE = "none"  # the corpus cannot answer it
    GREETING = "greeting"
    HELP = "help"
    EMPTY = "empty"  # nothing searchable in the text
    NEWS = "news"  # asks what is in the paper (最近有什么新闻, 今天的报纸): a day's headlines


@dataclass(frozen=True)
class Article:
    """One item of a page (or one JSONL line): its metadata and its paragraphs, in order."""

    id: str
    source: str
    position: int
    kind: str
    headline: str
    paragraphs: tuple[str, ...]
    subheadline: str = ""
    kicker: str = ""
    byline: str = ""
    page: str = ""
    section: str = ""
    date: str | None = None
    url: str = ""
    warnings: tuple[str, ...] = ()  # where the parser was unsure (pages.WARNINGS)


@dataclass(frozen=True)
class Paragraph:
    """A stored paragraph with the article fields an answer shows."""

    id: int
    article_id: str
    position: int
    text: str
    headline: str
    subheadline: str = ""
    kind: str = "news"
    date: str | None = None
    page: str = ""
    section: str = ""
    source: str = ""
    byline: str = ""
    # The text normalised as tokens are (``tokenizing.normalize``), cached by ingest; "" when not known.
    plain: str = field(default="", compare=False, repr=False)
    # The titles normalised (``tokenizing.normalize_titles``), kept with the stored fields; "" when not known.
    plain_titles: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class DateRange:
    """The days a question asks about, first and last (ISO); ``explicit`` when it named them outright
    (2024年, 12月18日) rather than from today (去年, 上周); ``insist`` when it asks for nothing else
    (只看…, 今天的新闻)."""

    start: str
    end: str
    explicit: bool = False
    insist: bool = False

    def holds(self, day: str | None) -> bool:
        return day is not None and self.start <= day <= self.end


@dataclass(frozen=True)
class Question:
    """A message as understood once, at the entry (``understanding.understand``), and passed down.

    ``intent`` is GREETING, HELP or NEWS for messages that are not searches; ``words`` are the informative
    words, each with the other forms of any abbreviation in it; ``tokens`` are what the index is
    searched with (the alias forms included); ``places`` the words that name places (the setting,
    not the topic); ``answer_type`` the kind of answer asked for (money, speed, area, length,
    percent, clock, duration, date, count, organization, place, person, number, or "");
    ``focus`` the forms of the word the question asks about (产值 in 产值有多少); ``category`` the
    word naming what kind of thing the answer is (房企 in 哪家房企: the passage may name it or not);
    ``dates`` the days it names; ``byline`` whether it asks who wrote the article.
    """

    text: str
    intent: Status | None = None
    words: tuple[tuple[str, ...], ...] = ()
    tokens: tuple[str, ...] = ()
    places: frozenset[str] = frozenset()
    answer_type: str = ""
    focus: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    dates: DateRange | None = None
    byline: bool = False
    today: str = ""  # the day (ISO) relative dates were counted from


@dataclass(frozen=True)
class Hit:
    """A ranked paragraph and its BM25 score; the answer policy adds its best sentence, the question
    terms it holds, ``coverage`` (the idf-weighted share of the question's words it holds), whether
    it holds the question's anchor word, whether its sentence holds an answer of the asked kind, and
    whether its paper's day agrees with the question's dates (None: no dates to compare)."""

    paragraph: Paragraph
    score: float
    sentence: str = ""
    terms: tuple[str, ...] = field(default_factory=tuple)
    coverage: float = 1.0
    anchored: bool = True
    typed: bool = True
    dated: bool | None = None
    sentence_plain: str = field(default="", compare=False, repr=False)  # ``sentence`` normalised


@dataclass(frozen=True)
class Headline:
    """One article of a day's paper, as a list of the day's news shows it; ``paragraph_id`` is its
    first paragraph's row (what a 全文 button names)."""

    article_id: str
    headline: str
    date: str | None
    page: str = ""
    section: str = ""
    paragraph_id: int = 0


@dataclass(frozen=True)
class Edition:
    """A day's paper: its headlines (``day`` None for pages without a date). When the day asked
    for has no paper, ``headlines`` is empty and ``nearest`` holds the days nearest to it."""

    day: str | None
    headlines: tuple[Headline, ...] = ()
    asked: str | None = None
    nearest: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """What a message gets: up to three passages from different articles, or a status without any.

    ``hits`` are the ranked paragraph hits the passages were chosen from (those off the question's
    topic only assessed: their coverage and anchor, no sentence); ``more`` the passages
    beyond the first ones; ``today`` the day (ISO) the question's relative dates counted from, to
    say when a passage is old; ``byline`` whether the question asked who wrote the article.
    """

    question: str
    status: Status
    passages: tuple[Hit, ...] = ()
    more: tuple[Hit, ...] = ()
    hits: tuple[Hit, ...] = ()
    today: str = ""
    byline: bool = False  # the question asked who wrote the article: the passages' bylines answer it
    edition: Edition | None = None  # for NEWS: the day's paper asked for

    @property
    def answered(self) -> bool:
        return self.status is Status.ANSWERED


@dataclass(frozen=True)
class CorpusFacts:
    """What a corpus holds, for replies that list it: kinds of item, articles, the newest headlines
    (headline, date) of news and commentary, newest first."""

    kinds: frozenset[str]
    articles: int
    latest: tuple[tuple[str, str | None], ...]

    @property
    def newest(self) -> str | None:
        """The newest paper's day (ISO), if any article is dated."""
        return max((day for _, day in self.latest if day), default=None)


@dataclass(frozen=True)
class QuestionStats:
    """What the question log says: questions today and in all, how many went unanswered, the latest
    unanswered ones."""

    today: int
    total: int
    unanswered: int
    missed: tuple[str, ...]


@dataclass(frozen=True)
class Vote:
    """A resident's 👍 (1) or 👎 (-1) on an answer: the question, the article ids shown, in order,
    and a keyed hash of who voted (one vote per user and answer; the user is not recoverable)."""

    question: str
    shown: tuple[str, ...]
    vote: int
    user_hash: str
    at: str = ""
