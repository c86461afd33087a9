"""Residents type anything: every question gets a valid reply, never an exception.

A few hundred cases per run; ``python -m pytest tests/test_fuzz.py --hypothesis-profile=volume`` tries
ten thousand.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings

from testkit.botkit import message_update, telegram_html_problems
from testkit.fuzzing import questions, reply_problems

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
