"""What counts as an answer of the asked kind, and when a passage's days fit a question's."""

from __future__ import annotations

import pytest

from retrieval import evidence
from retrieval.models import DateRange, Paragraph


@pytest.mark.parametrize(("kind", "text"), [
    ("money", "项目计划总投资为7亿元。"), ("money", "门票每人20元。"), ("area", "基地占地1200平方米。"),
    ("area", "一期合作区域约3000亩。"), ("speed", "设计时速350公里。"), ("clock", "每天上午9点开放。"),
    ("clock", "早上8:30开门。"), ("duration", "活动为期三天。"), ("duration", "工期18个月。"),
    ("date", "工程将于12月18日通车。"), ("date", "项目今年年底完工。"), ("count", "共有120余名代表参加。"),
    ("count", "最年长的已80多岁。"), ("percent", "同比增长6.5%。"), ("length", "全长12.5公里。"),
    ("place", "新馆位于当湖街道建国南路西侧。"), ("person", "市委书记钟伟华主持会议。"),
])
def test_a_sentence_with_an_answer_of_the_kind_holds_it(kind, text):
    assert evidence.holds(kind, text)


@pytest.mark.parametrize(("kind", "text"), [
    ("money", "项目占地80亩。"), ("clock", "基地占地1200平方米。"), ("area", "会议持续三个小时。"),
    ("speed", "大桥全长12公里。"), ("date", "与会人员认真学习。"), ("count", "会议认真研究部署。"),
    ("duration", "双方签订了战略合作协议。"),
])
def test_a_sentence_on_the_topic_without_that_kind_of_answer_does_not(kind, text):
    assert not evidence.holds(kind, text)


def test_a_question_of_no_kind_is_answered_by_any_text():
    assert evidence.holds("", "任何文字") and evidence.strength("", "任何文字") == 2


def test_a_place_said_outright_is_stronger_than_a_town_named_in_passing():
    assert evidence.strength("place", "新馆位于建国南路西侧。") == 2
    assert evidence.strength("place", "新仓镇召开会议。") == 1
    assert evidence.strength("place", "会议强调要抓好落实。") == 0
    assert evidence.strength("money", "总投资7亿元。") == 2


def paper(day: str) -> Paragraph:
    return Paragraph(id=1, article_id="a", position=0, text="本报讯", headline="标题", date=day)


def test_a_paper_of_the_asked_days_or_soon_after_agrees():
    july = DateRange("2025-07-01", "2025-07-31", explicit=True)
    assert evidence.date_agrees(july, paper("2025-07-16"), "") is True
    assert evidence.date_agrees(july, paper("2025-08-05"), "") is True  # a report looking back on July
    assert evidence.date_agrees(july, paper("2025-12-18"), "") is False
    assert evidence.date_agrees(july, paper("2025-06-30"), "") is False


def test_a_year_agrees_with_the_next_years_paper_and_with_text_naming_it():
    year = DateRange("2024-01-01", "2024-12-31", explicit=True)
    assert evidence.date_agrees(year, paper("2025-01-20"), "") is True  # last year's figures, reported in January
    assert evidence.date_agrees(year, paper("2021-03-01"), "") is False
    assert evidence.date_agrees(year, paper("2021-03-01"), "2024年全市实现生产总值") is True


def test_undated_papers_and_undated_questions_neither_agree_nor_disagree():
    day = DateRange("2025-12-18", "2025-12-18")
    assert evidence.date_agrees(day, paper(""), "") is None
    assert evidence.date_agrees(None, paper("2025-12-18"), "") is None
    assert evidence.date_agrees(day, paper("2025年12月"), "") is None
