"""A hundred questions in flight while a reload swaps the index: no errors, no answer mixing corpora."""

from __future__ import annotations

import asyncio
import html
import re
import threading

from bot import formatting
from testkit.botkit import message_update, telegram_html_problems
from testkit.questions import RESIDENT_QUESTIONS

from .conftest import ADMIN

MARK = "（新）"


def passages(reply: str) -> list[str]:
    """The passage bodies of a reply, tags removed."""
    blocks = html.unescape(re.sub(r"</?[a-z]+>", "", reply)).split("\n\n")
    return [block.splitlines()[-1] for block in blocks if len(block.splitlines()) >= 2]


async def test_hundred_questions_during_a_reload_get_whole_answers_from_one_corpus(bot_app, data_dir, seed_text,
                                                                                   monkeypatch):
    from retrieval import library as library_module

    gate = threading.Event()
    real_ingest = library_module.ingest
    monkeypatch.setattr(library_module, "ingest", lambda *a, **k: gate.wait(30) and real_ingest(*a, **k))
    # The new corpus: the same page with a mark in every sentence, so each passage shows its corpus.
    (data_dir / "000_e4a181130212ea15.txt").write_text(seed_text.replace("。", MARK + "。"), encoding="utf-8")

    questions = [RESIDENT_QUESTIONS[i % len(RESIDENT_QUESTIONS)][0] for i in range(100)]
    reload = asyncio.create_task(bot_app.send(message_update("/reload", ADMIN)))
    asked = [asyncio.create_task(bot_app.send(message_update(q, user_id=7000 + i))) for i, q in enumerate(questions)]
    await asyncio.wait(asked, return_when=asyncio.FIRST_COMPLETED)
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
