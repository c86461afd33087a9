"""The news service the bot runs: the searcher in use, replaced whole by a reload, and the questions
asked of it. Synchronous; handlers call the slow parts through ``asyncio.to_thread``."""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from retrieval.answering import answer
from retrieval.errors import EmptyCorpus
from retrieval.ingesting import IngestReport
from retrieval.library import Library
from retrieval.models import Answer, Paragraph, Status
from retrieval.searching import Searcher

from .questionlog import LOCAL, QuestionLog

log = logging.getLogger(__name__)


class ReloadBusy(Exception):
    """A reload was asked for while another one runs."""


class CorpusNotReady(Exception):
    """A question arrived while no corpus is in service (none loaded yet, or the data dir is empty)."""


class NewsService:
    """The searcher in service: a question in progress keeps the one it started on, and a reload
    swaps a whole new one in, so no answer ever mixes two corpora."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._serving: tuple[Searcher | None, int] = (None, 0)
        self.loaded_at: str | None = None
        self._reload_lock = threading.Lock()
        self.questions = QuestionLog(library.db_path, busy=self._reload_lock.locked)

    def load(self) -> IngestReport | None:
        """Serve what the database holds; fill an empty database from the data dir first."""
        try:
            report, searcher = self.library.open()
        except EmptyCorpus:  # start anyway: an admin can upload the first page
            log.warning("no articles in %s yet; serving nothing until a reload", self.library.data_dir)
            return None
        self.serve(searcher)
        return report

    def reload(self) -> IngestReport:
        """Re-ingest the data dir and swap the new searcher in; raises ReloadBusy if one is running.

        Any failure leaves the searcher in service untouched.
        """
        if not self._reload_lock.acquire(blocking=False):
            raise ReloadBusy("a reload is already running")
        try:
            report, searcher = self.library.refresh(self.searcher)
            if searcher is None:
                raise EmptyCorpus("no file in the data dir holds an article")
            self.serve(searcher)
            return report
        finally:
            self._reload_lock.release()

    @property
    def reloading(self) -> bool:
        return self._reload_lock.locked()

    def serve(self, searcher: Searcher) -> None:
        """Put ``searcher`` in service (called off the event loop: its corpus facts are read here)."""
        searcher.facts  # noqa: B018 - read now, not on the event loop by the first /latest
        searcher.paragraphs.days()  # and the papers' days, not by the first 最近有什么新闻
        # One reference assignment: a reader sees the old pair or the new pair, whole.
        self._serving = (searcher, self._serving[1] + 1)
        self.loaded_at = datetime.now(LOCAL).strftime("%Y-%m-%d %H:%M:%S")

    @property
    def searcher(self) -> Searcher | None:
        return self._serving[0]

    @property
    def generation(self) -> int:
        return self._serving[1]

    def ask(self, text: str) -> tuple[Answer, int]:
        """Answer on the searcher in service, with that searcher's generation; log the question."""
        searcher, generation = self._serving
        if searcher is None:
            raise CorpusNotReady("no corpus is in service yet")
        result = answer(searcher, text)
        if result.status in (Status.ANSWERED, Status.RELATED, Status.NONE):
            top = result.passages[0].paragraph.article_id if result.passages else ""
            self.questions.record(text, result.answered, top)
        return result, generation

    def article_of(self, paragraph_id: int) -> tuple[Paragraph, ...]:
        """The whole article holding a paragraph, from the searcher in service (none if it is gone)."""
        searcher = self.searcher
        return searcher.paragraphs.article_of(paragraph_id) if searcher is not None else ()

    def close(self) -> None:
        self.questions.close()
