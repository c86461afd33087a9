"""The question log: never in an answer's way, never losing a row, never holding an identity."""

from __future__ import annotations

import sqlite3
import time

from bot.questionlog import QuestionLog
from bot.service import NewsService


def test_question_log_waits_while_the_database_is_locked_and_loses_nothing(library, db_path):
    service = NewsService(library)
    service.load()
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as an ingest holds it
    try:
        started = time.monotonic()
        result, _ = service.ask("顾亚萍是谁")
        assert result.answered and time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    service.ask("比特币价格")  # the next write takes the queued row along
    stats = service.questions.stats()
    service.close()
    assert (stats.total, stats.unanswered, stats.missed) == (2, 1, ("比特币价格",))


def test_rows_wait_while_busy_and_are_written_at_close(db_path):
    log = QuestionLog(db_path, busy=lambda: True)
    log.record("问一", True, "a")
    assert not db_path.exists() or not sqlite3.connect(db_path).execute(
        "SELECT name FROM sqlite_master WHERE name = 'questions'").fetchall()
    log.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT text, answered, top_article FROM questions").fetchall() == [("问一", 1, "a")]


def test_the_log_keeps_no_trace_of_who_asked(db_path):
    log = QuestionLog(db_path)
    log.record("问一", False, "")
    log.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT user_hash FROM questions").fetchall() == [(None,)]
        assert conn.execute("SELECT key FROM meta").fetchall() == [("store_id",)]


def test_hashes_an_earlier_version_kept_are_wiped_with_their_salt(db_path):
    from retrieval.store import Store

    with Store(db_path) as store:
        store.set_meta("user_salt", "0123")
        store.log_questions([{"asked_at": "t", "user_hash": "5f1e", "text": "问", "answered": 1, "top_article": ""}])
    with Store(db_path) as store:
        assert store.get_meta("user_salt") is None
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT user_hash, text FROM questions").fetchall() == [("", "问")]
