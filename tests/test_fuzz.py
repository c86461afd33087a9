"""Residents type anything: every question gets a valid reply, never an exception.

A few hundred cases per run; ``python -m pytest tests/test_fuzz.py --hypothesis-profile=volume`` tries
ten thousand.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.answering import answer
from retrieval.library import Library
from testkit.botkit import message_update, telegram_html_problems
from testkit.fuzzing import questions, reply_problems

from .conftest import SEED

USER_IDS = itertools.count(500_000)


@given(text=questions())
def test_any_question_gets_a_valid_reply(searcher, text):
    assert reply_problems(searcher, text) == []


@settings(max_examples=60)  # each through the whole Application
@given(text=questions())
async def test_any_message_through_the_application_gets_one_valid_reply(bot_app, text):
    user_id = next(USER_IDS)  # a new user each time, so the rate limit never answers instead
    calls = await bot_app.send(message_update(text or "?", user_id=user_id))
    texts = [call["text"] for call in calls if "text" in call]
    assert len(texts) == 1
    assert telegram_html_problems(texts[0]) == []


@st.composite
def hostile_files(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """A file an admin might drop into the data dir by mistake: (its name's bytes, its content)."""
    stem = draw(st.one_of(st.sampled_from([b"page", b"\xd5\xfe\xb8\xae", b"a b", b"\xff\xfe", "页面".encode()]),
                          st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\x00" not in b
                                                                     and not b.startswith(b"."))))
    suffix = draw(st.sampled_from([b".txt", b".jsonl", b".TXT"]))
    text = draw(st.one_of(st.text(max_size=400), st.sampled_from(["标题\r\r本报讯 正文。\r", "标题\n\n本报讯 正文。"])))
    content = draw(st.one_of(
        st.binary(max_size=2000),
        st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]).map(lambda codec: text.encode(codec)),
        st.integers(1, 3000).map(lambda depth: b"[" * depth + b"]" * depth),
        st.integers(1, 6000).map(lambda digits: b'{"headline": "x", "text": "y", "n": ' + b"9" * digits + b"}"),
        st.just(json.dumps({"headline": "好", "text": text}, ensure_ascii=False).encode()),
    ))
    return stem + suffix, content


@pytest.fixture(scope="module")
def good_page_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    folder = tmp_path_factory.mktemp("fuzz-ingest")
    (folder / "data").mkdir()
    shutil.copy(SEED, folder / "data" / SEED.name)
    library = Library(folder / "data", folder / "news.db")
    library.refresh()
    return library


@pytest.mark.slow
@settings(max_examples=80)
@given(file=hostile_files())
def test_no_file_stops_a_run_and_the_good_page_always_answers(good_page_library, file):
    name, content = file
    path = os.path.join(os.fsencode(good_page_library.data_dir), name)
    with open(path, "wb") as handle:
        handle.write(content)
    try:
        report, searcher = good_page_library.refresh()
    finally:
        os.remove(path)
    assert {f.status for f in report.files} <= {"new", "changed", "unchanged", "failed", "removed"}
    assert all(f.reason for f in report.files if f.status == "failed")
    top = answer(searcher, "顾亚萍是谁").passages[0]
    assert top.paragraph.headline == "时空廉书寄初心 结对帮带续薪火"
