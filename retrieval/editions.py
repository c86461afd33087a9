"""Which days' papers a corpus holds, and one day's headlines: what 最近有什么新闻 and 今天的报纸 get.

>>> from retrieval.models import Paragraph
>>> from retrieval.paragraphs import MemoryParagraphs
>>> source = MemoryParagraphs([Paragraph(id=1, article_id="a", position=0, text="…", headline="新馆开放",
...                                      date="2025-12-18", page="1")])
>>> edition(source, None).headlines[0].headline, edition(source, None).day
('新馆开放', '2025-12-18')
>>> edition(source, DateRange("2025-12-20", "2025-12-20")).nearest
('2025-12-18',)
"""

from __future__ import annotations

from datetime import date

from .models import DateRange, Edition
from .paragraphs import ParagraphSource

NEAREST = 3  # days offered when the day asked for has no paper


def edition(source: ParagraphSource, dates: DateRange | None) -> Edition:
    """The paper of the newest day within ``dates`` (the newest of all when None), or, when no paper
    is of those days, the days nearest to them. A corpus of undated pages has one undated edition."""
    days = source.days()
    if not days:
        return Edition(None, tuple(source.headlines(None)))
    if dates is None:
        return Edition(days[-1], tuple(source.headlines(days[-1])))
    within = [day for day in days if dates.start <= day <= dates.end]
    if within:
        return Edition(within[-1], tuple(source.headlines(within[-1])))
    asked = date.fromisoformat(dates.start)
    nearest = sorted(days, key=lambda day: (abs((date.fromisoformat(day) - asked).days), day))[:NEAREST]
    return Edition(None, asked=dates.start, nearest=tuple(sorted(nearest)))
