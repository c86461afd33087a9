"""The value types that flow through the pipeline: articles, paragraphs, questions, hits, answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

KINDS = ("news", "commentary", "weather", "advert")


class Status(StrEnum):
    """What became of a message: an answer, none, or not a search at all."""

    ANSWERED = "answered"
    NONE = "none"  # the corpus cannot answer it
    GREETING = "greeting"
    HELP = "help"
    EMPTY = "empty"  # nothing searchable in the text


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


@dataclass(frozen=True)
class Question:
    """A message as understood once, at the entry (``understanding.understand``), and passed down.

    ``intent`` is GREETING or HELP for messages that are not searches; ``words`` are the informative
    words, each with the other forms of any abbreviation in it; ``tokens`` are what the index is
    searched with (the alias forms included).
    """

    text: str
    intent: Status | None = None
    words: tuple[tuple[str, ...], ...] = ()
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A ranked paragraph and its BM25 score; the answer policy adds its best sentence, the question
    terms it holds, and ``coverage``, the idf-weighted share of the question's words it holds."""

    paragraph: Paragraph
    score: float
    sentence: str = ""
    terms: tuple[str, ...] = field(default_factory=tuple)
    coverage: float = 1.0


@dataclass(frozen=True)
class Answer:
    """What a message gets: up to three passages from different articles, or a status without any.

    ``hits`` are the ranked paragraph hits the passages were chosen from; ``more`` the passages
    beyond the first ones.
    """

    question: str
    status: Status
    passages: tuple[Hit, ...] = ()
    more: tuple[Hit, ...] = ()
    hits: tuple[Hit, ...] = ()

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


@dataclass(frozen=True)
class QuestionStats:
    """What the question log says: questions today and in all, how many went unanswered, the latest
    unanswered ones."""

    today: int
    total: int
    unanswered: int
    missed: tuple[str, ...]
