"""A hundred questions in flight while a reload swaps the index: no errors, no answer mixing corpora."""

from __future__ import annotations

import asyncio
import html
import re
import threading
import time

from bot import formatting

from .botkit import message_update, telegram_html_problems
from .conftest import ADMIN
from .test_retrieval import RESIDENT_QUESTIONS

MARK = "（新）"


def passages(reply: str) -> list[str]:
    """The passage bodies of a reply, tags removed."""
    blocks = html.unescape(re.sub(r"</?[a-z]+>", "", reply)).split("\n\n")
    return [block.splitlines()[-1] for block in blocks if len(block.splitlines()) >= 2]


async def test_hundred_questions_during_a_reload_get_whole_answers_from_one_corpus(bot_app, data_dir, seed_text,
                                                                                   monkeypatch):
    from bot import corpus as corpus_module

    gate = threading.Event()
    real_ingest = corpus_module.ingest
    monkeypatch.setattr(corpus_module, "ingest", lambda *a, **k: gate.wait(30) and real_ingest(*a, **k))
    # The new corpus: the same page with a mark in every sentence, so each passage shows its corpus.
    (data_dir / "000_e4a181130212ea15.txt").write_text(seed_text.replace("。", MARK + "。"), encoding="utf-8")

    questions = [RESIDENT_QUESTIONS[i % len(RESIDENT_QUESTIONS)][0] for i in range(100)]
    reload = asyncio.create_task(bot_app.send(message_update("/reload", ADMIN)))
    asked = [asyncio.create_task(bot_app.send(message_update(q, user_id=7000 + i))) for i, q in enumerate(questions)]
    done, pending = await asyncio.wait(asked, return_when=asyncio.FIRST_COMPLETED)
    await asyncio.sleep(0.05)
    gate.set()  # the swap happens while questions are still in flight
    report = await reload
    replies = await asyncio.gather(*asked)

    assert report[0]["text"].startswith("文件：新增 0，更新 1")
    sides = []
    for calls in replies:
        texts = [call["text"] for call in calls]
        assert len(texts) == 1 and texts[0] != formatting.ERROR and telegram_html_problems(texts[0]) == []
        marks = {MARK in body for body in passages(texts[0])}
        assert len(marks) == 1, texts[0]  # wholly old or wholly new
        sides.append(marks.pop())
    assert sides.count(False) >= 1 and len(sides) == 100
    after = await bot_app.send(message_update(questions[0], user_id=9999))
    assert all(MARK in body for body in passages(after[0]["text"]))


def test_question_log_waits_while_the_database_is_locked_and_loses_nothing(data_dir, db_path):
    import sqlite3

    from bot.corpus import Corpus
    from bot.settings import Settings

    corpus = Corpus(Settings(newsbot_data_dir=data_dir, newsbot_db_path=db_path, _env_file=None))
    corpus.load()
    writer = sqlite3.connect(db_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as an ingest holds it
    try:
        started = time.monotonic()
        result, _ = corpus.ask("顾亚萍是谁", 1)
        assert result.answered and time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    corpus.ask("比特币价格", 2)  # the next write takes the queued row along
    stats = corpus.stats()
    corpus.close()
    assert (stats.total, stats.unanswered, stats.missed) == (2, 1, ("比特币价格",))
