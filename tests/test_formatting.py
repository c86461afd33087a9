"""Reply formatting as pure functions: valid Telegram HTML, escaped, within 4,096 characters."""

from __future__ import annotations

import random
import re

from bot import formatting
from retrieval.ingesting import FileReport, IngestReport
from retrieval.models import Answer, Edition, Headline, Hit, Paragraph, QuestionStats, Status, Vote
from testkit.botkit import telegram_html_problems


def hit(text: str, headline: str = "标题", terms: tuple[str, ...] = (), sentence: str = "", **fields) -> Hit:
    paragraph = Paragraph(id=1, article_id=fields.pop("article_id", "a"), position=0, text=text,
                          headline=headline, **fields)
    return Hit(paragraph=paragraph, score=1.0, sentence=sentence or text, terms=terms)


def test_answer_is_bold_headline_place_then_highlighted_passage():
    passage = hit("平湖经开区签订协议。", "地企携手", ("协议",), date="2025-12-18", page="6", section="评论")
    text = formatting.render(Answer("q", Status.ANSWERED, (passage,)), html=True)
    assert text == "<b>地企携手</b>\n2025-12-18 · 第6版 评论\n平湖经开区签订<u>协议</u>。"
    assert telegram_html_problems(text) == []


def test_the_answering_sentence_is_bold_within_a_longer_passage():
    passage = hit("项目今年开工。总投资5亿元，用地80亩。", "新项目", ("投资",), sentence="总投资5亿元，用地80亩。")
    text = formatting.render(Answer("q", Status.ANSWERED, (passage,)), html=True)
    assert text.endswith("项目今年开工。<b>总<u>投资</u>5亿元，用地80亩。</b>")
    related = formatting.render(Answer("q", Status.RELATED, (passage,)), html=True)
    assert "<b>总" not in related and telegram_html_problems(related) == []


def test_corpus_and_question_text_is_escaped():
    evil = hit("价格 <b>1 & 2</b> <script>x</script>", "A&B <i>", ("script", "<b>"))
    text = formatting.render(Answer("<b>?", Status.ANSWERED, (evil,)), html=True)
    assert telegram_html_problems(text) == []
    assert "<b>A&amp;B &lt;i&gt;</b>" in text
    assert "<u>&lt;b&gt;</u>1 &amp; 2&lt;/b&gt; &lt;<u>script</u>&gt;" in text
    plain = formatting.render(Answer("q", Status.ANSWERED, (evil,)), html=False)
    assert "价格 <b>1 & 2</b>" in plain  # the terminal shows text as it is


def test_long_passages_are_trimmed_around_the_best_sentence_on_sentence_bounds():
    sentences = [f"第{i}句话说的是一件很长很长的事情，需要很多字来讲清楚它的来龙去脉。" for i in range(40)]
    long = hit("".join(sentences), sentence=sentences[20], terms=("事情",))
    text = formatting.render_hit(long, html=True)
    body = text.splitlines()[-1]
    assert body.startswith("…第") and body.endswith("…")
    assert "第20句话" in body and len(body.replace("<u>", "").replace("</u>", "")) <= formatting.PASSAGE_CHARS + 2


def test_three_huge_answers_fit_one_message_with_valid_html():
    huge = "平湖&<>" * 3000 + "。"
    hits = tuple(hit(huge, "很长的标题&" * 50, ("平湖", "&"), article_id=str(i)) for i in range(3))
    text = formatting.render(Answer("q", Status.ANSWERED, hits), html=True)
    assert len(text) <= formatting.MAX_MESSAGE
    assert telegram_html_problems(text) == []


def test_no_answer_offers_latest_headlines_escaped():
    text = formatting.render(Answer("q", Status.NONE), html=True, latest=[("A<B", "2025-12-18"), ("C", None)])
    assert text == (formatting.NO_ANSWER + "\n\n您可以看看这些最新报道：\n• A&lt;B（2025-12-18）\n• C")


def test_greeting_help_and_empty_replies():
    assert formatting.render(Answer("你好", Status.GREETING), html=True) == formatting.GREETING
    assert formatting.render(Answer("帮助", Status.HELP), html=True) == formatting.HELP
    assert formatting.render(Answer("???", Status.EMPTY), html=True) == formatting.EMPTY


def test_stats_and_report_render_in_chinese():
    stats = formatting.Stats(articles=7, paragraphs=32, loaded_at="2025-12-18 08:00:00",
                             questions=QuestionStats(today=3, total=4, unanswered=1, missed=("比特币<价格>",)))
    assert formatting.render_stats(stats, html=True) == (
        "收录：文章 7 篇，段落 32 段\n上次加载：2025-12-18 08:00:00\n提问：今天 3 个，累计 4 个，未能回答 25%\n"
        "最近未能回答的问题：\n• 比特币&lt;价格&gt;\n订阅：0 人\n本周反馈：👍 0，👎 0")
    voted = formatting.Stats(articles=7, paragraphs=32, loaded_at=None, questions=QuestionStats(0, 0, 0, ()),
                             subscribers=2, votes=(Vote("q", ("a",), 1, "h"), Vote("p<", ("b",), -1, "h")),
                             disliked=(("p<", ("新馆开放",)),))
    assert formatting.render_stats(voted, html=True).endswith(
        "订阅：2 人\n本周反馈：👍 1，👎 1（👎 占 50%）\n最近被点 👎 的回答：\n• p&lt; → 新馆开放")


def test_a_report_of_many_bad_files_stays_whole_html_within_the_limit():
    files = tuple(FileReport("&<>" * 30 + f"-{i}.txt", "failed", "binary file & <junk>") for i in range(300))
    text = formatting.render_report(IngestReport(files, 7, 32, 0, 1.0), html=True)
    assert telegram_html_problems(text) == []
    assert text.splitlines()[-2].startswith("……另有 ") and 1 <= text.count("\n• ") <= 20


def test_a_passage_without_a_headline_shows_its_subheadline_or_says_so():
    assert formatting.render_hit(hit("正文。", "", subheadline="——副题"), html=False).startswith("——副题\n")
    assert formatting.render_hit(hit("正文。", ""), html=False).startswith("（无标题）\n")


def test_a_report_lists_the_items_to_check_in_chinese():
    report = IngestReport((FileReport("p<1>.txt", "new", articles=1, warnings=(("", "no-headline"),)),), 8, 33, 2, 0.4)
    assert formatting.render_report(report, html=True).splitlines()[1] == "• 请核对 p&lt;1&gt;.txt《无标题》：没有标题"


def test_related_passages_say_they_may_not_answer():
    passage = hit("市委常委会召开扩大会议。", "市委常委会召开扩大会议", date="2025-12-18", page="1")
    text = formatting.render(Answer("会议开了几个小时", Status.RELATED, (passage,)), html=True)
    assert text.startswith("没有找到确切答案，以下报道可能相关：\n\n<b>市委常委会召开扩大会议</b>")
    assert telegram_html_problems(text) == []


def test_a_passage_from_an_earlier_year_says_how_old_it_is():
    old = hit("西瓜灯节开幕。", "西瓜灯节", date="2021-09-18", page="2")
    text = formatting.render(Answer("q", Status.ANSWERED, (old,), today="2025-12-18"), html=False)
    assert text.splitlines()[1] == "2021-09-18 · 第2版，这是2021年的报道"
    fresh = formatting.render(Answer("q", Status.ANSWERED, (old,), today="2021-12-01"), html=False)
    assert "这是" not in fresh
    assert formatting.old_report(None, "2025-12-18") == "" and formatting.old_report("2024-01-02", "") == ""


def test_who_wrote_it_shows_the_byline_above_the_passage():
    passage = hit("本报讯 项目签约。", "项目签约", byline="记者 胡佳英 通讯员 曹金凤", date="2025-12-18", page="6")
    text = formatting.render(Answer("谁写的", Status.ANSWERED, (passage,), byline=True), html=True)
    assert text.splitlines()[:3] == ["<b>项目签约</b>", "2025-12-18 · 第6版", "<b>作者：记者 胡佳英 通讯员 曹金凤</b>"]
    plain = formatting.render(Answer("写了什么", Status.ANSWERED, (passage,)), html=False)
    assert "作者" not in plain


def test_an_article_splits_between_paragraphs_and_a_huge_paragraph_between_sentences():
    head = Paragraph(id=1, article_id="a", position=0, text="短段。", headline="标<题>", subheadline="副题",
                     byline="记者 张 明", date="2025-12-18", page="2", section="要闻")
    huge = Paragraph(id=2, article_id="a", position=1, text="很长的一句话，<不能>乱切。" * 800, headline="标<题>")
    messages = formatting.render_article([head, huge, head], html=True)
    assert messages[0].startswith("<b>标&lt;题&gt;</b>\n副题\n记者 张 明\n2025-12-18 · 第2版 要闻\n\n短段。")
    assert all(len(m) <= 4096 and telegram_html_problems(m) == [] for m in messages)
    assert "".join(messages).count("很长的一句话，&lt;不能&gt;乱切。") == 800  # no sentence cut, none lost
    assert messages[-1].endswith("短段。")


def test_a_day_in_words_and_a_forecast_says_which_papers_it_is():
    assert formatting.day_words("2025-12-18", "2025-12-19") == "12月18日"
    assert formatting.day_words("2024-12-18", "2025-12-19") == "2024年12月18日"
    assert formatting.day_words(None) == "日期不明"
    forecast = Paragraph(id=1, article_id="w", position=0, text="明天晴。", headline="天气预报", kind="weather",
                         date="2025-12-18")
    text = formatting.render(Answer("明天天气", Status.ANSWERED, (hit("明天晴。", "天气预报", kind="weather",
                                                                     date="2025-12-18"),), today="2025-12-19"),
                             html=False)
    assert text.startswith("12月18日报纸的天气预报：\n天气预报\n2025-12-18")
    assert formatting.weather_note(forecast, "2026-01-02") == "2025年12月18日报纸的天气预报："
    assert formatting.weather_note(Paragraph(id=2, article_id="w", position=0, text="晴。", headline="天气预报",
                                             kind="weather")) == "这份天气预报来自日期不明的报纸："


def test_an_edition_lists_ten_headlines_and_says_how_many_more():
    items = tuple(Headline(f"a{n}", f"标题{n}", "2025-12-18", page="3", paragraph_id=n) for n in range(12))
    text = formatting.render_edition(Edition("2025-12-18", items), html=False, today="2025-12-18")
    lines = text.splitlines()
    assert lines[0] == "12月18日的报纸（12篇）：" and lines[1] == "1. 标题0（第3版）"
    assert lines[-1] == "……另有 2 篇" and len(lines) == 12


def test_terms_are_found_where_a_regular_expressions_alternation_finds_them():
    """Left to right, no overlaps, the longest term first, any case: as re's alternation would."""
    rng = random.Random(5)
    alphabet = "平湖市新闻Ab aİ"  # İ lower-cases to two characters
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        terms = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
        wanted = sorted(set(terms), key=len, reverse=True)
        expected = [m.span() for m in re.finditer("|".join(map(re.escape, wanted)), text, re.IGNORECASE)]
        assert formatting._occurrences(text, terms) == expected, (text, terms)
