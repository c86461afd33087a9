"""The compiled scoring kernel: a question's BM25 scores over a segment's postings, and the top k.

One pass over the postings of the question's terms adds ``w · tf·(k1+1) / (tf + norm[doc])`` into a
float64 accumulator and notes each document the first time it is touched; the top k are then chosen
among the touched documents only (a heap of k), and the accumulator is wiped by the same list. No
step reads every document, and the loops release the GIL (``nogil``), so two questions score on two
cores at once. ``cache=True`` keeps the machine code beside the module; ``warm_up`` compiles it (or
loads it from that cache) on a tiny input, so a fresh install pays the compilation before its first
question, not during it.

>>> import numpy as np
>>> scores, seen, touched = np.zeros(3), np.zeros(3, dtype=np.bool_), np.zeros(3, dtype=np.int64)
>>> keys, indptr = np.array([5, 9], dtype=np.uint64), np.array([0, 2, 3])
>>> docs, tf = np.array([0, 2, 1], dtype=np.int32), np.array([1, 2, 1], dtype=np.uint16)
>>> count = accumulate(keys, indptr, docs, tf, np.array([9], dtype=np.uint64), np.array([2.0]),
...                    np.ones(3), 2.0, 0, scores, seen, touched, 0)
>>> found, values = select(scores, seen, touched, count, np.zeros(0, dtype=np.int64), 5)
>>> found.tolist(), values.tolist()
([1], [2.0])
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(nogil=True, cache=True)
def accumulate(keys: np.ndarray, indptr: np.ndarray, docs: np.ndarray, tf: np.ndarray, query: np.ndarray,
               weights: np.ndarray, norm: np.ndarray, k1_plus_1: float, offset: int, scores: np.ndarray,
               seen: np.ndarray, touched: np.ndarray, count: int) -> int:
    """Add one segment's contribution for the question's term keys (``query``, with their
    ``weights``) into ``scores``, whose document ``offset + d`` is the segment's document d; returns
    the new number of touched documents listed in ``touched``."""
    for j in range(query.shape[0]):
        # Binary search of the term in the segment's sorted keys.
        key, low, high = query[j], 0, keys.shape[0]
        while low < high:
            middle = (low + high) >> 1
            if keys[middle] < key:
                low = middle + 1
            else:
                high = middle
        if low == keys.shape[0] or keys[low] != key:
            continue
        weight = weights[j] * k1_plus_1
        for p in range(indptr[low], indptr[low + 1]):
            document = offset + docs[p]
            frequency = float(tf[p])
            scores[document] += weight * frequency / (frequency + norm[document])
            if not seen[document]:
                seen[document] = True
                touched[count] = document
                count += 1
    return count


@njit(nogil=True, cache=True)
def select(scores: np.ndarray, seen: np.ndarray, touched: np.ndarray, count: int, exclude: np.ndarray,
           k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best touched documents not in ``exclude``, best first, equal scores by document;
    leaves ``scores`` zero and ``seen`` false again for the next question."""
    for i in range(exclude.shape[0]):
        seen[exclude[i]] = False
    heap_docs = np.empty(k, dtype=np.int64)
    heap_scores = np.empty(k, dtype=np.float64)
    size = 0
    for i in range(count):
        document = touched[i]
        if not seen[document]:
            continue
        score = scores[document]
        if size < k:
            # Sift up: the heap's root is its worst (lowest score, then highest document).
            at = size
            size += 1
            while at > 0:
                parent = (at - 1) >> 1
                if _worse(score, document, heap_scores[parent], heap_docs[parent]):
                    heap_scores[at], heap_docs[at] = heap_scores[parent], heap_docs[parent]
                    at = parent
                else:
                    break
            heap_scores[at], heap_docs[at] = score, document
        elif _worse(heap_scores[0], heap_docs[0], score, document):
            at = 0
            while True:
                child = 2 * at + 1
                if child >= size:
                    break
                if child + 1 < size and _worse(heap_scores[child + 1], heap_docs[child + 1],
                                               heap_scores[child], heap_docs[child]):
                    child += 1
                if _worse(heap_scores[child], heap_docs[child], score, document):
                    heap_scores[at], heap_docs[at] = heap_scores[child], heap_docs[child]
                    at = child
                else:
                    break
            heap_scores[at], heap_docs[at] = score, document
    for i in range(count):
        scores[touched[i]] = 0.0
        seen[touched[i]] = False
    # At most k entries: an insertion sort, best first.
    for i in range(1, size):
        score, document, at = heap_scores[i], heap_docs[i], i
        while at > 0 and _worse(heap_scores[at - 1], heap_docs[at - 1], score, document):
            heap_scores[at], heap_docs[at] = heap_scores[at - 1], heap_docs[at - 1]
            at -= 1
        heap_scores[at], heap_docs[at] = score, document
    return heap_docs[:size].copy(), heap_scores[:size].copy()


@njit(nogil=True, cache=True, inline="always")
def _worse(score: float, document: int, other_score: float, other_document: int) -> bool:
    """Whether (score, document) ranks below (other_score, other_document)."""
    return score < other_score or (score == other_score and document > other_document)


def warm_up() -> None:
    """Compile the kernel (or load it from numba's cache) for every type of input it is given: a
    segment built in memory or memory-mapped read-only from a kept index, with uint16 or uint32 tf
    (uint32 only when a term repeats 65,536 times in one document)."""
    scores, seen, touched = np.zeros(2), np.zeros(2, dtype=np.bool_), np.zeros(2, dtype=np.int64)
    for writeable in (True, False):
        for tf_type in (np.uint16, np.uint32):
            segment = [np.array([1], dtype=np.uint64), np.array([0, 1], dtype=np.int64),
                       np.array([0], dtype=np.int32), np.array([1], dtype=tf_type)]
            for array in segment:
                array.flags.writeable = writeable
            count = accumulate(*segment, np.array([1], dtype=np.uint64), np.array([1.0]), np.ones(2), 2.0, 0,
                               scores, seen, touched, 0)
            select(scores, seen, touched, count, np.zeros(0, dtype=np.int64), 1)
