"""The corpus on disk — the data dir, the SQLite store and the kept index — and the one way to bring a
searcher up to date with it: ``refresh``, which ``newsbot ingest``, the bot's /reload and uploads,
and the benchmarks all call.

>>> library = Library("data", "data/news.db")  # doctest: +SKIP
>>> searcher = library.open()  # doctest: +SKIP
>>> report, searcher = library.refresh(searcher)  # doctest: +SKIP

This is also the seam for a corpus that outgrows one machine (a province's papers): a search
service such as OpenSearch or Elasticsearch, with a jieba or IK analyzer, would take the place of
the kept index here, behind the same ``open`` and ``refresh``.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from . import keeping, tokenizing
from .errors import EmptyCorpus, StoreError
from .fields import Fields, FieldsMismatch
from .indexing import Rows, build, document, extend
from .ingesting import IngestReport, ingest, tokenize_missing
from .models import Paragraph
from .paragraphs import StoredParagraphs
from .searching import K1, B, Searcher
from .store import Store

log = logging.getLogger(__name__)


class Library:
    """A data dir and the store (and kept index) built from it.

    ``refresh`` ingests, then serves the result the cheapest way that is exact: the searcher in
    service extended by the files that were added, or the kept index of the new state, or an
    index built from the stored tokens (and kept for the next start).
    """

    def __init__(self, data_dir: str | Path, db_path: str | Path, k1: float = K1, b: float = B) -> None:
        self.data_dir, self.db_path, self.k1, self.b = Path(data_dir), Path(db_path), k1, b
        self.fielding: threading.Thread | None = None  # building the fields of the last extended searcher

    def open(self, progress: Callable[[int, int], None] | None = None) -> tuple[IngestReport | None, Searcher]:
        """A searcher over the store; an empty (or missing) store is filled from the data dir first,
        and that ingest's report is returned with it. Raises EmptyCorpus if there is still nothing."""
        with Store(self.db_path) as store:
            empty = store.counts()["paragraphs"] == 0
        report = ingest([self.data_dir], self.db_path, progress=progress) if empty else None
        return report, self.load()

    def refresh(self, serving: Searcher | None = None, paths: Sequence[str | Path] | None = None,
                progress: Callable[[int, int], None] | None = None) -> tuple[IngestReport, Searcher | None]:
        """Ingest ``paths`` (default: the data dir) and return the report with the searcher to serve
        (None when the store holds nothing).

        ``serving`` is extended when the run only added files to the very state it serves (a day's
        pages); otherwise (files changed or removed, or the store changed meanwhile by another
        ingest) the new state is loaded whole.
        """
        before = self.state()
        report = ingest(paths or [self.data_dir], self.db_path, progress=progress)
        added = [file.source_path for file in report.files if file.status == "new"]
        if (serving is None or serving.state != before or not isinstance(serving.paragraphs, StoredParagraphs)
                or any(file.status in ("changed", "removed") for file in report.files)):
            try:
                return report, self.load()
            except EmptyCorpus:
                return report, None
        if not added:
            return report, serving
        return report, self._extend(serving, serving.paragraphs.rows, added)

    def state(self) -> str:
        """The name of what the store holds now (see Store.state)."""
        with Store(self.db_path) as store:
            return store.state()

    def load(self) -> Searcher:
        """A searcher over everything in the store: the kept index of its state, or one built and kept."""
        with Store(self.db_path) as store:
            with store.snapshot():
                state = store.state()
            kept = keeping.read(self._folder(state), self.k1, self.b)
            if kept is not None:
                index, rows = kept
            else:
                version = tokenizing.version()
                tokenize_missing(store, version)  # texts this tokenizer version has not seen (an upgrade)
                with store.snapshot():
                    state = store.state()
                    if not store.counts()["paragraphs"]:
                        raise EmptyCorpus("the corpus has no paragraphs; ingest some pages first")
                    index, rows = build(store.index_rows(version), self.k1, self.b)
                index = keeping.keep(index, rows, self._folder(state))
            fields = keeping.read_fields(self._folder(state), len(rows))
            if fields is None:
                fields = self._fields(store, rows, state)
        return Searcher(index, StoredParagraphs(self.db_path, rows, state, fields), state=state)

    def in_memory(self) -> tuple[list[Paragraph], list[list[str]]]:
        """Every paragraph and its index tokens, in index order, in memory (tests and evaluations)."""
        with Store(self.db_path) as store:
            version = tokenizing.version()
            tokenize_missing(store, version)
            with store.snapshot():
                rows = list(store.paragraphs_with_tokens(version))
        return [p for p, _, _ in rows], [document(tokens, head) for _, tokens, head in rows]

    def _extend(self, serving: Searcher, rows: Rows, source_paths: Sequence[str]) -> Searcher:
        """``serving`` with the paragraphs of newly added source files appended: no full rebuild.

        The new paragraphs follow the old ones; scores equal rank_bm25's on that order. The new
        state is kept on disk like any other, so the next start loads it.
        """
        version = tokenizing.version()
        with Store(self.db_path) as store, store.snapshot():
            state = store.state()
            added = [row for path in source_paths for row in store.index_rows(version, source_path=path)]
        index, rows = extend(serving.index, rows, added)
        index = keeping.keep(index, rows, self._folder(state))
        paragraphs = StoredParagraphs(self.db_path, rows, state)
        # Reading every paragraph again takes seconds at a million: the new searcher serves at once,
        # from the store, and from its fields once a thread has built them.
        self.fielding = threading.Thread(target=self._add_fields, args=(paragraphs,), name="fields", daemon=True)
        self.fielding.start()
        return Searcher(index, paragraphs, state=state)

    def _add_fields(self, paragraphs: StoredParagraphs) -> None:
        """Build and keep the fields of an extended searcher's state, and hand them to its paragraphs."""
        try:
            if not self.db_path.exists():  # removed meanwhile: Store() would make an empty one
                return
            with Store(self.db_path) as store:
                paragraphs.fields = self._fields(store, paragraphs.rows, paragraphs.state)
        except (StoreError, sqlite3.Error, OSError) as error:  # the store still serves every question
            log.warning("the fields of state %s were not built: %s", paragraphs.state, error)

    def _fields(self, store: Store, rows: Rows, state: str) -> Fields | None:
        """The fields of the documents ``rows`` of ``state``, built from the store and kept; None if
        the store has moved on from that state (its searcher is about to be replaced)."""
        with store.snapshot():
            if store.state() != state:
                return None
            try:
                fields = Fields.build(rows.ids, store.paragraph_rows(), store.article_rows())
            except FieldsMismatch as error:
                log.warning("the fields of state %s were not built: %s", state, error)
                return None
        keeping.keep_fields(fields, self._folder(state))
        return fields

    def _folder(self, state: str) -> Path:
        return keeping.folder_for(self.db_path, state, self.k1, self.b)
