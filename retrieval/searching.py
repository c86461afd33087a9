"""Questions in, ranked paragraph hits out.

>>> searcher = load_searcher("data/news.db")  # doctest: +SKIP
>>> searcher.search("平湖经开区和谁签了战略合作协议?", k=1)[0].paragraph.headline  # doctest: +SKIP
'地企携手聚力 资本产业深融'
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import sqlite3
import threading
from array import array
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from . import tokenizing
from .errors import EmptyCorpus, StoreError
from .indexing import BM25Index
from .models import Hit, Paragraph
from .store import Store
from .tokenizing import tokenize  # noqa: F401  (the docstring example uses it)

# Measured on the CMRC2018 sentence task and the seed questions (benchmarks/cmrc.py, README).
K1 = 0.9
B = 0.3
# Titles carry the topic that paragraphs leave implicit: their tokens count twice in each paragraph.
HEAD_WEIGHT = 2
# The least share of a question's informative words (idf-weighted) a passage must hold to answer it;
# measured with benchmarks/no_answer.py (README: "No answer").
COVERAGE = 0.3
# Headlines a searcher keeps for "latest news" replies.
NEWEST = 20

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r".+?(?:[。！？!?；;]+[”’」』）)]*|$)", re.S)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its closing punctuation and quotes."""
    return [s for s in (m.group(0) for m in _SENTENCE.finditer(text)) if s.strip()]


class MemoryParagraphs:
    """Paragraphs held in memory: for corpora built in a test, an evaluation or a benchmark."""

    def __init__(self, paragraphs: Iterable[Paragraph]) -> None:
        self.items = tuple(paragraphs)
        # Adverts are stored and indexed (so the idf is the page's) but never answer.
        self.answerable = np.array([p.kind != "advert" for p in self.items], dtype=bool)

    def __len__(self) -> int:
        return len(self.items)

    def fetch(self, docs: Sequence[int]) -> dict[int, Paragraph]:
        return {doc: self.items[doc] for doc in docs}

    def facts(self) -> tuple[frozenset[str], int, list[tuple[str, str | None]]]:
        """Kinds of item, number of articles, (headline, date) of the newest news and commentary."""
        seen: dict[str, tuple[str, str | None]] = {}
        for p in self.items:
            if p.kind in ("news", "commentary") and p.article_id not in seen:
                seen[p.article_id] = (p.headline, p.date)
        # Paragraphs come oldest first; newest date first, then page order.
        ordered = sorted(enumerate(seen.values()), key=lambda pair: (pair[1][1] or "", -pair[0]), reverse=True)
        return (frozenset(p.kind for p in self.items), len({p.article_id for p in self.items}),
                [item for _, item in ordered[:NEWEST]])


class StoredParagraphs:
    """The paragraphs of a kept index, read from the store only when a question needs them.

    A million paragraphs' text stays on disk; per document only its row id, a check of its text
    and whether it may answer are held (17 bytes).
    """

    def __init__(self, db_path: str | Path, ids: np.ndarray, checks: np.ndarray, answerable: np.ndarray) -> None:
        if not len(ids) == len(checks) == len(answerable):
            raise ValueError("ids, checks and answerable differ in length")
        self.db_path, self.ids, self.checks, self.answerable = str(db_path), ids, checks, answerable
        self._store: Store | None = None
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.ids)

    def arrays(self) -> dict[str, np.ndarray]:
        return {"ids": self.ids, "checks": self.checks, "answerable": self.answerable}

    def extended(self, ids: np.ndarray, checks: np.ndarray, answerable: np.ndarray) -> StoredParagraphs:
        """These paragraphs followed by others."""
        return StoredParagraphs(self.db_path, np.concatenate([self.ids, ids]),
                                np.concatenate([self.checks, checks]),
                                np.concatenate([self.answerable, answerable]))

    def fetch(self, docs: Sequence[int]) -> dict[int, Paragraph]:
        """The paragraphs of these documents that the store still holds with the same text."""
        with self._lock:  # one connection, used by the searching threads in turn
            rows = self._connected().paragraphs_by_id([int(self.ids[doc]) for doc in docs])
        found = {}
        for doc in docs:
            row = rows.get(int(self.ids[doc]))
            # Between a reload's ingest and the new index serving, a replaced file's paragraphs are
            # gone, or their row id holds another text: such a hit is dropped, never shown wrong.
            if row is not None and _check(row[1]) == self.checks[doc]:
                found[doc] = row[0]
        return found

    def facts(self) -> tuple[frozenset[str], int, list[tuple[str, str | None]]]:
        """Kinds of item, number of articles, (headline, date) of the newest news and commentary."""
        with self._lock:
            return self._connected().article_facts(NEWEST)

    def _connected(self) -> Store:
        if self._store is None:
            if not Path(self.db_path).exists():  # Store() would create an empty one and find nothing
                raise StoreError(f"the database {self.db_path} is gone")
            self._store = Store(self.db_path, shared=True)
        return self._store


def _check(token_key: str) -> int:
    """64 bits of a paragraph's text hash (its token key): enough to tell texts apart."""
    return int(token_key[:16], 16)


class _Rows:
    """The per-document arrays of a StoredParagraphs, filled while an index reads the rows' tokens."""

    def __init__(self) -> None:
        self.ids, self.checks, self.answerable = array("q"), array("Q"), array("b")

    def documents(self, rows: Iterable[tuple[int, str, str, str | None, str | None]]) -> Iterator[list[str]]:
        """The index tokens of each row (as ``Store.index_rows`` gives them); its other fields are kept."""
        for row_id, key, kind, tokens, head in rows:
            self.ids.append(row_id)
            self.checks.append(_check(key))
            self.answerable.append(kind != "advert")
            yield _document(tokens, head)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return (np.frombuffer(self.ids, dtype=np.int64), np.frombuffer(self.checks, dtype=np.uint64),
                np.frombuffer(self.answerable, dtype=np.int8).astype(bool))


class Searcher:
    """BM25 over paragraphs whose tokens include their article's titles.

    >>> weather = Paragraph(id=1, article_id="w", position=0, text="明天多云到晴。", headline="天气预报")
    >>> news = Paragraph(id=2, article_id="n", position=0, text="本报讯 会议召开。", headline="市委召开会议")
    >>> more = Paragraph(id=3, article_id="m", position=0, text="本报讯 公园建成。", headline="新建口袋公园")
    >>> searcher = Searcher([weather, news, more], [tokenize(p.text + p.headline) for p in (weather, news, more)])
    >>> hit, = searcher.search("明天天气怎么样", k=3)
    >>> hit.paragraph.headline, hit.terms, hit.sentence
    ('天气预报', ('明天',), '明天多云到晴。')
    """

    def __init__(self, paragraphs: Sequence[Paragraph] | StoredParagraphs,
                 documents: Iterable[Sequence[str]] | BM25Index,
                 k1: float = K1, b: float = B, coverage: float = COVERAGE, fingerprint: str = "") -> None:
        """``documents`` are the paragraphs' token lists, or an index already built from them;
        ``fingerprint`` names the store state they came from, if they came from a store."""
        if not len(paragraphs):
            raise EmptyCorpus("the corpus has no paragraphs; ingest some pages first")
        if not 0 <= coverage <= 1:
            raise ValueError(f"coverage must be in [0, 1], got {coverage}")
        self.paragraphs = paragraphs if isinstance(paragraphs, StoredParagraphs) else MemoryParagraphs(paragraphs)
        self.index = documents if isinstance(documents, BM25Index) else BM25Index(documents, k1=k1, b=b)
        if self.index.size != len(self.paragraphs):
            raise ValueError(f"{len(self.paragraphs)} paragraphs but {self.index.size} token lists")
        self.coverage_threshold = coverage
        self.fingerprint = fingerprint
        self.excluded = np.flatnonzero(~self.paragraphs.answerable)  # adverts: indexed, never an answer

    def __len__(self) -> int:
        return len(self.paragraphs)

    def search(self, question: str, k: int = 10) -> list[Hit]:
        """Up to ``k`` paragraph hits for ``question``, best first (no no-answer cut-off)."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        query = tokenizing.tokenize(tokenizing.expand_aliases(question))
        if not query:
            return []
        words = _question_words(question)
        weights = [max(self.index.term_idf(form) for form in forms) for forms in words]
        ranked = self.index.top(query, k, exclude=self.excluded)
        found = self.paragraphs.fetch([doc for doc, _ in ranked])
        return [self._hit(found[doc], score, words, weights) for doc, score in ranked if doc in found]

    def _hit(self, paragraph: Paragraph, score: float, words: list[tuple[str, ...]], weights: list[float]
             ) -> Hit:
        """The hit for one document: how much of the question it covers, its best sentence, its terms.

        Plain substring checks on normalised text, weighted by idf: no segmentation on the question path
        beyond the question itself.
        """
        body = tokenizing.normalize(paragraph.text)
        titled = tokenizing.normalize(f"{paragraph.headline} {paragraph.subheadline} ") + body
        total = sum(weights)
        coverage = _covered(titled, words, weights) / total if total else 0.0
        terms = tuple(dict.fromkeys(form for forms in words for form in forms if len(form) > 1 and form in body))
        best = max(split_sentences(paragraph.text) or [paragraph.text],
                   key=lambda sentence: _covered(tokenizing.normalize(sentence), words, weights))
        return Hit(paragraph=paragraph, score=score, sentence=best.strip(), terms=terms, coverage=coverage)

    def latest(self, n: int) -> list[tuple[str, str | None]]:
        """(headline, date) of the ``n`` newest news and commentary articles (at most ``NEWEST``)."""
        return self._facts[2][:n]

    @property
    def kinds(self) -> frozenset[str]:
        """The kinds of item the corpus holds (news, commentary, weather, advert)."""
        return self._facts[0]

    @property
    def article_count(self) -> int:
        return self._facts[1]

    @cached_property
    def _facts(self) -> tuple[frozenset[str], int, list[tuple[str, str | None]]]:
        return self.paragraphs.facts()

    def answers(self, hit: Hit) -> bool:
        """Whether a hit covers its question well enough to be shown as an answer."""
        return hit.coverage >= self.coverage_threshold


def _presence(word: str, text: str) -> float:
    """1 if ``word`` is in ``text``; for a compound jieba kept whole ("今天天气"), the share of its bigrams that are."""
    if word in text:
        return 1.0
    if len(word) < 4:
        return 0.0
    bigrams = [word[i:i + 2] for i in range(len(word) - 1)]
    return sum(b in text for b in bigrams) / len(bigrams)


def _covered(text: str, words: list[tuple[str, ...]], weights: list[float]) -> float:
    """The idf-weighted amount of the question's words (in any of their forms) that ``text`` holds."""
    return sum(w * max(_presence(form, text) for form in forms) for forms, w in zip(words, weights, strict=True))


def _question_words(question: str) -> list[tuple[str, ...]]:
    """Each informative word of the question with the other forms of any abbreviation in it."""
    result = []
    for word in dict.fromkeys(tokenizing.words(question)):
        forms = [word] + [other for group in tokenizing.alias_groups() for member in group if member in word
                          for other in group if other != member]
        result.append(tuple(dict.fromkeys(forms)))
    return result


def _document(tokens: str | None, head: str | None) -> list[str]:
    """A paragraph's index tokens: its own, then its titles' ``HEAD_WEIGHT`` times."""
    return (tokens or "").split() + (head or "").split() * HEAD_WEIGHT


def load_corpus(db_path: str | Path) -> tuple[list[Paragraph], list[list[str]]]:
    """Paragraphs and their index tokens from the store, in memory (for tests and benchmarks;
    the bot uses load_searcher)."""
    from .ingesting import segment_missing

    store = Store(db_path)
    try:
        version = tokenizing.version()
        segment_missing(store, version)
        with store.snapshot():
            rows = list(store.paragraphs_with_tokens(version))
    finally:
        store.close()
    return [p for p, _, _ in rows], [_document(tokens, head) for _, tokens, head in rows]


def index_folder(db_path: str | Path, fingerprint: str, k1: float, b: float) -> Path:
    """Where the index of this corpus state, tokenizer and parameters is kept, beside the database."""
    key = hashlib.sha1(f"{fingerprint}:{tokenizing.version()}:{k1}:{b}:{HEAD_WEIGHT}".encode()).hexdigest()[:16]
    return Path(db_path).with_name(f"{Path(db_path).name}.index") / key


def extend_searcher(searcher: Searcher, db_path: str | Path, source_paths: Sequence[str]) -> Searcher:
    """``searcher`` with the paragraphs of newly added source files appended: no full rebuild.

    Only for sources that were added (none changed or removed) to a searcher from ``load_searcher``.
    The new paragraphs follow the old ones; scores equal rank_bm25's on that order. The new state is
    kept on disk like any other, so the next start loads it.
    """
    if not isinstance(searcher.paragraphs, StoredParagraphs):
        raise TypeError("only a searcher loaded from a store can be extended from it")
    try:
        store = Store(db_path)
        try:
            version = tokenizing.version()
            with store.snapshot():
                fingerprint = store.fingerprint()
                rows = [row for path in source_paths for row in store.index_rows(version, source_path=path)]
        finally:
            store.close()
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {db_path}: {error}") from error
    if any(tokens is None or head is None for *_, tokens, head in rows):
        raise StoreError("new paragraphs are not segmented")  # ingest segments what it adds
    added = _Rows()
    index = searcher.index.extended(added.documents(rows))
    paragraphs = searcher.paragraphs.extended(*added.arrays())
    _keep(index, index_folder(db_path, fingerprint, index.k1, index.b), paragraphs)
    return Searcher(paragraphs, index, coverage=searcher.coverage_threshold, fingerprint=fingerprint)


def load_searcher(db_path: str | Path, k1: float = K1, b: float = B, coverage: float = COVERAGE) -> Searcher:
    """A searcher over everything in the store.

    Building the index costs far more than reading it back, so the index of each corpus state is
    kept beside the database (memory-mapped when loaded) and rebuilt only when the corpus (or the
    tokenizer) changes.
    """
    try:
        return _load_searcher(db_path, k1, b, coverage)
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {db_path}: {error}") from error


def _load_searcher(db_path: str | Path, k1: float, b: float, coverage: float) -> Searcher:
    from .ingesting import segment_missing

    store = Store(db_path)
    try:
        with store.snapshot():
            fingerprint = store.fingerprint()
            kept = _read_index(db_path, index_folder(db_path, fingerprint, k1, b))
        if kept is not None:
            index, paragraphs = kept
        else:
            version = tokenizing.version()
            segment_missing(store, version)  # texts not yet segmented by this tokenizer version
            with store.snapshot():
                fingerprint = store.fingerprint()
                if not store.counts()["paragraphs"]:
                    raise EmptyCorpus("the corpus has no paragraphs; ingest some pages first")
                rows = _Rows()
                index = BM25Index(rows.documents(store.index_rows(version)), k1=k1, b=b)
            paragraphs = StoredParagraphs(db_path, *rows.arrays())
            _keep(index, index_folder(db_path, fingerprint, k1, b), paragraphs)
    finally:
        store.close()
    return Searcher(paragraphs, index, coverage=coverage, fingerprint=fingerprint)


def corpus_fingerprint(db_path: str | Path) -> str:
    """The fingerprint of what the store holds now (see Store.fingerprint)."""
    try:
        store = Store(db_path)
        try:
            return store.fingerprint()
        finally:
            store.close()
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {db_path}: {error}") from error


def _read_index(db_path: str | Path, folder: Path) -> tuple[BM25Index, StoredParagraphs] | None:
    """The index kept in ``folder``, or None when there is none (or it is damaged: then it is rebuilt)."""
    if not folder.is_dir():
        return None
    try:
        index, arrays = BM25Index.load(folder)
        return index, StoredParagraphs(db_path, **arrays)
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("index %s unreadable, rebuilding: %s", folder.name, error)
        return None


def _keep(index: BM25Index, folder: Path, paragraphs: StoredParagraphs) -> None:
    """Save the index for the next start and drop those of earlier corpus states."""
    try:
        shutil.rmtree(folder, ignore_errors=True)  # only a damaged copy can be there: it was not loaded
        index.save(folder, paragraphs.arrays())
        used = {folder.name, "segments"}
        for other in folder.parent.iterdir():
            if other.name not in used:
                shutil.rmtree(other, ignore_errors=True)
        for segment in (folder.parent / "segments").iterdir():
            if segment.name not in {s.name for s in index.segments}:
                shutil.rmtree(segment, ignore_errors=True)
    except OSError as error:  # a read-only folder costs the next start a rebuild, nothing more
        log.warning("could not keep the index in %s: %s", folder, error)
