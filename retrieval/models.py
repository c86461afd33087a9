"""The value types that flow through the pipeline: parsed articles, stored paragraphs, hits, answers."""

from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("news", "commentary", "weather", "advert")


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
class Hit:
    """A ranked paragraph: its BM25 score, best sentence, the question terms it holds, and
    ``coverage``, the idf-weighted share of the question's informative words it holds."""

    paragraph: Paragraph
    score: float
    sentence: str = ""
    terms: tuple[str, ...] = field(default_factory=tuple)
    coverage: float = 1.0


@dataclass(frozen=True)
class Answer:
    """What a question gets: up to three passages from different articles, or none.

    ``status`` is ``"answered"``, ``"none"`` (the corpus cannot answer),
    ``"greeting"``, ``"help"`` or ``"empty"`` (nothing searchable in the text).
    ``hits`` are the ranked paragraph hits the passages were chosen from.
    """

    question: str
    status: str
    passages: tuple[Hit, ...] = ()
    more: tuple[Hit, ...] = ()
    hits: tuple[Hit, ...] = ()

    @property
    def answered(self) -> bool:
        return self.status == "answered"
