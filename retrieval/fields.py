"""What an answer shows of each document, kept beside the index: every paragraph's text, normalised
text and article fields ("stored fields", in Lucene's words). While the store holds the state the
index was built from, a question's hits and the paragraphs of its top articles are read here, not
from SQLite: at 100k paragraphs its rows took 0.4 ms of a 1.9 ms question in one process, and
serving processes answer 0.16–0.21 ms sooner (medians of 8 and 12 alternating with the store alone).

Like the index, a cache of the store: built from one state of it, kept in that state's folder
(``keeping``), checked whole on reading, and used only while the store is in that state
(``StoredParagraphs`` reads the store otherwise, checking each row against the index).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from .indexing import lookup, term_keys
from .models import Paragraph, assembled
from .tokenizing import normalize, normalize_titles

# An article's fields, in the order of its row of ``article_spans``: the store's (``Store.article_rows``),
# then its titles normalised (a question normalised a dozen articles' titles: 0.04 ms).
ARTICLE_FIELDS = ("id", "headline", "subheadline", "kind", "date", "page", "section", "source", "byline",
                  "plain_titles")
ARTICLES_KEPT = 1 << 14  # articles' decoded fields remembered (a question reads a dozen)


class FieldsMismatch(ValueError):
    """The store's paragraphs are not the index's documents: its state moved on while they were read."""


@dataclass(frozen=True)
class Fields:
    """The paragraphs of an index's documents, as strings in one UTF-8 buffer and spans into it."""

    strings: np.ndarray  # uint8: the UTF-8 of every string below, one after another
    spans: np.ndarray  # int64 (documents, 4): start and end of each document's text, then of its plain
    positions: np.ndarray  # int32: each document's place in its article
    articles: np.ndarray  # int32: each document's article (its row of article_spans)
    article_spans: np.ndarray  # int64 (articles, 2): start and end of each article's fields, one after another
    article_lengths: np.ndarray  # int32 (articles, len(ARTICLE_FIELDS)): each field's length in characters
    dated: np.ndarray  # bool: whether the article has a date (an undated one's is None, not "")
    article_keys: np.ndarray  # uint64, sorted: the key (indexing.term_key) of each article's id
    article_rows: np.ndarray  # int32: the article of each sorted key
    article_indptr: np.ndarray  # int64 (articles + 1): where each article's documents are in article_docs
    article_docs: np.ndarray  # int32: each article's documents, in their order in it
    _article: Any = field(default=None, compare=False, repr=False)  # decoded fields, remembered
    _view: Any = field(default=None, compare=False, repr=False)  # memoryview of strings

    ARRAYS = ("strings", "spans", "positions", "articles", "article_spans", "article_lengths", "dated", "article_keys",
              "article_rows", "article_indptr", "article_docs")

    def __post_init__(self) -> None:
        documents, articles = len(self.positions), len(self.dated)
        if (self.spans.shape != (documents, 4) or len(self.articles) != documents
                or self.article_spans.shape != (articles, 2)
                or self.article_lengths.shape != (articles, len(ARTICLE_FIELDS))
                or len(self.article_keys) != articles or len(self.article_rows) != articles
                or len(self.article_indptr) != articles + 1 or len(self.article_docs) != documents):
            raise ValueError("the parts of the fields disagree on their sizes")
        object.__setattr__(self, "_article", lru_cache(maxsize=ARTICLES_KEPT)(self._read_article))
        object.__setattr__(self, "_view", memoryview(self.strings))

    def __len__(self) -> int:
        return len(self.positions)

    @classmethod
    def build(cls, ids: np.ndarray, paragraphs: Iterable[tuple[Any, ...]], articles: Iterable[tuple[Any, ...]]
              ) -> Fields:
        """The fields of the documents whose paragraph row ids are ``ids``, from the store's
        ``paragraph_rows`` (by id) and ``article_rows``, read in one snapshot. Raises
        FieldsMismatch when the rows are not exactly the documents'."""
        strings = bytearray()

        def span(text: str) -> tuple[int, int]:
            start = len(strings)
            strings.extend(text.encode())
            return start, len(strings)

        numbers: dict[str, int] = {}
        article_spans, article_lengths, dated = [], [], []
        for row in articles:
            numbers[row[0]] = len(numbers)
            values = [value or "" for value in (*row, normalize_titles(row[1], row[2] or ""))]
            article_spans.append(span("".join(values)))  # decoded at once, cut by the lengths
            article_lengths.append([len(value) for value in values])
            dated.append(row[4] is not None)
        order = np.argsort(ids, kind="stable")
        by_id, docs = ids[order].tolist(), order.tolist()  # the n-th paragraph by id is document docs[n]
        documents = len(by_id)
        spans = np.zeros((documents, 4), dtype=np.int64)
        positions = np.zeros(documents, dtype=np.int32)
        article_of = np.zeros(documents, dtype=np.int32)
        read = 0
        for row_id, article_id, position, text, plain in paragraphs:
            if read >= documents or row_id != by_id[read] or article_id not in numbers:
                raise FieldsMismatch(f"paragraph {row_id} is not the index's document {read} by id")
            doc = docs[read]
            spans[doc] = (*span(text), *span(plain or ""))
            positions[doc], article_of[doc] = position, numbers[article_id]
            read += 1
        if read != documents:
            raise FieldsMismatch(f"the store holds {read} paragraphs, the index {documents}")
        keys = term_keys(list(numbers))
        if len(np.unique(keys)) != len(keys):
            raise FieldsMismatch("two article ids share a 64-bit key")  # the store is fine; the fields are not kept
        grouped = np.lexsort((positions, article_of)).astype(np.int32)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(article_of, minlength=len(numbers))))).astype(np.int64)
        sorted_keys = np.argsort(keys)
        return cls(strings=np.frombuffer(strings, dtype=np.uint8), spans=spans, positions=positions,
                   articles=article_of,
                   article_spans=np.array(article_spans, dtype=np.int64).reshape(len(numbers), 2),
                   article_lengths=np.array(article_lengths, dtype=np.int32).reshape(len(numbers), len(ARTICLE_FIELDS)),
                   dated=np.array(dated, dtype=bool), article_keys=keys[sorted_keys],
                   article_rows=sorted_keys.astype(np.int32), article_indptr=indptr, article_docs=grouped)

    def paragraph(self, doc: int, row_id: int) -> Paragraph:
        """Document ``doc``'s paragraph (whose row id the index's Rows give)."""
        text_start, text_end, plain_start, plain_end = self.spans[doc].tolist()
        article_id, headline, subheadline, kind, date, page, section, source, byline, titles = self._article(
            int(self.articles[doc]))
        return assembled(Paragraph, {"id": row_id, "article_id": article_id, "position": int(self.positions[doc]),
                                     "text": self._string(text_start, text_end), "headline": headline,
                                     "subheadline": subheadline, "kind": kind, "date": date, "page": page,
                                     "section": section, "source": source, "byline": byline,
                                     "plain": self._string(plain_start, plain_end), "plain_titles": titles})

    def article_docs_of(self, article_ids: Sequence[str]) -> dict[str, list[int]]:
        """The documents of each of these articles that the fields hold, in their order in it."""
        found, at = lookup(self.article_keys, term_keys(article_ids))
        docs = {}
        for article_id, held, row in zip(article_ids, found.tolist(), at.tolist(), strict=True):
            article = int(self.article_rows[row]) if held else -1
            if article >= 0 and self._article(article)[0] == article_id:  # not another id with the same key
                docs[article_id] = self.article_docs[self.article_indptr[article]:self.article_indptr[article + 1]]
        return {article_id: values.tolist() for article_id, values in docs.items()}

    def holding(self, docs: Sequence[int], terms: Collection[str]) -> list[bool]:
        """Whether each document's normalised text holds one of ``terms``: searched in its UTF-8
        bytes, where a string is found exactly where its encoding is (no decoding to test it)."""
        encoded = [term.encode() for term in terms]
        held = []
        for text_start, text_end, start, end in self.spans[docs].tolist():
            plain = self._view[start:end].tobytes() if end > start else normalize(
                self._string(text_start, text_end)).encode()
            for term in encoded:  # a loop, not any() over a generator: a third of the time
                if term in plain:
                    held.append(True)
                    break
            else:
                held.append(False)
        return held

    def _string(self, start: int, end: int) -> str:
        return str(self._view[start:end], "utf-8")

    def _read_article(self, article: int) -> tuple[str | None, ...]:
        joined, at = self._string(*self.article_spans[article].tolist()), 0
        values: list[str | None] = []
        for length in self.article_lengths[article].tolist():
            values.append(joined[at:at + length])
            at += length
        if not self.dated[article]:
            values[ARTICLE_FIELDS.index("date")] = None
        return tuple(values)
