"""The page parser on the real seed page and on small synthetic pages, one rule at a time."""

from __future__ import annotations

import hashlib
import json

import pytest

from retrieval import layout
from retrieval.pages import date_from_name, ends_sentence, parse_page

from .conftest import ROOT, need_in_ci

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
    assert date_from_name("2025-02-31.txt") is None  # no such day, whatever the digits say
    assert layout.date_in("2024年2月29日 08:13 来源：嘉兴日报") == "2024-02-29"
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


# -- rules from real layouts (issue 11), each on a small page of its own ----------------------

def titles_of(page: str, name: str = "page.txt") -> list[tuple[str, str, str, str, int]]:
    """(kicker, headline, subheadline, byline, paragraph count) of each news or commentary item."""
    return [(a.kicker, a.headline, a.subheadline, a.byline, len(a.paragraphs))
            for a in parse_page(page, name) if a.kind in ("news", "commentary")]


def test_a_headline_with_a_comma_above_the_body_is_a_headline_at_the_top_and_after_a_header():
    body = "本报讯 今年以来，全市公交线路新增十二条，覆盖全部行政村。\n"
    assert titles_of(f"平湖:公交驶出便民之路,串联美丽新农村\n\n{body}") == [
        ("", "平湖:公交驶出便民之路,串联美丽新农村", "", "", 1)]
    long = "问需于企促发展!平湖经开召开重点企业座谈会，共商高质量发展新路径"
    assert titles_of(f"第C01版:今日平湖报\n\n{long}\n\n{body}")[0][1] == long


def test_short_lines_between_paragraphs_are_section_heads_of_the_story():
    page = ("平湖一季度农业开门红\n\n本报讯 一季度，全市农业总产值增长一成。\n\n稳产保供重要农产品\n\n"
            "坚持稳粮保供，生猪存栏一万头。\n\n一、培育壮大特色产业\n\n蔬菜播种面积增长。\n\n"
            "文韵:传承中的文化自信\n\n瓜灯文化节如约而至。\n\n■ 聚力推进数字赋能\n\n建设数字乡村大脑。\n")
    item, = parse_page(page, "p.txt")
    assert item.paragraphs[1:] == ("稳产保供重要农产品", "坚持稳粮保供，生猪存栏一万头。", "一、培育壮大特色产业",
                                   "蔬菜播种面积增长。", "文韵:传承中的文化自信", "瓜灯文化节如约而至。",
                                   "■ 聚力推进数字赋能", "建设数字乡村大脑。")


def test_bare_jump_marks_and_the_headline_printed_again_keep_one_story():
    page = ("■记者 张三\n\n本报讯 年产12万吨生活用纸项目开工。\n\n项目总投资7亿元，预计年销售\n\n下转C2版\n\n"
            "景兴纸业新项目正式开工\n\n上接C1版\n\n收入10亿元。市领导要求做好服务。\n")
    item, = parse_page(page, "p.txt")
    assert (item.headline, item.byline) == ("景兴纸业新项目正式开工", "记者 张三")
    assert item.paragraphs == ("本报讯 年产12万吨生活用纸项目开工。",
                               "项目总投资7亿元，预计年销售收入10亿元。市领导要求做好服务。")


@pytest.mark.parametrize(("head", "expected"), [
    ("脚下沾满泥土 心中装满真情\n\n平湖:百名干部蹲点基层", ("脚下沾满泥土 心中装满真情", "平湖:百名干部蹲点基层", "")),
    ("市长在新仓镇调研时指出\n\n鼓劲企业发展", ("市长在新仓镇调研时指出", "鼓劲企业发展", "")),
    ("图片新闻\n\n新仓镇举办西瓜灯展", ("", "新仓镇举办西瓜灯展", "")),
    ("市委召开常委会\n\n——研究部署明年工作", ("", "市委召开常委会", "研究部署明年工作")),
    ("为打造共同富裕作出新的更大贡献\n\n市政协会议开幕\n\n王某出席",
     ("为打造共同富裕作出新的更大贡献", "市政协会议开幕", "王某出席")),
])
def test_kicker_headline_and_subheadline(head, expected):
    kicker, headline, subheadline, _, _ = titles_of(f"{head}\n\n本报讯 会议昨天召开。\n")[0]
    assert (kicker, headline, subheadline) == expected


def test_a_web_copy_puts_the_kicker_above_the_headline_over_its_date_line():
    page = ("您当前的位置:首页 > 新闻中心 > 桐乡新闻\n嘉兴日报\n市长在洲泉镇走访\n鼓劲企业发展督促五水共治\n"
            "2014年02月28日 08:13 来源: 嘉兴日报 记者 李明 通讯员 张三\n《春耕》作者王某\n"
            "  昨天下午，市长一行走访了洲泉镇多家企业。\n  随后，市长来到双箭集团。\n"
            "标签:调研 责任编辑:王某\n分享到:\n")
    item, = parse_page(page, "p.txt")
    assert (item.kicker, item.headline, item.byline, item.date) == (
        "市长在洲泉镇走访", "鼓劲企业发展督促五水共治", "记者 李明 通讯员 张三", "2014-02-28")
    assert item.paragraphs == ("昨天下午，市长一行走访了洲泉镇多家企业。", "随后，市长来到双箭集团。")


@pytest.mark.parametrize(("header", "page", "section"), [
    ("第03版:聚焦重点 “两会”时间", "03", "聚焦重点 “两会”时间"),
    ("南湖晚报 第14版:平湖周刊·镇(街道)", "14", "平湖周刊·镇(街道)"),
    ("00006版:要闻", "00006", "要闻"),
    ("第6评论", "6", "评论"),
])
def test_page_headers_of_each_form(header, page, section):
    item, = parse_page(f"浙江日报 数字报纸\n\n{header}\n\n新仓镇开展消防演练\n\n本报讯 昨天开展演练。\n", "p.txt")
    assert (item.page, item.section, item.headline) == (page, section, "新仓镇开展消防演练")


@pytest.mark.parametrize(("printed", "byline"), [
    ("钟秀勤/文", "钟秀勤/文"), ("记者 李 明", "记者 李明"),
    ("N周刊记者 胡某某 通讯员 王鑫", "N周刊记者 胡某某 通讯员 王鑫"), ("■摄影记者 沈飞", "摄影记者 沈飞"),
    ("■记者 胡佳英 照片由平湖市新仓镇提供", "记者 胡佳英 照片由平湖市新仓镇提供"),
    ("□ 陆爱斌", "陆爱斌"), ("作者:杨越岷", "作者:杨越岷"), ("倪聪耕 沈晓琴/文", "倪聪耕 沈晓琴/文"),
])
def test_bylines_of_each_form_never_reach_a_title_or_a_paragraph(printed, byline):
    (_, headline, subheadline, found, count), = titles_of(f"新仓镇开展消防演练\n\n{printed}\n\n本报讯 昨天开展演练。\n")
    assert (headline, subheadline, found, count) == ("新仓镇开展消防演练", "", byline, 1)


def test_a_byline_inside_the_dateline_is_taken_out_of_the_paragraph():
    item, = parse_page("新仓镇开展消防演练\n\n本报讯(记者 张三 通讯员 李四)昨天，新仓镇开展消防演练。\n", "p.txt")
    assert (item.byline, item.paragraphs) == ("记者 张三 通讯员 李四", ("本报讯 昨天，新仓镇开展消防演练。",))


def test_an_interviewee_line_and_a_column_label_above_the_body_are_no_titles():
    page = ("平湖市:\n\n潮起东湖水 奋楫新能级\n\n  平湖市委书记 钟伟华\n\n  N晚报记者 孔嘉敏\n\n  ●书记访谈\n\n"
            "  日月其迈，岁律更新。\n")
    item, = parse_page(page, "p.txt")
    assert (item.kicker, item.headline, item.subheadline) == ("平湖市", "潮起东湖水 奋楫新能级", "")
    assert item.byline == "平湖市委书记 钟伟华 N晚报记者 孔嘉敏" and item.paragraphs == ("日月其迈，岁律更新。",)


def test_a_byline_after_the_body_belongs_to_the_story_and_its_caption_line_is_dropped():
    page = ("第C01版:今日平湖报\n\n余姚代表团来平考察\n\n本报讯 昨天下午，余姚市党政代表团来平考察。\n\n余姚代表团\n\n"
            "■记者 冯思家\n\n2020-11-13 5 5 嘉兴日报平湖版 content_58316.html 1 3 余姚代表团来平考察 /enpproperty-->\n")
    item, = parse_page(page, "p.txt")
    assert (item.headline, item.byline, item.paragraphs) == (
        "余姚代表团来平考察", "记者 冯思家", ("本报讯 昨天下午，余姚市党政代表团来平考察。",))


def test_indented_paragraphs_on_single_lines_and_a_headline_printed_twice():
    page = ("“汉塘新韵”:新丰谱写美丽画卷\n\n\u3000\u3000“汉塘新韵”:新丰谱写美丽画卷\n"
            "\u3000\u3000第一段没有写完\n  第二段。\n  第三段。\n")
    item, = parse_page(page, "p.txt")
    assert item.headline == "“汉塘新韵”:新丰谱写美丽画卷"
    assert item.paragraphs == ("第一段没有写完", "第二段。", "第三段。")


def test_reader_chrome_and_trailers_never_reach_an_article():
    page = ("当前报纸名称:嘉兴日报\n日期:05-20 版面:第03版:聚焦 上一篇 下一篇\n[打印] 字号:大 中 小\n"
            "新仓镇举办西瓜灯节\n发布时间:2024-05-20 来源:平湖市人民政府\n![]() |\n1.jpg\n△现场图\n"
            "本报讯 昨天，新仓镇举办西瓜灯节。\n信息来源:新仓镇\n（原标题：新仓举办灯节）\n")
    item, = parse_page(page, "p.txt")
    assert (item.headline, item.date, item.paragraphs) == (
        "新仓镇举办西瓜灯节", "2024-05-20", ("本报讯 昨天，新仓镇举办西瓜灯节。",))


def test_photo_news_quote_card_headless_copies_and_an_essay_under_its_author():
    assert titles_of("昨天，市图书馆展出了美丽城镇画展。\n■摄影 王 强\n") == [("", "", "", "摄影 王强", 1)]
    assert titles_of("金明湘\n\n(广陈镇山塘村村民)\n\n之前我和家人一起去看了话剧。\n") == [
        ("", "金明湘", "广陈镇山塘村村民", "", 1)]
    assert titles_of("■记者 胡佳英\n本报讯 昨天上午，市委书记走访企业。\n") == [("", "", "", "记者 胡佳英", 1)]
    assert titles_of("本报讯 昨天上午，市委书记走访企业。\n") == [("", "", "", "", 1)]
    assert titles_of("记忆中的老街\n\n曹一峰\n\n平湖建县之前，当湖一带已有居民。\n") == [
        ("", "记忆中的老街", "", "曹一峰", 1)]


def test_a_byline_above_a_kicker_belongs_to_the_story_below_it():
    page = ("市委召开会议\n\n■记者 张三\n\n本报讯 会议召开。\n\n■记者 李四\n\n一场城与才的双向奔赴\n\n"
            "我市打造青年人才新生态\n\n近日，一场圆桌会在青年人才之家举办。\n")
    assert titles_of(page) == [("", "市委召开会议", "", "记者 张三", 1),
                               ("一场城与才的双向奔赴", "我市打造青年人才新生态", "", "记者 李四", 1)]


def test_generated_pages_parse_back_whole():
    """A few hundred generated pages with every layout above (python -m benchmarks.roundtrip for 2,000)."""
    from testkit.layouts import round_trip

    result = round_trip(range(300))
    assert result.articles == 742 and result.leaked == 0
    assert result.whole / result.articles >= 0.99, result.misses[:3]


def test_items_the_parser_was_unsure_of_carry_warnings():
    long_title = "\n".join(f"标题分成{n}行来印" for n in "五四三二一")  # one title over five lines: 44 characters
    page = f"本报讯 只有一句。\n\n{long_title}\n\n■记者 张三\n\n正文第一段。\n\n正文第二段。\n"
    items = parse_page(page, "p.txt")
    assert [item.warnings for item in items] == [("no-headline", "one-short-paragraph"), ("long-headline",)]


DEV_SET = ROOT.parent / "shared" / "bench" / "pinghu_pages" / "data"


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def test_the_development_set_of_real_pages_parses_as_an_editor_reads_it():
    """Eleven real articles (shared/bench/pinghu_pages, never copied here): each one item with the
    right titles, byline, page, section, date and paragraphs. The expected parse is kept as digests,
    so none of the pages' text is in this repository; a failure prints what was parsed."""
    need_in_ci(f"the development set at {DEV_SET}", DEV_SET.is_dir())
    expected = json.loads((ROOT / "tests" / "data" / "dev_pages.json").read_text(encoding="utf-8"))
    files = sorted(DEV_SET.glob("*.txt"))
    assert len(files) == len(expected) == 11
    for path in files:
        item, = parse_page(path.read_text(encoding="utf-8"), path.name)
        parsed = {"kicker": item.kicker, "headline": item.headline, "subheadline": item.subheadline,
                  "byline": item.byline, "page": item.page, "section": item.section}
        got = {name: _digest(value) for name, value in parsed.items()} | {
            "date": item.date, "paragraphs": len(item.paragraphs), "first": _digest(item.paragraphs[0][:12]),
            "last": _digest(item.paragraphs[-1][-12:])}
        assert got == expected[_digest(path.name)], (path.name, parsed, len(item.paragraphs))
        names = [word for word in item.byline.split() if len(word) >= 2 and word not in ("记者", "通讯员")]
        assert not any(name in text for name in names for text in (item.headline, *item.paragraphs))
