"""A segmented BM25 index whose scores equal rank_bm25's ``BM25Okapi.get_scores``.

The index is a list of immutable segments, each covering a run of documents: per term, the
documents holding it and how often (a CSR matrix in plain numpy arrays), and each document's
length. A question's score ``idf · tf·(k1+1) / (tf + k1·(1−b+b·dl/avgdl))`` is computed at query
time over the postings of its terms only, with the idf and average length of the whole index.
Nothing in a segment depends on the others, so adding a day's pages builds one small segment and
never touches the rest, and a kept index is memory-mapped instead of read.

Terms are identified by a 64-bit hash of their text: no vocabulary of millions of Python strings.

>>> index = BM25Index([["平湖", "新闻"], ["嘉兴", "新闻"], ["天气"]])
>>> [round(float(s), 4) for s in index.scores(["平湖"])]
[0.4686, 0.0, 0.0]
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import secrets
import shutil
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import count, islice
from pathlib import Path

import numpy as np

from .errors import EmptyCorpus

FORMAT = 5  # of kept index folders
# Documents per segment built at once: bounds the arrays of one build step (a 1M build peaked at 3.5 GB).
SEGMENT_SIZE = 1 << 17
# A new segment is merged into the one before it while that one is at most this many times larger,
# so a year of daily additions stays a handful of segments (and each merge stays small).
MERGE_RATIO = 4
COMMON_TF = 3  # postings of tf 1..COMMON_TF are summed per document before any arithmetic
BLOCK = 1024  # documents per block when looking for the k-th best score


def term_key(token: str) -> int:
    """The 64-bit key of a token: stable across processes, unlike ``hash``."""
    return int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")


_question_key = lru_cache(maxsize=1 << 16)(term_key)  # questions repeat their words; a build never does


def term_keys(tokens: Sequence[str], cached: bool = False) -> np.ndarray:
    """The 64-bit key of each token."""
    return np.fromiter(map(_question_key if cached else term_key, tokens), dtype=np.uint64, count=len(tokens))


@dataclass(frozen=True)
class Segment:
    """Postings of a run of documents: term keys (sorted), CSR rows, term frequencies, document lengths."""

    keys: np.ndarray  # uint64, sorted
    indptr: np.ndarray  # int64, len(keys) + 1
    common: np.ndarray  # int32, (terms, COMMON_TF): how many of a term's postings have tf 1, 2, 3 (first, in order)
    docs: np.ndarray  # int32, local document numbers, ascending within each tf group of each term
    tf: np.ndarray  # uint16 (uint32 if a term repeats more than 65,535 times in one document)
    lengths: np.ndarray  # int32, tokens per document
    name: str = ""  # its folder under segments/, once kept

    @property
    def size(self) -> int:
        return len(self.lengths)

    @classmethod
    def build(cls, documents: Iterable[Sequence[str]]) -> Segment:
        """The segment of these token lists, read one at a time: only their term numbers are kept."""
        vocabulary: defaultdict[str, int] = defaultdict(count().__next__)
        term_ids, lengths = array("i"), array("i")
        lookup = vocabulary.__getitem__  # a new token gets the next number: the whole pass stays in C
        for tokens in documents:
            lengths.append(len(tokens))
            term_ids.extend(map(lookup, tokens))
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
        return cls._of(keys[order], pairs // n, (pairs % n).astype(np.int32), tf,
                       np.frombuffer(lengths, dtype=np.int32).copy())

    @classmethod
    def _of(cls, keys: np.ndarray, terms: np.ndarray, docs: np.ndarray, tf: np.ndarray, lengths: np.ndarray
            ) -> Segment:
        """The segment of postings sorted by term, then document: within each term, the postings of
        tf 1, 2 and 3 come first, in that order, then the rest.

        Most postings have a tf of 1 to 3, and their contribution needs no per-posting arithmetic:
        it is the term's weight times a per-document factor of that tf, applied once per document
        after the weights are summed.
        """
        group = np.minimum(tf, COMMON_TF + 1) - 1
        order = np.argsort(terms * (COMMON_TF + 1) + group, kind="stable")  # stable: documents stay ascending
        common = np.bincount(terms[group < COMMON_TF] * COMMON_TF + group[group < COMMON_TF],
                             minlength=len(keys) * COMMON_TF)
        return cls(keys=keys, indptr=_indptr(terms, len(keys)),
                   common=common.reshape(len(keys), COMMON_TF).astype(np.int32),
                   docs=docs[order], tf=_narrow(tf[order]), lengths=lengths)

    @classmethod
    def merge(cls, first: Segment, second: Segment) -> Segment:
        """One segment holding ``first``'s documents followed by ``second``'s: postings only, no tokens."""
        keys = np.union1d(first.keys, second.keys)
        terms = np.concatenate([np.repeat(np.searchsorted(keys, s.keys), np.diff(s.indptr)) for s in (first, second)])
        docs = np.concatenate([first.docs, second.docs + np.int32(first.size)])
        tf = np.concatenate([first.tf.astype(np.uint32), second.tf.astype(np.uint32)])
        return cls._of(keys, terms, docs, tf, np.concatenate([first.lengths, second.lengths]))

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each key: whether this segment holds the term, and its row (meaningless where not)."""
        rows = np.minimum(np.searchsorted(self.keys, keys), max(len(self.keys) - 1, 0))
        found = self.keys[rows] == keys if len(self.keys) else np.zeros(len(keys), dtype=bool)
        return found, rows

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder: Path) -> Segment:
        """A saved segment, memory-mapped: pages are read when a question touches them."""
        arrays = {name: _mapped(folder / f"{name}.npy") for name in _ARRAYS}
        segment = cls(**arrays, name=folder.name)
        if (len(segment.indptr) != len(segment.keys) + 1 or segment.common.shape != (len(segment.keys), COMMON_TF)
                or len(segment.docs) != len(segment.tf)):
            raise ValueError(f"segment {folder.name} is inconsistent")
        return segment


_ARRAYS = ("keys", "indptr", "common", "docs", "tf", "lengths")  # of a kept segment


def _mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped, as a plain ndarray: np.memmap's indexing costs a microsecond a call."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def _indptr(terms: np.ndarray, size: int) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(np.bincount(terms, minlength=size)))).astype(np.int64)


def _narrow(tf: np.ndarray) -> np.ndarray:
    return tf.astype(np.uint16 if not len(tf) or tf.max() < 1 << 16 else np.uint32)


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
        lengths = np.concatenate([s.lengths for s in segments]).astype(np.float64)
        total = float(lengths.sum())
        self.avgdl = total / self.size if total else 1.0
        # The per-document part of the denominator, the only per-document number a question needs.
        self.norm = k1 * (1 - b + b * lengths / self.avgdl)
        # The contribution per unit of idf of a posting of tf 1, 2, 3 in each document.
        self.factors = [tf * (k1 + 1) / (tf + self.norm) for tf in range(1, COMMON_TF + 1)]
        if vocabulary is None:
            vocabulary = _union([(s.keys, np.diff(s.indptr)) for s in segments])
        self.vocabulary_keys, self.df = vocabulary
        idf = np.log(self.size - self.df + 0.5) - np.log(self.df + 0.5)
        self.average_idf = float(idf.mean()) if len(idf) else 0.0

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

    def term_idf(self, token: str) -> float:
        """The term's idf; a term no document holds gets the idf of a term found once, or more."""
        df = self._df(term_keys([token], cached=True))
        if not df[0]:
            return math.log(self.size + 0.5) - math.log(0.5)
        return float(self.idf_of(df.astype(np.float64))[0])

    def _df(self, keys: np.ndarray) -> np.ndarray:
        if not len(self.vocabulary_keys):  # documents without a single token
            return np.zeros(len(keys), dtype=np.int64)
        rows = np.minimum(np.searchsorted(self.vocabulary_keys, keys), len(self.vocabulary_keys) - 1)
        found = self.vocabulary_keys[rows] == keys
        return np.where(found, self.df[rows], 0)

    def _weights(self, query: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Keys of the question's terms that some document holds, and their idf × repetitions."""
        counts = Counter(query)
        keys = term_keys(list(counts), cached=True)
        df = self._df(keys)
        present = df > 0
        weights = self.idf_of(df[present].astype(np.float64))
        weights *= np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[present]
        return keys[present], weights

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for ``query`` (repeated terms count again, as in rank_bm25)."""
        keys, weights = self._weights(query)
        scores = np.zeros(self.size)
        if not len(keys):
            return scores
        k1 = self.k1
        summed = np.empty(max(segment.size for segment in self.segments))
        for segment, start, end in zip(self.segments, self.starts[:-1].tolist(), self.starts[1:].tolist(),
                                       strict=True):
            found, rows = segment.find(keys)
            if not found.any():
                continue
            rows, w = rows[found], weights[found]
            low, high = segment.indptr[rows], segment.indptr[rows + 1]
            bounds = np.cumsum(np.column_stack([low, segment.common[rows]]), axis=1)
            part, sums = scores[start:end], summed[:end - start]
            # Postings of tf 1..3: sum the weights per document, then one factor per document.
            # (np.add.at into a kept buffer: faster than bincount, which converts and allocates.)
            for tf in range(COMMON_TF):
                spans = list(zip(bounds[:, tf].tolist(), bounds[:, tf + 1].tolist(), strict=True))
                docs = np.concatenate([segment.docs[a:z] for a, z in spans])
                if len(docs):
                    sums[:] = 0.0
                    np.add.at(sums, docs, np.repeat(w, bounds[:, tf + 1] - bounds[:, tf]))
                    sums *= self.factors[tf][start:end]
                    part += sums
            # The rest: idf · tf·(k1+1) / (tf + k1·(1−b+b·dl/avgdl)) per posting.
            spans = list(zip(bounds[:, -1].tolist(), high.tolist(), strict=True))
            docs = np.concatenate([segment.docs[a:z] for a, z in spans])
            if len(docs):
                tf = np.concatenate([segment.tf[a:z] for a, z in spans]).astype(np.float64)
                contribution = np.repeat(w, high - bounds[:, -1]) * tf
                contribution *= k1 + 1
                tf += self.norm[start:end][docs]
                contribution /= tf
                np.add.at(part, docs, contribution)
        return scores

    def top(self, query: Sequence[str], k: int, exclude: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best (document, score) pairs among documents that hold a question term, best first,
        equal scores by document.

        ``exclude`` lists documents never returned (indices, not a mask: a million-entry mask
        costs a pass per question).
        """
        scores = self.scores(query)
        if exclude is not None:
            scores[exclude] = 0.0
        # The k-th largest of the block maxima is k documents' score: no lower score can be in the top k.
        # One pass over the scores finds the few candidates, instead of ranking a million of them.
        blocks = scores[:len(scores) // BLOCK * BLOCK].reshape(-1, BLOCK).max(axis=1)
        floor = np.partition(blocks, len(blocks) - k)[len(blocks) - k] if len(blocks) >= k else 0.0
        if floor > 0:
            candidates = np.flatnonzero(scores >= floor)
        else:
            # Documents holding a question term. Not "score > 0": in a corpus of one or two documents
            # rank_bm25's idf is negative for every term, and those documents must still be found.
            candidates = np.flatnonzero(scores)
        values = scores[candidates]
        if len(candidates) > k:  # keep every document tied with the k-th, so ties go by document
            keep = values >= np.partition(values, len(values) - k)[len(values) - k]
            candidates, values = candidates[keep], values[keep]
        ranked = np.lexsort((candidates, -values))[:k]
        return [(int(candidates[i]), float(values[i])) for i in ranked]

    # -- keeping on disk -------------------------------------------------------------------
    def save(self, folder: Path, extra: dict[str, np.ndarray] | None = None) -> None:
        """Keep the index in ``folder`` (created; it must not exist), with ``extra`` per-document arrays.

        Segments live in ``segments/`` beside ``folder`` and are shared by the states that use them:
        a state written after a day was added writes only the new segments.
        """
        shelf = folder.parent / "segments"
        kept = []
        for segment in self.segments:
            if not segment.name or not (shelf / segment.name).is_dir():
                name = secrets.token_hex(8)
                partial = shelf / f".{name}.partial"
                segment.save(partial)
                os.replace(partial, shelf / name)
                segment = replace(segment, name=name)
            kept.append(segment)
        names = [segment.name for segment in kept]
        partial = folder.with_name(f".{folder.name}.partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        np.save(partial / "vocabulary_keys.npy", self.vocabulary_keys)
        np.save(partial / "df.npy", self.df)
        for name, values in (extra or {}).items():
            np.save(partial / f"{name}.npy", values)
        manifest = {"format": FORMAT, "k1": self.k1, "b": self.b, "epsilon": self.epsilon, "size": self.size,
                    "segments": names, "extra": sorted(extra or {})}
        (partial / "manifest.json").write_text(json.dumps(manifest), "utf-8")
        os.replace(partial, folder)  # a reader sees the whole state or none
        self.segments = kept  # named: a later save of an extended index writes only its new segments

    @classmethod
    def load(cls, folder: Path) -> tuple[BM25Index, dict[str, np.ndarray]]:
        """An index kept by ``save`` and its extra arrays; ValueError (or OSError) if it is not one."""
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"{folder} is not an index of format {FORMAT}")
        segments = []
        for name in manifest["segments"]:
            segments.append(Segment.load(folder.parent / "segments" / name))
        vocabulary = (_mapped(folder / "vocabulary_keys.npy"), _mapped(folder / "df.npy"))
        index = cls.from_segments(segments, manifest["k1"], manifest["b"], manifest["epsilon"], vocabulary)
        extra = {name: np.load(folder / f"{name}.npy") for name in manifest["extra"]}
        if index.size != manifest["size"] or any(len(values) != index.size for values in extra.values()):
            raise ValueError(f"{folder} is inconsistent")
        return index, extra


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
