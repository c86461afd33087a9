"""The latest answers, kept in memory under a short key for their buttons: the further passages
behind 更多结果, and what a 👍/👎 is about."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from retrieval.models import Answer


class MoreResults:
    """The latest ``capacity`` answers, each under a short key for its buttons.

    >>> from retrieval.models import Status
    >>> results = MoreResults(capacity=1)
    >>> key = results.put(Answer("q", Status.NONE), generation=1)
    >>> results.get(key, generation=1).question, results.get("nope", generation=1), results.get(key, generation=2)
    ('q', None, None)
    """

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, tuple[Answer, int]] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, answer: Answer, generation: int) -> str:
        key = secrets.token_hex(4)
        with self._lock:
            self._items[key] = (answer, generation)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)
        return key

    def get(self, key: str, generation: int) -> Answer | None:
        """The answer behind ``key``, or None when unknown, evicted or from a corpus since replaced."""
        with self._lock:
            item = self._items.get(key)
        if item is None or item[1] != generation:
            return None
        return item[0]
