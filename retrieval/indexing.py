"""A segmented BM25 index whose scores equal rank_bm25's ``BM25Okapi.get_scores``.

The index is a list of immutable segments, each covering a run of documents: per term, the
documents holding it and how often (a CSR matrix in plain numpy arrays), and each document's
length. A question's score ``idf · tf·(k1+1) / (tf + k1·(1−b+b·dl/avgdl))`` is computed at query
time over the postings of its terms only, with the idf and average length of the whole index.
Nothing in a segment depends on the others, so adding a day's pages builds one small segment and
never touches the rest, and a kept index (``keeping``) is memory-mapped instead of read.

Terms are identified by a 64-bit hash of their text: no vocabulary of millions of Python strings.
A question is scored by the compiled kernel (``kernel``): one pass over its terms' postings, then
the top k among the documents it touched.

Invariants:
- Document i of an index is the paragraph of row ``rows.ids[i]`` of the store, whose text hashes to
  ``rows.checks[i]``; ``build`` and ``extend`` are the only ways to make the pair, and they make
  both from one pass over the same rows.
- Documents are in corpus order (``Store.index_rows``), and an extension appends after them.
- Segments are never changed after they are built; merging makes a new one. ``starts[j]`` is the
  first document of segment j.
- Keys in a segment and in the vocabulary are sorted and unique; ``df`` is the number of documents
  holding each vocabulary key, over all segments.

>>> index = BM25Index([["平湖", "新闻"], ["嘉兴", "新闻"], ["天气"]])
>>> [round(float(s), 4) for s in index.scores(["平湖"])]
[0.4686, 0.0, 0.0]
"""

from __future__ import annotations

import hashlib
import queue
import threading
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import count, islice
from typing import NamedTuple

import numpy as np

from . import kernel
from .errors import EmptyCorpus

# Documents per segment built at once: bounds the arrays of one build step (a 1M build peaked at 3.5 GB).
SEGMENT_SIZE = 1 << 17
# From this many documents a question's two halves are scored on two threads at once (see _ranked).
# Below it, handing half to the other thread cost more than it saved: at 100k, ranking took 0.63
# against 0.56 ms, and a serving process answered at 1.92 against 1.75 ms p50 (medians of six); from
# 131k (the first segment of the 1M benchmark corpus) halves took 0.89 against 1.09 ms.
SPLIT_FROM = 1 << 17
# A new segment is merged into the one before it while that one is at most this many times larger,
# so a year of daily additions stays a handful of segments (and each merge stays small).
MERGE_RATIO = 4
# Titles carry the topic that paragraphs leave implicit: their tokens count twice in each paragraph.
HEAD_WEIGHT = 2

# Question tokens whose keys, frequencies and rows an index keeps (measured: 5.7 MB with one segment,
# 10 MB with eight): more than questions use.
TERMS_KEPT = 1 << 14

# A paragraph as the store gives it to an index: row id, token key (its text's hash), kind of
# item, its tokens and its titles' tokens (space-joined; None if not tokenized yet).
IndexRow = tuple[int, str, str, str | None, str | None]


def term_key(token: str) -> int:
    """The 64-bit key of a token: stable across processes, unlike ``hash``."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


_question_key = lru_cache(maxsize=1 << 16)(term_key)  # questions repeat their words; a build never does


def term_keys(tokens: Sequence[str], cached: bool = False) -> np.ndarray:
    """The 64-bit key of each token."""
    return np.fromiter(map(_question_key if cached else term_key, tokens), dtype=np.uint64, count=len(tokens))


def lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``keys``: whether ``sorted_keys`` holds it, and where (meaningless where not)."""
    if not len(sorted_keys):
        return np.zeros(len(keys), dtype=bool), np.zeros(len(keys), dtype=np.int64)
    rows = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[rows] == keys, rows


def document(tokens: str | None, head: str | None) -> list[str]:
    """A paragraph's index tokens: its own, then its titles' ``HEAD_WEIGHT`` times."""
    return (tokens or "").split() + (head or "").split() * HEAD_WEIGHT


def text_check(key: str) -> int:
    """64 bits of a paragraph's text key (``store.text_key``): enough to tell texts apart."""
    return int(key[:16], 16)


class Term(NamedTuple):
    """What an index says of a token."""

    key: int  # term_key(token)
    df: int  # documents holding it
    idf: float  # rank_bm25's
    rows: tuple[int, ...]  # its row in each segment's keys, -1 where the segment lacks it


@dataclass(frozen=True)
class Segment:
    """Postings of a run of documents: term keys (sorted), CSR rows, term frequencies, document lengths."""

    keys: np.ndarray  # uint64, sorted
    indptr: np.ndarray  # int64, len(keys) + 1
    docs: np.ndarray  # int32, local document numbers, ascending within each term
    tf: np.ndarray  # uint16 (uint32 if a term repeats more than 65,535 times in one document)
    lengths: np.ndarray  # int32, tokens per document
    name: str = ""  # its folder once kept on disk (see keeping)

    ARRAYS = ("keys", "indptr", "docs", "tf", "lengths")

    def __post_init__(self) -> None:
        # Read-only, like a kept segment's memory-mapped arrays: a segment never changes, and the
        # kernel then needs one compiled variant for built and kept segments alike.
        for name in Segment.ARRAYS:
            getattr(self, name).flags.writeable = False

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> Segment:
        """The segment of these token lists, read one at a time: only their term numbers are kept."""
        vocabulary: defaultdict[str, int] = defaultdict(count().__next__)
        term_ids, lengths = array("i"), array("i")
        number = vocabulary.__getitem__  # a new token gets the next number: the whole pass stays in C
        for tokens in documents:
            lengths.append(len(tokens))
            term_ids.extend(map(number, tokens))
        n = len(lengths)
        keys = term_keys(list(vocabulary))
        if len(np.unique(keys)) != len(keys):
            raise ValueError("two tokens share a 64-bit key")  # about one chance in 10^7 at 2M terms
        order = np.argsort(keys)
        rank = np.empty(len(keys), dtype=np.int64)
        rank[order] = np.arange(len(keys))
        doc_numbers = np.repeat(np.arange(n, dtype=np.int64), np.frombuffer(lengths, dtype=np.int32))
        # One sort of (term rank, document) pairs gives the postings in CSR order and their counts.
        pairs, tf = np.unique(rank[np.frombuffer(term_ids, dtype=np.int32)] * n + doc_numbers, return_counts=True)
        del doc_numbers, term_ids
        return cls.from_postings(keys[order], pairs // n, (pairs % n).astype(np.int32), tf,
                                 np.frombuffer(lengths, dtype=np.int32).copy())

    @classmethod
    def from_postings(cls, keys: np.ndarray, terms: np.ndarray, docs: np.ndarray, tf: np.ndarray,
                      lengths: np.ndarray) -> Segment:
        """The segment of postings given term by term, each term's documents ascending."""
        return cls(keys=keys, indptr=_indptr(terms, len(keys)), docs=docs, tf=_narrow(tf), lengths=lengths)

    @classmethod
    def merge(cls, first: Segment, second: Segment) -> Segment:
        """One segment holding ``first``'s documents followed by ``second``'s: postings only, no tokens."""
        keys = np.union1d(first.keys, second.keys)
        terms = np.concatenate([np.repeat(np.searchsorted(keys, s.keys), np.diff(s.indptr)) for s in (first, second)])
        docs = np.concatenate([first.docs, second.docs + np.int32(first.size)])
        tf = np.concatenate([first.tf.astype(np.uint32), second.tf.astype(np.uint32)])
        order = np.argsort(terms, kind="stable")  # stable: each term's first documents, then its second's
        return cls.from_postings(keys, terms[order], docs[order], tf[order],
                                 np.concatenate([first.lengths, second.lengths]))


def _indptr(terms: np.ndarray, size: int) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(np.bincount(terms, minlength=size)))).astype(np.int64)


def _narrow(counts: np.ndarray) -> np.ndarray:
    """Counts (term frequencies, document lengths) in two bytes each, or four where one needs it."""
    return counts.astype(np.uint16 if not len(counts) or counts.max() < 1 << 16 else np.uint32)


class BM25Index:
    """BM25Okapi over token lists, with rank_bm25's idf (negative idf raised to ``epsilon`` × mean idf)."""

    def __init__(self, documents: Iterable[Sequence[str]], k1: float = 1.5, b: float = 0.75,
                 epsilon: float = 0.25) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"k1 must be ≥ 0 and b in [0, 1], got k1={k1}, b={b}")
        segments = _segments(documents)
        if not segments:
            raise EmptyCorpus("an index needs at least one document")
        self._setup(segments, k1, b, epsilon)

    @classmethod
    def from_segments(cls, segments: Sequence[Segment], k1: float, b: float, epsilon: float,
                      vocabulary: tuple[np.ndarray, np.ndarray] | None = None) -> BM25Index:
        """An index over these segments; ``vocabulary`` (all keys, their document frequencies) if known."""
        index = cls.__new__(cls)
        index._setup(list(segments), k1, b, epsilon, vocabulary)
        return index

    def _setup(self, segments: list[Segment], k1: float, b: float, epsilon: float,
               vocabulary: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.k1, self.b, self.epsilon = k1, b, epsilon
        self.segments = segments
        self.starts = np.cumsum([0] + [s.size for s in segments])
        self.size = int(self.starts[-1])
        lengths = np.concatenate([s.lengths for s in segments])
        total = float(lengths.sum(dtype=np.float64))
        self.avgdl = total / self.size if total else 1.0
        # The per-document part of the denominator, k1·(1 − b + b·length/avgdl), is computed by the
        # kernel from the lengths: two bytes a document rather than eight for a float64 norm. The arrays
        # read at random stay in the caches longer: at 1M, whole path −0.23 and −0.54 ms p50 in two
        # interleaved A/B runs (about nothing at 100k), and 6 MB less.
        self.lengths = _narrow(lengths)
        self.norm_base, self.norm_slope = k1 * (1 - b), k1 * b / self.avgdl
        # Accumulators for the kernel, one set per question being scored at once (see _buffers).
        self._free: queue.SimpleQueue[tuple[np.ndarray, np.ndarray, np.ndarray]] = queue.SimpleQueue()
        if vocabulary is None:
            vocabulary = _union([(s.keys, np.diff(s.indptr)) for s in segments])
        self.vocabulary_keys, self.df = vocabulary
        idf = np.log(self.size - self.df + 0.5) - np.log(self.df + 0.5)
        self.average_idf = float(idf.mean()) if len(idf) else 0.0
        self._terms: dict[str, Term] = {}  # see terms()

    @property
    def postings(self) -> int:
        return sum(len(s.docs) for s in self.segments)

    def extended(self, documents: Iterable[Sequence[str]]) -> BM25Index:
        """A new index over this one's documents followed by ``documents``; this one stays as it is.

        Only the new documents are read. They form a new segment, merged with the last ones while
        those are not much larger, so the number of segments stays small.
        """
        added = _segments(documents)
        if not added:
            return self
        segments = list(self.segments)
        for segment in added:
            segments.append(segment)
            while (len(segments) > 1 and segments[-2].size <= MERGE_RATIO * segments[-1].size
                   and segments[-2].size + segments[-1].size <= SEGMENT_SIZE):
                segments[-2:] = [Segment.merge(segments[-2], segments[-1])]
        vocabulary = _union([(self.vocabulary_keys, self.df)] + [(s.keys, np.diff(s.indptr)) for s in added])
        return BM25Index.from_segments(segments, self.k1, self.b, self.epsilon, vocabulary)

    def idf_of(self, df: np.ndarray) -> np.ndarray:
        """rank_bm25's idf for these document frequencies: negative ones become ``epsilon`` × the mean."""
        idf = np.log(self.size - df + 0.5) - np.log(df + 0.5)
        idf[idf < 0] = self.epsilon * self.average_idf
        return idf

    def terms(self, tokens: Sequence[str]) -> list[Term]:
        """Each token's key, how many documents hold it and its idf (a term no document holds gets
        the idf of a term found once, or more)."""
        # Questions share most of their words, and a search of the vocabulary (millions of keys,
        # evicted from the caches by the scan of the question before) cost 0.03–0.13 ms a question:
        # the index never changes, so what it says of a token is kept, in a dict bounded in size.
        known = self._terms
        found: dict[str, Term] = {}
        for token in tokens:  # get(), not ``in`` then []: another question's thread may clear it between
            if (term := known.get(token)) is not None:
                found[token] = term
        missing = [token for token in dict.fromkeys(tokens) if token not in found]
        if missing:
            keys = term_keys(missing, cached=True)
            present, rows = lookup(self.vocabulary_keys, keys)
            df = np.where(present, self.df[rows] if len(self.df) else 0, 0)
            idf = self.idf_of(df.astype(np.float64))
            # Where each segment holds it, found once per term rather than by the kernel per question. A
            # segment's keys are a sorted part of the vocabulary's: as many are the same keys (an index
            # of one segment), and the vocabulary's search already answered.
            in_segments = zip(*(np.where(held, at, -1).tolist() for held, at in
                                ((present, rows) if len(segment.keys) == len(self.vocabulary_keys)
                                 else lookup(segment.keys, keys) for segment in self.segments)), strict=True)
            looked_up = {token: Term(*term) for token, *term in
                         zip(missing, keys.tolist(), df.tolist(), idf.tolist(), in_segments, strict=True)}
            found |= looked_up
            if len(known) + len(looked_up) > TERMS_KEPT:
                known.clear()
            known.update(looked_up)
        return [found[token] for token in tokens]

    def _weights(self, query: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Keys of the question's terms that some document holds, their rows in each segment (one
        row of ``rows`` per segment) and their idf × repetitions."""
        counts = Counter(query)
        held = [(term, term.idf * repeated) for term, repeated in zip(self.terms(list(counts)), counts.values(),
                                                                          strict=True) if term.df]
        rows = np.array([term.rows for term, _ in held], dtype=np.int64).reshape(len(held), len(self.segments))
        return (np.array([term.key for term, _ in held], dtype=np.uint64), np.ascontiguousarray(rows.T),
                np.array([weight for _, weight in held], dtype=np.float64))

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for ``query`` (repeated terms count again, as in rank_bm25)."""
        _, rows, weights = self._weights(query)
        scores, seen, blocks = kernel.buffers(self.size)
        self._accumulate(rows, weights, scores, seen, blocks)
        return scores

    def top(self, query: Sequence[str], k: int, exclude: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best (document, score) pairs among documents that hold a question term, best first,
        equal scores by document.

        ``exclude`` lists documents never returned (indices, not a mask: a million-entry mask
        costs a pass per question). Every document holding a question term is a candidate, whatever
        its score: in a corpus of one or two documents rank_bm25's idf is negative for every term.
        """
        _, rows, weights = self._weights(query)
        if not len(weights):
            return []
        scores, seen, blocks = self._buffers()
        excluded = _NONE if exclude is None else exclude.astype(np.int64, copy=False)
        # Every weight above zero: a score above zero tells the documents holding a term (see kernel).
        marks = seen if (weights <= 0).any() else kernel.UNMARKED
        with _SCORING:
            ranked = self._ranked(rows, weights, (scores, marks, blocks), excluded, k)
        blocks[:] = False  # the block marks: small, and cleared only once both halves are done
        self._free.put((scores, seen, blocks))  # wiped; buffers an exception left dirty are never put back
        return ranked

    def _accumulate(self, rows: np.ndarray, weights: np.ndarray, scores: np.ndarray, seen: np.ndarray,
                    blocks: np.ndarray) -> None:
        """Score every segment into ``scores``, marking documents in ``seen`` and ``blocks``."""
        self._score(self._pieces(0, self.size), rows, weights, scores, seen, blocks)

    def _ranked(self, rows: np.ndarray, weights: np.ndarray, buffers: tuple[np.ndarray, np.ndarray, np.ndarray],
                excluded: np.ndarray, k: int) -> list[tuple[int, float]]:
        """The top ``k``, scored and selected by the kernel.

        From ``SPLIT_FROM`` documents, while no other question is being scored, the later half of
        the documents is scored and selected on a helper thread meanwhile (the kernel releases the
        GIL): the halves write disjoint document ranges, and their two top-k lists are merged.
        """
        # Only onto an idle core: while other questions are being scored, both cores are busy
        # already, and halves would only queue behind them (measured: fewer messages/s at 1M).
        if self.size < SPLIT_FROM or _SCORING.others():
            self._score(self._pieces(0, self.size), rows, weights, *buffers)
            return _pairs(kernel.select(*buffers, excluded, k, 0, self.size))
        middle = self.size // 2

        def later() -> tuple[np.ndarray, np.ndarray]:
            self._score(self._pieces(middle, self.size), rows, weights, *buffers)
            return kernel.select(*buffers, excluded, k, middle, self.size)

        second = _helper().submit(later)
        self._score(self._pieces(0, middle), rows, weights, *buffers)
        first = _pairs(kernel.select(*buffers, excluded, k, 0, middle))
        return sorted(first + _pairs(second.result()), key=lambda pair: (-pair[1], pair[0]))[:k]

    def _pieces(self, low: int, high: int) -> list[tuple[int, Segment, int, int, int]]:
        """The segments holding documents ``low`` to ``high`` (excluded): each with its place in
        the list, its first document and the range of its own documents that falls there."""
        return [(place, segment, start, max(low - start, 0), min(high - start, segment.size))
                for place, (segment, start) in enumerate(zip(self.segments, self.starts[:-1].tolist(), strict=False))
                if start < high and start + segment.size > low]

    def _score(self, pieces: list[tuple[int, Segment, int, int, int]], rows: np.ndarray, weights: np.ndarray,
               scores: np.ndarray, seen: np.ndarray, blocks: np.ndarray) -> None:
        for place, segment, start, low, high in pieces:
            kernel.accumulate(rows[place], segment.indptr, segment.docs, segment.tf, weights, self.lengths,
                              self.norm_base, self.norm_slope, self.k1 + 1, start, low, high, scores, seen, blocks)

    def _buffers(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A wiped accumulator, seen-mask and block marks for one question: a free one, else new, so
        there are as many as questions ever scored at once (np.zeros maps pages lazily)."""
        try:
            return self._free.get_nowait()
        except queue.Empty:
            return kernel.buffers(self.size)


_NONE = np.zeros(0, dtype=np.int64)


def _pairs(selected: tuple[np.ndarray, np.ndarray]) -> list[tuple[int, float]]:
    docs, values = selected
    return list(zip(docs.tolist(), values.tolist(), strict=True))


class _Count:
    """How many questions are being scored at once."""

    def __init__(self) -> None:
        self._lock, self._count = threading.Lock(), 0

    def __enter__(self) -> None:
        with self._lock:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._count -= 1

    def others(self) -> bool:
        """Whether a question besides the asking one is being scored (a hint: read without the lock)."""
        return self._count > 1


_SCORING = _Count()


@lru_cache(maxsize=1)
def _helper() -> ThreadPoolExecutor:
    """The thread that scores the later half of a big index's documents while the asking thread
    scores the first: one, as only a question scored alone is split."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="bm25")


def _segments(documents: Iterable[Sequence[str]]) -> list[Segment]:
    iterator = iter(documents)
    segments = []
    while (segment := Segment.build(islice(iterator, SEGMENT_SIZE))).size:
        segments.append(segment)
    return segments


def _union(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """All keys of these (sorted keys, document frequencies) pairs, with summed frequencies."""
    keys = np.concatenate([k for k, _ in parts])
    df = np.concatenate([d for _, d in parts]).astype(np.int64)
    unique, inverse = np.unique(keys, return_inverse=True)
    return unique, np.bincount(inverse, weights=df, minlength=len(unique)).astype(np.int64)


@dataclass(frozen=True)
class Rows:
    """Which stored paragraph each document of an index is (see the invariants above): its row id,
    64 bits of its text's hash, and whether it may answer (adverts are indexed, never shown)."""

    ids: np.ndarray  # int64
    checks: np.ndarray  # uint64
    answerable: np.ndarray  # bool

    ARRAYS = ("ids", "checks", "answerable")

    def __post_init__(self) -> None:
        if not len(self.ids) == len(self.checks) == len(self.answerable):
            raise ValueError("ids, checks and answerable differ in length")

    def __len__(self) -> int:
        return len(self.ids)

    def __add__(self, other: Rows) -> Rows:
        return Rows(*(np.concatenate([getattr(self, name), getattr(other, name)]) for name in Rows.ARRAYS))


def build(rows: Iterable[IndexRow], k1: float, b: float) -> tuple[BM25Index, Rows]:
    """The index of these stored paragraphs and the Rows that say which paragraph each document is.

    Raises EmptyCorpus when there are none.
    """
    documents, read_rows = _read(rows)
    index = BM25Index(documents, k1=k1, b=b)
    return index, read_rows()


def extend(index: BM25Index, rows: Rows, added: Iterable[IndexRow]) -> tuple[BM25Index, Rows]:
    """``index`` and its ``rows`` followed by the paragraphs ``added``; neither input changes."""
    documents, read_rows = _read(added)
    extended = index.extended(documents)
    return extended, rows + read_rows()


def _read(rows: Iterable[IndexRow]) -> tuple[Iterator[list[str]], Callable[[], Rows]]:
    """The documents of ``rows``, one at a time (a million token lists never sit in memory at once),
    and, once they are all read, the Rows of the same paragraphs."""
    ids, checks, answerable = array("q"), array("Q"), array("b")

    def documents() -> Iterator[list[str]]:
        for row_id, key, kind, tokens, head in rows:
            if tokens is None or head is None:
                raise ValueError(f"paragraph {row_id} is not tokenized")  # ingest tokenizes what it adds
            ids.append(row_id)
            checks.append(text_check(key))
            answerable.append(kind != "advert")
            yield document(tokens, head)

    def read_rows() -> Rows:
        return Rows(np.frombuffer(ids, dtype=np.int64), np.frombuffer(checks, dtype=np.uint64),
                    np.frombuffer(answerable, dtype=np.int8).astype(bool))

    return documents(), read_rows
