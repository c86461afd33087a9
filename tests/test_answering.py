"""The answer policy on the seed page: the right article first, honest no-answers, passages and sentences."""

from __future__ import annotations

import pytest

from retrieval.answering import answer, judge, split_sentences, word_weights
from retrieval.models import Hit, Paragraph, Status
from retrieval.searching import Searcher
from retrieval.understanding import understand
from testkit.questions import OFF_TOPIC, RESIDENT_QUESTIONS


@pytest.mark.parametrize(("question", "headline"), RESIDENT_QUESTIONS)
def test_resident_question_gets_its_article_first(searcher, question, headline):
    result = answer(searcher, question)
    assert result.status is Status.ANSWERED
    assert result.passages[0].paragraph.headline == headline


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_question_gets_no_answer(searcher, question):
    result = answer(searcher, question)
    assert (result.status, result.passages) == (Status.NONE, ())


@pytest.mark.parametrize(("text", "status"), [("你好", Status.GREETING), ("您好！", Status.GREETING),
                                              ("谢谢", Status.GREETING), ("hello", Status.GREETING),
                                              ("帮助", Status.HELP), ("/help", Status.HELP),
                                              ("你能做什么？", Status.HELP)])
def test_greetings_and_help_are_not_searches(searcher, monkeypatch, text, status):
    monkeypatch.setattr(Searcher, "search", lambda *a, **k: pytest.fail("searched a greeting"))
    assert answer(searcher, text).status is status


@pytest.mark.parametrize("text", ["？？？", "   ", "!!!", "的了吗"])
def test_nothing_searchable_is_empty_not_an_error(searcher, text):
    assert answer(searcher, text).status is Status.EMPTY


def test_adverts_are_never_answers(searcher):
    for question in ("嘉兴市交通学校招生热线", "驾培电话多少", "吾悦广场南交通学校地址"):
        assert all(hit.paragraph.kind != "advert" for hit in answer(searcher, question, pool=50).hits)


def test_answer_holds_at_most_three_passages_from_different_articles(searcher):
    result = answer(searcher, "平湖产业人才和职业教育")
    assert result.status is Status.ANSWERED
    ids = [hit.paragraph.article_id for hit in result.passages + result.more]
    assert 1 <= len(result.passages) <= 3 and len(ids) == len(set(ids))


def test_passage_carries_its_best_sentence_and_the_question_terms_it_holds(searcher):
    top = answer(searcher, "平湖经开区和谁签了战略合作协议?").passages[0]
    assert top.sentence.startswith("本报讯 日前,平湖经济技术开发区与嘉兴长三角创新投资集团有限公司签订了"
                                   "《战略合作协议》")
    assert {"平湖", "战略", "合作", "协议", "经济技术开发区"} <= set(top.terms)
    assert top.coverage == 1.0


def test_weather_questions_answer_from_the_weather_item(searcher):
    for question in ("明天天气怎么样", "今天最高气温多少度", "明天早晨最低气温"):
        assert answer(searcher, question).passages[0].paragraph.kind == "weather", question
    top = answer(searcher, "今天最高气温多少度").passages[0]
    assert top.sentence == "今天白天最高气温17℃到18℃,明天早晨最低气温5℃。"


def test_coverage_counts_alias_forms_and_weighs_rare_words_more(searcher):
    question = understand("经开区的基金规模")
    paragraph = Paragraph(id=0, article_id="a", position=0, text="平湖经济技术开发区设立基金。", headline="标题")
    judged = judge(Hit(paragraph, 1.0), question, word_weights(searcher, question))
    assert judged.terms == ("经济技术开发区", "基金")
    assert 0.3 < judged.coverage < 1.0  # 规模 is missing


def test_coverage_threshold_is_validated(searcher):
    with pytest.raises(ValueError, match="coverage"):
        answer(searcher, "顾亚萍是谁", coverage=1.5)


def test_sentences_keep_their_punctuation_and_quotes():
    assert split_sentences("他说：“好。”然后走了！没了") == ["他说：“好。”", "然后走了！", "没了"]
