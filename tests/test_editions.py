"""A day's paper: the newest, the one of a day asked for, or the days nearest to it."""

from __future__ import annotations

from retrieval.editions import edition
from retrieval.models import DateRange, Paragraph
from retrieval.paragraphs import MemoryParagraphs


def paper(*items: tuple[str, str | None, str]) -> MemoryParagraphs:
    return MemoryParagraphs([Paragraph(id=n, article_id=f"a{n}", position=0, text="正文。", headline=headline,
                                       date=day, page="1", kind=kind)
                             for n, (headline, day, kind) in enumerate(items)])


PAPERS = paper(("新馆开放", "2025-12-16", "news"), ("公园建成", "2025-12-18", "news"),
               ("天气预报", "2025-12-18", "weather"), ("评论一则", "2025-12-18", "commentary"),
               ("老新闻", "2025-11-02", "news"))


def test_the_newest_paper_is_the_default_and_lists_news_and_commentary_only():
    newest = edition(PAPERS, None)
    assert newest.day == "2025-12-18"
    assert [(h.headline, h.paragraph_id) for h in newest.headlines] == [("公园建成", 1), ("评论一则", 3)]


def test_a_range_gets_its_newest_day_and_a_day_without_a_paper_gets_the_nearest():
    assert edition(PAPERS, DateRange("2025-12-01", "2025-12-17")).day == "2025-12-16"
    missing = edition(PAPERS, DateRange("2025-12-17", "2025-12-17"))
    assert (missing.day, missing.headlines, missing.asked) == (None, (), "2025-12-17")
    assert missing.nearest == ("2025-11-02", "2025-12-16", "2025-12-18")


def test_undated_pages_make_one_undated_edition():
    undated = edition(paper(("无日期", None, "news")), None)
    assert undated.day is None and [h.headline for h in undated.headlines] == ["无日期"]
    assert edition(paper(("无日期", None, "news")), DateRange("2025-12-17", "2025-12-17")).headlines
