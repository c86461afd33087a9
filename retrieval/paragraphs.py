"""Where a searcher's paragraphs come from: held in memory, or read from the store when a hit needs them.

Both answer the same questions: which documents may answer (adverts are indexed, never shown),
the paragraphs of some documents, every paragraph of some articles (or of the article holding a
paragraph), what the corpus holds (``CorpusFacts``), and which days' papers it holds, with their
headlines.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol, TypeVar

import numpy as np

from .errors import StoreError
from .indexing import Rows, text_check
from .models import CorpusFacts, Headline, Paragraph
from .store import Store
from .tokenizing import normalize

NEWEST = 20  # headlines kept for "latest news" replies
T = TypeVar("T")


class ParagraphSource(Protocol):
    """The paragraphs behind an index's documents, by document number."""

    answerable: np.ndarray

    def __len__(self) -> int: ...

    def fetch(self, docs: Sequence[int]) -> dict[int, Paragraph]: ...

    def articles(self, article_ids: Sequence[str], terms: Sequence[str] = (), excluding: Collection[int] = ()
                 ) -> dict[str, tuple[Paragraph, ...]]:
        """The paragraphs of these articles, in order, but those whose id is in ``excluding`` (the
        ones a caller holds already); with ``terms``, only those whose normalised text holds one of them."""

    def facts(self) -> CorpusFacts: ...

    def article_of(self, paragraph_id: int) -> tuple[Paragraph, ...]: ...

    def days(self) -> list[str]: ...

    def headlines(self, day: str | None) -> list[Headline]: ...


class MemoryParagraphs:
    """Paragraphs held in memory: for corpora built in a test, an evaluation or a benchmark."""

    def __init__(self, paragraphs: Iterable[Paragraph]) -> None:
        self.items = tuple(paragraphs)
        self.answerable = np.array([p.kind != "advert" for p in self.items], dtype=bool)

    def __len__(self) -> int:
        return len(self.items)

    def fetch(self, docs: Sequence[int]) -> dict[int, Paragraph]:
        return {doc: self.items[doc] for doc in docs}

    def articles(self, article_ids: Sequence[str], terms: Sequence[str] = (), excluding: Collection[int] = ()
                 ) -> dict[str, tuple[Paragraph, ...]]:
        found = {article: self._by_article[article] for article in article_ids if article in self._by_article}
        return {article: held for article, paragraphs in found.items()
                if (held := tuple(p for p in paragraphs if p.id not in excluding
                                  and (not terms or any(t in (p.plain or normalize(p.text)) for t in terms))))}

    @cached_property
    def _by_article(self) -> dict[str, tuple[Paragraph, ...]]:
        found: dict[str, list[Paragraph]] = {}
        for paragraph in self.items:
            found.setdefault(paragraph.article_id, []).append(paragraph)
        return {article: tuple(sorted(paragraphs, key=lambda p: p.position)) for article, paragraphs in found.items()}

    def article_of(self, paragraph_id: int) -> tuple[Paragraph, ...]:
        found = next((p for p in self.items if p.id == paragraph_id), None)
        return self._by_article[found.article_id] if found is not None else ()

    def days(self) -> list[str]:
        return sorted({p.date[:10] for p in self.items if p.date and p.kind in ("news", "commentary")})

    def headlines(self, day: str | None) -> list[Headline]:
        return [Headline(article, paragraphs[0].headline, paragraphs[0].date, paragraphs[0].page,
                         paragraphs[0].section, paragraphs[0].id)
                for article, paragraphs in self._by_article.items()
                if paragraphs[0].kind in ("news", "commentary") and (paragraphs[0].date or "")[:10] == (day or "")]

    def facts(self) -> CorpusFacts:
        seen: dict[str, tuple[str, str | None]] = {}
        for p in self.items:
            if p.kind in ("news", "commentary") and p.article_id not in seen:
                seen[p.article_id] = (p.headline, p.date)
        # Paragraphs come oldest first; newest date first, then page order.
        ordered = sorted(enumerate(seen.values()), key=lambda pair: (pair[1][1] or "", -pair[0]), reverse=True)
        return CorpusFacts(frozenset(p.kind for p in self.items), len({p.article_id for p in self.items}),
                           tuple(item for _, item in ordered[:NEWEST]))


class StoredParagraphs:
    """The paragraphs of an index's rows, read from the store only when a question needs them.

    A million paragraphs' text stays on disk; per document only its Rows entry is held.
    """

    def __init__(self, db_path: str | Path, rows: Rows) -> None:
        self.db_path, self.rows = str(db_path), rows
        self.answerable = rows.answerable
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._days: list[str] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def fetch(self, docs: Sequence[int]) -> dict[int, Paragraph]:
        """The paragraphs of these documents that the store still holds with the same text."""
        ids, checks = self.rows.ids[docs].tolist(), self.rows.checks[docs].tolist()  # not a numpy scalar each
        stored = self._reading(lambda store: store.paragraphs_by_id(ids))
        found = {}
        for doc, row_id, check in zip(docs, ids, checks, strict=True):
            row = stored.get(row_id)
            # Between a reload's ingest and the new index serving, a replaced file's paragraphs are
            # gone, or their row id holds another text: such a hit is dropped, never shown wrong.
            if row is not None and text_check(row[1]) == check:
                found[doc] = row[0]
        return found

    def articles(self, article_ids: Sequence[str], terms: Sequence[str] = (), excluding: Collection[int] = ()
                 ) -> dict[str, tuple[Paragraph, ...]]:
        """The paragraphs of these articles as the store holds them now (those holding ``terms``)."""
        return self._reading(lambda store: store.article_paragraphs(list(article_ids), list(terms), list(excluding)))

    def facts(self) -> CorpusFacts:
        return self._reading(lambda store: store.facts(NEWEST))

    def article_of(self, paragraph_id: int) -> tuple[Paragraph, ...]:
        return self._reading(lambda store: store.article_of(paragraph_id))

    def days(self) -> list[str]:
        """The days of the papers, read once: a searcher serves one state of the store (as ``facts``)."""
        if self._days is None:
            self._days = self._reading(lambda store: store.days())
        return self._days

    def headlines(self, day: str | None) -> list[Headline]:
        return self._reading(lambda store: store.headlines(day))

    def _reading(self, read: Callable[[Store], T]) -> T:
        """``read`` on the one shared connection, which the searching threads use in turn."""
        with self._lock:
            if self._store is None:
                if not Path(self.db_path).exists():  # Store() would create an empty one and find nothing
                    raise StoreError(f"the database {self.db_path} is gone")
                self._store = Store(self.db_path, shared=True)
            try:
                return read(self._store)
            except sqlite3.Error as error:
                raise StoreError(f"cannot read {self.db_path}: {error}") from error
