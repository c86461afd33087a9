"""Questions in, ranked paragraph hits out.

>>> searcher = load_searcher("data/news.db")  # doctest: +SKIP
>>> searcher.search("平湖经开区和谁签了战略合作协议?", k=1)[0].paragraph.headline  # doctest: +SKIP
'地企携手聚力 资本产业深融'
"""

from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
from collections.abc import Iterable, Sequence
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

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r".+?(?:[。！？!?；;]+[”’」』）)]*|$)", re.S)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its closing punctuation and quotes."""
    return [s for s in (m.group(0) for m in _SENTENCE.finditer(text)) if s.strip()]


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

    def __init__(self, paragraphs: Sequence[Paragraph], documents: Iterable[Sequence[str]] | BM25Index,
                 k1: float = K1, b: float = B, coverage: float = COVERAGE, fingerprint: str = "") -> None:
        """``documents`` are the paragraphs' token lists, or an index already built from them;
        ``fingerprint`` names the store state they came from, if they came from a store."""
        if not paragraphs:
            raise EmptyCorpus("the corpus has no paragraphs; ingest some pages first")
        if not 0 <= coverage <= 1:
            raise ValueError(f"coverage must be in [0, 1], got {coverage}")
        self.paragraphs = tuple(paragraphs)
        self.index = documents if isinstance(documents, BM25Index) else BM25Index(documents, k1=k1, b=b)
        if self.index.size != len(self.paragraphs):
            raise ValueError(f"{len(self.paragraphs)} paragraphs but {self.index.size} token lists")
        self.coverage_threshold = coverage
        self.fingerprint = fingerprint
        # Adverts are stored and indexed (so the idf is the page's) but never answer.
        self.answerable = np.array([p.kind != "advert" for p in self.paragraphs], dtype=bool)

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
        return [self._hit(doc, score, words, weights) for doc, score in
                self.index.top(query, k, mask=self.answerable)]

    def _hit(self, doc: int, score: float, words: list[tuple[str, ...]], weights: list[float]) -> Hit:
        """The hit for one document: how much of the question it covers, its best sentence, its terms.

        Plain substring checks on normalised text, weighted by idf: no segmentation on the question path
        beyond the question itself.
        """
        paragraph = self.paragraphs[doc]
        body = tokenizing.normalize(paragraph.text)
        titled = tokenizing.normalize(f"{paragraph.headline} {paragraph.subheadline} ") + body
        total = sum(weights)
        coverage = _covered(titled, words, weights) / total if total else 0.0
        terms = tuple(dict.fromkeys(form for forms in words for form in forms if len(form) > 1 and form in body))
        best = max(split_sentences(paragraph.text) or [paragraph.text],
                   key=lambda sentence: _covered(tokenizing.normalize(sentence), words, weights))
        return Hit(paragraph=paragraph, score=score, sentence=best.strip(), terms=terms, coverage=coverage)

    def latest(self, n: int) -> list[tuple[str, str | None]]:
        """(headline, date) of the ``n`` newest news and commentary articles."""
        return self._newest[:n]

    @cached_property
    def kinds(self) -> frozenset[str]:
        """The kinds of item the corpus holds (news, commentary, weather, advert)."""
        return frozenset(p.kind for p in self.paragraphs)

    @cached_property
    def article_count(self) -> int:
        return len({p.article_id for p in self.paragraphs})

    @cached_property
    def _newest(self) -> list[tuple[str, str | None]]:
        seen: dict[str, tuple[str, str | None]] = {}
        for p in self.paragraphs:
            if p.kind in ("news", "commentary") and p.article_id not in seen:
                seen[p.article_id] = (p.headline, p.date)
        # Paragraphs are loaded oldest first; newest date first, then page order.
        ordered = sorted(enumerate(seen.values()), key=lambda pair: (pair[1][1] or "", -pair[0]), reverse=True)
        return [item for _, item in ordered]

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


def _rows(store: Store) -> tuple[str, list[tuple[Paragraph, str | None, str | None]]]:
    """The corpus fingerprint and the paragraphs with their token strings, read in one snapshot.

    Texts not yet segmented by this tokenizer version (after an upgrade) are segmented first.
    """
    from .ingesting import segment_missing

    version = tokenizing.version()
    segment_missing(store, version)
    with store.snapshot():
        return store.fingerprint(), list(store.paragraphs_with_tokens(version))


def _document(tokens: str | None, head: str | None) -> list[str]:
    """A paragraph's index tokens: its own, then its titles' ``HEAD_WEIGHT`` times."""
    return (tokens or "").split() + (head or "").split() * HEAD_WEIGHT


def load_corpus(db_path: str | Path) -> tuple[list[Paragraph], list[list[str]]]:
    """Paragraphs and their index tokens from the store (for tests and benchmarks; see load_searcher)."""
    store = Store(db_path)
    try:
        _, rows = _rows(store)
    finally:
        store.close()
    return [p for p, _, _ in rows], [_document(tokens, head) for _, tokens, head in rows]


def index_path(db_path: str | Path, fingerprint: str, k1: float, b: float) -> Path:
    """Where the index of this corpus state, tokenizer and parameters is kept, beside the database."""
    key = hashlib.sha1(f"{fingerprint}:{tokenizing.version()}:{k1}:{b}:{HEAD_WEIGHT}".encode()).hexdigest()[:16]
    return Path(db_path).with_name(f"{Path(db_path).name}.index-{key}.npz")


def extend_searcher(searcher: Searcher, db_path: str | Path, source_paths: Sequence[str]) -> Searcher:
    """``searcher`` with the paragraphs of newly added source files appended: no full rebuild.

    Only for sources that were added (none changed or removed). The new searcher keeps the old
    one's paragraphs in their order and the new ones after them; its scores equal rank_bm25's on
    that order. It is not kept on disk: the next start builds the index in corpus order.
    """
    try:
        store = Store(db_path)
        try:
            version = tokenizing.version()
            with store.snapshot():
                fingerprint = store.fingerprint()
                rows = [row for path in source_paths
                        for row in store.paragraphs_with_tokens(version, source_path=path)]
        finally:
            store.close()
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {db_path}: {error}") from error
    if any(tokens is None or head is None for _, tokens, head in rows):
        raise StoreError("new paragraphs are not segmented")  # ingest segments what it adds
    index = searcher.index.extended(_document(tokens, head) for _, tokens, head in rows)
    return Searcher(searcher.paragraphs + tuple(p for p, _, _ in rows), index,
                    coverage=searcher.coverage_threshold, fingerprint=fingerprint)


def load_searcher(db_path: str | Path, k1: float = K1, b: float = B, coverage: float = COVERAGE) -> Searcher:
    """A searcher over everything in the store.

    Building the index costs far more than reading it back, so the index of each corpus state is
    kept beside the database and rebuilt only when the corpus (or the tokenizer) changes.
    """
    try:
        return _load_searcher(db_path, k1, b, coverage)
    except sqlite3.Error as error:
        raise StoreError(f"cannot read {db_path}: {error}") from error


def _load_searcher(db_path: str | Path, k1: float, b: float, coverage: float) -> Searcher:
    store = Store(db_path)
    try:
        with store.snapshot():
            fingerprint = store.fingerprint()
            index = _read_index(index_path(db_path, fingerprint, k1, b))
            if index is not None:
                paragraphs = [p for p, _, _ in store.paragraphs_with_tokens(tokenizing.version(), tokens=False)]
                if index.size == len(paragraphs):
                    return Searcher(paragraphs, index, coverage=coverage, fingerprint=fingerprint)
        fingerprint, rows = _rows(store)
    finally:
        store.close()
    searcher = Searcher([p for p, _, _ in rows], (_document(tokens, head) for _, tokens, head in rows),
                        k1=k1, b=b, coverage=coverage, fingerprint=fingerprint)
    _keep(searcher.index, index_path(db_path, fingerprint, k1, b))
    return searcher


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


def _read_index(path: Path) -> BM25Index | None:
    """The index kept at ``path``, or None when there is none (or it is damaged: then it is rebuilt)."""
    if not path.exists():
        return None
    try:
        return BM25Index.load(path)
    except (OSError, ValueError, KeyError) as error:
        log.warning("index file %s unreadable, rebuilding: %s", path.name, error)
        return None


def _keep(index: BM25Index, path: Path) -> None:
    """Save the index for the next start and drop the ones of earlier corpus states."""
    try:
        index.save(path)
        for old in path.parent.glob(path.name.split(".index-")[0] + ".index-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as error:  # a read-only folder costs the next start a rebuild, nothing more
        log.warning("could not keep the index at %s: %s", path, error)
