"""A BM25 index whose scores equal rank_bm25's ``BM25Okapi.get_scores``, computed without a loop over documents.

Every (term, document) contribution ``idf · tf·(k1+1) / (tf + k1·(1−b+b·dl/avgdl))``
is computed once at build time and stored term by term (a CSR matrix in plain
numpy arrays). A question then costs one weighted bincount over the postings of
its terms, instead of rank_bm25's Python pass over every document for every term.

>>> index = BM25Index([["平湖", "新闻"], ["嘉兴", "新闻"], ["天气"]])
>>> [round(float(s), 4) for s in index.scores(["平湖"])]
[0.4686, 0.0, 0.0]
"""

from __future__ import annotations

import math
import os
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat
from pathlib import Path

import numpy as np

from .errors import EmptyCorpus

FORMAT = 2  # of saved index files


class BM25Index:
    """BM25Okapi over token lists, with rank_bm25's idf (negative idf raised to ``epsilon`` × mean idf)."""

    def __init__(self, documents: Iterable[Sequence[str]], k1: float = 1.5, b: float = 0.75,
                 epsilon: float = 0.25) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"k1 must be ≥ 0 and b in [0, 1], got k1={k1}, b={b}")
        self.k1, self.b, self.epsilon = k1, b, epsilon
        self.vocabulary: dict[str, int] = {}
        terms, docs, tf, lengths = self._collect(documents, first=0)
        if not len(lengths):
            raise EmptyCorpus("an index needs at least one document")
        self._finish(terms, docs, tf, lengths)

    def extended(self, documents: Iterable[Sequence[str]]) -> BM25Index:
        """A new index over this one's documents followed by ``documents``; this one stays as it is.

        Only the new documents are read token by token; the postings are merged in numpy and every
        score is recomputed for the new idf and average length, so scores still equal rank_bm25's.
        """
        index = BM25Index.__new__(BM25Index)
        index.k1, index.b, index.epsilon = self.k1, self.b, self.epsilon
        index.vocabulary = dict(self.vocabulary)
        terms, docs, tf, lengths = index._collect(documents, first=self.size)
        old_terms = np.repeat(np.arange(len(self.vocabulary), dtype=np.int32), np.diff(self.indptr))
        index._finish(np.concatenate([old_terms, terms]), np.concatenate([self.doc_ids, docs]),
                      np.concatenate([self.tf, tf]), np.concatenate([self.lengths, lengths]))
        return index

    def _collect(self, documents: Iterable[Sequence[str]], first: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(term, document, tf) of every posting, and document lengths; new terms join the vocabulary."""
        vocabulary = self.vocabulary
        # Typed arrays, not lists of Python ints: a tenth of the memory while the postings are collected.
        term_ids, doc_ids, freqs, lengths = array("i"), array("i"), array("i"), array("d")
        for doc, tokens in enumerate(documents, start=first):
            lengths.append(len(tokens))
            counts = Counter(vocabulary.setdefault(token, len(vocabulary)) for token in tokens)
            term_ids.extend(counts.keys())
            doc_ids.extend(repeat(doc, len(counts)))
            freqs.extend(counts.values())
        return (np.frombuffer(term_ids, dtype=np.int32), np.frombuffer(doc_ids, dtype=np.int32),
                np.frombuffer(freqs, dtype=np.int32), np.frombuffer(lengths, dtype=np.float64).copy())

    def _finish(self, terms: np.ndarray, docs: np.ndarray, tf: np.ndarray, lengths: np.ndarray) -> None:
        """Postings sorted by term (documents ascending within each), idf and every precomputed score."""
        self.size = len(lengths)
        self.lengths = lengths
        self.avgdl = float(lengths.mean()) if lengths.sum() else 1.0
        order = np.argsort(terms, kind="stable")  # stable: documents stay sorted within each term
        self.doc_ids, self.tf = docs[order], tf[order]
        df = np.bincount(terms, minlength=len(self.vocabulary)).astype(np.float64)
        del order
        self.indptr = np.concatenate(([0], np.cumsum(df))).astype(np.int64)
        k1, b = self.k1, self.b
        idf = np.log(self.size - df + 0.5) - np.log(df + 0.5)
        average = float(idf.mean()) if len(idf) else 0.0
        idf[idf < 0] = self.epsilon * average
        self.idf = idf
        # values = idf · tf·(k1+1) / (tf + k1·(1−b+b·dl/avgdl)), computed in place: at a million
        # paragraphs each temporary is a gigabyte and allocating them costs more than the arithmetic.
        freq = self.tf.astype(np.float64)
        values = self.lengths[self.doc_ids]
        values *= k1 * b / self.avgdl
        values += k1 * (1 - b)
        values += freq
        freq *= k1 + 1
        np.divide(freq, values, out=values)
        del freq
        values *= np.repeat(idf, np.diff(self.indptr))
        self.values = values

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (.npz), atomically: a reader sees the old file or the new one."""
        vocabulary = "\n".join(self.vocabulary).encode()  # tokens never hold whitespace
        meta = np.array([FORMAT, self.k1, self.b, self.epsilon, self.avgdl, self.size], dtype=np.float64)
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as handle:
            np.savez(handle, meta=meta, vocabulary=np.frombuffer(vocabulary, dtype=np.uint8),
                     doc_ids=self.doc_ids, tf=self.tf, indptr=self.indptr, values=self.values, idf=self.idf,
                     lengths=self.lengths)
        os.replace(partial, path)

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        """An index written by ``save``; raises ValueError (or OSError) for a file that is not one."""
        with np.load(path, allow_pickle=False) as data:
            meta = data["meta"]
            if len(meta) != 6 or int(meta[0]) != FORMAT:
                raise ValueError(f"{path} is not an index of format {FORMAT}")
            index = cls.__new__(cls)
            index.k1, index.b, index.epsilon, index.avgdl = (float(v) for v in meta[1:5])
            index.size = int(meta[5])
            words = data["vocabulary"].tobytes().decode()
            index.vocabulary = {word: term for term, word in enumerate(words.split("\n"))} if words else {}
            index.doc_ids, index.tf, index.indptr = data["doc_ids"], data["tf"], data["indptr"]
            index.values = data["values"]
            index.idf, index.lengths = data["idf"], data["lengths"]
        if len(index.indptr) != len(index.vocabulary) + 1 or len(index.lengths) != index.size:
            raise ValueError(f"{path} is inconsistent")
        return index

    def term_idf(self, token: str) -> float:
        """The term's idf; a term no document holds gets the idf of a term found once, or more."""
        term = self.vocabulary.get(token)
        if term is None:
            return math.log(self.size + 0.5) - math.log(0.5)
        return float(self.idf[term])

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for ``query`` (repeated terms count again, as in rank_bm25)."""
        counts = Counter(self.vocabulary[token] for token in query if token in self.vocabulary)
        if not counts:
            return np.zeros(self.size, dtype=np.float64)
        slices = [slice(self.indptr[term], self.indptr[term + 1]) for term in counts]
        docs = np.concatenate([self.doc_ids[s] for s in slices])
        weights = np.concatenate([self.values[s] * n if n > 1 else self.values[s]
                                  for s, n in zip(slices, counts.values(), strict=True)])
        # One pass in C over every posting of the question, instead of one scatter-add per term.
        return np.bincount(docs, weights=weights, minlength=self.size)

    def top(self, query: Sequence[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """The ``k`` best (document, score) pairs among documents that hold a question term, best first.

        Equal scores are ordered by document among the candidates kept (argpartition picks which of
        several documents tied at the k-th score are kept).

        ``mask`` marks the documents that may be returned.
        """
        scores = self.scores(query)
        # Documents holding a question term. Not "score > 0": in a corpus of one or two documents
        # rank_bm25's idf is negative for every term, and those documents must still be found.
        candidates = np.flatnonzero(scores != 0)
        if mask is not None:
            candidates = candidates[mask[candidates]]
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        ranked = sorted(candidates.tolist(), key=lambda doc: (-scores[doc], doc))
        return [(doc, float(scores[doc])) for doc in ranked[:k]]
