"""The page parser on the real seed page and on small synthetic pages, one rule at a time."""

from __future__ import annotations

import pytest

from retrieval.pages import date_from_name, ends_sentence, parse_page

SEED_NAME = "000_e4a181130212ea15.txt"


@pytest.fixture(scope="module")
def seed_items(seed_text: str):
    return parse_page(seed_text, SEED_NAME)


def by_headline(items, headline):
    return next(item for item in items if item.headline == headline)


def test_seed_has_exactly_five_articles_then_advert_and_weather(seed_items):
    assert [(i.kind, i.headline) for i in seed_items] == [
        ("news", "市委常委会召开扩大会议"),
        ("news", "地企携手聚力 资本产业深融"),
        ("commentary", "“职教出海” 彰显平湖担当"),
        ("news", "时空廉书寄初心 结对帮带续薪火"),
        ("news", "我市打造青年人才“引育留”新生态"),
        ("advert", "嘉兴市交通学校(嘉兴交通技工学校)"),
        ("weather", "天气预报"),
    ]
    assert [len(i.paragraphs) for i in seed_items] == [4, 3, 5, 8, 6, 5, 1]


def test_seed_subheadlines_kicker_and_bylines(seed_items):
    first, second, comment, fourth, fifth = seed_items[:5]
    assert (first.subheadline, first.byline) == ("传达学习中央经济工作会议和省市有关会议精神", "记者 荣怡婷")
    assert second.subheadline == "" and second.byline == "记者 胡佳英 通讯员 曹金凤 查放 姜俊霞"
    assert comment.byline == "言成声"
    assert fourth.subheadline == "新仓创新模式筑牢干部廉洁防线"
    assert fourth.byline == "记者 杨思慧 实习生 许多 通讯员 陈明远"
    assert (fifth.kicker, fifth.subheadline) == ("一场“城”与“才”的双向奔赴", "")
    assert fifth.byline == "记者 纪晓岚 通讯员 方雪珂 陈懿欣"


def test_seed_page_header_names_page_and_section_of_every_item(seed_items):
    assert {(i.page, i.section) for i in seed_items} == {("6", "评论")}
    assert {i.date for i in seed_items} == {None}  # the seed's file name holds no date


def test_seed_column_breaks_are_joined(seed_items):
    text = "\n".join(p for item in seed_items for p in item.paragraphs)
    for joined in ("科学研判国内国际大势", "统一到党中央和省市委决策部署上来", "人工智能从“算力强”向“应用强”转化",
                   "要统筹抓好当前工作。全力以赴", "市人力社保局组织企业联盟", "少走了不少弯路",
                   "更是初心传承的“交流会”", "纪委书记汤顺顺表示"):
        assert joined in text, joined
    assert not any(p.endswith("科学研判国") for item in seed_items for p in item.paragraphs)


def test_seed_real_paragraph_ends_stay_apart(seed_items):
    meeting = seed_items[0].paragraphs
    assert meeting[1].startswith("会议指出") and meeting[2].startswith("会议强调")
    assert meeting[3].startswith("会议要求,要统筹抓好当前工作。")


def test_seed_furniture_never_leaks_into_news_paragraphs(seed_items):
    news = [p for item in seed_items if item.kind in ("news", "commentary") for p in item.paragraphs]
    for leak in ("■", "记者 ", "通讯员", "实习生", "第6评论", "DIYI PINGLUN", "栏目统筹", "砥砺前行", "镇在突破",
                 "招生热线", "交通学校", "今天多云到晴"):
        assert not any(leak in p for p in news), leak


def test_seed_weather_and_advert_are_their_own_items(seed_items):
    weather, = [i for i in seed_items if i.kind == "weather"]
    assert weather.paragraphs == ("今天多云到晴。明天多云到晴,西南风转西北风3级。今天白天最高气温17℃到18℃,"
                                  "明天早晨最低气温5℃。",)
    advert, = [i for i in seed_items if i.kind == "advert"]
    assert advert.paragraphs[1] == "地址:平湖市当湖街道乍王线大段段88号(吾悦广场南)"
    assert all("今天" not in p for p in advert.paragraphs)


PAGE_WITH_OTHER_BYLINES = """第C01版:今日平湖报

乍浦镇举办渔民文化节

■本报记者 王小明

本报讯 昨天上午，乍浦镇第十届渔民文化节在九龙山开幕，两千余人参加了开幕式。活动持续三

天，设有海鲜美食街等十余项内容。（下转第3版）

图为开幕式现场。 ■记者 李强 摄

独山港镇新建五座口袋公园

文/图 赵丽

本报讯 今年以来，独山港镇新建口袋公园五座，居民出门

即可休闲健身。
"""


def test_other_header_byline_forms_jump_marks_and_captions():
    first, second = parse_page(PAGE_WITH_OTHER_BYLINES, "2025-12-18.txt")
    assert (first.page, first.section, first.date) == ("C01", "今日平湖报", "2025-12-18")
    assert first.byline == "本报记者 王小明 记者 李强 摄"
    assert first.paragraphs == (
        "本报讯 昨天上午，乍浦镇第十届渔民文化节在九龙山开幕，两千余人参加了开幕式。"
        "活动持续三天，设有海鲜美食街等十余项内容。",
        "图为开幕式现场。",
    )
    assert (second.headline, second.byline) == ("独山港镇新建五座口袋公园", "文/图 赵丽")
    assert second.paragraphs == ("本报讯 今年以来，独山港镇新建口袋公园五座，居民出门即可休闲健身。",)


def test_column_label_kicker_headline_and_dash_subheadline():
    page = ("砥砺前行\n\n一场跨越山海的协作\n\n平湖—九寨沟东西部协作再结硕果\n\n——我市帮扶项目带动三千余户增收\n\n"
            "本报讯 近日，九寨沟农产品加工中心正式投产。（记者 孙明 摄）\n")
    item, = parse_page(page, "p.txt")
    assert (item.kicker, item.headline, item.subheadline) == (
        "一场跨越山海的协作", "平湖—九寨沟东西部协作再结硕果", "我市帮扶项目带动三千余户增收")
    assert item.byline == "记者 孙明 摄"
    assert item.paragraphs == ("本报讯 近日，九寨沟农产品加工中心正式投产。",)


def test_one_article_page_without_byline_and_headline_with_comma():
    page = "稳中求进，提质增效\n\n本报讯 昨天，全市经济运行分析会召开。\n\n会议强调，要稳中求进。\n"
    item, = parse_page(page, "page.txt")
    assert (item.kind, item.headline, item.byline, item.page) == ("news", "稳中求进，提质增效", "", "")
    assert item.paragraphs == ("本报讯 昨天，全市经济运行分析会召开。", "会议强调，要稳中求进。")


def test_short_line_with_comma_after_a_paragraph_is_a_broken_sentence_not_a_headline():
    page = "标题在这里\n\n本报讯 第一段。\n\n会议要求,要抓好当前\n\n工作。全力以赴抓好收官。\n"
    item, = parse_page(page, "page.txt")
    assert item.paragraphs == ("本报讯 第一段。", "会议要求,要抓好当前工作。全力以赴抓好收官。")


def test_paragraphs_separated_by_single_newlines_and_weather_block():
    page = ("新埭镇开展消防演练\n本报讯 昨天，新埭镇开展消防演练。\n演练持续两小时。\n\n"
            "今天阴有小雨，最高气温12℃。\n明天多云，最低气温6℃。\n")
    article, weather = parse_page(page, "page.txt")
    assert article.paragraphs == ("本报讯 昨天，新埭镇开展消防演练。", "演练持续两小时。")
    assert (weather.kind, weather.headline) == ("weather", "天气预报")
    assert weather.paragraphs == ("今天阴有小雨，最高气温12℃。明天多云，最低气温6℃。",)


def test_commentary_is_recognised_by_author_only_byline():
    page = "让城市更有温度\n\n■钟言\n\n城市的温度，体现在细节之中。\n"
    item, = parse_page(page, "page.txt")
    assert (item.kind, item.byline) == ("commentary", "钟言")


def test_sentence_end_and_file_name_dates():
    assert ends_sentence("他说：“好。”") and ends_sentence("真的吗？") and not ends_sentence("科学研判国")
    assert date_from_name("pinghu-2025-12-18-p6.txt") == "2025-12-18"
    assert date_from_name("20251218_06.txt") == "2025-12-18"
    assert date_from_name("000_e4a181130212ea15.txt") is None
    assert date_from_name("2025-13-45.txt") is None


@pytest.mark.parametrize("headline", ["文化节开幕", "记者节座谈会举行", "图书馆延时开放", "通讯员培训班结业"])
def test_headlines_that_begin_with_a_role_word_are_not_bylines(headline):
    item, = parse_page(f"{headline}\n\n■记者 张三\n\n本报讯 昨天，活动举行。\n", "page.txt")
    assert (item.headline, item.byline) == (headline, "记者 张三")


def test_bylines_with_colons_and_glued_names():
    item, = parse_page("新闻标题\n\n文：李四\n\n本报讯 内容。\n", "page.txt")
    assert item.byline == "文：李四"
    item, = parse_page("新闻标题\n\n■记者王小明\n\n本报讯 内容。\n", "page.txt")
    assert item.byline == "记者王小明"


def test_news_lines_starting_with_today_are_not_weather():
    page = ("防汛工作部署会召开\n\n今天上午，市领导调研防风防汛工作，要求各地做好准备。\n\n"
            "明天白天阴有小雨，最高气温12℃。\n")
    news, weather = parse_page(page, "page.txt")
    assert news.paragraphs == ("今天上午，市领导调研防风防汛工作，要求各地做好准备。",)
    assert weather.paragraphs == ("明天白天阴有小雨，最高气温12℃。",)
