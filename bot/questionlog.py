"""The question log: what residents asked and whether it was answered, kept in the store's SQLite
file without any trace of who asked, and never in an answer's way."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from retrieval.errors import StoreError
from retrieval.models import QuestionStats
from retrieval.store import Store, now
from retrieval.understanding import PINGHU

LOCAL = PINGHU  # "today" for /stats is the residents' day
LOG_WAIT = 0.2  # seconds a write waits for a reload's transaction before deferring
PENDING_LIMIT = 10_000  # rows kept in memory while the database is busy

log = logging.getLogger(__name__)


class QuestionLog:
    """Rows are queued and written whenever the database is free.

    A resident's answer never waits for, or fails on, the log: while ``busy()`` (a reload holds
    the database), or another thread is writing, rows stay queued for the next write.
    """

    def __init__(self, db_path: str | Path, busy: Callable[[], bool] = lambda: False) -> None:
        self.db_path, self.busy = db_path, busy
        self._store_lock = threading.Lock()  # the log's connection, one thread at a time
        self._pending_lock = threading.Lock()
        self._store: Store | None = None
        self._pending: list[dict[str, Any]] = []

    def record(self, text: str, answered: bool, top_article: str) -> None:
        """Log one question (its first 1,000 characters); who asked it is not kept: nothing needs it."""
        row = {"asked_at": now(), "text": text[:1000], "answered": int(answered), "top_article": top_article}
        with self._pending_lock:
            if len(self._pending) < PENDING_LIMIT:
                self._pending.append(row)
            else:
                log.warning("question log full (%d rows queued): a row was dropped", PENDING_LIMIT)
        self._flush()

    def stats(self, latest: int = 5) -> QuestionStats:
        """Questions today (Asia/Shanghai) and in all, and the ``latest`` unanswered ones."""
        self._flush()
        midnight = datetime.now(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
        with self._store_lock:
            return self._connected().question_stats(midnight.astimezone(UTC).isoformat(timespec="seconds"), latest)

    def close(self) -> None:
        """Write what is still queued and close the connection."""
        with self._store_lock:
            rows, error = self._write_pending()
            if error is not None:
                log.warning("%d question-log rows not written at shutdown: %s", len(rows), error)
            if self._store is not None:
                self._store.close()
                self._store = None

    def _flush(self) -> None:
        """Write the queue, unless the database or the connection is busy."""
        if self.busy() or not self._store_lock.acquire(blocking=False):
            return
        try:
            rows, error = self._write_pending()
            if error is not None:
                log.info("question log deferred (%d rows): %s", len(rows), error)
                with self._pending_lock:
                    self._pending[:0] = rows
        finally:
            self._store_lock.release()

    def _write_pending(self) -> tuple[list[dict[str, Any]], Exception | None]:
        """Write the queued rows (the caller holds ``_store_lock``); returns them and the error, if any."""
        with self._pending_lock:
            rows, self._pending = self._pending, []
        try:
            if rows:
                self._connected().log_questions(rows)
        except (sqlite3.Error, StoreError) as error:
            return rows, error
        return rows, None

    def _connected(self) -> Store:
        """The log's connection (the caller holds ``_store_lock``)."""
        if self._store is None:
            self._store = Store(self.db_path, shared=True, timeout=LOG_WAIT)
        return self._store
