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
        result, _ = service.ask("顾亚萍是谁", 1)
        assert result.answered and time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    service.ask("比特币价格", 2)  # the next write takes the queued row along
    stats = service.questions.stats()
    service.close()
    assert (stats.total, stats.unanswered, stats.missed) == (2, 1, ("比特币价格",))


def test_rows_wait_while_busy_and_are_written_at_close(db_path):
    busy = [True]
    log = QuestionLog(db_path, busy=lambda: busy[0])
    log.record("问一", True, "a", 7)
    assert not db_path.exists() or not sqlite3.connect(db_path).execute(
        "SELECT name FROM sqlite_master WHERE name = 'questions'").fetchall()
    log.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT text, answered, top_article FROM questions").fetchall() == [("问一", 1, "a")]


def test_the_log_holds_a_salted_hash_of_the_user_never_the_id(db_path):
    log = QuestionLog(db_path)
    log.record("问一", False, "", 1001)
    log.record("问二", False, "", 1001)
    log.close()
    with sqlite3.connect(db_path) as conn:
        hashes = [row[0] for row in conn.execute("SELECT user_hash FROM questions")]
    assert len(set(hashes)) == 1 and "1001" not in hashes[0] and len(hashes[0]) == 16
