"""The plain numpy BM25 scorer the compiled kernel is checked against (tests and benchmarks).

Every posting of every question term gets the full formula, summed per document with ``np.add.at``:
slow, obviously right, and independent of the kernel's code.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from retrieval.indexing import BM25Index, lookup


def reference_scores(index: BM25Index, query: Sequence[str]) -> np.ndarray:
    """Every document's BM25 score for ``query`` over ``index``'s segments."""
    keys, _, weights = index._weights(query)
    scores = np.zeros(index.size)
    for segment, start in zip(index.segments, index.starts[:-1].tolist(), strict=False):
        found, rows = lookup(segment.keys, keys)
        for row, weight in zip(rows[found].tolist(), weights[found].tolist(), strict=True):
            low, high = segment.indptr[row], segment.indptr[row + 1]
            docs = segment.docs[low:high].astype(np.int64) + start
            tf = segment.tf[low:high].astype(np.float64)
            norm = index.k1 * (1 - index.b + index.b * index.lengths[docs] / index.avgdl)
            np.add.at(scores, docs, weight * tf * (index.k1 + 1) / (tf + norm))
    return scores


def reference_top(index: BM25Index, query: Sequence[str], k: int, exclude: np.ndarray | None = None
                  ) -> list[tuple[int, float]]:
    """The top ``k`` of ``reference_scores`` among documents holding a question term, ties by document."""
    scores = reference_scores(index, query)
    keys, _, _ = index._weights(query)
    holding = np.zeros(index.size, dtype=bool)
    for segment, start in zip(index.segments, index.starts[:-1].tolist(), strict=False):
        found, rows = lookup(segment.keys, keys)
        for row in rows[found].tolist():
            holding[segment.docs[segment.indptr[row]:segment.indptr[row + 1]].astype(np.int64) + start] = True
    if exclude is not None:
        holding[exclude] = False
    candidates = np.flatnonzero(holding)
    ranked = candidates[np.lexsort((candidates, -scores[candidates]))][:k]
    return [(int(d), float(scores[d])) for d in ranked]
