"""The further passages behind a 更多结果 button, kept in memory for the latest answers."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from retrieval.models import Hit


class MoreResults:
    """Further passages of the latest ``capacity`` answers, each under a short key for its button.

    >>> results = MoreResults(capacity=1)
    >>> key = results.put(("a", "b"), generation=1)
    >>> results.get(key, generation=1), results.get("nope", generation=1), results.get(key, generation=2)
    (('a', 'b'), None, None)
    """

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[tuple[Hit, ...], int]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, hits: tuple[Hit, ...], generation: int) -> str:
        key = secrets.token_hex(4)
        with self._lock:
            self._items[key] = (hits, generation)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return key

    def get(self, key: str, generation: int) -> tuple[Hit, ...] | None:
        """The hits behind ``key``, or None when unknown, evicted or from a corpus since replaced."""
        with self._lock:
            item = self._items.get(key)
        if item is None or item[1] != generation:
            return None
        return item[0]
