"""Residents type anything: every question gets a valid reply, never an exception."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings

from .botkit import message_update, telegram_html_problems
from .fuzzing import questions, reply_problems

USER_IDS = itertools.count(500_000)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=questions())
def test_any_question_gets_a_valid_reply(searcher, text):
    assert reply_problems(searcher, text) == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=questions())
async def test_any_message_through_the_application_gets_one_valid_reply(bot_app, text):
    user_id = next(USER_IDS)  # a new user each time, so the rate limit never answers instead
    calls = await bot_app.send(message_update(text or "?", user_id=user_id))
    texts = [call["text"] for call in calls if "text" in call]
    assert len(texts) == 1
    assert telegram_html_problems(texts[0]) == []
