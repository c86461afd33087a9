"""Ranking: a question's tokens in, the best paragraphs with their BM25 scores out.

Whether a hit answers the question, and which of its sentences to show, is the answer policy's
(``answering``); where the paragraphs come from is ``paragraphs``'; how the index is built, kept
and brought up to date is ``library``'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cached_property

import numpy as np

from .errors import EmptyCorpus
from .indexing import BM25Index
from .models import CorpusFacts, Hit, Paragraph, Question
from .paragraphs import MemoryParagraphs, ParagraphSource
from .understanding import PINGHU, understand

# Measured on the CMRC2018 sentence task and the seed questions (benchmarks/cmrc.py, README).
K1 = 0.9
B = 0.3


class Searcher:
    """BM25 over paragraphs whose tokens include their article's titles.

    >>> from retrieval.tokenizing import tokenize
    >>> weather = Paragraph(id=1, article_id="w", position=0, text="明天多云到晴。", headline="天气预报")
    >>> news = Paragraph(id=2, article_id="n", position=0, text="本报讯 会议召开。", headline="市委召开会议")
    >>> more = Paragraph(id=3, article_id="m", position=0, text="本报讯 公园建成。", headline="新建口袋公园")
    >>> searcher = Searcher.of([weather, news, more], [tokenize(p.text + p.headline) for p in (weather, news, more)])
    >>> [(hit.paragraph.headline, round(hit.score, 3)) for hit in searcher.search("明天天气怎么样", k=3)]
    [('天气预报', 4.802)]
    """

    def __init__(self, index: BM25Index, paragraphs: ParagraphSource, state: str = "") -> None:
        """``paragraphs`` holds document i's paragraph at i; ``state`` names the store state they
        came from, if they came from a store."""
        if not len(paragraphs):
            raise EmptyCorpus("the corpus has no paragraphs; ingest some pages first")
        if index.size != len(paragraphs):
            raise ValueError(f"{len(paragraphs)} paragraphs but an index of {index.size} documents")
        self.index, self.paragraphs, self.state = index, paragraphs, state
        self.excluded = np.flatnonzero(~paragraphs.answerable)  # adverts: indexed, never an answer

    @classmethod
    def of(cls, paragraphs: Sequence[Paragraph], documents: Iterable[Sequence[str]], k1: float = K1,
           b: float = B) -> Searcher:
        """A searcher over paragraphs held in memory, with their token lists (tests, evaluations)."""
        if not paragraphs:
            raise EmptyCorpus("the corpus has no paragraphs; ingest some pages first")
        return cls(BM25Index(documents, k1=k1, b=b), MemoryParagraphs(paragraphs))

    def __len__(self) -> int:
        return len(self.paragraphs)

    def search(self, question: Question | str, k: int = 10) -> list[Hit]:
        """Up to ``k`` paragraph hits for ``question``, best first, with their BM25 scores."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if isinstance(question, str):
            question = understand(question, self.today())
        if not question.tokens:
            return []
        ranked = self.index.top(question.tokens, k, exclude=self.excluded)
        found = self.paragraphs.fetch([doc for doc, _ in ranked])
        return [Hit(paragraph=found[doc], score=score) for doc, score in ranked if doc in found]

    def frequencies(self, words: Sequence[str]) -> tuple[list[int], list[float]]:
        """How many paragraphs (with their titles) hold each word, and how rare that makes it (its idf)."""
        terms = self.index.terms(words)
        return [term.df for term in terms], [term.idf for term in terms]

    def today(self, now: datetime | None = None) -> date:
        """The day a question's 今天, 昨天, 去年 count from: today in Pinghu, or the newest paper's day
        when today's paper is not in."""
        calendar = (now or datetime.now(PINGHU)).astimezone(PINGHU).date()
        newest = self.facts.newest
        return min(calendar, date.fromisoformat(newest[:10])) if newest else calendar

    @cached_property
    def facts(self) -> CorpusFacts:
        """What the corpus holds: kinds of item, articles, the newest headlines."""
        return self.paragraphs.facts()
