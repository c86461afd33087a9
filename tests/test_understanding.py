"""A message is understood once: its intent, its words with their alias forms, its search tokens."""

from __future__ import annotations

import pytest

from retrieval import tokenizing
from retrieval.models import Status
from retrieval.tokenizing import tokenize
from retrieval.understanding import classify, understand


@pytest.mark.parametrize(("text", "status"), [("你好", Status.GREETING), ("您好！", Status.GREETING),
                                              ("谢谢", Status.GREETING), ("hello", Status.GREETING),
                                              ("帮助", Status.HELP), ("/help", Status.HELP),
                                              ("你能做什么？", Status.HELP), ("顾亚萍是谁", None)])
def test_greetings_and_help_are_recognised(text, status):
    assert classify(text) is status


def test_a_greeting_is_not_cut_into_words(monkeypatch):
    monkeypatch.setattr(tokenizing, "cut", lambda text: pytest.fail("cut a greeting"))
    assert understand("你好").intent is Status.GREETING


def test_abbreviations_search_their_full_forms_too():
    question = understand("经开区和人社局")
    assert question.words == (("经开区", "经济技术开发区"), ("人社局", "人力社保局", "人力资源和社会保障局"))
    assert set(tokenize("经济技术开发区")) <= set(question.tokens)
    assert set(tokenize("人力社保局")) <= set(question.tokens)


def test_the_question_is_cut_into_words_once(monkeypatch):
    calls = []
    real = tokenizing.cut
    monkeypatch.setattr(tokenizing, "cut", lambda text: calls.append(text) or real(text))
    question = understand("明天天气怎么样")
    assert calls == ["明天天气怎么样"] and question.words == (("明天",), ("天气",))
    assert question.tokens == tuple(tokenize("明天天气怎么样"))


def test_greetings_run_together_are_greetings_and_anything_after_them_is_a_question():
    assert classify("谢谢你好！") is Status.GREETING and classify("好的好的") is Status.GREETING
    assert classify("谢谢你好吗") is None and classify("你好，请问今天天气怎么样") is None


def test_a_message_built_to_make_greeting_patterns_backtrack_is_read_at_once():
    # 谢谢你 + 好 or 谢谢 + 你好 at every step: a backtracking pattern needed minutes for this.
    message = "谢谢你好" * 28 + "吗x"
    assert classify(message) is None
    assert understand(message).words  # searched like any question


def test_only_the_start_of_a_very_long_message_is_read():
    question = understand("顾亚萍是谁" + "平湖" * 5000)
    assert len("".join(question.tokens)) < 2000 and question.text.startswith("顾亚萍是谁")
