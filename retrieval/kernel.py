"""The compiled scoring kernel: a question's BM25 scores over a segment's postings, and the top k.

One pass over the postings of the question's terms adds ``w · tf·(k1+1) / (tf + base + slope·length[doc])``
(BM25's ``k1·(1 − b + b·length/avgdl)``, from lengths of two bytes rather than a norm of eight: the
arrays a question reads at random stay in the caches longer) into a float64 accumulator and marks
each document's block of 1,024; the top k are then chosen from the marked blocks only (whose
documents are wiped on the way) into a list of k kept best first. Once it holds k, a document is
one comparison with the worst score held (the scan goes up the documents, so an equal score ranks
below). When every term's weight is positive, a document holds a term exactly when its score is
above zero; only otherwise (rank_bm25's negative idf, in a corpus of one or two documents) are the
documents holding one marked in a ``seen`` mask as well. The loops release the GIL (``nogil``), so
two questions (or two halves of a big index) score on two cores at once.
``cache=True`` keeps the machine code beside the module; ``warm_up`` compiles it (or loads it from
that cache) on a tiny input, so a fresh install pays the compilation before its first question,
not during it.

>>> import numpy as np
>>> scores, seen, blocks = buffers(3)
>>> indptr = np.array([0, 2, 3])  # two terms: rows 0 and 1
>>> docs, tf = np.array([0, 2, 1], dtype=np.int32), np.array([1, 2, 1], dtype=np.uint16)
>>> lengths = np.array([2, 2, 2], dtype=np.uint16)  # with base 0 and slope 0.5: a norm of 1
>>> accumulate(np.array([1]), indptr, docs, tf, np.array([2.0]), lengths, 0.0, 0.5, 2.0, 0, 0, 3, scores, seen,
...            blocks)
>>> found, values = select(scores, seen, blocks, np.zeros(0, dtype=np.int64), 5, 0, 3)
>>> found.tolist(), values.tolist()
([1], [2.0])
>>> accumulate(np.array([0, -1]), indptr, docs, tf, np.array([1.0, 5.0]), lengths, 0.0, 0.5, 2.0, 0, 0, 3, scores,
...            UNMARKED, blocks)
>>> [values.tolist() for values in select(scores, UNMARKED, blocks, np.zeros(0, dtype=np.int64), 5, 0, 3)]
[[2, 0], [1.3333333333333333, 1.0]]
"""

from __future__ import annotations

import numpy as np
from numba import njit

BLOCK_SHIFT = 10  # documents per block of ``blocks``: 1,024
UNMARKED = np.zeros(0, dtype=np.bool_)  # the ``seen`` of a question whose terms all weigh above zero

@njit(nogil=True, cache=True)
def accumulate(rows: np.ndarray, indptr: np.ndarray, docs: np.ndarray, tf: np.ndarray, weights: np.ndarray,
               lengths: np.ndarray, base: float, slope: float, k1_plus_1: float, offset: int, low: int, high: int,
               scores: np.ndarray, seen: np.ndarray, blocks: np.ndarray) -> None:
    """Add the contribution of one segment's documents ``low`` to ``high`` (excluded) for the
    question's terms (their ``rows`` in the segment, -1 where it lacks one, and their ``weights``)
    into ``scores``, whose document ``offset + d`` is the segment's document d; mark each document's
    block of ``2**BLOCK_SHIFT`` documents in ``blocks``, and the document in ``seen`` unless it is empty.

    The marks are written unconditionally: a branch on "first time?" per posting cost as much as
    the arithmetic itself."""
    marking = seen.shape[0] > 0
    for j in range(rows.shape[0]):
        row = rows[j]
        if row < 0:
            continue
        weight = weights[j] * k1_plus_1
        first, last = indptr[row], indptr[row + 1]
        if first < last and docs[first] < low:  # part of a segment: where the range starts in the postings
            first = _first_from(docs, first, last, low)
        if first < last and docs[last - 1] >= high:
            last = _first_from(docs, first, last, high)
        for p in range(first, last):
            document = offset + docs[p]
            frequency = float(tf[p])
            scores[document] += weight * frequency / (frequency + (base + slope * lengths[document]))
            if marking:  # the same every posting: compiled as two loops
                seen[document] = True
            blocks[document >> BLOCK_SHIFT] = True


@njit(nogil=True, cache=True)
def select(scores: np.ndarray, seen: np.ndarray, blocks: np.ndarray, exclude: np.ndarray, k: int, low: int,
           high: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best documents from ``low`` to ``high`` (excluded) holding a question term (those
    marked in ``seen``, or with a score above zero when ``seen`` is empty) and not in ``exclude``,
    best first, equal scores by document. Only the marked blocks are read; the range's documents
    are left zero and unmarked for the next question, the block marks are not (a block may straddle
    two ranges selected at once: the caller clears them after both)."""
    marked = seen.shape[0] > 0
    for i in range(exclude.shape[0]):
        if low <= exclude[i] < high:
            scores[exclude[i]] = 0.0
            if marked:
                seen[exclude[i]] = False
    # The best so far, best first. The scan goes up the documents, so one arriving later with an
    # equal score ranks below: a document enters only above the worst held once k are held (a
    # branch then taken the same way nearly always), and goes after every score not below its own.
    top_docs = np.empty(k, dtype=np.int64)
    top_scores = np.empty(k, dtype=np.float64)
    size = 0
    threshold = -np.inf if marked else 0.0  # unmarked: a score above zero holds a term
    for block in range(low >> BLOCK_SHIFT, ((high - 1) >> BLOCK_SHIFT) + 1 if high > low else 0):
        if not blocks[block]:
            continue
        first = block << BLOCK_SHIFT
        for document in range(max(first, low), min(first + (1 << BLOCK_SHIFT), high)):
            score = scores[document]
            scores[document] = 0.0
            if marked:
                held = seen[document]
                seen[document] = False
                if not held:
                    continue
            if score <= threshold:
                continue
            at = size if size < k else k - 1  # past the end, or the worst one's place
            while at > 0 and top_scores[at - 1] < score:
                top_scores[at], top_docs[at] = top_scores[at - 1], top_docs[at - 1]
                at -= 1
            top_scores[at], top_docs[at] = score, document
            size = min(size + 1, k)
            if size == k:
                threshold = top_scores[k - 1]
    return top_docs[:size].copy(), top_scores[:size].copy()


@njit(nogil=True, cache=True, inline="always")
def _first_from(values: np.ndarray, start: int, end: int, value: int) -> int:
    """The first position from ``start`` to ``end`` of sorted ``values`` holding ``value`` or more."""
    while start < end:
        middle = (start + end) >> 1
        if values[middle] < value:
            start = middle + 1
        else:
            end = middle
    return start


def warm_up() -> None:
    """Compile the kernel (or load it from numba's cache) for the input it is given: a segment's
    read-only arrays with uint16 tf, and uint16 lengths. (A tf or length of uint32, for a term
    repeated 65,536 times in one document or a document that long, compiles on first use.)"""
    scores, seen, blocks = buffers(2)  # ``seen`` is of UNMARKED's type: one compiled variant serves both
    segment = [np.array([0, 1], dtype=np.int64), np.array([0], dtype=np.int32), np.array([1], dtype=np.uint16)]
    for array in segment:
        array.flags.writeable = False
    accumulate(np.zeros(1, dtype=np.int64), *segment, np.array([1.0]), np.ones(2, dtype=np.uint16), 0.5, 0.5, 2.0, 0,
               0, 1, scores, seen, blocks)
    select(scores, seen, blocks, np.zeros(0, dtype=np.int64), 1, 0, 2)


def buffers(size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A zero accumulator, seen-mask and block marks for an index of ``size`` documents."""
    return np.zeros(size), np.zeros(size, dtype=np.bool_), np.zeros((size >> BLOCK_SHIFT) + 1, dtype=np.bool_)
