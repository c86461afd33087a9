"""The bot's state outside Telegram: the searcher it answers from, its reloads, the question log,
per-user rate limits and the result pages behind the 更多结果 button. Synchronous; handlers call
the slow parts through ``asyncio.to_thread``."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from retrieval.answering import answer
from retrieval.errors import BadInput, EmptyCorpus, StoreError
from retrieval.ingesting import SUFFIXES, IngestReport, decode, ingest, ingest_if_empty, parse_file
from retrieval.models import Answer, Hit
from retrieval.searching import Searcher, corpus_fingerprint, extend_searcher, load_searcher
from retrieval.store import Store, now

from .settings import Settings

LOCAL = ZoneInfo("Asia/Shanghai")  # "today" for /stats is the residents' day
LOG_WAIT = 0.2  # seconds a question-log write waits for a reload's transaction before deferring
PENDING_LIMIT = 10_000  # question-log rows kept in memory while the database is busy
FORGET_FROM = 10_000  # users the rate limiter tracks before it drops the idle ones

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Stats:
    """What /stats shows."""

    articles: int
    paragraphs: int
    loaded_at: str | None
    today: int
    total: int
    unanswered: int
    missed: tuple[str, ...]


class Corpus:
    """The searcher in service, replaced whole by a reload: a search in progress keeps the one it started on."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._serving: tuple[Searcher | None, int] = (None, 0)
        self.loaded_at: str | None = None
        self._reload_lock = threading.Lock()
        self._store_lock = threading.Lock()  # the question-log connection, one thread at a time
        self._pending_lock = threading.Lock()
        self._log_store: Store | None = None
        self._pending: list[dict] = []
        self._salt = ""

    # -- loading ------------------------------------------------------------------------
    def load(self) -> IngestReport | None:
        """Serve what the database holds; fill an empty database from the data dir first."""
        report = ingest_if_empty(self.settings.newsbot_data_dir, self.settings.newsbot_db_path)
        try:
            self.serve(load_searcher(self.settings.newsbot_db_path))
        except EmptyCorpus:  # start anyway: an admin can upload the first page
            log.warning("no articles in %s yet; serving nothing until a reload", self.settings.newsbot_data_dir)
        return report

    def reload(self) -> IngestReport:
        """Re-ingest the data dir and swap the new index in; raises ReloadBusy if one is running.

        Any failure leaves the searcher in service untouched.
        """
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadBusy("a reload is already running")
        try:
            before = corpus_fingerprint(self.settings.newsbot_db_path)
            report = ingest([self.settings.newsbot_data_dir], self.settings.newsbot_db_path)
            self.serve(self._next_searcher(report, before))
            return report
        finally:
            self._reload_lock.release()

    def _next_searcher(self, report: IngestReport, before: str) -> Searcher:
        """The searcher after an ingest: the one in service extended when files were only added
        (a day's pages) to the very corpus it serves, else one loaded afresh (the store may also
        have been changed meanwhile by `newsbot ingest` in a shell)."""
        current = self.searcher
        added = [f.source_path for f in report.files if f.status == "new"]
        if (current is None or current.fingerprint != before
                or any(f.status in ("changed", "removed") for f in report.files)):
            return load_searcher(self.settings.newsbot_db_path)
        if not added:
            return current
        return extend_searcher(current, self.settings.newsbot_db_path, added)

    @property
    def reloading(self) -> bool:
        return self._reload_lock.locked()

    def serve(self, searcher: Searcher) -> None:
        """Put ``searcher`` in service (called off the event loop: its corpus facts are computed here)."""
        searcher.latest(1), searcher.kinds, searcher.article_count
        # One reference assignment: a reader sees the old pair or the new pair, whole.
        self._serving = (searcher, self._serving[1] + 1)
        self.loaded_at = datetime.now(LOCAL).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def searcher(self) -> Searcher | None:
        return self._serving[0]

    @property
    def generation(self) -> int:
        return self._serving[1]

    # -- questions ----------------------------------------------------------------------
    def ask(self, question: str, user_id: int | None) -> tuple[Answer, int]:
        """Answer on the searcher in service, with that searcher's generation; log the question."""
        searcher, generation = self._serving
        if searcher is None:
            raise CorpusNotReady("no corpus is in service yet")
        result = answer(searcher, question)
        if result.status in ("answered", "none"):
            top = result.passages[0].paragraph.article_id if result.passages else ""
            self._log({"asked_at": now(), "user_id": user_id, "text": question[:1000],
                       "answered": int(result.answered), "top_article": top})
        return result, generation

    def _log(self, row: dict | None = None) -> None:
        """Queue a question-log row and write the queue unless the database is busy.

        A resident's answer never waits for, or fails on, the log: while a reload holds the
        database, or another thread is writing, rows stay queued for the next write.
        """
        if row is not None:
            with self._pending_lock:
                if len(self._pending) < PENDING_LIMIT:
                    self._pending.append(row)
                else:
                    log.warning("question log full (%d rows queued): a row was dropped", PENDING_LIMIT)
        if self.reloading or not self._store_lock.acquire(blocking=False):
            return
        try:
            rows, error = self._write_pending()
            if error is not None:
                log.info("question log deferred (%d rows): %s", len(rows), error)
                with self._pending_lock:
                    self._pending[:0] = rows
        finally:
            self._store_lock.release()

    def _write_pending(self) -> tuple[list[dict], Exception | None]:
        """Write the queued rows (the caller holds ``_store_lock``); returns them and the error, if any."""
        with self._pending_lock:
            rows, self._pending = self._pending, []
        try:
            if rows:
                self._store().log_questions([self._hashed(r) for r in rows])
        except (sqlite3.Error, StoreError) as error:
            return rows, error
        return rows, None

    def _hashed(self, row: dict) -> dict:
        """The row with a salted hash of the user id in place of the id: the log holds no identities."""
        digest = hashlib.sha256(f"{self._salt}:{row['user_id']}".encode()).hexdigest()[:16]
        return {k: v for k, v in row.items() if k != "user_id"} | {"user_hash": digest}

    def stats(self, latest: int = 5) -> Stats:
        self._log()
        midnight = datetime.now(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)
        with self._store_lock:
            store = self._store()
            questions = store.question_stats(midnight.astimezone(UTC).isoformat(timespec="seconds"), latest)
        searcher = self.searcher
        articles = searcher.article_count if searcher else 0
        return Stats(articles=articles, paragraphs=len(searcher) if searcher else 0, loaded_at=self.loaded_at,
                     today=questions["today"], total=questions["total"], unanswered=questions["unanswered"],
                     missed=tuple(questions["missed"]))

    def _store(self) -> Store:
        """The question-log connection with its per-database salt (the caller holds ``_store_lock``)."""
        if self._log_store is None:
            store = Store(self.settings.newsbot_db_path, shared=True, timeout=LOG_WAIT)
            try:
                salt = store.get_meta("user_salt")
                if not salt:
                    salt = secrets.token_hex(16)
                    store.set_meta("user_salt", salt)
            except BaseException:
                store.close()
                raise
            self._salt, self._log_store = salt, store
        return self._log_store

    def close(self) -> None:
        """Write what the question log still queues and close its connection."""
        with self._store_lock:
            rows, error = self._write_pending()
            if error is not None:
                log.warning("%d question-log rows not written at shutdown: %s", len(rows), error)
            if self._log_store is not None:
                self._log_store.close()
                self._log_store = None


class ReloadBusy(Exception):
    """A reload was asked for while another one runs."""


class CorpusNotReady(Exception):
    """A question arrived while no corpus is in service (none loaded yet, or the data dir is empty)."""


class RateLimiter:
    """At most ``limit`` events per user in any ``window`` seconds (a sliding window).

    >>> limiter = RateLimiter(2, 60.0)
    >>> [limiter.allow(7, now=t) for t in (0.0, 1.0, 2.0, 61.5)]
    [True, True, False, True]
    """

    def __init__(self, limit: int, window: float = 60.0) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be ≥ 1 and window > 0")
        self.limit, self.window = limit, window
        self._events: dict[int, deque[float]] = {}

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if len(self._events) > FORGET_FROM:  # forget users with nothing in the window, now and then
            self._events = {u: e for u, e in self._events.items() if e and e[-1] > now - self.window}
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return False
        events.append(now)
        return True


class ResultPages:
    """Further passages behind a 更多结果 button, kept for the latest ``capacity`` answers.

    >>> pages = ResultPages(capacity=1)
    >>> key = pages.put(("a", "b"), generation=1)
    >>> pages.get(key, generation=1), pages.get("nope", generation=1), pages.get(key, generation=2)
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


class UploadRefused(Exception):
    """An uploaded file is not a page file the bot accepts; the message says why, in Chinese."""


_SAFE_NAME = re.compile(r"^[\w\u3400-\u9fff][\w\u3400-\u9fff.\-]{0,99}$")


def check_upload(name: str | None, size: int | None, max_bytes: int) -> str:
    """The file name to save an upload under; raises UploadRefused for a bad name, type or size.

    Checked before anything is downloaded; the content is checked by ``check_content``.
    """
    if not name or "/" in name or "\\" in name or name.startswith(".") or not _SAFE_NAME.match(name):
        raise UploadRefused("文件名不合规（只能用字母、数字、汉字、点和连字符，不能以点开头）")
    if Path(name).suffix.lower() not in SUFFIXES:
        raise UploadRefused("只接受 .txt 或 .jsonl 文件")
    if size is None or size > max_bytes:
        raise UploadRefused(f"文件太大（上限 {max_bytes // 1024} KB）")
    return name


def check_content(name: str, content: bytes) -> None:
    """Refuse an upload that could not be ingested (empty, binary, undecodable, no articles) before saving it."""
    try:
        text, _ = decode(content)
        articles, _ = parse_file(text, name)
    except BadInput as error:
        raise UploadRefused(str(error)) from error
    if not articles:
        raise UploadRefused("no articles found")


def save_upload(data_dir: Path, name: str, content: bytes) -> tuple[Path, bool]:
    """Save an uploaded page under ``name`` in the data dir; returns (path, whether it is new content).

    The same content already under that name is not written twice; different content under
    a taken name gets the next free name (page-2.txt) instead of overwriting it. The file is
    written under a hidden name (ingest skips those) and linked into place whole, so neither a
    concurrent upload nor a running reload sees it half-written.
    """
    partial = data_dir / f".upload-{secrets.token_hex(8)}"
    partial.write_bytes(content)
    try:
        stem, suffix = Path(name).stem, Path(name).suffix
        for number in range(1, 1000):
            target = data_dir / (name if number == 1 else f"{stem}-{number}{suffix}")
            try:
                os.link(partial, target)  # fails if the name is taken, atomically
                return target, True
            except FileExistsError:
                if target.read_bytes() == content:
                    return target, False
        raise UploadRefused("同名文件太多")
    finally:
        partial.unlink(missing_ok=True)
