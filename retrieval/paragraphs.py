"""Where a searcher's paragraphs come from: held in memory, or read when a hit needs them, from the
kept fields of the store's state (``retrieval.fields``) or from the store itself.

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
from .fields import Fields
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
    """The paragraphs of an index's rows, read when a question needs them: from the kept ``fields``
    of the store's ``state`` while the store is in that state, else from the store itself.

    A million paragraphs' text stays on disk; per document only its Rows entry is held.
    """

    def __init__(self, db_path: str | Path, rows: Rows, state: str = "", fields: Fields | None = None) -> None:
        if fields is not None and len(fields) != len(rows):
            raise ValueError(f"fields of {len(fields)} documents for {len(rows)} rows")
        self.db_path, self.rows, self.state = str(db_path), rows, state
        self.answerable = rows.answerable
        self.fields = fields  # set later by a thread that builds them (Library) while the store serves
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._days: list[str] | None = None
        self._version: int | None = None  # the store's data_version when it was last found in ``state``

    def __len__(self) -> int:
        return len(self.rows)

    def fetch(self, docs: Sequence[int]) -> dict[int, Paragraph]:
        """The paragraphs of these documents that the store still holds with the same text."""
        ids = self.rows.ids[docs].tolist()  # not a numpy scalar each
        fields = self.fields
        if fields is not None and self._unchanged():
            return {doc: fields.paragraph(doc, row_id) for doc, row_id in zip(docs, ids, strict=True)}
        checks = self.rows.checks[docs].tolist()
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
        fields = self.fields
        if fields is None or not self._unchanged():
            return self._reading(
                lambda store: store.article_paragraphs(list(article_ids), list(terms), list(excluding)))
        found = {}
        for article_id, docs in fields.article_docs_of(article_ids).items():
            kept = [(doc, row_id) for doc, row_id in zip(docs, self.rows.ids[docs].tolist(), strict=True)
                    if row_id not in excluding]
            held = fields.holding([doc for doc, _ in kept], terms) if terms else [True] * len(kept)
            paragraphs = tuple(fields.paragraph(doc, row_id) for (doc, row_id), holds in zip(kept, held, strict=True)
                               if holds)
            if paragraphs:
                found[article_id] = paragraphs
        return found

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

    def _unchanged(self) -> bool:
        """Whether the store still holds ``state``: one PRAGMA a question, and the state read again
        only after another connection committed (SQLite's data_version moved)."""
        def check(store: Store) -> bool:
            version = store.data_version()
            if version != self._version:
                self._version = version if store.state() == self.state else None
            return self._version is not None

        return self._reading(check)

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
