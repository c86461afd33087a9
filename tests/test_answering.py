"""The answer policy on the seed page: the right article first, honest no-answers, passages and sentences."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrieval.answering import Reading, answer, split_sentences
from retrieval.models import Hit, Paragraph, Status
from retrieval.searching import Searcher
from retrieval.tokenizing import tokenize
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
    assert 0.7 < top.coverage < 1.0  # 签 counts only standing alone, and the paper prints 签订


def test_only_hits_on_the_topic_are_read_for_a_sentence(searcher):
    hits = answer(searcher, "平湖经开区和谁签了战略合作协议?").hits
    on_topic = [hit for hit in hits if hit.coverage >= 0.3 and hit.anchored]
    assert [hit.paragraph.headline[:6] for hit in on_topic] == ["地企携手聚力"] * 3
    assert all(hit.sentence and hit.terms for hit in on_topic)
    # The rest (职教出海, 市委常委会…) are assessed, not judged: coverage and anchor only.
    assert len(hits) == 12 and all(not hit.sentence and not hit.terms for hit in hits if hit not in on_topic)
    assert [round(hit.coverage, 2) for hit in hits[3:6]] == [0.14, 0.19, 0.08]


def test_weather_questions_answer_from_the_weather_item(searcher):
    for question in ("明天天气怎么样", "今天最高气温多少度", "明天早晨最低气温"):
        assert answer(searcher, question).passages[0].paragraph.kind == "weather", question
    top = answer(searcher, "今天最高气温多少度").passages[0]
    assert top.sentence == "今天白天最高气温17℃到18℃,明天早晨最低气温5℃。"


def test_coverage_counts_alias_forms_and_weighs_rare_words_more(searcher):
    question = understand("经开区的基金规模")
    paragraph = Paragraph(id=0, article_id="a", position=0, text="平湖经济技术开发区设立基金。", headline="标题")
    judged = Reading.of(searcher, question).judge(Hit(paragraph, 1.0))
    assert judged.terms == ("经济技术开发区", "基金")
    assert 0.3 < judged.coverage < 1.0  # 规模 is missing


def test_coverage_threshold_is_validated(searcher):
    with pytest.raises(ValueError, match="coverage"):
        answer(searcher, "顾亚萍是谁", coverage=1.5)


def test_sentences_keep_their_punctuation_and_quotes():
    assert split_sentences("他说：“好。”然后走了！没了") == ["他说：“好。”", "然后走了！", "没了"]


@given(st.text(alphabet="ab 。！?;”)\n\t", max_size=12))
def test_sentences_are_cut_as_the_plain_lazy_pattern_cuts_them(text):
    # The pattern it replaced, for speed: the shortest run up to closing punctuation (and the quotes
    # after it) or the end.
    lazy = re.compile(r".+?(?:[。！？!?；;]+[”’」』）)]*|$)", re.S)
    assert split_sentences(text) == [s for s in (m.group(0) for m in lazy.finditer(text)) if s.strip()]


def corpus(*articles: tuple[str, str, str, tuple[str, ...]]) -> Searcher:
    """A searcher over made-up articles: (article id, headline, date, paragraphs)."""
    paragraphs = [Paragraph(id=len(done) + i, article_id=aid, position=i, text=text, headline=headline, date=day,
                            byline="记者 张 明" if aid == "a" else "")
                  for done in ([],) for aid, headline, day, texts in articles for i, text in enumerate(texts)]
    paragraphs = [replace(p, id=n) for n, p in enumerate(paragraphs)]
    return Searcher.of(paragraphs, [tokenize(p.text + p.headline) for p in paragraphs])


PROJECT = corpus(
    ("a", "新能源项目落户独山港", "2025-12-18", (
        "本报讯 新能源电池项目落户独山港经济开发区，项目建成后将带动上下游企业集聚，独山港新能源产业再添新动能。",
        "据悉，该项目计划总投资12亿元，用地约150亩，将建设电池生产线四条。",
        "项目负责人表示，将加快推进项目建设，力争明年6月底前竣工投产。")),
    ("b", "独山港召开项目推进会", "2024-03-02", (
        "本报讯 独山港镇召开新能源项目推进会，部署全年项目建设工作，要求各部门服务好新能源项目。",)),
    ("c", "当湖街道开展垃圾分类宣传", "2025-12-17", (
        "本报讯 当湖街道开展垃圾分类宣传活动，志愿者走进社区发放宣传资料。",)),
    ("d", "市图书馆新馆开放", "2025-12-16", ("本报讯 市图书馆新馆昨天开放，市民排队入馆借书。",)),
    ("e", "乍浦镇举办渔民画展", "2025-12-15", ("本报讯 乍浦镇渔民画展在文化站举办，展出作品六十余幅。",)),
    ("f", "钟埭街道慰问老党员", "2025-12-14", ("本报讯 钟埭街道走访慰问老党员和困难群众，送上慰问品。",)),
    ("g", "新埭镇召开安全生产会议", "2025-12-13", ("本报讯 新埭镇召开安全生产工作会议，部署冬季安全检查。",)),
)


def test_the_paragraph_that_answers_is_shown_not_the_one_repeating_the_topic():
    result = answer(PROJECT, "独山港新能源项目总投资多少钱")
    assert result.status is Status.ANSWERED
    top = result.passages[0]
    assert top.paragraph.article_id == "a"
    assert top.sentence == "据悉，该项目计划总投资12亿元，用地约150亩，将建设电池生产线四条。"
    assert top.typed


def test_the_sentence_holding_the_asked_kind_is_marked():
    assert answer(PROJECT, "独山港新能源项目用地多大").passages[0].sentence.startswith("据悉，该项目计划总投资12亿元")
    assert answer(PROJECT, "独山港新能源项目什么时候投产").passages[0].sentence == (
        "项目负责人表示，将加快推进项目建设，力争明年6月底前竣工投产。")


def test_a_question_on_the_topic_that_the_paper_does_not_answer_is_related_not_answered():
    result = answer(PROJECT, "独山港新能源项目的电池生产线有多长")
    assert result.status is Status.RELATED
    assert result.passages[0].paragraph.article_id == "a"


def test_a_question_naming_a_year_prefers_that_years_article():
    assert answer(PROJECT, "2024年独山港新能源项目推进会").passages[0].paragraph.article_id == "b"
    assert answer(PROJECT, "独山港新能源项目推进会").passages[0].paragraph.article_id == "b"


def test_a_question_insisting_on_a_day_gets_only_that_days_articles():
    result = answer(PROJECT, "只看2025年12月18日的新能源项目")
    assert {hit.paragraph.article_id for hit in result.passages + result.more} == {"a"}


def test_who_wrote_it_is_answered_by_an_article_with_a_byline():
    result = answer(PROJECT, "新能源项目落户独山港那篇是谁写的")
    assert result.status is Status.ANSWERED and result.byline
    assert result.passages[0].paragraph.byline == "记者 张 明"


def test_a_first_upload_of_one_article_answers_questions_on_it():
    one = corpus(("a", "独山港镇新建五座口袋公园", "2025-12-19", ("本报讯 今年以来，独山港镇新建口袋公园五座。",)))
    assert answer(one, "独山港镇口袋公园").status is Status.ANSWERED


@pytest.mark.parametrize("question", ["战略合作协议签了多少年?", "新仓镇的廉政教育基地几点开门?",
                                      "市委常委会扩大会议开了几个小时?"])
def test_seed_questions_the_page_does_not_answer_are_never_answered(searcher, question):
    assert answer(searcher, question).status in (Status.RELATED, Status.NONE)


def test_a_weather_question_gets_the_newest_forecast_first():
    forecasts = corpus(("w1", "天气预报", "2025-12-16", ("明天多云，最高气温10℃。",)),
                       ("w2", "天气预报", "2025-12-18", ("明天多云，最高气温12℃。",)),
                       *[(f"n{i}", f"新闻{i}", "2025-12-18", (f"本报讯 第{i}条消息。",)) for i in range(5)])
    paragraphs = forecasts.paragraphs
    weather = [p for p in paragraphs.items if p.headline == "天气预报"]
    weather_searcher = Searcher.of([replace(p, kind="weather") if p in weather else p for p in paragraphs.items],
                                   [tokenize(p.text + p.headline) for p in paragraphs.items])
    result = answer(weather_searcher, "明天天气怎么样")
    assert [hit.paragraph.date for hit in result.passages[:2]] == ["2025-12-18", "2025-12-16"]


def test_news_questions_get_the_newest_papers_headlines():
    result = answer(PROJECT, "最近有什么新闻")
    assert result.status is Status.NEWS and result.edition.day == "2025-12-18"
    assert [h.headline for h in result.edition.headlines] == ["新能源项目落户独山港"]
