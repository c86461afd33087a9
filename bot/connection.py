"""One connection to the store, shared by the bot's threads one at a time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from retrieval.store import Store

T = TypeVar("T")


class SharedStore:
    """Opens the store on first use; ``using(call)`` runs ``call`` on it under a lock."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = db_path
        self._store: Store | None = None
        self._lock = threading.Lock()

    def using(self, call: Callable[[Store], T]) -> T:
        with self._lock:
            if self._store is None:
                self._store = Store(self.db_path, shared=True)
            return call(self._store)

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None
