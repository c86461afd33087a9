"""A message is understood once: its intent, its words with their alias forms, its search tokens."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval import tokenizing, understanding
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
    assert len(calls) == 1 and question.words == (("天气",),)  # 明天 is when, not what
    assert question.tokens == tuple(tokenize("明天天气怎么样"))
    assert question.dates is not None and not question.dates.explicit


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


TODAY = date(2026, 1, 5)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("昨天市委开了什么会", "2026-01-04", "2026-01-04"),
    ("12月18日的市委常委会", "2025-12-18", "2025-12-18"),  # the last 12月18日, never one still to come
    ("2024年平湖GDP", "2024-01-01", "2024-12-31"),
    ("上个月的项目", "2025-12-01", "2025-12-31"),
    ("本周的会议", "2026-01-05", "2026-01-11"),
    ("去年的产值有多少", "2025-01-01", "2025-12-31"),
    ("7月的常委会", "2025-07-01", "2025-07-31"),
])
def test_dates_in_a_question_are_days_counted_from_today(text, start, end):
    dates = understand(text, TODAY).dates
    assert (dates.start, dates.end) == (start, end)


def test_named_days_are_explicit_and_only_insists_on_them():
    assert understand("12月18日的市委常委会", TODAY).dates.explicit
    assert not understand("昨天市委开了什么会", TODAY).dates.explicit
    assert understand("只看12月18日的报道", TODAY).dates.insist
    assert understand("平湖经开区和谁签了协议", TODAY).dates is None


def test_date_words_are_not_searched_as_content():
    assert understand("昨天市委开了什么会", TODAY).words == (("市委",), ("开",))
    assert understand("2024年平湖GDP", TODAY).words == (("平湖",), ("gdp",))


@pytest.mark.parametrize(("text", "kind"), [
    ("项目总投资多少钱", "money"), ("高铁多快", "speed"), ("基地占地多大", "area"), ("展览持续几天", "duration"),
    ("大桥什么时候正式通车", "date"), ("有多少人参加", "count"), ("新馆在哪里", "place"),
    ("哪家公司中标", "organization"), ("会议是谁主持的", "person"), ("西瓜灯节是几号到几号", "date"),
    ("刻瓜人年纪最大的多少岁", "count"), ("增速是多少", "percent"), ("几点开门", "clock"),
])
def test_the_asking_phrase_gives_the_expected_answer_type(text, kind):
    assert understand(text, TODAY).answer_type == kind


@pytest.mark.parametrize(("text", "words"), [
    ("展览持续几天", (("展览",), ("持续",))),
    ("项目总投资多少钱", (("项目",), ("总",), ("投资",))),
    ("刻瓜人年纪最大的多少岁", (("刻瓜人",), ("年纪",), ("最大",))),
    ("西瓜灯节是几号到几号", (("西瓜",), ("灯节",))),
])
def test_asking_phrases_are_not_searched_as_content(text, words):
    assert understand(text, TODAY).words == words


def test_the_word_asked_about_is_the_event_after_when_or_the_word_before_how_much():
    assert understand("大桥什么时候正式通车", TODAY).focus == ("通车",)
    assert understand("去年的产值有多少", TODAY).focus == ("产值",)
    assert understand("哪家公司中标", TODAY).category == ("公司",)
    assert understand("六方合作里平湖打造了什么", TODAY).focus == ("打造",)  # what was 打造'd


def test_traditional_characters_are_read_as_simplified():
    assert understand("市委常委會開了什麼會", TODAY).words == understand("市委常委会开了什么会", TODAY).words


def test_who_wrote_asks_for_the_byline():
    question = understand("地企携手聚力那篇是谁写的", TODAY)
    assert question.byline and question.words == (("企",), ("携手",), ("聚力",))


def test_an_abbreviation_with_its_level_brings_its_full_forms():
    assert understand("市政协开了什么会", TODAY).words[0] == ("市政协", "政治协商会议")
    assert understand("两会什么时候开", TODAY).words[0] == ("两会", "人民代表大会", "政治协商会议")


@pytest.mark.parametrize("text", ["最近有什么新闻", "今天的报纸", "昨天有什么新闻？", "头条", "有什么新鲜事吗",
                                  "12月18日有什么新闻", "今天平湖有什么新闻", "最新消息"])
def test_asking_what_is_in_the_paper_is_the_news_intent_with_its_day(text):
    assert understand(text, TODAY).intent is Status.NEWS


def test_the_news_intent_carries_the_day_asked_for_and_topics_stay_searches():
    assert understand("昨天有什么新闻", TODAY).dates.start == "2026-01-04"
    assert understand("最近有什么新闻", TODAY).dates is None
    assert understand("新仓镇有什么新闻", TODAY).intent is None
    assert understand("今天天气怎么样", TODAY).intent is None


def _aliases_by_a_pass_over_the_table(word: str) -> tuple[str, ...]:
    """The plain definition ``_with_aliases`` answers by lookups: every group holding a form that is
    the word (or it without its level: 市政协) or, of three characters or more, in it."""
    bare = word[1:] if len(word) == 3 and word[0] in understanding._LEVELS else word
    return tuple(dict.fromkeys([word] + [other for group in understanding.alias_groups() for member in group
                                         if member in (word, bare) or (len(member) > 2 and member in word)
                                         for other in group if other != member]))


_FORMS = sorted({form for group in understanding.alias_groups() for form in group})


@given(st.lists(st.sampled_from([*_FORMS, "市", "县", "平湖", "会议", "召开"]), min_size=1, max_size=3))
def test_a_words_alias_forms_are_those_a_pass_over_the_alias_table_finds(pieces):
    word = "".join(pieces)
    assert understanding._with_aliases(word) == _aliases_by_a_pass_over_the_table(word)
